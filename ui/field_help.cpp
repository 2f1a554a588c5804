#include "field_help.h"

#include <QCoreApplication>
#include <QHash>

namespace moco {
namespace {

QString tr(const char* text) { return QCoreApplication::translate("FieldHelp", text); }

const QHash<QString, QString>& table() {
  static const QHash<QString, QString> help = {
      {"preset", tr("Fills in a paper's recipe. v1: linear head, τ 0.07, step lr schedule, colour jitter 0.4 always, no "
                    "blur. v2: MLP head, τ 0.2, cosine schedule, \"aug+\" (jitter p 0.8 with hue 0.1, blur p 0.5). "
                    "K, batch and lr are scaled for small data. Data and run settings are kept.")},
      {"data.dataset", tr("Images to learn from. Fashion-MNIST: 60 000 grey 28×28 clothing images in 10 classes. "
                          "Synthetic: generated coloured shapes, fast for demos. IDX folder: any MNIST-layout folder. "
                          "The papers train on ImageNet (1.28 M images) and CIFAR-10.")},
      {"data.path", tr("Folder holding the IDX files (train-images-idx3-ubyte[.gz], train-labels-… ).")},
      {"data.synthetic_per_class", tr("Generated training images per class (the test split gets a fifth).")},
      {"data.synthetic_size", tr("Side of the generated images in pixels (8–256).")},
      {"data.train_limit", tr("Train on the first N images only (0 = all): quick demos.")},
      {"model.encoder", tr("Backbone. small_cnn: four conv blocks, fast on a CPU. resnet18_cifar: ResNet-18 with a 3×3 "
                           "stem and no max-pool, as the official CIFAR-10 demo. The papers use ResNet-50.")},
      {"model.head", tr("Projection head. linear: one fc layer (MoCo v1). mlp: Linear–ReLU–Linear without BN "
                        "(MoCo v2; 60.6 → 66.2 % ImageNet linear top-1 with τ 0.2).")},
      {"model.feature_dim", tr("Size of the contrastive feature, i.e. of every key in the queue. Papers: 128.")},
      {"model.width", tr("Channels of the small CNN's first block (32 gives 32/64/128/256). Smaller trains faster.")},
      {"moco.momentum", tr("Key-encoder update θk ← m·θk + (1−m)·θq. Near 1 the keys change slowly, so the queue stays "
                           "consistent. Paper (K 4096): m 0 fails (loss oscillates); 0.9 → 55.2 %; 0.99 → 57.8 %; "
                           "0.999 → 59.0 %; 0.9999 → 58.9 %. ImageNet default 0.999, CIFAR demo 0.99.")},
      {"moco.queue_size", tr("Dictionary size K: negatives each query is compared with; chance loss is ln(K+1). "
                             "Paper: 65 536 (accuracy grows with K); CIFAR demo: 4096. Keep K well below the number "
                             "of training images, or an image's own old key sits in the queue.")},
      {"moco.temperature", tr("Softmax temperature τ of InfoNCE; smaller focuses on the hardest negatives. v1: 0.07. "
                              "v2 with MLP: 0.07 → 62.9 %, 0.1 → 64.9 %, 0.2 → 66.2 %, 0.3 → 65.7 %, 0.5 → 64.3 %. "
                              "CIFAR demo: 0.1.")},
      {"moco.symmetric", tr("Also swap the views: L(q1,k2) + L(q2,k1), both key sets enqueued. CIFAR demo: kNN 82.6 → "
                            "85.3 % at 200 epochs, at twice the work per step.")},
      {"moco.bn_splits", tr("Shuffle BN on one device: BatchNorm statistics per sub-batch of batch/splits samples and "
                            "the key batch shuffled across them, so BN cannot leak the positive. 1 turns it off. "
                            "CIFAR demo: 8 (without it kNN fell ~4 points). The batch must divide by it.")},
      {"optim.batch_size", tr("Images per step (two views each). Paper: 256 over 8 GPUs; CIFAR demo: 512. Scale lr "
                              "with it (linear rule).")},
      {"optim.lr", tr("Base SGD learning rate. Paper: 0.03 at batch 256 (0.015 at 128); CIFAR demo: 0.06 at 512.")},
      {"optim.schedule", tr("cosine: decays to 0 over the run (v2). step: ×0.1 at each milestone (v1: epochs 120 "
                            "and 160 of 200). constant: no decay.")},
      {"optim.milestones", tr("Fractions of the run where the step schedule multiplies lr by 0.1 (paper: 0.6, 0.8).")},
      {"optim.warmup_steps", tr("Linear lr warm-up from 0 over this many steps (the papers use none).")},
      {"optim.weight_decay", tr("SGD weight decay. Paper: 1e-4 (ImageNet); CIFAR demo: 5e-4.")},
      {"optim.sgd_momentum", tr("SGD momentum (not MoCo's m). Papers: 0.9.")},
      {"run.epochs", tr("Passes over the training set. Papers: 200 (v2 also 800); CIFAR demo: 200–800.")},
      {"run.total_steps", tr("Exact number of steps; when above 0 it replaces the epochs.")},
      {"run.seed", tr("Seeds data order, augmentation and initialisation: same seed and config, same run.")},
      {"run.device", tr("auto: CUDA when LibTorch sees a GPU, else the CPU. cpu / cuda force one (cuda fails without "
                        "a GPU).")},
      {"run.threads", tr("CPU threads LibTorch may use (0 = every core).")},
      {"augment.crop", tr("RandomResizedCrop: a random box of the given area fraction and aspect ratio, resized to the "
                          "output. Both papers: scale 0.2–1. The most important augmentation for contrastive learning.")},
      {"augment.crop_scale_min", tr("Smallest crop area as a fraction of the image (papers: 0.2).")},
      {"augment.crop_scale_max", tr("Largest crop area as a fraction of the image (papers: 1.0).")},
      {"augment.crop_ratio_min", tr("Smallest aspect ratio of the crop (torchvision: 3/4).")},
      {"augment.crop_ratio_max", tr("Largest aspect ratio of the crop (torchvision: 4/3).")},
      {"augment.output_size", tr("Side of the views in pixels (0 = the input's size).")},
      {"augment.flip_p", tr("Horizontal flip probability (papers: 0.5).")},
      {"augment.jitter_p", tr("Colour jitter probability. v1: always; v2 (\"aug+\"): 0.8.")},
      {"augment.brightness", tr("Brightness factor drawn from [1−s, 1+s] (papers: 0.4).")},
      {"augment.contrast", tr("Contrast factor drawn from [1−s, 1+s] (papers: 0.4).")},
      {"augment.saturation", tr("Saturation factor drawn from [1−s, 1+s] (papers: 0.4; no effect on grey images).")},
      {"augment.hue", tr("Hue shift drawn from [−h, h] of a full turn. v1: 0.4; v2: 0.1 (no effect on grey images).")},
      {"augment.grayscale_p", tr("Random grayscale probability (papers: 0.2; no effect on grey images).")},
      {"augment.blur_p", tr("Gaussian blur probability. v2 (\"aug+\"): 0.5; v1 and the CIFAR demo: none.")},
      {"augment.blur_sigma_min", tr("Smallest blur σ in pixels (v2: 0.1 at 224 px).")},
      {"augment.blur_sigma_max", tr("Largest blur σ in pixels (v2: 2.0 at 224 px).")},
      {"augment.normalize", tr("Normalise each channel with the training split's mean and std, as the papers do.")},
  };
  return help;
}

}  // namespace

QString fieldHelp(const QString& key) { return table().value(key); }

}  // namespace moco
