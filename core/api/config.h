// Hyperparameters of one MoCo experiment: a plain struct with documented defaults, presets that
// follow the papers, JSON round-tripping shared by the GUI and the CLI, and validation that names
// every field at fault. No torch, no Qt: the UI includes this header.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace moco {

// Default folder of Debian's dataset-fashion-mnist.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";
// True when Debian's Fashion-MNIST files are installed.
bool fashion_mnist_installed();

// The choices of a field are typed; their JSON spellings and form labels are in the field table
// (api/fields.h: to_string, the table's choices).
// "fashion-mnist", "synthetic", "idx", "cifar10", "cifar100", "stl10", "folder"
enum class DatasetName { FashionMnist, Mnist, Synthetic, Idx, Cifar10, Cifar100, Stl10, Folder };
enum class EncoderArch { SmallCnn, Resnet18Cifar };        // "small_cnn", "resnet18_cifar"
enum class HeadType { Linear, Mlp };                       // "linear" (v1), "mlp" (v2)
enum class LrSchedule { Cosine, Step, Constant };          // "cosine", "step", "constant"
enum class DeviceChoice { Auto, Cpu, Cuda };               // "auto", "cpu", "cuda"
// Arithmetic of the encoders' forward passes (autocast): "auto", "fp32", "bf16", "fp16".
enum class Precision { Auto, Fp32, Bf16, Fp16 };
// Where the negatives come from (MoCo paper §3.2, Fig. 3): "queue", "end_to_end", "memory_bank".
enum class Mechanism { Queue, EndToEnd, MemoryBank };

// True for the datasets whose files sit in a folder: one the user names in data.path (IDX, image
// folders), or the data folder when it is empty (MNIST, CIFAR, STL-10).
bool needs_folder(DatasetName dataset);

// Every field's meaning, bounds and the papers' values are in config/fields.cpp (the field table).
struct DataConfig {
  // Debian's dataset-fashion-mnist, generated shapes, any MNIST-layout folder given by `path`, the
  // binary releases of CIFAR-10, CIFAR-100 and STL-10 extracted into `path`, or a folder of image
  // files in torchvision's ImageFolder layout.
  DatasetName dataset = DatasetName::FashionMnist;
  // Folder (or, for CIFAR and STL-10, .tar.gz) holding the files; empty = the dataset's default
  // location: Debian's Fashion-MNIST, or default_data_dir() (api/downloads.h) for CIFAR and STL-10.
  std::string path;
  // CIFAR-100: the 20 superclasses instead of the 100 classes.
  bool cifar100_coarse = false;
  // STL-10: train on the 100 000 unlabelled images; the labelled train split is the kNN/probe bank.
  bool stl10_unlabeled = false;
  // Resize every image to N x N pixels (area interpolation) when loading; 0 = as stored (image
  // folders: kDefaultFolderImageSize of api/datasets.h).
  int64_t image_size = 0;
  // Images per class of the generated set (train split; the test split gets a fifth of that).
  int64_t synthetic_per_class = 600;
  // Side of the generated images in pixels.
  int64_t synthetic_size = 32;
  // Use only the first N training images (0 = all): quick demos and tests.
  int64_t train_limit = 0;
  // Use only the first N test images (0 = all).
  int64_t test_limit = 0;
};

struct ModelConfig {
  // The small CNN (fast CPU default) or ResNet-18 in its CIFAR form (3x3 stem, no max-pool).
  EncoderArch encoder = EncoderArch::SmallCnn;
  // Linear (MoCo v1) or MLP (MoCo v2: Linear-ReLU-Linear, no BN).
  HeadType head = HeadType::Mlp;
  // Output dimension of the head: the contrastive feature size (paper: 128).
  int64_t feature_dim = 128;
  // Width multiplier of the small CNN's first layer (channels 32/64/128/256 at 32).
  int64_t width = 32;
};

