// Augmentation: parameters within their ranges and reproducible by seed; each operation checked
// against an independent computation.
#include <QtTest/QtTest>

#include <fstream>
#include <iterator>

#include "augment/augment.h"
#include "runtime/rng.h"

using namespace moco;

namespace {

TransformConfig nothing() {
  TransformConfig c;
  c.crop = false;
  c.flip_p = c.jitter_p = c.grayscale_p = c.blur_p = 0.0;
  c.normalize = false;
  return c;
}

Augmenter make(const TransformConfig& c, int64_t channels, int64_t side) {
  return Augmenter(c, channels, side, side, std::vector<double>(channels, 0.5), std::vector<double>(channels, 0.25));
}

// tests/data/colour_goldens.pt, written by bench/python/make_colour_goldens.py with torchvision.
c10::Dict<c10::IValue, c10::IValue> colour_goldens() {
  const std::string path = qEnvironmentVariable("MOCO_SOURCE_DIR").toStdString() + "/tests/data/colour_goldens.pt";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return torch::pickle_load(bytes).toGenericDict();
}

torch::Tensor random_images(int64_t n, int64_t c, int64_t side, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  return torch::randint(0, 256, {n, c, side, side}, gen, torch::kUInt8);
}

}  // namespace

class TestAugment : public QObject {
  Q_OBJECT
 private slots:
  void parametersStayInTheirRanges() {
    TransformConfig c;  // v2 recipe
    c.hue = 0.1;
    const int64_t side = 32, n = 2000;
    auto aug = make(c, 3, side);
    auto gen = make_generator(1, RngStream::AugmentQuery, 0);
    const auto p = aug.sample(n, gen);
    auto x = p.crop.select(1, 0), y = p.crop.select(1, 1), w = p.crop.select(1, 2), h = p.crop.select(1, 3);
    QVERIFY((x >= 0).all().item<bool>() && (y >= 0).all().item<bool>());
    QVERIFY((x + w <= side).all().item<bool>() && (y + h <= side).all().item<bool>());
    QVERIFY((w >= 1).all().item<bool>() && (h >= 1).all().item<bool>());
    // Area within the scale range (rounding of w and h allows a little slack).
    auto area = w * h / double(side * side);
    QVERIFY(area.min().item<float>() > 0.2f * 0.8f);
    auto ratio = w / h;
    QVERIFY(ratio.min().item<float>() > 0.75f * 0.8f && ratio.max().item<float>() < 1.3334f * 1.25f);
    auto f = p.jitter_factors;
    for (int k = 0; k < 3; ++k)
      QVERIFY(f.select(1, k).min().item<float>() >= 0.6f && f.select(1, k).max().item<float>() <= 1.4f);
    QVERIFY(f.select(1, 3).abs().max().item<float>() <= 0.1f);
    auto blurred_sigma = p.sigma.masked_select(p.blur);
    QVERIFY(blurred_sigma.min().item<float>() >= 0.1f && blurred_sigma.max().item<float>() <= 2.0f);
    QCOMPARE(p.sigma.masked_select(~p.blur).abs().sum().item<float>(), 0.0f);
    // Each probability is honoured (binomial: 2000 draws, 5 sigma ~ 0.056).
    QVERIFY(std::abs(p.flip.to(torch::kFloat32).mean().item<float>() - 0.5f) < 0.06f);
    QVERIFY(std::abs(p.jitter.to(torch::kFloat32).mean().item<float>() - 0.8f) < 0.05f);
    QVERIFY(std::abs(p.grayscale.to(torch::kFloat32).mean().item<float>() - 0.2f) < 0.05f);
    QVERIFY(std::abs(p.blur.to(torch::kFloat32).mean().item<float>() - 0.5f) < 0.06f);
    // Every order is a permutation of the four operations.
    QVERIFY(torch::equal(std::get<0>(p.jitter_order.sort(1)), torch::arange(4).expand({n, 4})));
  }

