#include "fetch/http_download.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>

#ifdef MOCO_HAVE_CURL
#include <curl/curl.h>
#endif

namespace moco {

#ifdef MOCO_HAVE_CURL

namespace {

constexpr long kConnectTimeoutSeconds = 30;
constexpr long kStallSeconds = 60;  // fewer than 1 byte/s for this long counts as an interruption

// What the transfer callbacks share: the file, where it started, the caller's progress.
struct Transfer {
  std::FILE* file = nullptr;
  std::string part_path;
  int64_t offset = 0;  // bytes the file held before this request
  int64_t expected = 0;
  const ByteProgress* progress = nullptr;
  CURL* curl = nullptr;
  bool checked_status = false;
  bool write_failed = false;
};

size_t on_data(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  if (!t.checked_status) {
    t.checked_status = true;
    long status = 0;
    curl_easy_getinfo(t.curl, CURLINFO_RESPONSE_CODE, &status);
    if (t.offset > 0 && status == 200) {  // the server ignored the Range: start the file over
      t.file = std::freopen(t.part_path.c_str(), "wb", t.file);
      t.offset = 0;
      if (!t.file) return 0;
    }
  }
  const size_t bytes = size * count;
  if (std::fwrite(data, 1, bytes, t.file) != bytes) {
    t.write_failed = true;
    return 0;
  }
  return bytes;
}

int on_progress(void* user, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
  auto& t = *static_cast<Transfer*>(user);
  if (!t.progress || !*t.progress) return 0;
  const int64_t whole = total > 0 ? t.offset + int64_t(total) : t.expected;
  return (*t.progress)(t.offset + int64_t(now), whole) ? 0 : 1;
}

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

void http_download(const std::string& url, const std::string& part_path, int64_t expected_bytes, const ByteProgress& progress) {
  init_curl_once();
  Transfer t;
  t.part_path = part_path;
  t.offset = std::filesystem::exists(part_path) ? int64_t(std::filesystem::file_size(part_path)) : 0;
  t.expected = expected_bytes;
  t.progress = &progress;
  t.file = std::fopen(part_path.c_str(), "ab");
  if (!t.file) throw std::runtime_error("cannot write the download file '" + part_path + "'");
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  t.curl = curl.get();
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(t.curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(t.curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(t.curl, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(t.curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(t.curl, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutSeconds);
  curl_easy_setopt(t.curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(t.curl, CURLOPT_LOW_SPEED_TIME, kStallSeconds);
  curl_easy_setopt(t.curl, CURLOPT_RESUME_FROM_LARGE, curl_off_t(t.offset));
  curl_easy_setopt(t.curl, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(t.curl, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(t.curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(t.curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(t.curl, CURLOPT_XFERINFODATA, &t);
  const CURLcode result = curl_easy_perform(t.curl);
  long status = 0;
  curl_easy_getinfo(t.curl, CURLINFO_RESPONSE_CODE, &status);
  // fclose writes what stdio still buffers: a full disk may show only here.
  if (t.file && std::fclose(t.file) != 0) t.write_failed = true;
  const int64_t held = std::filesystem::exists(part_path) ? int64_t(std::filesystem::file_size(part_path)) : 0;
  if (result == CURLE_OK && !t.write_failed) return;
  // 416: the file already holds every byte (interrupted after the last one); the checksum decides.
  if (result == CURLE_HTTP_RETURNED_ERROR && status == 416 && t.offset > 0) return;
  const std::string why = error[0] ? error : curl_easy_strerror(result);
  if (result == CURLE_OK) throw std::runtime_error("cannot write to '" + part_path + "' (disk full?) while downloading " + url);
  if (held == 0) {  // nothing to resume: leave no empty file behind
    std::filesystem::remove(part_path);
    if (result == CURLE_ABORTED_BY_CALLBACK) throw DownloadCancelled("download of " + url + " cancelled");
  }
  if (result == CURLE_ABORTED_BY_CALLBACK)
    throw DownloadCancelled("download of " + url + " cancelled after " + std::to_string(held) + " bytes; '" + part_path +
                            "' is kept so the next download resumes there");
  if (t.write_failed) throw std::runtime_error("cannot write to '" + part_path + "' (disk full?) while downloading " + url);
  if (result == CURLE_HTTP_RETURNED_ERROR)
    throw std::runtime_error("download of " + url + " failed: HTTP " + std::to_string(status) + " (" + why + ")");
  if (held == 0) throw std::runtime_error("download of " + url + " failed: " + why);
  throw std::runtime_error("download of " + url + " interrupted after " + std::to_string(held) + " bytes (" + why + "); '" +
                           part_path + "' is kept: download again to resume");
}

#else

void http_download(const std::string& url, const std::string&, int64_t, const ByteProgress&) {
  throw std::runtime_error("cannot download " + url + ": this build has no libcurl (install libcurl4-openssl-dev and rebuild)");
}

#endif

}  // namespace moco