struct MocoParams {
  // Queue (MoCo: keys of a momentum encoder in a FIFO), end-to-end (the other views of the batch,
  // keys from the query encoder with gradients; NT-Xent, as SimCLR) or memory bank (Wu et al. 2018:
  // one stored feature per training image, K of them sampled per step).
  Mechanism mechanism = Mechanism::Queue;
  // Queue length K: how many negative keys the dictionary holds.
  int64_t queue_size = 4096;
  // Momentum m of the key encoder: theta_k <- m theta_k + (1 - m) theta_q.
  double momentum = 0.99;
  // Softmax temperature tau of InfoNCE.
  double temperature = 0.2;
  // Symmetric loss (CIFAR demo): L(q1,k2) + L(q2,k1), both key sets enqueued.
  bool symmetric = false;
  // Shuffle BN on one device: BN statistics per sub-batch of batch/bn_splits samples and the key
  // batch shuffled across sub-batches. 1 turns it off (the CIFAR demo uses 8).
  int64_t bn_splits = 8;
};

struct OptimConfig {
  int64_t batch_size = 256;
  // Base learning rate for `batch_size` (the paper scales it linearly: 0.03 at 256).
  double lr = 0.03;
  // Cosine (per iteration), step (x0.1 at each milestone) or constant.
  LrSchedule schedule = LrSchedule::Cosine;
  // Milestones of the step schedule as fractions of the run (paper: epochs 120 and 160 of 200).
  std::vector<double> milestones = {0.6, 0.8};
  // Linear warm-up from 0 over this many steps.
  int64_t warmup_steps = 0;
  double sgd_momentum = 0.9;
  double weight_decay = 5e-4;
};

struct TransformConfig {
  // RandomResizedCrop: area fraction and aspect ratio ranges, output side (0 = input side).
  bool crop = true;
  double crop_scale_min = 0.2, crop_scale_max = 1.0;
  double crop_ratio_min = 3.0 / 4.0, crop_ratio_max = 4.0 / 3.0;
  int64_t output_size = 0;
  // Horizontal flip probability.
  double flip_p = 0.5;
  // ColorJitter, applied with probability jitter_p, factors drawn as in torchvision.
  double jitter_p = 0.8;
  double brightness = 0.4, contrast = 0.4, saturation = 0.4, hue = 0.1;
  // RandomGrayscale probability (colour images only).
  double grayscale_p = 0.2;
  // GaussianBlur with sigma ~ U[blur_sigma_min, blur_sigma_max] pixels, probability blur_p.
  double blur_p = 0.5;
  double blur_sigma_min = 0.1, blur_sigma_max = 2.0;
  // Normalise each channel with the training split's mean and std.
  bool normalize = true;
};

struct RunConfig {
  // Length of the run: total_steps wins when > 0, else epochs x steps per epoch.
  int64_t epochs = 3;
  int64_t total_steps = 0;
  uint64_t seed = 0;
  // Auto (CUDA when available), CPU or CUDA.
  DeviceChoice device = DeviceChoice::Auto;
  // CPU threads; 0 = every core (Debian's libtorch starts with one).
  int64_t threads = 0;
  // Autocast of the encoders' forward passes: auto = bf16 on a CUDA GPU that has it (compute
  // capability 8 and up), fp32 elsewhere; fp16 (with a loss scaler) needs CUDA. Logits, loss,
  // queue and BN statistics stay fp32 whatever the choice.
  Precision precision = Precision::Auto;
  // CUDA only: weights and images in channels-last (NHWC) memory, the layout tensor cores read.
  bool channels_last = true;
  // Write a checkpoint every N steps (0 = only at the end).
  int64_t checkpoint_every = 500;
};

struct Config {
  // Which preset the values started from ("v1", "v2" or "custom"); informational.
  std::string preset = "v2";
  DataConfig data;
  ModelConfig model;
  MocoParams moco;
  OptimConfig optim;
  TransformConfig augment;
  RunConfig run;
};

