// What each experiment field does and what the papers used, keyed by its dotted JSON name. (Which
// fields are live is core's moco::is_live_field.)
#pragma once

#include <QString>

namespace moco {

// The tooltip text of `key` ("moco.momentum"); empty when the key has none.
QString fieldHelp(const QString& key);

}  // namespace moco
