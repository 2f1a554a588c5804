// The one table of configuration fields: every key of moco::Config with its kind, its bounds or
// choices, whether a running session takes it live, its form label and its help text (what it
// does and the papers' values). validate(), the JSON reader and writer, moco-train's --set, the
// workbench's form with its tooltips and the live dispatch all read it (config/fields.cpp), so
// adding a field is one entry there plus its use. Torch-free: the UI includes it.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "api/config.h"

namespace moco {

enum class FieldKind {
  Bool,
  Int,
  Real,
  Choice,    // one of `choices` (a typed enum in Config, or the preset's name)
  Text,      // free text (a folder)
  RealList,  // numbers (the step schedule's milestones)
};

struct FieldSpec {
  std::string key;    // dotted JSON name, e.g. "moco.momentum"
  FieldKind kind = FieldKind::Real;
  // Valid values of Int and Real fields: [min, max], each end excluded when *_open.
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_open = false, max_open = false;
  std::vector<std::string> choices;        // Choice: the JSON spellings, in the enum's order
  std::vector<std::string> choice_labels;  // Choice: what the form shows for each
  bool live = false;   // a running session takes it at its next step
  std::string label;   // the form's label
  std::string help;    // what it does, and what the papers used
  int decimals = 0;    // Real: digits the form shows
  double step = 1;     // the form's arrow-key step

  // Choice: the label the form shows for `choice` (the spelling itself when it has none).
  std::string choice_label(const std::string& choice) const {
    for (size_t i = 0; i < choices.size() && i < choice_labels.size(); ++i)
      if (choices[i] == choice) return choice_labels[i];
    return choice;
  }
};

// Every field, in the order the form and --help-config list them.
const std::vector<FieldSpec>& config_fields();
// The field of `key`, or null.
const FieldSpec* find_field(const std::string& key);
// Throws std::invalid_argument naming `key` when there is no such field.
const FieldSpec& field_spec(const std::string& key);

// Typed access by key (the workbench's form). Numbers: Bool as 0/1, Int and Real. Text: Text and
// Choice (the spelling). Throws std::invalid_argument for an unknown key, the wrong kind, or a
// choice that is not one of the field's.
double field_number(const Config& config, const std::string& key);
void set_field_number(Config& config, const std::string& key, double value);
std::string field_text(const Config& config, const std::string& key);
void set_field_text(Config& config, const std::string& key, const std::string& value);

// The spelling of a choice, e.g. to_string(EncoderArch::SmallCnn) == "small_cnn".
std::string to_string(DatasetName value);
std::string to_string(EncoderArch value);
std::string to_string(HeadType value);
std::string to_string(LrSchedule value);
std::string to_string(DeviceChoice value);
std::string to_string(Precision value);
std::string to_string(Mechanism value);

}  // namespace moco