  void sameSeedSameViews() {
    auto aug = make(TransformConfig{}, 3, 16);
    auto images = random_images(8, 3, 16, 5);
    auto g1 = make_generator(9, RngStream::AugmentKey, 4), g2 = make_generator(9, RngStream::AugmentKey, 4);
    auto g3 = make_generator(9, RngStream::AugmentKey, 5);
    const auto p1 = aug.sample(8, g1), p2 = aug.sample(8, g2), p3 = aug.sample(8, g3);
    QVERIFY(torch::equal(p1.crop, p2.crop) && torch::equal(p1.sigma, p2.sigma));
    QVERIFY(torch::equal(aug.apply(images, p1), aug.apply(images, p2)));
    QVERIFY(!torch::equal(p1.crop, p3.crop));
  }

  void nothingEnabledIsTheIdentity() {
    auto aug = make(nothing(), 3, 12);
    auto images = random_images(4, 3, 12, 1);
    auto gen = make_generator(0, RngStream::AugmentQuery, 0);
    auto out = aug.apply(images, aug.sample(4, gen));
    QVERIFY(torch::allclose(out, images.to(torch::kFloat32) / 255.0, 1e-6, 1e-6));
  }

  void cropBoxSelectsThoseSourcePixels() {
    // Crop (x 2, y 3, 4 x 4) resized to 4 x 4 samples exactly the source pixel centres.
    auto c = nothing();
    c.crop = true;
    c.output_size = 4;
    auto aug = make(c, 1, 8);
    auto images = random_images(2, 1, 8, 2);
    auto gen = make_generator(0, RngStream::AugmentQuery, 0);
    auto p = aug.sample(2, gen);
    p.crop = torch::tensor({2.f, 3.f, 4.f, 4.f}).repeat({2, 1});
    p.flip = torch::tensor({false, true});
    auto out = aug.apply(images, p);
    auto expected = images.slice(2, 3, 7).slice(3, 2, 6).to(torch::kFloat32) / 255.0;
    QVERIFY(torch::allclose(out[0], expected[0], 1e-5, 1e-5));
    QVERIFY(torch::allclose(out[1], expected[1].flip({2}), 1e-5, 1e-5));  // flipped within the box
  }

  void hsvRoundTripAndHueShift() {
    auto gen = at::detail::createCPUGenerator(3);
    auto rgb = torch::rand({5, 3, 6, 6}, gen);
    QVERIFY(torch::allclose(hsv_to_rgb(rgb_to_hsv(rgb)), rgb, 1e-5, 1e-5));
    // Pure red shifted by a third of the circle is pure green.
    auto red = torch::zeros({1, 3, 1, 1});
    red[0][0] = 1.0;
    auto hsv = rgb_to_hsv(red);
    hsv.select(1, 0).add_(1.0 / 3.0);
    auto green = hsv_to_rgb(hsv);
    QVERIFY(torch::allclose(green.flatten(), torch::tensor({0.f, 1.f, 0.f}), 1e-5, 1e-5));
  }

  void jitterMatchesTheFormulas() {
    auto c = nothing();
    c.jitter_p = 1.0;
    auto aug = make(c, 3, 4);
    auto images = random_images(3, 3, 4, 8);
    auto gen = make_generator(0, RngStream::AugmentQuery, 0);
    auto p = aug.sample(3, gen);
    // Only brightness (factor 1.2) and contrast (0.5): the other two are the identity.
    p.jitter_factors = torch::tensor({1.2f, 0.5f, 1.0f, 0.0f}).repeat({3, 1});
    p.jitter_order = torch::arange(4).repeat({3, 1});
    auto out = aug.apply(images, p);
    auto x = (images.to(torch::kFloat32) / 255.0 * 1.2).clamp(0, 1);
    auto gray = (0.2989 * x.select(1, 0) + 0.587 * x.select(1, 1) + 0.114 * x.select(1, 2)).mean({1, 2});
    auto expected = (0.5 * x + 0.5 * gray.view({3, 1, 1, 1})).clamp(0, 1);
    QVERIFY(torch::allclose(out, expected, 1e-5, 1e-5));
  }

