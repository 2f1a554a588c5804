#include "memory_label.h"

#include "api/memory.h"
#include "palette.h"

namespace moco {

MemoryLabel::MemoryLabel(QWidget* parent) : QLabel(parent) {
  setObjectName("memoryEstimate");
  setWordWrap(true);
}

void MemoryLabel::showEstimate(const Config& config) {
  const MemoryEstimate estimate = estimate_memory(config);
  const auto machine = machine_memory_bytes();
  QString text = tr("Memory: ~%1").arg(QString::fromStdString(format_bytes(estimate.total())));
  if (machine) text += tr(" of %1").arg(QString::fromStdString(format_bytes(*machine)));
  if (!estimate.dataset_known) text += tr(" + the dataset, once read");
  setText(text);
  const bool fits = !machine || estimate.total() <= *machine;
  setStyleSheet(fits ? QString() : QStringLiteral("color: %1;").arg(palette::hex(palette::red())));
  setToolTip(tr("<p>Estimated from the configuration (the activations roughly): %1.</p><p>%2</p>")
                 .arg(QString::fromStdString(estimate.breakdown(config)).toHtmlEscaped(),
                      machine ? tr("This machine has %1 of memory.").arg(QString::fromStdString(format_bytes(*machine)))
                              : tr("This machine's memory is unknown.")));
}

}  // namespace moco
