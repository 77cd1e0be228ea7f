// The grammar of a `--set NAME=VALUE` value, one for every consumer of --set: the project
// policies' knob tables (kernel loader and simulator alike), a kernel-tree scheduler's
// `const volatile` globals, the fair class's knobs and the machine costs.
//
//   whole number: decimal digits with an optional leading '-' ("500", "-3"); where the consumer
//                 allows it, also 0x-hex ("0x1f4"). No '+', no spaces, no octal, no units.
//   bool:         true, false, 1 or 0 (any case).
//
// The parsers only say whether the text is such a value; each consumer words its own error,
// naming the input and what it expected.
#ifndef SCXTWIN_BASE_SET_VALUE_H_
#define SCXTWIN_BASE_SET_VALUE_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"

namespace scxtwin {

enum class NumberBase {
  kDecimal,       // the project's knob tables, fair knobs, costs
  kDecimalOrHex,  // a kernel-tree scheduler's globals (as C code writes them)
};

// A whole number: its sign and magnitude (so both int64_t and uint64_t ranges fit).
struct WholeNumber {
  bool negative = false;
  uint64_t magnitude = 0;
};

// Parses a whole number whose magnitude fits in 64 bits; nullopt otherwise. `negative` is the
// sign as written: "-0" is negative (an unsigned consumer refuses it), and as a signed value 0.
std::optional<WholeNumber> ParseWholeNumber(absl::string_view text,
                                            NumberBase base = NumberBase::kDecimal);

// A whole number in [min, max]; nullopt if the text is not one or is outside (the unsigned
// parser refuses any '-').
std::optional<uint64_t> ParseUnsignedInRange(absl::string_view text, uint64_t min, uint64_t max,
                                             NumberBase base = NumberBase::kDecimal);
std::optional<int64_t> ParseSignedInRange(absl::string_view text, int64_t min, int64_t max,
                                          NumberBase base = NumberBase::kDecimal);

// true/false/1/0, any case; nullopt otherwise.
std::optional<bool> ParseBoolValue(absl::string_view text);

}  // namespace scxtwin

#endif  // SCXTWIN_BASE_SET_VALUE_H_
