#include "tools/tune/search_space.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace scxtwin::tune {
namespace {

// A uniform double in [0, 1) from the engine's raw bits (std:: distributions differ between
// standard libraries; the engine's output does not).
double Uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

int64_t RoundToTwoDigits(double v) {
  if (v < 100) return static_cast<int64_t>(std::llround(v));
  const double mag = std::pow(10, std::floor(std::log10(v)) - 1);
  return static_cast<int64_t>(std::llround(v / mag) * mag);
}

int64_t Draw(const Dimension& d, std::mt19937_64& rng) {
  if (!d.log_scale) {
    const double span = static_cast<double>(d.max - d.min) + 1;
    return std::min(d.max, d.min + static_cast<int64_t>(Uniform01(rng) * span));
  }
  // A range starting at 0 gets 0 one time in eight, else a log-uniform draw from [1, max].
  int64_t lo = d.min;
  if (lo <= 0) {
    if (Uniform01(rng) < 0.125) return d.min;
    lo = 1;
  }
  const double l = std::log(static_cast<double>(lo)), h = std::log(static_cast<double>(d.max));
  const double v = std::exp(l + Uniform01(rng) * (h - l));
  return std::clamp(RoundToTwoDigits(v), lo, d.max);
}

}  // namespace

Candidate SearchSpace::Defaults() const {
  Candidate c;
  for (const Dimension& d : dims) c.push_back(d.default_value);
  return c;
}

Dimension MakeDimension(std::string name, int64_t min, int64_t max, int64_t default_value) {
  Dimension d;
  d.name = std::move(name);
  d.min = min;
  d.max = max;
  d.default_value = default_value;
  d.log_scale = static_cast<double>(max) / static_cast<double>(std::max<int64_t>(min, 1)) >= 100;
  return d;
}

absl::StatusOr<SearchSpace> SpaceFromTable(absl::string_view policy,
                                           const std::vector<KnobSpec>& table,
                                           const std::vector<std::string>& only) {
  std::vector<std::string> names;
  for (const KnobSpec& k : table) names.push_back(k.name);
  for (const std::string& o : only) {
    if (std::find(names.begin(), names.end(), o) == names.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--knob=", o, ": policy ", policy, " has no such knob (its knobs: ",
                       names.empty() ? "none" : absl::StrJoin(names, ", "), ")"));
    }
  }
  SearchSpace space;
  for (const KnobSpec& k : table) {
    if (!only.empty() && std::find(only.begin(), only.end(), k.name) == only.end()) continue;
    space.dims.push_back(MakeDimension(k.name, static_cast<int64_t>(k.min),
                                       static_cast<int64_t>(k.max),
                                       static_cast<int64_t>(k.default_value)));
  }
  return space;
}

absl::StatusOr<Dimension> ParseKnobRange(absl::string_view text, int64_t default_value) {
  const size_t eq = text.find('='), dots = text.find("..");
  int64_t lo = 0, hi = 0;
  if (eq == absl::string_view::npos || eq == 0 || dots == absl::string_view::npos || dots < eq ||
      !absl::SimpleAtoi(text.substr(eq + 1, dots - eq - 1), &lo) ||
      !absl::SimpleAtoi(text.substr(dots + 2), &hi) || lo > hi) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--knob=", text,
        ": expected NAME=MIN..MAX with whole numbers MIN <= MAX (e.g. slice_us=100..100000)"));
  }
  return MakeDimension(std::string(text.substr(0, eq)), lo, hi, std::clamp(default_value, lo, hi));
}

std::vector<Candidate> DrawCandidates(const SearchSpace& space, int count, uint64_t seed) {
  std::vector<Candidate> out;
  std::set<Candidate> seen;
  if (count <= 0) return out;
  out.push_back(space.Defaults());
  seen.insert(out.back());
  std::mt19937_64 rng(seed);
  // Give up after many repeats in a row: the space has fewer distinct points than asked for.
  for (int misses = 0; static_cast<int>(out.size()) < count && misses < 1000;) {
    Candidate c;
    for (const Dimension& d : space.dims) c.push_back(Draw(d, rng));
    if (!seen.insert(c).second) {
      ++misses;
      continue;
    }
    misses = 0;
    out.push_back(std::move(c));
  }
  return out;
}

std::string FormatCandidate(const SearchSpace& space, const Candidate& c) {
  std::vector<std::string> kv;
  for (size_t i = 0; i < space.dims.size() && i < c.size(); ++i)
    kv.push_back(absl::StrCat(space.dims[i].name, "=", c[i]));
  return absl::StrJoin(kv, " ");
}

}  // namespace scxtwin::tune
