// Presets, JSON round trip, unknown keys, validation with field names, --set.
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest/QtTest>

#include "api/config.h"
#include "api/fields.h"

using namespace moco;

Q_DECLARE_METATYPE(std::string)

class TestConfig : public QObject {
  Q_OBJECT
 private slots:
  void presetsFollowThePapers() {
    const Config v1 = preset_v1(), v2 = preset_v2();
    QCOMPARE(v1.model.head, HeadType::Linear);
    QCOMPARE(v2.model.head, HeadType::Mlp);
    QCOMPARE(v1.moco.temperature, 0.07);
    QCOMPARE(v2.moco.temperature, 0.2);
    QCOMPARE(v1.augment.jitter_p, 1.0);  // v1 jitters always, with hue 0.4
    QCOMPARE(v1.augment.hue, 0.4);
    QCOMPARE(v1.augment.blur_p, 0.0);
    QCOMPARE(v2.augment.jitter_p, 0.8);
    QCOMPARE(v2.augment.hue, 0.1);
    QCOMPARE(v2.augment.blur_p, 0.5);
    QCOMPARE(v2.optim.schedule, LrSchedule::Cosine);
    QCOMPARE(v1.optim.schedule, LrSchedule::Step);
    QVERIFY(validate(v1).empty());
    QVERIFY(validate(v2).empty());
    QVERIFY_EXCEPTION_THROWN(preset_by_name("v3"), std::invalid_argument);
  }

  void defaultExperimentIsV2WithItsMeasuredChanges() {
    // LESSONS.md: v2 with τ 0.1 and 3 600 cosine steps beats the raw-pixel floor within 5 minutes;
    // everything else is v2's, so a class comparing it with v2 sees only those two changes.
    const Config demo = preset_fashion_mnist_demo(), v2 = preset_v2();
    QCOMPARE(demo.preset, std::string("fashion-mnist-demo"));
    QCOMPARE(demo.moco.temperature, 0.1);
    QCOMPARE(demo.run.total_steps, int64_t(3600));
    Config same = demo;
    same.preset = v2.preset;
    same.moco.temperature = v2.moco.temperature;
    same.run.total_steps = v2.run.total_steps;
    QCOMPARE(QString::fromStdString(to_json(same)), QString::fromStdString(to_json(v2)));
    QVERIFY(validate(demo).empty());
    for (const auto& name : preset_names()) QCOMPARE(preset_by_name(name).preset, name);
  }

  void cifarDemoPresetIsTheOfficialRecipe() {
    // facebookresearch/moco's CIFAR-10 demo: ResNet-18 with the CIFAR stem, K 4096, m 0.99, τ 0.1,
    // split BN 8, batch 512, lr 0.06 cosine, wd 5e-4, crop+flip+jitter 0.8 + gray 0.2, no blur.
    const Config c = preset_by_name("cifar10-demo");
    QCOMPARE(c.preset, std::string("cifar10-demo"));
    QCOMPARE(c.data.dataset, DatasetName::Cifar10);
    QCOMPARE(c.model.encoder, EncoderArch::Resnet18Cifar);
    QCOMPARE(c.model.head, HeadType::Linear);
    QCOMPARE(c.moco.queue_size, int64_t(4096));
    QCOMPARE(c.moco.momentum, 0.99);
    QCOMPARE(c.moco.temperature, 0.1);
    QCOMPARE(c.moco.bn_splits, int64_t(8));
    QCOMPARE(c.optim.batch_size, int64_t(512));
    QCOMPARE(c.optim.lr, 0.06);
    QCOMPARE(c.optim.schedule, LrSchedule::Cosine);
    QCOMPARE(c.optim.weight_decay, 5e-4);
    QCOMPARE(c.augment.jitter_p, 0.8);
    QCOMPARE(c.augment.grayscale_p, 0.2);
    QCOMPARE(c.augment.blur_p, 0.0);
    QVERIFY(preset_names_dataset("cifar10-demo"));
    QVERIFY(!preset_names_dataset("v2"));
  }

  void choosingADatasetBringsItsDefaults() {
    Config c = preset_v1();
    c.run.seed = 9;
    c.data.dataset = DatasetName::Cifar100;
    c.data.path = "/data/cifar-100-binary";
    const Config colour = with_dataset_defaults(c);
    QCOMPARE(colour.preset, std::string("cifar10-demo"));
    QCOMPARE(colour.model.encoder, EncoderArch::Resnet18Cifar);
    QCOMPARE(colour.optim.batch_size, int64_t(512));
    QCOMPARE(colour.data.dataset, DatasetName::Cifar100);  // the data and run stay as chosen
    QCOMPARE(colour.data.path, c.data.path);
    QCOMPARE(colour.run.seed, uint64_t(9));
    c.data.dataset = DatasetName::Stl10;
    QCOMPARE(with_dataset_defaults(c).data.image_size, int64_t(64));
    c.moco.mechanism = Mechanism::MemoryBank;  // the method compared stays chosen
    QCOMPARE(with_dataset_defaults(c).moco.mechanism, Mechanism::MemoryBank);
    // Back to a grey set: the small-data v2 recipe replaces the colour one; v1 chosen on a grey
    // set is left alone.
    Config grey = colour;
    grey.data.dataset = DatasetName::FashionMnist;
    QCOMPARE(with_dataset_defaults(grey).model.encoder, preset_v2().model.encoder);
    QCOMPARE(with_dataset_defaults(grey).optim.batch_size, preset_v2().optim.batch_size);
    QCOMPARE(with_dataset_defaults(grey).preset, std::string("v2"));
    Config v1 = preset_v1();
    QCOMPARE(to_json(with_dataset_defaults(v1)), to_json(v1));
  }

