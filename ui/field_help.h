// What each experiment field does and what the papers used (MOCO_FACTS.md), keyed by its dotted
// JSON name; and which fields the engine applies live while training.
#pragma once

#include <QString>

namespace moco {

// The tooltip text of `key` ("moco.momentum"); empty when the key has none.
QString fieldHelp(const QString& key);
// True for the fields a running session takes at its next step (m, tau, lr, augmentation).
bool isLiveField(const QString& key);

}  // namespace moco
