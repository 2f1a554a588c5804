// A deliberate violation for the layering check's own test.
#include <torch/torch.h>
#include "train/trainer.h"
