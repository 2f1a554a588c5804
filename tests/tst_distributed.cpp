// Data-parallel MoCo (issue 13): two ranks of a Trainer on Gloo (two threads, one CPU thread each)
// against one process with the whole batch, and moco-train --nproc 2 as a user runs it.
#include <QtTest/QtTest>
#include <torch/torch.h>

#include <csignal>
#include <filesystem>
#include <mutex>

#include "data/dataset.h"
#include "dist_ranks.h"
#include "moco_train_process.h"
#include "tiny_config.h"
#include "api/run_folder.h"
#include "train/trainer.h"

using namespace moco;

namespace {

// tiny_config with room for a global batch of 128 (10 classes x 32 images).
Config dist_config(int64_t batch, int64_t bn_splits) {
  Config c = test::tiny_config();
  c.data.synthetic_per_class = 32;
  c.optim.batch_size = batch;
  c.moco.bn_splits = bn_splits;
  c.moco.queue_size = 96;
  c.run.threads = 1;
  return c;
}

std::shared_ptr<const ImageDataset> dataset_of(const Config& c) {
  return std::make_shared<const ImageDataset>(load_dataset(c.data));
}

torch::Tensor flat_grads(Trainer& t) {
  std::vector<torch::Tensor> g;
  for (const auto& p : t.model().query->parameters()) g.push_back(p.grad().reshape({-1}));
  return torch::cat(g).clone();
}

torch::Tensor flat_params(Trainer& t) {
  std::vector<torch::Tensor> g;
  for (const auto& p : t.model().query->parameters()) g.push_back(p.detach().reshape({-1}));
  for (const auto& p : t.model().key->parameters()) g.push_back(p.detach().reshape({-1}));
  return torch::cat(g).clone();
}

struct RankResult {
  double first_loss = 0;
  torch::Tensor first_grads, params, queue_keys, queue_ids, queue_written;
};

// Trains `steps` steps on each of two ranks (a checkpoint round trip after `save_at` when > 0).
std::vector<RankResult> train_two_ranks(const Config& c, int64_t steps, int64_t save_at = 0,
                                        const std::string& checkpoint = "") {
  auto data = dataset_of(c);
  std::vector<RankResult> results(2);
  const auto errors = test::run_ranks(2, [&](World& w) {
    TrainerOptions options;
    options.world = std::shared_ptr<World>(&w, [](World*) {});  // the thread owns it
    auto trainer = std::make_unique<Trainer>(c, data, options);
    auto& r = results[size_t(w.rank())];
    for (int64_t s = 0; s < steps; ++s) {
      const auto m = trainer->step();
      if (s == 0) {
        r.first_loss = m.loss;
        r.first_grads = flat_grads(*trainer);
      }
      if (save_at > 0 && trainer->steps_done() == save_at) {
        if (w.rank() == 0) trainer->save_checkpoint(checkpoint);
        w.barrier();
        trainer = std::make_unique<Trainer>(c, data, options);
        trainer->load_checkpoint(checkpoint);
      }
    }
    r.params = flat_params(*trainer);
    r.queue_keys = trainer->model().queue.keys().clone();
    r.queue_ids = trainer->model().queue.sample_ids().clone();
    r.queue_written = trainer->model().queue.written_at().clone();
  });
  if (!errors[0].empty() || !errors[1].empty()) throw std::runtime_error(errors[0] + "| " + errors[1]);
  return results;
}

}  // namespace

