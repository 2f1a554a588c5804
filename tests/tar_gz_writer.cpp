#include "tar_gz_writer.h"

#include <archive.h>
#include <archive_entry.h>

#include <stdexcept>

namespace moco::test {

void write_tar_gz(const std::string& archive_path, const std::vector<std::pair<std::string, std::string>>& files) {
  archive* out = archive_write_new();
  archive_write_add_filter_gzip(out);
  archive_write_set_format_pax_restricted(out);
  if (archive_write_open_filename(out, archive_path.c_str()) != ARCHIVE_OK)
    throw std::runtime_error("cannot write the test archive '" + archive_path + "'");
  for (const auto& [path, bytes] : files) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, path.c_str());
    archive_entry_set_size(entry, la_int64_t(bytes.size()));
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_write_header(out, entry);
    archive_write_data(out, bytes.data(), bytes.size());
    archive_entry_free(entry);
  }
  archive_write_close(out);
  archive_write_free(out);
}

}  // namespace moco::test
