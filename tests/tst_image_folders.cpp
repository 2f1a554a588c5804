// Image folders: layouts, the hold-out, conversions to 8-bit RGB, resizing, bad files, the decode
// cache and the RAM budget, on tiny images written with OpenCV into temporary folders.
#include <zlib.h>

#include <QtTest/QtTest>
#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>

#include "api/analysis.h"
#include "api/datasets.h"
#include "data/dataset.h"
#include "data/image_folder.h"
#include "data/image_folder_scan.h"
#include "data/image_header.h"
#include "tiny_config.h"

using namespace moco;
namespace fs = std::filesystem;

namespace {

// A width x height image of one BGR colour.
cv::Mat solid(int width, int height, cv::Scalar bgr, int type = CV_8UC3) { return cv::Mat(height, width, type, bgr); }

void write_image(const fs::path& path, const cv::Mat& image) {
  fs::create_directories(path.parent_path());
  QVERIFY2(cv::imwrite(path.string(), image), path.c_str());
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string be32(uint32_t v) {
  return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
}

std::string png_chunk(const std::string& type, const std::string& data) {
  const std::string body = type + data;
  return be32(uint32_t(data.size())) + body + be32(uint32_t(crc32(0, reinterpret_cast<const Bytef*>(body.data()), uInt(body.size()))));
}

const std::string kPngSignature("\x89PNG\r\n\x1a\n", 8);

std::string ihdr(uint32_t width, uint32_t height, char depth, char colour_type) {
  return png_chunk("IHDR", be32(width) + be32(height) + std::string{depth, colour_type, 0, 0, 0});
}

// A palette PNG (colour type 3), which OpenCV does not write: every pixel is palette entry 1.
std::string palette_png(int side, uint8_t r, uint8_t g, uint8_t b) {
  std::string rows;
  for (int y = 0; y < side; ++y) rows += '\0' + std::string(size_t(side), '\1');  // filter 0, index 1
  uLongf size = compressBound(uLong(rows.size()));
  std::string packed(size, '\0');
  compress(reinterpret_cast<Bytef*>(packed.data()), &size, reinterpret_cast<const Bytef*>(rows.data()), uLong(rows.size()));
  packed.resize(size);
  return kPngSignature + ihdr(uint32_t(side), uint32_t(side), 8, 3) +
         png_chunk("PLTE", std::string{0, 0, 0, char(r), char(g), char(b)}) + png_chunk("IDAT", packed) + png_chunk("IEND", "");
}

// `jpeg` with an EXIF APP1 segment holding only Orientation = `orientation`, after its APP0.
std::string with_exif_orientation(const std::string& jpeg, int orientation) {
  const std::string tiff = std::string("MM\0\x2a\0\0\0\x08", 8) + std::string("\0\x01", 2) +  // one IFD entry
                           std::string("\x01\x12\0\x03\0\0\0\x01", 8) + std::string{0, char(orientation), 0, 0} +
                           std::string(4, '\0');  // no next IFD
  const std::string payload = std::string("Exif\0\0", 6) + tiff;
  const size_t length = payload.size() + 2;
  const std::string app1 = std::string("\xff\xe1", 2) + char(length >> 8) + char(length & 0xff) + payload;
  size_t at = 2;  // after SOI, and after APP0 when there is one
  if (uint8_t(jpeg[2]) == 0xff && uint8_t(jpeg[3]) == 0xe0) at = 4 + (size_t(uint8_t(jpeg[4])) << 8 | uint8_t(jpeg[5]));
  return jpeg.substr(0, at) + app1 + jpeg.substr(at);
}

std::string jpeg_bytes(const cv::Mat& image) {
  std::vector<uchar> out;
  cv::imencode(".jpg", image, out, {cv::IMWRITE_JPEG_QUALITY, 95});
  return std::string(out.begin(), out.end());
}

// Pixel (row, column) of channel c of image i of `split`.
int pixel(const ImageSplit& split, int64_t i, int c, int row, int column) {
  return split.images[i][c][row][column].item<int>();
}

// Calls f(split, index, relative path) for every image of `d`, decoded from listing `l` (none failed).
template <typename F>
void for_each_image(const ImageDataset& d, const FolderListing& l, F&& f) {
  for (size_t i = 0; i < l.train.size(); ++i) f(d.train, int64_t(i), l.train[i].relative_path);
  for (size_t i = 0; i < l.test.size(); ++i) f(d.test, int64_t(i), l.test[i].relative_path);
}

template <typename F>
QString error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return {};
}

ImageDataset load(const fs::path& folder, int64_t side = 8) { return load_image_folder(folder.string(), side, 0, 0); }

}  // namespace

