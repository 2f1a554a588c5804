// Run folders (core's api/run_folder.h: the format moco-train writes) as the window keeps runs:
// opened into a Run, saved from one. The format itself lives in core, once.
#pragma once

#include <QString>

#include "api/run_folder.h"
#include "run.h"

namespace moco {

// Writes config.json, metrics.csv and metrics.jsonl of `run` into `folder` (created if needed);
// throws std::runtime_error naming the file at fault.
void saveRunFolder(const Run& run, const QString& folder);
// Reads a folder written by moco-train or saveRunFolder; the run's name is the folder's name.
Run loadRunFolder(const QString& folder);
// A Run holding what `record` holds (read from `folder`), named `name`, status "opened".
Run runFromRecord(const RunRecord& record, const QString& name, const QString& folder);

}  // namespace moco
