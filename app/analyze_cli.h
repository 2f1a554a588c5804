// `moco-train --analyze CHECKPOINT ...`: t-SNE, nearest neighbours and feature export of a saved model.
#pragma once

#include <string>

namespace moco {

struct AnalyzeCommand {
  std::string checkpoint;     // --analyze
  std::string tsne_csv;       // --tsne: index,label,class,x,y of test images
  int64_t points = 2000;      // --points: test images in the t-SNE / exports
  int64_t neighbours = -1;    // --neighbours: test-set index whose neighbours to print
  std::string image_file;     // --neighbours-of: an image file whose neighbours to print
  int64_t k = 8;              // --k: neighbours listed
  std::string npy_dir;        // --export-npy: features.npy + labels.npy
  std::string projector_dir;  // --projector: TensorBoard Projector files
};

int run_analyze_command(const AnalyzeCommand& command);

}  // namespace moco