class TestImageFolders : public QObject {
  Q_OBJECT
  QTemporaryDir cache_;
  int folders_ = 0;

  // A fresh empty folder for one test.
  fs::path fresh() {
    const fs::path p = fs::path(cache_.path().toStdString()) / ("folder" + std::to_string(folders_++));
    fs::create_directories(p);
    return p;
  }
  fs::path cache_dir() const { return fs::path(cache_.path().toStdString()) / "cache"; }

 private slots:
  void initTestCase() {
    qputenv("MOCO_CACHE_DIR", QByteArray::fromStdString(cache_dir().string()));
    qunsetenv("MOCO_RAM_BUDGET_MB");
  }

  void classesAreSubfoldersSortedByName() {
    const fs::path root = fresh();
    for (const char* cls : {"b_cat", "a_dog", "C"})
      for (int i = 0; i < 3; ++i) write_image(root / cls / ("img" + std::to_string(i) + ".png"), solid(8, 8, {0, 0, 0}));
    write_image(root / "a_dog" / "nested" / "deep.PNG", solid(8, 8, {0, 0, 0}));  // any depth, any case
    write_bytes(root / "a_dog" / "notes.txt", "not an image");
    write_bytes(root / "empty" / "ignored.gif", "GIF89a");  // a folder without images (of the formats read) is no class
    const auto l = list_image_folder(root.string());
    QCOMPARE(l.class_names, (std::vector<std::string>{"C", "a_dog", "b_cat"}));  // byte order, as Python's sorted()
    QCOMPARE(l.size(), int64_t(10));
    QVERIFY(!l.has_split);
    const auto d = load(root);
    QCOMPARE(d.train.size() + d.test.size(), int64_t(10));
    QCOMPARE(d.train.images.sizes().vec(), (std::vector<int64_t>{d.train.size(), 3, 8, 8}));
    QVERIFY(d.train.has_labels());
    QCOMPARE(d.class_names.size(), size_t(3));
    QCOMPARE(labels_unavailable(d), std::string());
  }

  void trainAndValSubfoldersAreTheSplits() {
    const fs::path root = fresh();
    for (int i = 0; i < 4; ++i) write_image(root / "train" / "x" / ("%" + std::to_string(i) + ".jpg"), solid(8, 8, {0, 0, 255}));
    for (int i = 0; i < 2; ++i) write_image(root / "train" / "y" / (std::to_string(i) + ".bmp"), solid(8, 8, {255, 0, 0}));
    write_image(root / "val" / "y" / "v.png", solid(8, 8, {255, 0, 0}));
    write_image(root / "val" / "z" / "unknown.png", solid(8, 8, {0, 0, 0}));  // not a training class: skipped, said
    const auto l = list_image_folder(root.string());
    QVERIFY(l.has_split);
    QCOMPARE(l.train.size(), size_t(6));
    QCOMPARE(l.test.size(), size_t(1));
    QCOMPARE(l.test[0].label, int64_t(1));  // y, as in train/
    QVERIFY(!l.notes.empty() && QString::fromStdString(l.notes[0]).contains("unknown.png"));
    const auto d = load(root);
    QCOMPARE(d.test.labels[0].item<int64_t>(), int64_t(1));
    QCOMPARE(pixel(d.test, 0, 2, 3, 3), 255);  // blue, in R, G, B planes
    QCOMPARE(pixel(d.test, 0, 0, 3, 3), 0);
  }

