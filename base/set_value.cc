#include "base/set_value.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace scxtwin {
namespace {

// Accumulates digits of `radix` into a 64-bit magnitude; false on a non-digit or overflow.
bool AccumulateDigits(absl::string_view digits, uint64_t radix, uint64_t* out) {
  if (digits.empty()) return false;
  uint64_t v = 0;
  for (char c : digits) {
    uint64_t d;
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      d = c - '0';
    } else if (radix == 16 && absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      d = absl::ascii_tolower(static_cast<unsigned char>(c)) - 'a' + 10;
    } else {
      return false;
    }
    if (v > (std::numeric_limits<uint64_t>::max() - d) / radix) return false;
    v = v * radix + d;
  }
  *out = v;
  return true;
}

}  // namespace

std::optional<WholeNumber> ParseWholeNumber(absl::string_view text, NumberBase base) {
  WholeNumber n;
  if (absl::ConsumePrefix(&text, "-")) n.negative = true;
  uint64_t radix = 10;
  if (base == NumberBase::kDecimalOrHex &&
      (absl::ConsumePrefix(&text, "0x") || absl::ConsumePrefix(&text, "0X"))) {
    radix = 16;
  }
  if (!AccumulateDigits(text, radix, &n.magnitude)) return std::nullopt;
  return n;
}

std::optional<uint64_t> ParseUnsignedInRange(absl::string_view text, uint64_t min, uint64_t max,
                                             NumberBase base) {
  const std::optional<WholeNumber> n = ParseWholeNumber(text, base);
  if (!n || n->negative || n->magnitude < min || n->magnitude > max) return std::nullopt;
  return n->magnitude;
}

std::optional<int64_t> ParseSignedInRange(absl::string_view text, int64_t min, int64_t max,
                                          NumberBase base) {
  const std::optional<WholeNumber> n = ParseWholeNumber(text, base);
  if (!n) return std::nullopt;
  constexpr uint64_t kMaxMagnitude = uint64_t{1} << 63;  // of INT64_MIN
  if (n->magnitude > (n->negative ? kMaxMagnitude : kMaxMagnitude - 1)) return std::nullopt;
  const int64_t v =
      n->negative ? static_cast<int64_t>(~n->magnitude + 1) : static_cast<int64_t>(n->magnitude);
  if (v < min || v > max) return std::nullopt;
  return v;
}

std::optional<bool> ParseBoolValue(absl::string_view text) {
  if (text == "1" || absl::EqualsIgnoreCase(text, "true")) return true;
  if (text == "0" || absl::EqualsIgnoreCase(text, "false")) return false;
  return std::nullopt;
}

}  // namespace scxtwin