class TestDistributed : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { torch::set_num_threads(1); }

  // After the reduce both ranks hold the same gradients, and after three steps the same
  // parameters and queue (the all-gathered keys), bit for bit.
  void ranks_stay_identical() {
    const auto r = train_two_ranks(dist_config(32, 1), 3);
    QVERIFY(torch::equal(r[0].first_grads, r[1].first_grads));
    QVERIFY(torch::equal(r[0].params, r[1].params));
    QVERIFY(torch::equal(r[0].queue_keys, r[1].queue_keys));
    QVERIFY(torch::equal(r[0].queue_ids, r[1].queue_ids));
    QVERIFY(torch::equal(r[0].queue_written, r[1].queue_written));
    QCOMPARE(r[0].first_loss, r[1].first_loss);
  }

  // Two processes of batch 64 (no split BN) see what one process of batch 128 sees when its BN
  // groups are the processes' (bn_splits 2: rank r takes the global rows r, r + 2 ...): the same
  // samples, augmentation draws and key permutation, so the first loss and gradients agree.
  void two_by_64_equals_one_by_128() {
    const auto two = train_two_ranks(dist_config(64, 1), 1);
    Config one_config = dist_config(128, 2);
    Trainer one(one_config, dataset_of(one_config));
    const auto m = one.step();
    QVERIFY2(std::abs(m.loss - two[0].first_loss) < 1e-5,
             qPrintable(QString("loss %1 vs %2").arg(m.loss, 0, 'g', 10).arg(two[0].first_loss, 0, 'g', 10)));
    const auto grads = flat_grads(one);
    const double diff = (grads - two[0].first_grads).abs().max().item<double>();
    QVERIFY2(diff < 1e-5, qPrintable(QString("max gradient difference %1").arg(diff)));
    // The queue holds the same keys in the same slots.
    const auto& q = one.model().queue;
    QVERIFY(torch::equal(q.sample_ids(), two[0].queue_ids));
    QVERIFY((q.keys() - two[0].queue_keys).abs().max().item<double>() < 1e-5);
  }

  void resumed_run_equals_uninterrupted() {
    const auto dir = std::filesystem::temp_directory_path() / ("moco_dist_resume_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto straight = train_two_ranks(dist_config(32, 1), 4);
    const auto resumed = train_two_ranks(dist_config(32, 1), 4, 2, (dir / "checkpoint.pt").string());
    std::filesystem::remove_all(dir);
    for (int r = 0; r < 2; ++r) {
      QVERIFY(torch::equal(straight[size_t(r)].params, resumed[size_t(r)].params));
      QVERIFY(torch::equal(straight[size_t(r)].queue_keys, resumed[size_t(r)].queue_keys));
    }
  }

  void other_world_size_refused() {
    const auto dir = std::filesystem::temp_directory_path() / ("moco_dist_world_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "checkpoint.pt").string();
    train_two_ranks(dist_config(32, 1), 1, 1, path);
    Config c = dist_config(32, 1);
    Trainer single(c, dataset_of(c));
    try {
      single.load_checkpoint(path);
      QFAIL("a checkpoint of 2 processes loaded into 1");
    } catch (const std::exception& e) {
      QVERIFY2(QString(e.what()).contains("--nproc 2"), e.what());
    }
    std::filesystem::remove_all(dir);
  }

  // moco-train --nproc 2 writes one normal run folder: config, one metrics row per step, the
  // checkpoint (of 2 processes), the export; rank 1 writes nothing of its own.
  void nproc_two_writes_a_run_folder() {
    const QString out = QDir::temp().filePath(QString("moco_dist_cli_%1").arg(::getpid()));
    QDir(out).removeRecursively();
    auto args = test::kTinyRunArgs;
    args << "--set" << "moco.bn_splits=1" << "--set" << "optim.batch_size=8" << "--steps" << "6" << "--out" << out
         << "--nproc" << "2" << "-q";
    const auto ok = test::run_moco_train(args);
    QVERIFY2(ok.code == 0, qPrintable(ok.err));
    const RunRecord record = RunFolder(out.toStdString()).read();
    QCOMPARE(int(record.metrics.size()), 6);
    QCOMPARE(record.metrics.back().step, int64_t(6));
    QVERIFY(std::isfinite(record.metrics.back().loss));
    QCOMPARE(record.config->optim.batch_size, int64_t(8));
    QVERIFY(QFile::exists(out + "/checkpoint.pt"));
    QVERIFY(QFile::exists(out + "/encoder_q.pth"));
    // Resumed with one process: refused, naming the --nproc to use.
    const auto single = test::run_moco_train({"--resume", out, "--steps", "8", "-q"});
    QVERIFY(single.code != 0);
    QVERIFY2(single.err.contains("--nproc 2"), qPrintable(single.err));
    QDir(out).removeRecursively();
  }

  // Rank 1 SIGKILLed mid-run: the launcher names it, and the survivor names it too (its heartbeat
  // stopped) and stops within the peer timeout instead of hanging.
  void a_killed_rank_is_named_by_the_launcher_and_the_survivor() {
    const QString out = QDir::temp().filePath(QString("moco_dist_kill_%1").arg(::getpid()));
    QDir(out).removeRecursively();
    QProcess p;
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("MOCO_DIST_TIMEOUT", "20");
    env.insert("MOCO_DIST_PEER_TIMEOUT", "3");
    p.setProcessEnvironment(env);
    auto args = test::kTinyRunArgs;
    args << "--set" << "moco.bn_splits=1" << "--set" << "optim.batch_size=8" << "--steps" << "100000" << "--out" << out
         << "--nproc" << "2" << "-q";
    p.start(QStringLiteral(MOCO_TRAIN_PATH), args);
    QVERIFY(p.waitForStarted());
    QStringList pids;
    const auto children = [&] {
      QFile f(QString("/proc/%1/task/%1/children").arg(p.processId()));
      if (!f.open(QIODevice::ReadOnly)) return QStringList();
      return QString::fromUtf8(f.readAll()).split(' ', Qt::SkipEmptyParts);
    };
    QTRY_VERIFY_WITH_TIMEOUT((pids = children()).size() == 2, 20000);
    // Training: rank 0 wrote metrics rows.
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(out + "/metrics.csv").size() > 200, 30000);
    QString rank1;
    for (const auto& pid : pids) {
      QFile environ(QString("/proc/%1/environ").arg(pid));
      if (environ.open(QIODevice::ReadOnly) && environ.readAll().split('\0').contains("RANK=1")) rank1 = pid;
    }
    QVERIFY(!rank1.isEmpty());
    QElapsedTimer timer;
    timer.start();
    ::kill(rank1.toInt(), SIGKILL);
    QVERIFY(p.waitForFinished(30000));
    const double seconds = timer.elapsed() / 1000.0;
    QVERIFY(p.exitCode() != 0);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains("rank 1 of 2 was killed by signal 9"), qPrintable(err));
    QVERIFY2(err.contains("rank 0: rank 1 of 2 stopped answering"), qPrintable(err));
    QVERIFY2(seconds < 3 + 5, qPrintable(QString("%1 s\n%2").arg(seconds).arg(err)));  // peer timeout and a margin
    QDir(out).removeRecursively();
  }

  // Ctrl-C (SIGINT to the launcher): every rank stops at the same step, rank 0 saves it, and the
  // launcher ends with the interruption's code.
  void ctrl_c_stops_every_rank_with_a_checkpoint() {
    const QString out = QDir::temp().filePath(QString("moco_dist_int_%1").arg(::getpid()));
    QDir(out).removeRecursively();
    QProcess p;
    auto args = test::kTinyRunArgs;
    args << "--set" << "moco.bn_splits=1" << "--set" << "optim.batch_size=8" << "--steps" << "100000" << "--out" << out
         << "--nproc" << "2" << "-q";
    p.start(QStringLiteral(MOCO_TRAIN_PATH), args);
    QVERIFY(p.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(out + "/metrics.csv").size() > 200, 30000);
    ::kill(pid_t(p.processId()), SIGINT);
    QVERIFY(p.waitForFinished(30000));
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(p.exitCode() == 130, qPrintable(QString("exit %1: %2").arg(p.exitCode()).arg(err)));
    const RunRecord record = RunFolder(out.toStdString()).read();
    QVERIFY(!record.metrics.empty());
    QVERIFY(QFile::exists(out + "/checkpoint.pt"));
    QVERIFY2(err.contains(QString("saved step %1").arg(record.metrics.back().step)), qPrintable(err));
    QDir(out).removeRecursively();
  }

  // Rank 1 alone, its peer never arriving: the rendezvous times out with an error naming the rank.
  void a_missing_rank_is_a_clear_error() {
    const QString out = QDir::temp().filePath(QString("moco_dist_alone_%1").arg(::getpid()));
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("WORLD_SIZE", "2");
    env.insert("RANK", "1");
    env.insert("MASTER_ADDR", "127.0.0.1");
    env.insert("MASTER_PORT", QString::number(test::free_port()));
    env.insert("MOCO_DIST_TIMEOUT", "3");
    auto alone = test::kTinyRunArgs;
    alone << "--set" << "moco.bn_splits=1" << "--out" << out << "-q";
    QElapsedTimer timer;
    timer.start();
    const auto lonely = test::run_moco_train(alone, env);
    QVERIFY(lonely.code != 0);
    QVERIFY2(lonely.err.contains("rank 1 of 2") && lonely.err.contains("rendezvous"), qPrintable(lonely.err));
    QVERIFY(timer.elapsed() < 60000);
    QDir(out).removeRecursively();
  }
};

QTEST_GUILESS_MAIN(TestDistributed)
#include "tst_distributed.moc"