  void holdOutIsStratifiedAndDeterministic() {
    const fs::path root = fresh();
    for (const char* cls : {"a", "b"})
      for (int i = 0; i < 20; ++i) write_image(root / cls / (std::to_string(i) + ".png"), solid(4, 4, {0, 0, 0}));
    write_image(root / "c" / "only.png", solid(4, 4, {0, 0, 0}));  // a class of one keeps it for training
    const auto first = list_image_folder(root.string());
    QCOMPARE(first.test.size(), size_t(4));  // 10 % of each class of 20
    std::map<int64_t, int> per_class;
    for (const auto& f : first.test) ++per_class[f.label];
    QCOMPARE(per_class[0], 2);
    QCOMPARE(per_class[1], 2);
    const auto again = list_image_folder(root.string());
    for (size_t i = 0; i < first.test.size(); ++i) QCOMPARE(again.test[i].relative_path, first.test[i].relative_path);
    // A new file moves no other file between the splits.
    write_image(root / "a" / "20.png", solid(4, 4, {0, 0, 0}));
    const auto grown = list_image_folder(root.string());
    for (const auto& f : first.test) {
      const bool still_test = std::any_of(grown.test.begin(), grown.test.end(),
                                          [&](const FolderFile& g) { return g.relative_path == f.relative_path; });
      const bool now_train = std::any_of(grown.train.begin(), grown.train.end(),
                                         [&](const FolderFile& g) { return g.relative_path == f.relative_path; });
      QVERIFY2(still_test || !now_train, f.relative_path.c_str());
    }
  }

  void flatFolderTrainsUnlabelledAndSaysWhyKnnIsUnavailable() {
    const fs::path root = fresh();
    for (int i = 0; i < 10; ++i) write_image(root / (std::to_string(i) + ".webp"), solid(6, 6, {0, 128, 0}));
    const auto d = load(root);
    QVERIFY(d.class_names.empty());
    QVERIFY(!d.train.has_labels());
    QCOMPARE(d.train.size() + d.test.size(), int64_t(10));
    const QString why = QString::fromStdString(labels_unavailable(d));
    QVERIFY2(why.contains("no labels"), qPrintable(why));
    QCOMPARE(QString::fromStdString(dataset_info(d).labels_unavailable), why);
    const QString floors = error_of([&] { knn_floors(test::tiny_config(), d, {}); });
    QVERIFY2(floors.contains("no labels"), qPrintable(floors));
  }

  void greyRgbaSixteenBitAndPaletteBecomeEightBitRgb() {
    const fs::path root = fresh();
    write_image(root / "grey.png", solid(8, 8, {77}, CV_8UC1));
    write_image(root / "rgba.png", solid(8, 8, {10, 20, 30, 0}, CV_8UC4));  // transparent: alpha is dropped
    write_image(root / "deep.png", solid(8, 8, {257 * 10, 257 * 20, 257 * 30}, CV_16UC3));
    write_image(root / "deep_grey.tif", solid(8, 8, {257 * 200}, CV_16UC1));
    write_bytes(root / "palette.png", palette_png(8, 200, 100, 50));
    const auto l = list_image_folder(root.string());
    const auto d = load(root);
    std::map<std::string, std::array<int, 3>> expected = {{"grey.png", {77, 77, 77}},    {"rgba.png", {30, 20, 10}},
                                                          {"deep.png", {30, 20, 10}},    {"deep_grey.tif", {200, 200, 200}},
                                                          {"palette.png", {200, 100, 50}}};
    QVERIFY(d.warnings.empty());
    for_each_image(d, l, [&](const ImageSplit& split, int64_t i, const std::string& name) {
      for (int c = 0; c < 3; ++c)
        QVERIFY2(pixel(split, i, c, 4, 4) == expected.at(name)[size_t(c)], (name + " channel " + std::to_string(c)).c_str());
    });
  }

