// The space the tuner searches: one dimension per knob, with the range of the policy's
// NAME_KNOBS row (or of `--knob NAME=MIN..MAX` for a scheduler without a table), and the
// candidates drawn from it.
#ifndef SCXTWIN_TOOLS_TUNE_SEARCH_SPACE_H_
#define SCXTWIN_TOOLS_TUNE_SEARCH_SPACE_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "base/knob_table.h"

namespace scxtwin::tune {

struct Dimension {
  std::string name;
  int64_t min = 0, max = 0;
  int64_t default_value = 0;
  // Wide ranges (max / max(min, 1) >= 100) are drawn log-uniformly, so 100 us and 100 ms are as
  // likely as each other; narrow ones (flags, small counts) uniformly.
  bool log_scale = false;
};

using Candidate = std::vector<int64_t>;  // one value per dimension

struct SearchSpace {
  std::vector<Dimension> dims;
  Candidate Defaults() const;
};

// A dimension over [min, max] with its scale chosen as above.
Dimension MakeDimension(std::string name, int64_t min, int64_t max, int64_t default_value);

// The space of a table's knobs; with `only` non-empty just those knobs (an unknown one is an
// error listing the table's).
absl::StatusOr<SearchSpace> SpaceFromTable(absl::string_view policy,
                                           const std::vector<KnobSpec>& table,
                                           const std::vector<std::string>& only);

// `--knob` for a scheduler without a table: "NAME=MIN..MAX" (decimal integers, MIN <= MAX).
absl::StatusOr<Dimension> ParseKnobRange(absl::string_view text, int64_t default_value);

// `count` distinct candidates: the defaults first, then draws (uniform or log-uniform per
// dimension, wide values rounded to two significant digits so they read as typed). Deterministic
// for `seed`. Fewer than `count` when the space has fewer distinct points.
std::vector<Candidate> DrawCandidates(const SearchSpace& space, int count, uint64_t seed);

// "slice_max_us=5000 go_home=1".
std::string FormatCandidate(const SearchSpace& space, const Candidate& c);

}  // namespace scxtwin::tune

#endif  // SCXTWIN_TOOLS_TUNE_SEARCH_SPACE_H_
