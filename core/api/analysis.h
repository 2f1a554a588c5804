// What the workbench shows about a representation, behind a torch-free header (the UI includes
// it): dataset images, augmentation pair previews, feature snapshots, the kNN monitor, a linear
// probe, representation health, queue consistency and nearest neighbours.
//
// Functions taking a Trainer& use its encoders: call them on the training thread, between steps
// (TrainingSession::run_between_steps), or on a trainer no other thread is stepping. What they
// return is plain data that may then be used anywhere.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/config.h"
#include "api/datasets.h"

namespace moco {

class Trainer;
struct ImageDataset;

// ---- Dataset access -------------------------------------------------------------------------

// An 8-bit image, rows of width x channels bytes (RGB or gray, no padding).
struct ImageU8 {
  int64_t width = 0, height = 0, channels = 0;
  std::vector<uint8_t> pixels;
};

struct DatasetInfo {
  std::string name;
  int64_t train_size = 0, test_size = 0, channels = 0, height = 0, width = 0;
  std::vector<std::string> class_names;
  std::vector<std::string> warnings;   // what the user should know (files skipped while loading …)
  std::string labels_unavailable;      // why kNN, the probe and class colours are unavailable; "" = they are
};

// Bank: the labelled images kNN and the probe learn from, the training split unless the dataset
// trains on unlabelled images beside a labelled set (STL-10's unlabelled split).
enum class Split { Train, Test, Bank };

// Loads what `data` names (throws std::runtime_error naming the file or folder at fault);
// `progress` hears of long decodes (image folders) on the loading thread and may cancel them.
std::shared_ptr<const ImageDataset> load_dataset_shared(const DataConfig& data, const LoadProgress& progress = {});
DatasetInfo dataset_info(const ImageDataset& dataset);
ImageU8 dataset_image(const ImageDataset& dataset, Split split, int64_t index);
// -1 when the split has no labels.
int64_t dataset_label(const ImageDataset& dataset, Split split, int64_t index);
// True when this LibTorch sees a CUDA GPU.
bool cuda_available();

// ---- Augmentation previews ------------------------------------------------------------------

// What was drawn for one view (see AugmentParams in augment.h).
struct ViewParams {
  double crop_x = 0, crop_y = 0, crop_width = 0, crop_height = 0;  // in source pixels
  bool flip = false;
  bool jitter = false;
  double brightness = 1, contrast = 1, saturation = 1, hue = 0;
  std::vector<int> jitter_order;  // 0 brightness, 1 contrast, 2 saturation, 3 hue
  bool grayscale = false;
  bool blur = false;
  double sigma = 0;
};

struct PairPreview {
  int64_t index = 0;  // training-set index
  int64_t label = -1;
  ImageU8 source;
  ImageU8 query_view, key_view;  // de-normalised, as the encoders see them
  ViewParams query, key;
};

// Two views of each listed training image under `augment`, drawn from `seed` (same seed, same
// views). Runs on the CPU; safe on any thread.
std::vector<PairPreview> preview_pairs(const ImageDataset& dataset, const TransformConfig& augment,
                                       const std::vector<int64_t>& train_indices, uint64_t seed);

// ---- Features --------------------------------------------------------------------------------

// L2-normalised features of dataset images, row-major count x dim.
struct FeatureSet {
  int64_t step = 0;   // trainer step they were taken at
  int64_t count = 0, dim = 0;
  std::vector<float> values;
  std::vector<int64_t> labels;   // -1 when unlabelled
  std::vector<int64_t> indices;  // dataset index of each row
  Split split = Split::Test;
  bool head = false;  // head embedding (true) or pooled backbone features (false)
};

// The indices 0 .. n-1, or none (meaning the whole split) when n is 0 or covers all `available`.
std::vector<int64_t> first_indices(int64_t n, int64_t available);

// Features of `indices` (all of the split when empty) through the query encoder in eval mode.
FeatureSet extract_feature_set(Trainer& trainer, Split split, const std::vector<int64_t>& indices = {},
                               bool head = false);

// ---- kNN monitor and linear probe -------------------------------------------------------------

struct KnnOptions {
  int64_t k = 200;        // neighbours that vote (the CIFAR demo's 200)
  double t = 0.1;         // vote weight exp(sim / t)
  int64_t bank_size = 0;  // training images in the bank (0 = all)
  int64_t test_size = 0;  // test images classified (0 = all)
};

struct KnnReport {
  int64_t step = 0;
  double top1 = 0, top5 = 0;  // fractions
  double seconds = 0;
};

// kNN on backbone features exactly as the reference demo's monitor. Throws std::invalid_argument
// for an empty bank, k larger than the bank, or non-finite features.
KnnReport knn_monitor(Trainer& trainer, const KnnOptions& options);
KnnReport knn_on_features(const FeatureSet& bank, const FeatureSet& queries, int64_t classes, const KnnOptions& options);

struct ProbeOptions {
  int64_t iterations = 50;  // L-BFGS iterations (full batch, on the cached features)
  double weight_decay = 1e-4;  // L2 penalty on the weights
};

struct ProbeReport {
  int64_t step = 0;
  double top1 = 0;
  double seconds = 0;
};

// A linear classifier on frozen, cached features (BN in eval mode), trained on `train`, scored on
// `test`. Features are standardised with the training set's statistics first.
ProbeReport linear_probe(const FeatureSet& train, const FeatureSet& test, int64_t classes, const ProbeOptions& options);

// The floors every accuracy plot shows: raw-pixel kNN and the randomly initialised encoder's kNN
// (same architecture and seed as the run).
struct Floors {
  double pixel_knn_top1 = 0;
  double random_encoder_knn_top1 = 0;
};
Floors knn_floors(const Config& config, const ImageDataset& dataset, const KnnOptions& options);

// ---- Representation health ----------------------------------------------------------------------

struct HealthReport {
  int64_t step = 0;
  double alignment = 0;       // E ||f(x) - f(x+)||^2 over positive pairs (Wang & Isola, alpha 2)
  double uniformity = 0;      // log E exp(-2 ||f(x) - f(y)||^2) over all pairs (t 2)
  double feature_std = 0;     // mean per-dimension std of normalised features; collapse -> 0
  double ideal_std = 0;       // 1 / sqrt(dim): what uniform features give
  double effective_rank = 0;  // exp(entropy of the covariance's normalised eigenvalues)
};

// On head embeddings of `count` training images and their two augmented views.
HealthReport representation_health(Trainer& trainer, int64_t count = 512);
// The formulas on given embeddings (rows L2-normalised), for tests: x and x_pos are n x dim.
HealthReport health_of(const std::vector<float>& x, const std::vector<float>& x_pos, int64_t n, int64_t dim);

// ---- Queue consistency ------------------------------------------------------------------------

struct ConsistencyPoint {
  int64_t slot = 0;       // queue slot (memory bank: the entry's image index)
  int64_t age = 0;        // steps since the key was written
  double cosine = 0;      // stored key . key re-encoded now from the same sample and augmentation
};

struct ConsistencyReport {
  int64_t step = 0;
  std::vector<ConsistencyPoint> points;
  double mean_cosine = 0;
};

// For keys written at up to `max_steps` distinct past steps (spread over the queue's ages),
// re-encodes their batches exactly as they were encoded (same images, augmentation, shuffle,
// split BN) with the *current* key encoder, and compares. m = 1 gives 1; m = 0 collapses.
// The key encoder's BN statistics are restored afterwards. Other mechanisms: the memory bank's
// entries (written at up to `max_steps` steps) against their images' query features now, from
// the same query view (slot = image index; a mix of old and new, so below 1 even when fresh);
// end-to-end: one point, age 0 and cosine 1 (the negatives are fresh keys of the current encoder).
ConsistencyReport queue_consistency(Trainer& trainer, int64_t max_steps = 8);
// The report's mean cosine per key age, by increasing age (what metrics.jsonl stores and the
// GUI plots).
std::vector<std::pair<int64_t, double>> mean_cosine_by_age(const ConsistencyReport& report);

// Age in steps of each of the K queue slots (of each memory-bank entry, for that mechanism) at the
// trainer's current step; -1 for slots that still hold their random initial key. `step`, when
// given, receives the step the ages refer to.
std::vector<int64_t> queue_slot_ages(Trainer& trainer, int64_t* step = nullptr);

// ---- Nearest neighbours ---------------------------------------------------------------------

struct Neighbour {
  int64_t index = 0;      // training-set index (for queue keys: the sample the key came from)
  int64_t label = -1;
  double similarity = 0;  // cosine
  int64_t slot = -1;      // queue slot (queue neighbours only)
  int64_t age = -1;       // queue key age in steps (queue neighbours only)
};

struct NeighbourReport {
  std::vector<Neighbour> training;  // in `bank`, by backbone features
  std::vector<Neighbour> queue;     // among the queue's keys, by head embedding
};

// Neighbours of an image (C x H x W uint8 at the dataset's size, e.g. dataset_image or a decoded
// file), in the training bank and in the queue.
NeighbourReport nearest_neighbours(Trainer& trainer, const FeatureSet& bank, const ImageU8& image, int64_t k);

// ---- Periodic evaluation ----------------------------------------------------------------------

struct EvalOptions {
  KnnOptions knn;            // bank_size / test_size bound the cost (0 = whole split)
  bool probe = true;         // linear probe on the kNN's features
  ProbeOptions probe_options;
  int64_t health_count = 512;
  int64_t consistency_steps = 8;
};

struct EvalReport {
  int64_t step = 0;
  KnnReport knn;
  ProbeReport probe;  // top1 = -1 when skipped
  HealthReport health;
  ConsistencyReport consistency;
  double seconds = 0;
};

// kNN, linear probe, health and queue consistency at the trainer's current step.
EvalReport evaluate(Trainer& trainer, const EvalOptions& options);
// One JSON object (a metrics.jsonl line): {"step": N, "eval": {...}}; consistency as mean plus
// mean cosine per age.
std::string to_json_line(const EvalReport& report);
std::string to_json_line(const Floors& floors, int64_t step);

// Reads back a metrics.jsonl line written by to_json_line: fills `report` for an "eval" line or
// `floors` for a "floors" line. Consistency comes back as one point per age (slot -1), as written;
// values a line lacks are NaN (probe: -1).
enum class JsonLineKind { Other, Eval, Floors };  // Other: per-step rows and lines that do not parse
JsonLineKind parse_json_line(const std::string& line, EvalReport& report, Floors& floors);

// ---- Export -----------------------------------------------------------------------------------

// Features as float32 .npy and labels as int64 .npy (NumPy format 1.0).
void save_npy(const FeatureSet& features, const std::string& features_path, const std::string& labels_path);
// TensorBoard Projector files in `folder`: vectors.tsv, metadata.tsv, projector_config.pbtxt
// (the sprite image is written by the imaging library: save_sprite in imaging/image_io.h).
void save_projector(const FeatureSet& features, const std::vector<std::string>& class_names, const std::string& folder,
                    const std::string& sprite_file = "", int64_t sprite_cell = 0);
// The encoder's state dict for PyTorch (see export.h).
void export_query_encoder(Trainer& trainer, const std::string& path);

}  // namespace moco