  void exifOrientationIsApplied() {
    const fs::path root = fresh();
    cv::Mat image = solid(64, 32, {0, 0, 0});  // 64 wide: left half black, right half white
    image(cv::Rect(32, 0, 32, 32)).setTo(cv::Scalar(255, 255, 255));
    write_bytes(root / "plain.jpg", jpeg_bytes(image));
    write_bytes(root / "rotated.jpg", with_exif_orientation(jpeg_bytes(image), 6));  // display turned 90° clockwise
    const auto d = load_image_folder(root.string(), 32, 0, 0);
    QCOMPARE(d.train.size() + d.test.size(), int64_t(2));
    for_each_image(d, list_image_folder(root.string()), [](const ImageSplit& split, int64_t i, const std::string& name) {
      const bool rotated = name == "rotated.jpg";
      // Turned clockwise the left half is on top: row 2 dark, row 28 bright; unturned, column 2 dark.
      QVERIFY2((pixel(split, i, 0, 2, 28) < 60) == rotated, name.c_str());
      QVERIFY2((pixel(split, i, 0, 28, 2) > 200) == rotated, name.c_str());
    });
  }

  void shorterSideIsResizedThenCentreCropped() {
    const fs::path root = fresh();
    cv::Mat image = solid(40, 20, {255, 0, 0});  // blue borders, a green middle 20 columns wide
    image(cv::Rect(10, 0, 20, 20)).setTo(cv::Scalar(0, 255, 0));
    write_image(root / "wide.png", image);
    const auto d = load_image_folder(root.string(), 10, 0, 0);
    const auto& s = d.train.size() ? d.train : d.test;
    QCOMPARE(s.images.sizes().vec(), (std::vector<int64_t>{1, 3, 10, 10}));  // 40 x 20 -> 20 x 10 -> centre 10 x 10
    QCOMPARE(s.images[0][1].min().item<int>(), 255);                          // only the green middle is kept
    QCOMPARE(s.images[0][2].max().item<int>(), 0);
    QCOMPARE(load_image_folder(root.string(), 0, 0, 0).train.images.size(2), kDefaultFolderImageSize);
  }

  void undecodableFilesAreSkippedAndListedInOneWarning() {
    const fs::path root = fresh();
    for (int i = 0; i < 3; ++i) write_image(root / "a" / (std::to_string(i) + ".png"), solid(4, 4, {0, 0, 0}));
    write_bytes(root / "a" / "broken.png", "definitely not a PNG");
    write_bytes(root / "a" / "cut.jpg", jpeg_bytes(solid(16, 16, {1, 2, 3})).substr(0, 20));
    const auto d = load(root);
    QCOMPARE(d.train.size() + d.test.size(), int64_t(3));
    QCOMPARE(d.warnings.size(), size_t(1));
    const QString w = QString::fromStdString(d.warnings[0]);
    QVERIFY2(w.contains("skipped 2 of 5") && w.contains("broken.png") && w.contains("cut.jpg"), qPrintable(w));
  }

  void aFolderWithoutDecodableImagesIsAnErrorNamingIt() {
    const fs::path corrupt = fresh(), text = fresh();
    write_bytes(corrupt / "a.jpg", "garbage");
    write_bytes(corrupt / "b.png", "garbage");
    QString e = error_of([&] { load(corrupt); });
    QVERIFY2(e.contains(QString::fromStdString(corrupt.string())) && e.contains("no decodable image"), qPrintable(e));
    write_bytes(text / "readme.txt", "text");
    e = error_of([&] { load(text); });
    QVERIFY2(e.contains(QString::fromStdString(text.string())) && e.contains("no image file"), qPrintable(e));
    e = error_of([&] { load(text / "missing"); });
    QVERIFY2(e.contains("missing") && e.contains("does not exist"), qPrintable(e));
  }