  void grayscaleReplicatesLuma() {
    auto c = nothing();
    c.grayscale_p = 1.0;
    auto aug = make(c, 3, 5);
    auto images = random_images(2, 3, 5, 4);
    auto gen = make_generator(0, RngStream::AugmentQuery, 0);
    auto out = aug.apply(images, aug.sample(2, gen));
    auto x = images.to(torch::kFloat32) / 255.0;
    auto luma = 0.2989 * x.select(1, 0) + 0.587 * x.select(1, 1) + 0.114 * x.select(1, 2);
    for (int ch = 0; ch < 3; ++ch) QVERIFY(torch::allclose(out.select(1, ch), luma, 1e-5, 1e-5));
  }

  void grayscaleImagesSkipColourOperations() {
    TransformConfig c = nothing();
    c.jitter_p = 1.0;
    c.grayscale_p = 1.0;
    c.brightness = c.contrast = 0.0;  // factors exactly 1: only saturation/hue could act
    c.saturation = 0.9;
    c.hue = 0.5;
    auto aug = make(c, 1, 6);
    auto images = random_images(4, 1, 6, 6);
    auto gen = make_generator(0, RngStream::AugmentQuery, 0);
    const auto p = aug.sample(4, gen);
    QVERIFY(!p.grayscale.any().item<bool>());
    QVERIFY(torch::allclose(aug.apply(images, p), images.to(torch::kFloat32) / 255.0, 1e-6, 1e-6));
  }

  void blurKeepsConstantsAndSmooths() {
    auto c = nothing();
    c.blur_p = 1.0;
    auto aug = make(c, 1, 16);
    auto gen = make_generator(0, RngStream::AugmentQuery, 0);
    auto p = aug.sample(2, gen);
    auto flat = torch::full({2, 1, 16, 16}, 100, torch::kUInt8);
    QVERIFY(torch::allclose(aug.apply(flat, p), torch::full({2, 1, 16, 16}, 100 / 255.0), 1e-5, 1e-5));
    // A single bright pixel spreads as a normalised Gaussian of that sigma.
    auto dot = torch::zeros({2, 1, 16, 16}, torch::kUInt8);
    dot.index_put_({torch::indexing::Slice(), 0, 8, 8}, 255);
    p.sigma = torch::tensor({0.5f, 1.5f});
    auto out = aug.apply(dot, p);
    QVERIFY(std::abs(out[0].sum().item<float>() - 1.0f) < 1e-4f);
    const float g1 = std::exp(-1.0f / (2 * 1.5f * 1.5f)), z = [&] {
      float s = 0;
      for (int k = -6; k <= 6; ++k) s += std::exp(-float(k * k) / (2 * 1.5f * 1.5f));
      return s;
    }();
    QVERIFY(std::abs(out[1][0][8][9].item<float>() - g1 / (z * z)) < 1e-5f);
    QVERIFY(out[0][0][8][8].item<float>() > out[1][0][8][8].item<float>());  // smaller sigma, sharper
  }

  void normalisationUsesTheStats() {
    auto c = nothing();
    c.normalize = true;
    auto aug = make(c, 1, 4);
    auto images = torch::full({1, 1, 4, 4}, 255, torch::kUInt8);
    auto gen = make_generator(0, RngStream::AugmentQuery, 0);
    auto out = aug.apply(images, aug.sample(1, gen));
    QVERIFY(torch::allclose(out, torch::full({1, 1, 4, 4}, (1.0 - 0.5) / 0.25)));
    QVERIFY(torch::allclose(aug.denormalize(out), torch::ones({1, 1, 4, 4})));
    // Per channel with different statistics.
    Augmenter colour(c, 3, 4, 4, {0.1, 0.5, 0.9}, {0.2, 0.4, 0.5});
    auto rgb = colour.apply(torch::full({2, 3, 4, 4}, 255, torch::kUInt8), colour.sample(2, gen));
    QVERIFY(torch::allclose(rgb.select(1, 0), torch::full({2, 4, 4}, 0.9 / 0.2)));
    QVERIFY(torch::allclose(rgb.select(1, 2), torch::full({2, 4, 4}, 0.1 / 0.5)));
  }

