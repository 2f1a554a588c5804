// IDX reading (raw and gzip) with every bad-input case, the synthetic set, Fashion-MNIST.
#include <zlib.h>

#include <QDir>
#include <QtTest/QtTest>
#include <fstream>

#include "api/analysis.h"
#include "api/config.h"
#include "binary_releases.h"
#include "data/dataset.h"
#include "data/idx_reader.h"
#include "data/synthetic_data.h"
#include "tiny_config.h"

using namespace moco;
using moco::test::cifar_record;
using moco::test::class_lines;

namespace {

std::string header(uint32_t magic, std::vector<uint32_t> dims) {
  std::string out;
  auto put = [&](uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(char((v >> shift) & 0xff));
  };
  put(magic);
  for (auto d : dims) put(d);
  return out;
}

void write_raw(const QString& path, const std::string& bytes) {
  std::ofstream(path.toStdString(), std::ios::binary) << bytes;
}

void write_gz(const QString& path, const std::string& bytes) {
  gzFile f = gzopen(path.toLocal8Bit().constData(), "wb");
  gzwrite(f, bytes.data(), unsigned(bytes.size()));
  gzclose(f);
}

std::string pixels(size_t n) {
  std::string p(n, '\0');
  for (size_t i = 0; i < n; ++i) p[i] = char(i % 251);
  return p;
}

// One STL-10 image as stored: channel-major planes, each column-major; column 1 is 100 brighter.
std::string stl_image(uint8_t base) {
  std::string bytes(3 * 96 * 96, '\0');
  for (int c = 0; c < 3; ++c)
    for (int k = 0; k < 96 * 96; ++k) bytes[size_t(c * 96 * 96 + k)] = char(base + c + (k / 96 == 1 ? 100 : 0));
  return bytes;
}

// The labelled STL-10 files in `folder`: train images of base 0 and 10 (labels 1, 10 as stored),
// one test image of base 20 (label 3); returns the configuration that reads them.
DataConfig write_stl10(const QTemporaryDir& folder) {
  write_raw(folder.filePath("train_X.bin"), stl_image(0) + stl_image(10));
  write_raw(folder.filePath("train_y.bin"), std::string("\x01\x0a", 2));
  write_raw(folder.filePath("test_X.bin"), stl_image(20));
  write_raw(folder.filePath("test_y.bin"), std::string("\x03", 1));
  write_raw(folder.filePath("class_names.txt"), class_lines(10));
  DataConfig d;
  d.dataset = DatasetName::Stl10;
  d.path = folder.path().toStdString();
  return d;
}

void expect_error(const std::function<void()>& f, const QString& mentions) {
  try {
    f();
    QFAIL(qPrintable("expected an error mentioning " + mentions));
  } catch (const std::runtime_error& e) {
    QVERIFY2(QString(e.what()).contains(mentions), e.what());
  }
}

}  // namespace

