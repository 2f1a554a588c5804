#include "analyze_cli.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "api/analysis.h"
#include "cli_errors.h"
#include "api/files.h"
#include "train/trainer.h"
#include "tsne/trustworthiness.h"
#include "tsne/tsne.h"
#ifdef MOCO_HAVE_IMAGING
#include "imaging/image_io.h"
#endif

namespace moco {
namespace {

std::vector<int64_t> first(int64_t n, int64_t available) {
  std::vector<int64_t> idx;
  for (int64_t i = 0; i < std::min(n, available); ++i) idx.push_back(i);
  return idx;
}

void print_neighbours(const NeighbourReport& r, const std::vector<std::string>& names) {
  auto name = [&](int64_t label) { return label >= 0 && label < int64_t(names.size()) ? names[size_t(label)] : std::string("?"); };
  std::printf("nearest training images (backbone features):\n");
  for (const auto& n : r.training) std::printf("  #%-6lld %-12s cos %.4f\n", (long long)n.index, name(n.label).c_str(), n.similarity);
  std::printf("nearest queue keys (head embeddings):\n");
  for (const auto& n : r.queue)
    std::printf("  slot %-6lld image #%-6lld %-12s age %-5lld cos %.4f\n", (long long)n.slot, (long long)n.index,
                name(n.label).c_str(), (long long)n.age, n.similarity);
}

void write_tsne(Trainer& trainer, const AnalyzeCommand& cmd) {
  const auto features = extract_feature_set(trainer, Split::Test, first(cmd.points, trainer.dataset().test.size()));
  const auto start = std::chrono::steady_clock::now();
  const auto result = run_tsne(features.values.data(), features.count, features.dim);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double trust = trustworthiness(features.values.data(), features.count, features.dim, result.layout.data(), 2, 10);
  const auto& names = trainer.dataset().class_names;
  std::ostringstream csv;
  csv << "index,label,class,x,y\n";
  for (int64_t i = 0; i < features.count; ++i) {
    const int64_t label = features.labels[size_t(i)];
    csv << features.indices[size_t(i)] << ',' << label << ",\"" << (label >= 0 ? names[size_t(label)] : "") << "\","
        << result.layout[size_t(2 * i)] << ',' << result.layout[size_t(2 * i + 1)] << '\n';
  }
  write_file(cmd.tsne_csv, csv.str());
  std::fprintf(stderr, "t-SNE of %lld test images: %.1f s, KL %.3f, trustworthiness(k=10) %.4f -> %s\n",
               (long long)features.count, seconds, result.kl_divergence, trust, cmd.tsne_csv.c_str());
}

}  // namespace

int run_analyze_command(const AnalyzeCommand& cmd) {
  return run_reporting_errors([&] {
    const Config config = read_checkpoint_config(cmd.checkpoint);
    auto dataset = load_dataset_shared(config.data);
    Trainer trainer(config, dataset);
    trainer.load_checkpoint(cmd.checkpoint);
    const auto info = dataset_info(*dataset);
    std::fprintf(stderr, "analysing %s at step %lld (%s)\n", cmd.checkpoint.c_str(), (long long)trainer.steps_done(), info.name.c_str());
    if (!cmd.tsne_csv.empty()) write_tsne(trainer, cmd);
    if (cmd.neighbours >= 0 || !cmd.image_file.empty()) {
      const auto bank = extract_feature_set(trainer, Split::Train);
      ImageU8 image;
      if (cmd.neighbours >= 0) {
        image = dataset_image(*dataset, Split::Test, cmd.neighbours);
        const int64_t label = dataset_label(*dataset, Split::Test, cmd.neighbours);
        std::printf("test image #%lld (%s)\n", (long long)cmd.neighbours, label >= 0 ? info.class_names[size_t(label)].c_str() : "?");
        print_neighbours(nearest_neighbours(trainer, bank, image, cmd.k), info.class_names);
      }
      if (!cmd.image_file.empty()) {
#ifdef MOCO_HAVE_IMAGING
        image = load_image_u8(cmd.image_file, info.channels, info.height, info.width);
        std::printf("image file %s\n", cmd.image_file.c_str());
        print_neighbours(nearest_neighbours(trainer, bank, image, cmd.k), info.class_names);
#else
        throw std::runtime_error("--neighbours-of needs the imaging library (OpenCV), which this build lacks");
#endif
      }
    }
    if (!cmd.npy_dir.empty() || !cmd.projector_dir.empty()) {
      const auto features = extract_feature_set(trainer, Split::Test, first(cmd.points, info.test_size));
      if (!cmd.npy_dir.empty()) {
        std::filesystem::create_directories(cmd.npy_dir);
        save_npy(features, cmd.npy_dir + "/features.npy", cmd.npy_dir + "/labels.npy");
      }
      if (!cmd.projector_dir.empty()) {
        std::string sprite;
        int64_t cell = 0;
#ifdef MOCO_HAVE_IMAGING
        std::filesystem::create_directories(cmd.projector_dir);
        sprite = "sprite.png";
        cell = save_sprite(*dataset, Split::Test, features.indices, cmd.projector_dir + "/" + sprite);
#endif
        save_projector(features, info.class_names, cmd.projector_dir, sprite, cell);
      }
    }
    return 0;
  });
}

}  // namespace moco