  void colourMatchesTorchvision_data() {
    QTest::addColumn<bool>("masked");
    QTest::newRow("gathered (CPU)") << false;
    QTest::newRow("masked (GPU)") << true;
  }

  void colourMatchesTorchvision() {
    // The same jitter factors and order, grayscale and blur sigma through torchvision's functional
    // operations and through Augmenter::apply: every value within 1/255.
    QFETCH(bool, masked);
    const auto goldens = colour_goldens();
    auto at = [&](const char* key) { return goldens.at(c10::IValue(std::string(key))).toTensor(); };
    const auto images = at("images"), factors = at("factors"), orders = at("orders"), gray = at("grayscale"),
               sigma = at("sigma"), outputs = at("outputs");
    const int64_t n = images.size(0), cases = outputs.size(0);
    QVERIFY(cases >= 10);
    auto c = nothing();
    c.blur_sigma_max = at("sigma_max").item<double>();
    auto aug = make(c, 3, images.size(2));
    aug.force_masked(masked);
    for (int64_t k = 0; k < cases; ++k) {
      AugmentParams p;
      p.crop = torch::tensor({0.f, 0.f, float(images.size(3)), float(images.size(2))}).repeat({n, 1});
      p.flip = torch::zeros({n}, torch::kBool);
      p.jitter = torch::ones({n}, torch::kBool);
      p.jitter_factors = factors[k].repeat({n, 1});
      p.jitter_order = orders[k].repeat({n, 1});
      p.grayscale = gray[k].expand({n}).clone();
      p.blur = (sigma[k] > 0).expand({n}).clone();
      p.sigma = sigma[k].expand({n}).clone();
      const auto ours = aug.apply_unnormalized(images, p);
      const double worst = (ours - outputs[k]).abs().max().item<double>();
      QVERIFY2(worst <= 1.0 / 255,
               qPrintable(QString("case %1 (factors %2): differs from torchvision by %3")
                              .arg(k)
                              .arg(QString::fromStdString(c10::str(factors[k])).simplified())
                              .arg(worst)));
    }
  }

  void maskedPathMatchesTheGatheredOne_data() {
    QTest::addColumn<int>("channels");
    QTest::newRow("grey") << 1;
    QTest::newRow("colour") << 3;
  }

  void maskedPathMatchesTheGatheredOne() {
    // What a GPU runs (whole-batch operations kept per row, one packed parameter copy) must give
    // the CPU's sub-batch results, with every operation on, hue and blur included.
    QFETCH(int, channels);
    TransformConfig c;  // the v2 recipe
    c.hue = 0.1;
    c.jitter_p = 0.9;
    auto gathered = make(c, channels, 24);
    auto masked = make(c, channels, 24);
    masked.force_masked(true);
    auto images = random_images(64, channels, 24, 5);
    auto gen = make_generator(1, RngStream::AugmentQuery, 3);
    const auto params = gathered.sample(64, gen);
    QVERIFY(params.jitter.any().item<bool>() && params.blur.any().item<bool>() && !params.blur.all().item<bool>());
    auto a = gathered.apply(images, params), b = masked.apply(images, params);
    QCOMPARE(a.sizes(), b.sizes());
    QVERIFY2(torch::allclose(a, b, 1e-4, 1e-4),
             qPrintable(QString("max difference %1").arg((a - b).abs().max().item<double>())));
  }
};

QTEST_APPLESS_MAIN(TestAugment)
#include "tst_augment.moc"