  void jsonRoundTripKeepsEveryField() {
    Config c = preset_v1();
    c.moco.momentum = 0.999;
    c.optim.milestones = {0.5};
    c.run.seed = 42;
    c.data.path = "/some/where";
    const Config back = config_from_json(to_json(c));
    QCOMPARE(to_json(back), to_json(c));
    QCOMPARE(back.moco.momentum, 0.999);
    QCOMPARE(back.run.seed, uint64_t(42));
  }

  // run.precision and run.channels_last travel with the config (a checkpoint stores it), and
  // --set spells them as the JSON does.
  void precisionRoundTripsAndDefaultsToAuto() {
    QCOMPARE(Config{}.run.precision, Precision::Auto);
    QVERIFY(Config{}.run.channels_last);
    for (auto p : {Precision::Auto, Precision::Fp32, Precision::Bf16, Precision::Fp16}) {
      Config c;
      c.run.device = DeviceChoice::Cuda;
      c.run.precision = p;
      c.run.channels_last = false;
      const Config back = config_from_json(to_json(c));
      QCOMPARE(back.run.precision, p);
      QVERIFY(!back.run.channels_last);
    }
    Config c;
    set_config_value(c, "run.precision", "bf16");
    QCOMPARE(c.run.precision, Precision::Bf16);
    QCOMPARE(to_string(Precision::Fp16), std::string("fp16"));
    QVERIFY_EXCEPTION_THROWN(set_config_value(c, "run.precision", "fp8"), std::invalid_argument);
  }

  // CPU autocast has no fp16: refused at the field, with what to choose instead.
  void fp16OnTheCpuIsRefused() {
    Config c = preset_v2();
    c.run.device = DeviceChoice::Cpu;
    c.run.precision = Precision::Fp16;
    const auto issues = validate(c);
    QCOMPARE(int(issues.size()), 1);
    QCOMPARE(issues[0].field, std::string("run.precision"));
    QVERIFY(issues[0].message.find("bf16") != std::string::npos);
    c.run.precision = Precision::Bf16;
    QVERIFY(validate(c).empty());
    c.run.device = DeviceChoice::Cuda;
    c.run.precision = Precision::Fp16;
    QVERIFY(validate(c).empty());
  }

  void missingKeysKeepDefaults() {
    const Config c = config_from_json(R"({"moco": {"queue_size": 128}})");
    QCOMPARE(c.moco.queue_size, int64_t(128));
    QCOMPARE(c.moco.temperature, Config{}.moco.temperature);
  }

