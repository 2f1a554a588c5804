// Readers for the binary releases of CIFAR-10, CIFAR-100 (Krizhevsky 2009) and STL-10 (Coates et
// al. 2011), from their extracted folders or straight from their official .tar.gz archives. Each
// returns an ImageDataset of uint8 N x 3 x H x W images with int64 labels and the class names, or
// throws std::runtime_error naming the file and what is wrong with it (a size that is not whole
// records, a label out of range, a missing file).
//
// `path` names the release folder (e.g. cifar-10-batches-bin), the folder holding it, the
// release's archive (cifar-10-binary.tar.gz), or the folder holding that; "" = default_data_dir(),
// where moco-train --download puts them.
#pragma once

#include <string>

#include "data/dataset.h"

namespace moco {

// CIFAR-10: data_batch_1..5.bin and test_batch.bin (records of 1 label byte and 3 072 pixel bytes:
// the red, green and blue 32 x 32 planes), batches.meta.txt.
ImageDataset read_cifar10(const std::string& path);

// CIFAR-100: train.bin and test.bin (records of a coarse and a fine label byte, then the pixels),
// fine_label_names.txt / coarse_label_names.txt. `coarse` takes the 20 superclasses instead of the
// 100 classes.
ImageDataset read_cifar100(const std::string& path, bool coarse);

// STL-10: train_X.bin / test_X.bin (96 x 96 x 3 images stored column-major per channel),
// train_y.bin / test_y.bin (labels 1-10), class_names.txt. The 100 000 unlabelled images
// (unlabeled_X.bin) are not read.
ImageDataset read_stl10(const std::string& path);

}  // namespace moco