  void hugeDeclaredSizesAreRefusedBeforeDecoding() {
    const fs::path root = fresh();
    write_bytes(root / "huge.png", kPngSignature + ihdr(60000, 60000, 8, 2));  // a header, no pixels
    const std::string sof = std::string("\xff\xd8\xff\xc0\0\x11\x08", 7) + char(60000 >> 8) + char(60000 & 0xff) +
                            char(60000 >> 8) + char(60000 & 0xff) + std::string(10, '\0');
    write_bytes(root / "huge.jpg", sof);
    write_image(root / "fine.png", solid(4, 4, {0, 0, 0}));
    const auto size = declared_size((root / "huge.jpg").string());
    QVERIFY(size && size->width == 60000 && size->height == 60000);
    const auto d = load(root);
    QCOMPARE(d.train.size() + d.test.size(), int64_t(1));
    const QString w = QString::fromStdString(d.warnings.at(0));
    QVERIFY2(w.contains("huge.png (declares 60000 x 60000 pixels") && w.contains("huge.jpg (declares 60000 x 60000"), qPrintable(w));
  }

  // Sides whose product passes int64 (found by tests/fuzz): the product used to wrap negative and
  // let the header through to the decoder.
  void sidesWhoseProductOverflowsAreRefused() {
    const fs::path root = fresh();
    const fs::path png = root / "wide.png";
    write_bytes(png, kPngSignature + ihdr(3310200945u, 4294967124u, 8, 2));
    const std::string reason = oversized_reason(png.string());
    QVERIFY2(reason.find("declares 3310200945 x 4294967124 pixels") != std::string::npos, reason.c_str());
  }

  void linkLoopsEndTheWalk() {
    const fs::path root = fresh();
    write_image(root / "a" / "x.png", solid(4, 4, {0, 0, 0}));
    write_image(root / "b" / "y.png", solid(4, 4, {0, 0, 0}));
    fs::create_directory_symlink(root, root / "a" / "loop");
    fs::create_directory_symlink(root / "b", root / "b" / "self");
    const auto l = list_image_folder(root.string());
    QCOMPARE(l.size(), int64_t(2));
    QCOMPARE(l.class_names, (std::vector<std::string>{"a", "b"}));
    QCOMPARE(l.notes.size(), size_t(2));
    QVERIFY(QString::fromStdString(l.notes[0]).contains("not followed"));
  }

  void secondOpenComesFromTheCacheUntilAFileChanges() {
    const fs::path root = fresh();
    for (int i = 0; i < 4; ++i) write_image(root / "a" / (std::to_string(i) + ".png"), solid(8, 8, {0, 0, double(50 * i)}));
    fs::remove_all(cache_dir());
    const auto first = load(root);
    QCOMPARE(int(std::distance(fs::directory_iterator(cache_dir()), fs::directory_iterator())), 1);
    // Garble a file but keep its size and time: only a cache hit still returns its pixels.
    const fs::path victim = root / "a" / "2.png";
    const auto size = fs::file_size(victim);
    const auto time = fs::last_write_time(victim);
    write_bytes(victim, std::string(size, 'x'));
    fs::last_write_time(victim, time);
    const auto cached = load(root);
    QVERIFY(cached.warnings.empty());
    QVERIFY(torch::equal(cached.train.images, first.train.images) && torch::equal(cached.test.images, first.test.images));
    QVERIFY(torch::equal(cached.train.labels, first.train.labels));
    QCOMPARE(cached.class_names, first.class_names);
    // A new modification time: decoded again, and the garbled file is now found out.
    fs::last_write_time(victim, time + std::chrono::seconds(5));
    const auto fresh_decode = load(root);
    QCOMPARE(fresh_decode.warnings.size(), size_t(1));
    QVERIFY(fresh_decode.warnings[0].find("2.png") != std::string::npos);
  }

  void aCorruptCacheFileIsIgnoredAndRewritten() {
    const fs::path root = fresh();
    for (int i = 0; i < 3; ++i) write_image(root / "a" / (std::to_string(i) + ".png"), solid(8, 8, {double(60 * i), 0, 0}));
    fs::remove_all(cache_dir());
    const auto first = load(root);
    const fs::path file = fs::directory_iterator(cache_dir())->path();
    const std::string good = read_bytes(file);
    std::string flipped = good;
    flipped[good.size() - 20] ^= 0x55;  // one pixel byte
    for (const std::string& bad : {flipped, good.substr(0, good.size() / 2), std::string("MOCODEC1")}) {
      write_bytes(file, bad);
      const auto again = load(root);
      QVERIFY(torch::equal(again.train.images, first.train.images) && torch::equal(again.test.images, first.test.images));
      QCOMPARE(read_bytes(file), good);  // rewritten
    }
  }

