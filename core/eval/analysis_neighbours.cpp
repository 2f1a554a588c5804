// Nearest neighbours in the training bank and in the queue; export of features and encoders.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/analysis.h"
#include "api/files.h"
#include "model/export.h"
#include "train/trainer.h"

namespace moco {
namespace {

// NumPy .npy format 1.0: magic, version, little-endian header length, a padded dict header.
std::string npy_bytes(const void* data, size_t bytes, const std::string& descr, const std::vector<int64_t>& shape) {
  std::ostringstream dict;
  dict << "{'descr': '" << descr << "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < shape.size(); ++i) dict << shape[i] << (shape.size() == 1 ? "," : i + 1 < shape.size() ? ", " : "");
  dict << "), }";
  std::string header = dict.str();
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  std::string out("\x93NUMPY\x01\x00", 8);
  out.push_back(char(header.size() & 0xff));
  out.push_back(char(header.size() >> 8));
  out += header;
  out.append(static_cast<const char*>(data), bytes);
  return out;
}

}  // namespace

NeighbourReport nearest_neighbours(Trainer& trainer, const FeatureSet& bank, const ImageU8& image, int64_t k) {
  torch::NoGradGuard no_grad;
  const auto& d = trainer.dataset();
  if (image.channels != d.channels() || image.height != d.height() || image.width != d.width())
    throw std::invalid_argument("neighbours: the image must be " + std::to_string(d.width()) + " x " +
                                std::to_string(d.height()) + " with " + std::to_string(d.channels()) + " channel(s)");
  if (bank.count == 0 || bank.head) throw std::invalid_argument("neighbours: need a non-empty bank of backbone features");
  if (k < 1) throw std::invalid_argument("neighbours: k must be at least 1");
  auto chw = torch::from_blob(const_cast<uint8_t*>(image.pixels.data()), {image.height, image.width, image.channels}, torch::kUInt8)
                 .permute({2, 0, 1})
                 .unsqueeze(0)
                 .to(trainer.device());
  auto& encoder = *trainer.model().query;
  const bool was_training = encoder.is_training();
  encoder.eval();
  auto features = encoder.features(trainer.augmenter().prepare(chw));
  auto embedding = l2_normalize(encoder.head(features)).cpu();
  features = l2_normalize(features).cpu();
  encoder.train(was_training);

  NeighbourReport report;
  auto bank_values = torch::from_blob(const_cast<float*>(bank.values.data()), {bank.count, bank.dim}, torch::kFloat32);
  auto sims = bank_values.mv(features[0]);
  auto [top, idx] = sims.topk(std::min(k, bank.count));
  for (int64_t i = 0; i < top.size(0); ++i) {
    const int64_t row = idx[i].item<int64_t>();
    report.training.push_back({bank.indices[size_t(row)], bank.labels[size_t(row)], top[i].item<double>()});
  }
  const auto& queue = trainer.model().queue;
  auto written = queue.written_at() >= 0;
  const int64_t real = written.sum().item<int64_t>();
  if (real > 0) {
    auto qsims = queue.keys().cpu().t().mv(embedding[0]).masked_fill(~written, -2.0);
    auto [qtop, qidx] = qsims.topk(std::min(k, real));
    const int64_t now = trainer.steps_done() - 1;
    for (int64_t i = 0; i < qtop.size(0); ++i) {
      const int64_t slot = qidx[i].item<int64_t>();
      const int64_t sample = queue.sample_ids()[slot].item<int64_t>();
      Neighbour n{sample, d.train.has_labels() ? d.train.labels[sample].item<int64_t>() : -1, qtop[i].item<double>(), slot,
                  now - queue.written_at()[slot].item<int64_t>()};
      report.queue.push_back(n);
    }
  }
  return report;
}

void save_npy(const FeatureSet& f, const std::string& features_path, const std::string& labels_path) {
  write_file(features_path, npy_bytes(f.values.data(), f.values.size() * sizeof(float), "<f4", {f.count, f.dim}));
  write_file(labels_path, npy_bytes(f.labels.data(), f.labels.size() * sizeof(int64_t), "<i8", {f.count}));
}

void save_projector(const FeatureSet& f, const std::vector<std::string>& class_names, const std::string& folder,
                    const std::string& sprite_file, int64_t sprite_cell) {
  namespace fs = std::filesystem;
  fs::create_directories(folder);
  std::ostringstream vectors, metadata, config;
  vectors.precision(6);
  for (int64_t i = 0; i < f.count; ++i) {
    for (int64_t j = 0; j < f.dim; ++j) vectors << (j ? "\t" : "") << f.values[size_t(i * f.dim + j)];
    vectors << '\n';
  }
  metadata << "index\tlabel\tclass\n";
  for (int64_t i = 0; i < f.count; ++i) {
    const int64_t label = f.labels[size_t(i)];
    const std::string name = label >= 0 && label < int64_t(class_names.size()) ? class_names[size_t(label)] : "";
    metadata << f.indices[size_t(i)] << '\t' << label << '\t' << name << '\n';
  }
  config << "embeddings {\n  tensor_path: \"vectors.tsv\"\n  metadata_path: \"metadata.tsv\"\n";
  if (!sprite_file.empty())
    config << "  sprite {\n    image_path: \"" << sprite_file << "\"\n    single_image_dim: " << sprite_cell
           << "\n    single_image_dim: " << sprite_cell << "\n  }\n";
  config << "}\n";
  write_file((fs::path(folder) / "vectors.tsv").string(), vectors.str());
  write_file((fs::path(folder) / "metadata.tsv").string(), metadata.str());
  write_file((fs::path(folder) / "projector_config.pbtxt").string(), config.str());
}

void export_query_encoder(Trainer& trainer, const std::string& path) { export_state_dict(*trainer.model().query, path); }

}  // namespace moco