class TestDatasets : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString path(const QString& name) { return dir_.filePath(name); }

 private slots:
  void readsRawAndGzipImages() {
    const std::string bytes = header(0x803, {3, 2, 4}) + pixels(24);
    write_raw(path("a-images"), bytes);
    write_gz(path("b-images.gz"), bytes);
    for (const auto& name : {"a-images", "b-images.gz"}) {
      auto images = read_idx_images(path(name).toStdString());
      QCOMPARE(images.sizes().vec(), (std::vector<int64_t>{3, 1, 2, 4}));
      QCOMPARE(images[1][0][1][3].item<int>(), 15);  // 8 + 4 + 3
    }
  }

  void readsLabels() {
    write_gz(path("labels.gz"), header(0x801, {4}) + std::string("\x01\x00\x09\x03", 4));
    auto labels = read_idx_labels(path("labels.gz").toStdString());
    QCOMPARE(labels.scalar_type(), torch::kInt64);
    QCOMPARE(labels[2].item<int64_t>(), int64_t(9));
  }

  void badFilesNameFileAndProblem() {
    const auto images = [&](const QString& name) { return [=] { read_idx_images(path(name).toStdString()); }; };
    write_raw(path("magic"), header(0x801, {3, 2, 4}) + pixels(24));
    expect_error(images("magic"), "wrong magic number");
    write_raw(path("short"), header(0x803, {3, 2, 4}) + pixels(20));
    expect_error(images("short"), "truncated");
    write_gz(path("short.gz"), header(0x803, {3, 2, 4}) + pixels(10));
    expect_error(images("short.gz"), "short.gz");
    write_raw(path("long"), header(0x803, {3, 2, 4}) + pixels(30));
    expect_error(images("long"), "beyond what its header declares");
    write_raw(path("header"), std::string("\x00\x00", 2));
    expect_error(images("header"), "truncated");
    write_raw(path("zero"), header(0x803, {0, 2, 4}));
    expect_error(images("zero"), "implausible");
    expect_error(images("missing"), "cannot open");
    // A gzip stream with its body damaged.
    const std::string good = header(0x803, {300, 8, 8}) + pixels(300 * 64);
    write_gz(path("damaged.gz"), good);
    std::fstream f(path("damaged.gz").toStdString(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(40);
    f.write("garbagegarbagegarbage", 21);
    f.close();
    expect_error(images("damaged.gz"), "damaged.gz");
  }

  void mismatchedCountsAreAnError() {
    QTemporaryDir folder;
    write_gz(folder.filePath("train-images-idx3-ubyte.gz"), header(0x803, {3, 2, 2}) + pixels(12));
    write_gz(folder.filePath("train-labels-idx1-ubyte.gz"), header(0x801, {2}) + std::string("\x01\x02", 2));
    write_gz(folder.filePath("t10k-images-idx3-ubyte.gz"), header(0x803, {1, 2, 2}) + pixels(4));
    write_gz(folder.filePath("t10k-labels-idx1-ubyte.gz"), header(0x801, {1}) + std::string("\x01", 1));
    DataConfig d;
    d.dataset = DatasetName::Idx;
    d.path = folder.path().toStdString();
    expect_error([&] { load_dataset(d); }, "holds 3 images but");
    write_gz(folder.filePath("train-labels-idx1-ubyte.gz"), header(0x801, {3}) + std::string("\x01\x02\x00", 3));
    const auto data = load_dataset(d);
    QCOMPARE(data.train.size(), int64_t(3));
    QCOMPARE(int(data.class_names.size()), 3);
    QFile::remove(folder.filePath("t10k-images-idx3-ubyte.gz"));
    expect_error([&] { load_dataset(d); }, "t10k-images-idx3-ubyte");
  }

  void mnistIsFoundInTheDataFolder() {
    // torchvision keeps MNIST's IDX files in <root>/MNIST/raw: an empty data.path looks there.
    QTemporaryDir data;
    const QByteArray saved = qgetenv("MOCO_DATA_DIR");
    qputenv("MOCO_DATA_DIR", data.path().toUtf8());
    DataConfig d;
    d.dataset = DatasetName::Mnist;
    expect_error([&] { load_dataset(d); }, "MNIST not found in the data folder '" + data.path());
    QVERIFY(QDir(data.path()).mkpath("MNIST/raw"));
    const QString raw = data.filePath("MNIST/raw/");
    write_gz(raw + "train-images-idx3-ubyte.gz", header(0x803, {3, 2, 2}) + pixels(12));
    write_gz(raw + "train-labels-idx1-ubyte.gz", header(0x801, {3}) + std::string("\x01\x07\x00", 3));
    write_raw(raw + "t10k-images-idx3-ubyte", header(0x803, {1, 2, 2}) + pixels(4));
    write_raw(raw + "t10k-labels-idx1-ubyte", header(0x801, {1}) + std::string("\x09", 1));
    const ImageDataset mnist = load_dataset(d);
    QCOMPARE(mnist.name, std::string("mnist"));
    QCOMPARE(mnist.train.size(), int64_t(3));
    QCOMPARE(mnist.train.labels[1].item<int64_t>(), int64_t(7));
    QCOMPARE(mnist.class_names.size(), size_t(10));
    if (saved.isNull()) qunsetenv("MOCO_DATA_DIR");
    else qputenv("MOCO_DATA_DIR", saved);
  }

  void syntheticSetIsBalancedAndReproducible() {
    const auto a = make_synthetic_dataset(5, 24, 1), b = make_synthetic_dataset(5, 24, 1), c = make_synthetic_dataset(5, 24, 2);
    QCOMPARE(a.train.images.sizes().vec(), (std::vector<int64_t>{50, 3, 24, 24}));
    QCOMPARE(a.train.images.scalar_type(), torch::kUInt8);
    QVERIFY(torch::equal(a.train.images, b.train.images));
    QVERIFY(!torch::equal(a.train.images, c.train.images));
    QVERIFY(torch::equal(torch::bincount(a.train.labels), torch::full({10}, 5, torch::kInt64)));
    QCOMPARE(int(a.class_names.size()), 10);
    QCOMPARE(a.test.size(), int64_t(10));
    // Images are not blank: each has both foreground and background.
    auto spread = a.train.images.to(torch::kFloat32).flatten(1).std(1);
    QVERIFY(spread.min().item<float>() > 5.0f);
  }

  void fashionMnistLoadsWhenInstalled() {
    if (!fashion_mnist_installed()) QSKIP("dataset-fashion-mnist is not installed");
    DataConfig d;
    d.test_limit = 100;
    const auto data = load_dataset(d);
    QCOMPARE(data.train.images.sizes().vec(), (std::vector<int64_t>{60000, 1, 28, 28}));
    QCOMPARE(data.test.size(), int64_t(100));
    QCOMPARE(data.class_names[9], std::string("Ankle boot"));
    QCOMPARE(data.train.labels.max().item<int64_t>(), int64_t(9));
  }

  // CIFAR-10 binary records: one label byte, then the red, green and blue 32 x 32 planes.
  void cifar10ReadsRecordsPlaneByPlane() {
    QTemporaryDir root;
    QDir(root.path()).mkdir("cifar-10-batches-bin");
    const QString folder = root.filePath("cifar-10-batches-bin");
    write_raw(folder + "/data_batch_1.bin", cifar_record(3, 10, 1) + cifar_record(7, 20, 1));
    write_raw(folder + "/data_batch_2.bin", cifar_record(9, 30, 1));
    write_raw(folder + "/test_batch.bin", cifar_record(0, 40, 1));
    write_raw(folder + "/batches.meta.txt", class_lines(10));
    DataConfig d;
    d.dataset = DatasetName::Cifar10;
    d.path = root.path().toStdString();  // the folder holding the archive's folder is found too
    const auto data = load_dataset(d);
    QCOMPARE(data.train.images.sizes().vec(), (std::vector<int64_t>{3, 3, 32, 32}));
    QCOMPARE(data.test.size(), int64_t(1));
    QVERIFY(torch::equal(data.train.labels, torch::tensor({3, 7, 9}, torch::kInt64)));
    // The second image: red plane 20 + row, green 21, blue 22.
    QCOMPARE(data.train.images[1][0][5][2].item<int>(), 20 + 5);
    QCOMPARE(data.train.images[1][2][0][31].item<int>(), 22);
    QCOMPARE(data.class_names[4], std::string("class 4"));

    write_raw(folder + "/data_batch_2.bin", cifar_record(9, 30, 1).substr(100));
    expect_error([&] { load_dataset(d); }, "not a whole number of 3073-byte CIFAR records");
    write_raw(folder + "/data_batch_2.bin", cifar_record(12, 30, 1));
    expect_error([&] { load_dataset(d); }, "has label 12, outside 0..9");
  }

  void cifar100TakesFineOrCoarseLabels() {
    QTemporaryDir folder;
    write_raw(folder.filePath("train.bin"), cifar_record(5, 1, 2, 77) + cifar_record(19, 2, 2, 99));
    write_raw(folder.filePath("test.bin"), cifar_record(0, 3, 2, 0));
    write_raw(folder.filePath("fine_label_names.txt"), class_lines(100));
    write_raw(folder.filePath("coarse_label_names.txt"), class_lines(20));
    DataConfig d;
    d.dataset = DatasetName::Cifar100;
    d.path = folder.path().toStdString();
    QVERIFY(torch::equal(load_dataset(d).train.labels, torch::tensor({77, 99}, torch::kInt64)));
    d.cifar100_coarse = true;
    const auto coarse = load_dataset(d);
    QVERIFY(torch::equal(coarse.train.labels, torch::tensor({5, 19}, torch::kInt64)));
    QCOMPARE(int(coarse.class_names.size()), 20);
  }

  // STL-10 stores each channel column-major: byte k of a plane is pixel (row k % 96, column k / 96).
  void stl10TransposesColumnMajorPlanes() {
    QTemporaryDir folder;
    DataConfig d = write_stl10(folder);
    const auto data = load_dataset(d);
    QCOMPARE(data.train.images.sizes().vec(), (std::vector<int64_t>{2, 3, 96, 96}));
    QVERIFY(torch::equal(data.train.labels, torch::tensor({0, 9}, torch::kInt64)));  // stored 1..10
    QCOMPARE(data.train.images[1][2][40][1].item<int>(), 10 + 2 + 100);  // column 1 of channel 2
    QCOMPARE(data.train.images[1][2][1][40].item<int>(), 10 + 2);
    d.image_size = 32;  // area-resized for CPUs
    QCOMPARE(load_dataset(d).test.images.sizes().vec(), (std::vector<int64_t>{1, 3, 32, 32}));

    write_raw(folder.filePath("test_X.bin"), stl_image(20).substr(7));
    expect_error([&] { load_dataset(d); }, "not a whole number of 96 x 96 x 3 STL-10 images");
    write_raw(folder.filePath("test_X.bin"), stl_image(20));
    write_raw(folder.filePath("test_y.bin"), std::string("\x0b", 1));
    expect_error([&] { load_dataset(d); }, "has label 10, outside 0..9");
    QFile::remove(folder.filePath("test_X.bin"));
    expect_error([&] { load_dataset(d); }, "STL-10 not found");
  }

  // data.stl10_unlabeled: unlabeled_X.bin is the training set, the labelled train split the kNN bank.
  void stl10UnlabelledTrainsBesideTheLabelledBank() {
    QTemporaryDir folder;
    DataConfig d = write_stl10(folder);
    write_raw(folder.filePath("unlabeled_X.bin"), stl_image(30) + stl_image(40) + stl_image(50));
    d.stl10_unlabeled = true;
    const auto data = load_dataset(d);
    QCOMPARE(data.train.images.sizes().vec(), (std::vector<int64_t>{3, 3, 96, 96}));
    QVERIFY(!data.train.has_labels());
    QCOMPARE(data.train.images[1][2][40][1].item<int>(), 40 + 2 + 100);  // column-major, as the labelled files
    QCOMPARE(data.train.images[1][2][1][40].item<int>(), 40 + 2);
    QCOMPARE(&data.knn_bank(), &data.bank);
    QVERIFY(torch::equal(split_of(data, Split::Bank).labels, torch::tensor({0, 9}, torch::kInt64)));
    QCOMPARE(data.test.size(), int64_t(1));
    QCOMPARE(labels_unavailable(data), std::string());  // kNN and the probe use the bank
    d.train_limit = 2;  // only the images used are read
    QCOMPARE(load_dataset(d).train.size(), int64_t(2));

    // The floors (kNN with labels) run against the labelled bank although training has none.
    Config c = test::tiny_config();
    c.data = d;
    c.data.image_size = 16;
    const auto small = load_dataset(c.data);
    QCOMPARE(small.bank.images.size(2), int64_t(16));
    KnnOptions knn;
    knn.k = 1;
    const Floors floors = knn_floors(c, small, knn);
    QVERIFY(floors.pixel_knn_top1 >= 0 && floors.pixel_knn_top1 <= 1);

    write_raw(folder.filePath("unlabeled_X.bin"), stl_image(30).substr(5));
    expect_error([&] { load_dataset(d); }, "not a whole number of 96 x 96 x 3 STL-10 images");
    QFile::remove(folder.filePath("unlabeled_X.bin"));
    expect_error([&] { load_dataset(d); }, "unlabeled_X.bin");
  }

  void missingFashionMnistFolderIsExplained() {
    DataConfig d;
    d.path = "/nonexistent/fashion";
    expect_error([&] { load_dataset(d); }, "/nonexistent/fashion");
  }
};

QTEST_APPLESS_MAIN(TestDatasets)
#include "tst_datasets.moc"
