// The text of one metrics.csv / metrics.jsonl row: shared by the appending log and the whole-folder
// writer, so both produce the same bytes.
#pragma once

#include <string>

#include "api/metrics.h"

namespace moco::rows {

std::string csv_header();
std::string csv_row(const StepMetrics& m);
std::string jsonl_row(const StepMetrics& m);

}  // namespace moco::rows