  void ramBudgetRefusesWithTheFigures() {
    const fs::path root = fresh();
    for (int i = 0; i < 3; ++i) write_image(root / (std::to_string(i) + ".png"), solid(4, 4, {0, 0, 0}));
    qputenv("MOCO_RAM_BUDGET_MB", "1");
    const auto scan = scan_image_folder(root.string(), 512);
    QCOMPARE(scan.bytes_needed, int64_t(3) * 3 * 512 * 512);
    QCOMPARE(scan.ram_budget, int64_t(1) << 20);
    QCOMPARE(scan.images, int64_t(3));
    QCOMPARE(scan.classes, int64_t(0));
    const QString e = error_of([&] { load(root, 512); });
    qunsetenv("MOCO_RAM_BUDGET_MB");
    QVERIFY2(e.contains("3 images of 512 x 512 x 3 need 3 MiB") && e.contains("budget of 1 MiB") &&
                 e.contains(QString::fromStdString(root.string())),
             qPrintable(e));
    QVERIFY(ram_budget_bytes() > (int64_t(1) << 20));  // half the machine's memory again
  }

  void progressIsReportedUpToTheTotalAndCanCancel() {
    const fs::path root = fresh();
    for (int i = 0; i < 12; ++i) write_image(root / (std::to_string(i) + ".png"), solid(4, 4, {0, 0, 0}));
    fs::remove_all(cache_dir());
    std::vector<std::pair<int64_t, int64_t>> calls;
    load_image_folder(root.string(), 8, 0, 0, [&](int64_t done, int64_t total) {
      calls.emplace_back(done, total);
      return true;
    });
    QVERIFY(calls.size() >= 2);
    QCOMPARE(calls.front(), (std::pair<int64_t, int64_t>{0, 12}));  // the total before any decoding
    QCOMPARE(calls.back(), (std::pair<int64_t, int64_t>{12, 12}));
    for (size_t i = 1; i < calls.size(); ++i) QVERIFY(calls[i].first >= calls[i - 1].first);
    // false cancels: an error, and nothing cached.
    fs::remove_all(cache_dir());
    const QString e = error_of([&] { load_image_folder(root.string(), 8, 0, 0, [](int64_t, int64_t) { return false; }); });
    QVERIFY2(e.contains("cancelled") && e.contains(QString::fromStdString(root.string())), qPrintable(e));
    QVERIFY(!fs::exists(cache_dir()));
    // A callback that throws once the workers run ends the load with its error, not the program.
    int calls_made = 0;
    const QString thrown = error_of([&] {
      load_image_folder(root.string(), 8, 0, 0, [&](int64_t, int64_t) {
        if (calls_made++ > 0) throw std::runtime_error("listener failed");
        return true;
      });
    });
    QCOMPARE(thrown, QString("listener failed"));
  }

  // data.train_limit keeps the first N images, which mix the classes (not class p alone).
  void loadDatasetReadsFoldersAndItsLimitsSampleEveryClass() {
    const fs::path root = fresh();
    for (const char* cls : {"p", "q"})
      for (int i = 0; i < 10; ++i) write_image(root / cls / (std::to_string(i) + ".png"), solid(12, 12, {0, 0, 0}));
    DataConfig data;
    data.dataset = DatasetName::Folder;
    data.path = root.string();
    data.image_size = 16;
    data.train_limit = 6;
    const auto d = load_dataset(data);
    QCOMPARE(d.train.images.sizes().vec(), (std::vector<int64_t>{6, 3, 16, 16}));
    QCOMPARE(d.train.labels.min().item<int64_t>(), int64_t(0));
    QCOMPARE(d.train.labels.max().item<int64_t>(), int64_t(1));
    QCOMPARE(d.test.size(), int64_t(2));
    QVERIFY(needs_folder(DatasetName::Folder));
  }
};

QTEST_APPLESS_MAIN(TestImageFolders)
#include "tst_image_folders.moc"