  void badJsonIsRejectedNamingTheKey_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("unknown top-level") << R"({"momentum": 0.9})" << "momentum";
    QTest::newRow("unknown nested") << R"({"moco": {"queue": 5}})" << "moco.queue";
    QTest::newRow("string for number") << R"({"moco": {"temperature": "hot"}})" << "moco.temperature";
    QTest::newRow("float for integer") << R"({"optim": {"batch_size": 1.5}})" << "optim.batch_size";
    QTest::newRow("negative seed") << R"({"run": {"seed": -1}})" << "run.seed";
    QTest::newRow("not json") << R"({"moco": )" << "JSON";
  }
  void badJsonIsRejectedNamingTheKey() {
    QFETCH(QString, json);
    QFETCH(QString, mentions);
    try {
      config_from_json(json.toStdString());
      QFAIL("expected an error");
    } catch (const std::invalid_argument& e) {
      QVERIFY2(QString(e.what()).contains(mentions), e.what());
    }
  }

  void validationNamesEveryField_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("field");
    QTest::newRow("m > 1") << "moco.momentum" << "1.5" << "moco.momentum";
    QTest::newRow("m < 0") << "moco.momentum" << "-0.1" << "moco.momentum";
    QTest::newRow("tau = 0") << "moco.temperature" << "0" << "moco.temperature";
    QTest::newRow("K = 0") << "moco.queue_size" << "0" << "moco.queue_size";
    QTest::newRow("splits") << "moco.bn_splits" << "3" << "moco.bn_splits";
    QTest::newRow("batch 1") << "optim.batch_size" << "1" << "optim.batch_size";
    QTest::newRow("lr") << "optim.lr" << "-1" << "optim.lr";
    QTest::newRow("probability") << "augment.blur_p" << "2" << "augment.blur_p";
    QTest::newRow("scale order") << "augment.crop_scale_min" << "0.9" << "augment.crop_scale_min";
    QTest::newRow("epochs") << "run.epochs" << "-2" << "run.epochs";
    QTest::newRow("hue") << "augment.hue" << "0.7" << "augment.hue";
  }
  void validationNamesEveryField() {
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, field);
    Config c = preset_v2();
    c.augment.crop_scale_max = 0.5;  // so that crop_scale_min 0.9 is out of order
    c.augment.crop_scale_min = 0.2;
    set_config_value(c, key.toStdString(), value.toStdString());
    const auto issues = validate(c);
    QVERIFY2(!issues.empty(), qPrintable(key));
    bool named = false;
    for (const auto& i : issues) named = named || i.field == field.toStdString();
    QVERIFY2(named, describe(issues).c_str());
  }

  void severalProblemsAreAllReported() {
    Config c = preset_v2();
    c.moco.momentum = 2;
    c.moco.temperature = -1;
    c.optim.lr = 0;
    QCOMPARE(int(validate(c).size()), 3);
  }

  void setConfigValueParsesByType() {
    Config c = preset_v2();
    set_config_value(c, "moco.momentum", "0.999");
    set_config_value(c, "moco.symmetric", "true");
    set_config_value(c, "model.encoder", "resnet18_cifar");
    set_config_value(c, "optim.milestones", "[0.5, 0.75]");
    QCOMPARE(c.moco.momentum, 0.999);
    QVERIFY(c.moco.symmetric);
    QCOMPARE(c.model.encoder, EncoderArch::Resnet18Cifar);
    QCOMPARE(c.optim.milestones.size(), size_t(2));
    QVERIFY_EXCEPTION_THROWN(set_config_value(c, "moco.nope", "1"), std::invalid_argument);
    QVERIFY_EXCEPTION_THROWN(set_config_value(c, "moco.momentum", "high"), std::invalid_argument);
  }

  // Choices are typed: a value that is not one of them never reaches a Config, and the error names
  // the key and the choices.
  void unknownChoicesAreRejectedNamingTheChoices_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("choices");
    QTest::newRow("schedule") << "optim.schedule" << "linear" << "cosine, step or constant";
    QTest::newRow("encoder") << "model.encoder" << "vgg" << "small_cnn or resnet18_cifar";
    QTest::newRow("device") << "run.device" << "tpu" << "auto, cpu or cuda";
    QTest::newRow("dataset") << "data.dataset" << "cifar" << "fashion-mnist, mnist, synthetic, idx, cifar10, cifar100, stl10 or folder";
  }
  void unknownChoicesAreRejectedNamingTheChoices() {
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, choices);
    Config c = preset_v2();
    for (const bool from_json : {false, true}) {
      try {
        if (from_json) config_from_json(QString(R"({"%1": {"%2": "%3"}})").arg(key.section('.', 0, 0), key.section('.', 1), value).toStdString());
        else set_config_value(c, key.toStdString(), value.toStdString());
        QFAIL("expected an error");
      } catch (const std::invalid_argument& e) {
        QVERIFY2(QString(e.what()).contains(key) && QString(e.what()).contains(choices), e.what());
      }
    }
  }

  // The field table is the configuration: every key of the JSON has exactly one entry, and every
  // entry's spelling round-trips through the typed accessors.
  void fieldTableCoversEveryKey() {
    const QJsonObject json = QJsonDocument::fromJson(QByteArray::fromStdString(to_json(Config{}))).object();
    QStringList keys;
    for (auto section = json.begin(); section != json.end(); ++section) {
      if (!section->isObject()) keys << section.key();
      else
        for (const auto& name : section->toObject().keys()) keys << section.key() + "." + name;
    }
    QCOMPARE(int(config_fields().size()), keys.size());
    for (const auto& key : keys) QVERIFY2(find_field(key.toStdString()), qPrintable(key));
    for (const auto& f : config_fields()) {
      QVERIFY2(!f.help.empty() && !f.label.empty(), f.key.c_str());
      if (f.kind == FieldKind::Choice) QCOMPARE(f.choice_labels.size(), f.choices.size());
    }
    QCOMPARE(to_string(EncoderArch::Resnet18Cifar), std::string("resnet18_cifar"));
    Config c;
    set_field_text(c, "optim.schedule", "step");
    QCOMPARE(c.optim.schedule, LrSchedule::Step);
    set_field_number(c, "moco.queue_size", 512);
    QCOMPARE(field_number(c, "moco.queue_size"), 512.0);
    QVERIFY(is_live_field("moco.momentum") && is_live_field("augment.blur_p") && !is_live_field("moco.queue_size"));
    Config live = c;
    live.moco.momentum = 0.5;
    live.moco.queue_size = 7;
    copy_live_fields(live, c);
    QCOMPARE(c.moco.momentum, 0.5);
    QCOMPARE(c.moco.queue_size, int64_t(512));
  }
};

QTEST_APPLESS_MAIN(TestConfig)
#include "tst_config.moc"
