// "Memory: ~1.2 GB of 25.3 GB" beside the experiment form: what the configuration would take
// (api/memory.h's estimate) against this machine's memory, updated as the fields change, with the
// breakdown in its tooltip. Red when it does not fit (validation then refuses it at its field).
#pragma once

#include <QLabel>

#include "api/config.h"

namespace moco {

class MemoryLabel : public QLabel {
  Q_OBJECT
 public:
  explicit MemoryLabel(QWidget* parent = nullptr);
  void showEstimate(const Config& config);
};

}  // namespace moco
