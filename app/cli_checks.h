// Checks of moco-train's numeric options, said in words: "--neighbours: must be a whole number >= 0,
// got -3" (CLI11 prefixes the option). A value out of range is an error with a non-zero exit, never
// a silently ignored request.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

namespace moco {

inline CLI::Validator whole_number_at_least(int64_t min) {
  return CLI::Validator(
      [min](std::string& text) -> std::string {
        const std::string refusal = "must be a whole number >= " + std::to_string(min) + ", got " + text;
        size_t used = 0;
        long long value = 0;
        try {
          value = std::stoll(text, &used);
        } catch (const std::exception&) {  // not a number, or beyond int64
          return refusal;
        }
        return used == text.size() && value >= min ? std::string() : refusal;
      },
      "INT>=" + std::to_string(min));
}

}  // namespace moco
