// Tiny copies of the CIFAR-10/100 binary releases' records and files, shared by the dataset,
// download and CLI tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace moco::test {

// One CIFAR record: `label_bytes` labels (the last is `label`, a first coarse one is `coarse`),
// then 3 planes of 32 x 32 where plane c holds base + c + row.
inline std::string cifar_record(int coarse_or_label, int base, int label_bytes, int fine = -1) {
  std::string r;
  r.push_back(char(coarse_or_label));
  if (label_bytes == 2) r.push_back(char(fine));
  for (int c = 0; c < 3; ++c)
    for (int row = 0; row < 32; ++row) r.append(32, char(base + c + (c == 0 ? row : 0)));
  return r;
}

inline std::string class_lines(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += "class " + std::to_string(i) + "\n";
  return out;
}

// (path, bytes) of cifar-10-binary.tar.gz's files, in its layout, with 2 records per batch.
inline std::vector<std::pair<std::string, std::string>> tiny_cifar10_files() {
  const std::string folder = "cifar-10-batches-bin/";
  std::vector<std::pair<std::string, std::string>> files;
  files.push_back({folder + "batches.meta.txt", class_lines(10)});
  for (int batch = 1; batch <= 5; ++batch)
    files.push_back({folder + "data_batch_" + std::to_string(batch) + ".bin",
                     cifar_record(batch, 10 * batch, 1) + cifar_record(9 - batch, 10 * batch + 5, 1)});
  files.push_back({folder + "test_batch.bin", cifar_record(0, 60, 1) + cifar_record(7, 70, 1)});
  return files;
}

}  // namespace moco::test