// The papers' recipes (He et al. 2019 §4; Chen et al. 2020, Table 1; the official CIFAR-10 demo) with
// K, batch and lr scaled for small data, read from resources/presets/<name>.json (compiled in).
// Their dataset is Fashion-MNIST (with its folder filled in) where installed, else the synthetic set.
Config preset_v1();
Config preset_v2();
// The official CIFAR-10 demo (ResNet-18 with the CIFAR stem, K 4096, m 0.99, τ 0.1, split BN 8,
// batch 512, lr 0.06 cosine, wd 5e-4, v2's augmentation without blur) on CIFAR-10.
Config preset_cifar10_demo();
// SimCLR (Chen et al. 2020) as the end-to-end mechanism: NT-Xent over the 2N - 2 other views, τ 0.5,
// MLP head, crop scale 0.08–1, no split BN.
Config preset_simclr();
// The workbench's default experiment: v2 with τ 0.1 and a cosine schedule of 3 600 steps (about
// 14 minutes of a 2-core CPU), the recipe that passes the raw-pixel kNN floor on Fashion-MNIST
// within 5 minutes (LESSONS.md, "The default experiment").
Config preset_fashion_mnist_demo();
// Every preset preset_by_name knows, in menu order.
const std::vector<std::string>& preset_names();
// Throws std::invalid_argument when one of the command line's `key=value` overrides names a
// data.path that data.dataset would not read (the synthetic set): a preset falls back to synthetic
// where Fashion-MNIST is missing, and a folder named on a command line must then not be trained on
// as generated shapes without a word.
void require_data_path_used(const Config& config, const std::vector<std::string>& overrides);
// One of preset_names(); throws std::invalid_argument naming the preset otherwise.
Config preset_by_name(const std::string& name);
// True when the preset brings its dataset (cifar10-demo), false for method recipes (v1, v2).
bool preset_names_dataset(const std::string& name);
// `c` with the defaults of its dataset: the image size, and for the colour sets (CIFAR-10/100,
// STL-10) the CIFAR-10 demo's recipe; the grey sets return to v2 from it. The workbench applies
// them when a dataset is chosen; a config file or --set is taken as written.
Config with_dataset_defaults(const Config& c);

struct ConfigIssue {
  std::string field;    // dotted JSON path, e.g. "moco.momentum"
  std::string message;  // what is wrong, with the value
};

// Every problem of the configuration, each with its field; empty when valid.
std::vector<ConfigIssue> validate(const Config& config);
// The issues joined into one message, one per line.
std::string describe(const std::vector<ConfigIssue>& issues);

// Same data (every data.* field of the field table equal): the same images will be loaded.
bool same_data(const DataConfig& a, const DataConfig& b);

// True for the fields a running session takes at its next step (the field table's `live`: m, tau,
// lr and the augmentation). The rest shape tensors or the run and need a new one.
bool is_live_field(const std::string& dotted_key);
// Copies every live field of `from` into `to`, leaving the others as they are.
void copy_live_fields(const Config& from, Config& to);

// JSON with every field (pretty-printed).
std::string to_json(const Config& config);
// Parses JSON produced by to_json or written by hand: missing keys keep their defaults, unknown
// keys and wrongly typed values throw std::invalid_argument naming the key.
Config config_from_json(const std::string& text);
Config load_config_file(const std::string& path);
// Writes to_json(config) to `path` atomically (throws naming the path when it cannot).
void save_config_file(const Config& config, const std::string& path);
// Sets one field by dotted path from a string, e.g. ("moco.momentum", "0.999"): the CLI's --set.
void set_config_value(Config& config, const std::string& dotted_key, const std::string& value);
// Applies "key=value" overrides in order through set_config_value (the command lines' --set).
void apply_overrides(Config& config, const std::vector<std::string>& key_values);

}  // namespace moco
