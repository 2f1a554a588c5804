// Trainer checkpoints: both encoders, the optimizer, the queue with pointer, ages and sample ids,
// the memory bank with its write steps (memory_bank runs), the step and the config. Random draws
// are derived from (seed, step), so the seed in the config and the step are the whole RNG state.
#include <filesystem>

#include "api/fields.h"
#include "api/files.h"
#include "train/trainer.h"

namespace moco {
namespace {

constexpr int64_t kCheckpointFormat = 1;  // bump when the layout changes

torch::serialize::InputArchive open_checkpoint(const std::string& path, c10::optional<torch::Device> device) {
  if (!std::filesystem::exists(path)) throw std::runtime_error("checkpoint '" + path + "' does not exist");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path, device);
  } catch (const c10::Error& e) {
    throw std::runtime_error("checkpoint '" + path + "' is corrupt or not a MoCo Workbench checkpoint: " +
                             e.what_without_backtrace());
  }
  torch::Tensor format;
  if (!archive.try_read("format", format) || format.item<int64_t>() != kCheckpointFormat)
    throw std::runtime_error("checkpoint '" + path + "' is not a MoCo Workbench checkpoint of format " +
                             std::to_string(kCheckpointFormat));
  return archive;
}

Config config_in(torch::serialize::InputArchive& archive, const std::string& path) {
  c10::IValue text;
  if (!archive.try_read("config", text) || !text.isString())
    throw std::runtime_error("checkpoint '" + path + "' holds no configuration");
  return config_from_json(text.toStringRef());
}

}  // namespace

void Trainer::save_checkpoint(const std::string& path) {
  settle();  // never save a step whose loss is not known to be finite
  torch::serialize::OutputArchive archive;
  archive.write("format", torch::tensor(kCheckpointFormat));
  archive.write("config", c10::IValue(to_json(config())));
  archive.write("step", torch::tensor(step_));
  // Every rank holds the same state (parameters, optimizer, queue) and draws its randomness from
  // (seed, step, rank's rows), so rank 0's state with the world size is the whole run's state.
  archive.write("world_size", torch::tensor(int64_t(world_->size())));
  torch::serialize::OutputArchive query, key, optimizer;
  model_.query->save(query);
  model_.key->save(key);
  optimizer_->save(optimizer);
  archive.write("query", query);
  archive.write("key", key);
  archive.write("optimizer", optimizer);
  const auto& q = model_.queue;
  archive.write("queue_keys", q.keys());
  archive.write("queue_written_at", q.written_at());
  archive.write("queue_sample_ids", q.sample_ids());
  archive.write("queue_batch_rows", q.batch_rows());
  archive.write("queue_pointer", torch::tensor(q.pointer()));
  if (bank_) {
    archive.write("bank_features", bank_->features());
    archive.write("bank_written_at", bank_->written_at());
  }
  if (scaler_) {  // fp16: the loss scale continues where it was
    archive.write("scaler_scale", scaler_->scale_tensor());
    archive.write("scaler_growth_tracker", scaler_->growth_tracker());
  }
  // Streamed through the atomic writer: every piece LibTorch hands over is a checked write.
  AtomicFileWriter file(path);
  try {
    archive.save_to([&](const void* data, size_t size) -> size_t {
      file.write(static_cast<const char*>(data), size);
      return size;
    });
  } catch (const c10::Error& e) {
    throw std::runtime_error("cannot write '" + path + "': " + e.what_without_backtrace());
  }
  file.commit();
}

// Fields that fix tensor shapes or the meaning of the state: a checkpoint must agree on them.
std::string structural_mismatch(const Config& saved, const Config& ours) {
  for (const char* key :
       {"moco.mechanism", "model.encoder", "model.head", "model.width", "model.feature_dim", "moco.queue_size", "optim.batch_size", "run.seed"}) {
    const bool choice = field_spec(key).kind == FieldKind::Choice;
    const std::string a = choice ? field_text(saved, key) : std::to_string(int64_t(field_number(saved, key)));
    const std::string b = choice ? field_text(ours, key) : std::to_string(int64_t(field_number(ours, key)));
    if (a != b) return std::string(key) + " is " + a + " in the checkpoint but " + b + " here";
  }
  return "";
}

void Trainer::load_checkpoint(const std::string& path) {
  auto archive = open_checkpoint(path, model_.device);
  const Config saved = config_in(archive, path);
  const std::string mismatch = structural_mismatch(saved, config_);
  if (!mismatch.empty()) throw std::runtime_error("checkpoint '" + path + "' belongs to another run: " + mismatch);
  torch::Tensor saved_world;  // absent in checkpoints of one process written before distributed runs
  const int64_t world = archive.try_read("world_size", saved_world) ? saved_world.item<int64_t>() : 1;
  if (world != world_->size())
    throw std::runtime_error("checkpoint '" + path + "' was written by a run of " + std::to_string(world) +
                             " process(es) but this one has " + std::to_string(world_->size()) +
                             ": resume it with --nproc " + std::to_string(world) +
                             " (the batch, data order and BN groups depend on the process count)");
  std::vector<std::vector<int64_t>> shapes;
  for (const auto& p : model_.query->parameters()) shapes.push_back(p.sizes().vec());
  try {
    torch::serialize::InputArchive query, key, optimizer;
    archive.read("query", query);
    archive.read("key", key);
    archive.read("optimizer", optimizer);
    model_.query->load(query);
    model_.key->load(key);
    optimizer_->load(optimizer);
    torch::Tensor step, keys, written_at, sample_ids, batch_rows, pointer;
    archive.read("step", step);
    archive.read("queue_keys", keys);
    archive.read("queue_written_at", written_at);
    archive.read("queue_sample_ids", sample_ids);
    archive.read("queue_batch_rows", batch_rows);
    archive.read("queue_pointer", pointer);
    model_.queue.restore(keys, written_at.cpu(), sample_ids.cpu(), batch_rows.cpu(), pointer.item<int64_t>());
    if (bank_) {
      torch::Tensor features, bank_written_at;
      archive.read("bank_features", features);
      archive.read("bank_written_at", bank_written_at);
      bank_->restore(features, bank_written_at.cpu());
    }
    if (scaler_) {  // absent when the run was saved in another precision: the scale starts afresh
      torch::Tensor scale, tracker;
      if (archive.try_read("scaler_scale", scale) && archive.try_read("scaler_growth_tracker", tracker))
        scaler_->restore(scale, tracker);
    }
    step_ = step.item<int64_t>();
    pending_.clear();
    ready_.clear();
  } catch (const c10::Error& e) {
    throw std::runtime_error("checkpoint '" + path + "' does not match this configuration: " + e.what_without_backtrace());
  }
  size_t i = 0;
  for (const auto& p : model_.query->parameters())
    if (p.sizes().vec() != shapes[i++]) throw std::runtime_error("checkpoint '" + path + "' holds tensors of other shapes");
  for (auto& p : model_.key->parameters()) p.set_requires_grad(false);
  model_.apply_memory_format();
  // Live values recorded in the checkpoint (m, tau, lr, augmentation) win over the config's.
  set_live(saved);
}

Config read_checkpoint_config(const std::string& path) {
  auto archive = open_checkpoint(path, torch::Device(torch::kCPU));
  return config_in(archive, path);
}

}  // namespace moco
