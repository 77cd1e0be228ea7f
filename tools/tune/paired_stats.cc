#include "tools/tune/paired_stats.h"

#include <cmath>

#include "absl/strings/str_cat.h"

namespace scxtwin::tune {
namespace {

// The regularised incomplete beta function I_x(a, b) by its continued fraction (Lentz's method),
// as in Numerical Recipes' betacf, written here.
double BetaContinuedFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::abs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 300; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (std::abs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::abs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::abs(del - 1) < 1e-15) break;
  }
  return h;
}

double IncompleteBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return front * BetaContinuedFraction(a, b, x) / a;
  return 1 - front * BetaContinuedFraction(b, a, 1 - x) / b;
}

// P(T <= t) for Student's t with df degrees of freedom.
double StudentTCdf(double t, int df) {
  const double v = df;
  const double tail = 0.5 * IncompleteBeta(v / 2, 0.5, v / (v + t * t));
  return t >= 0 ? 1 - tail : tail;
}

}  // namespace

double StudentTQuantile(double q, int df) {
  if (q == 0.5) return 0;
  if (q < 0.5) return -StudentTQuantile(1 - q, df);
  double lo = 0, hi = 1;
  while (StudentTCdf(hi, df) < q) hi *= 2;
  for (int i = 0; i < 200; ++i) {  // bisection: monotone and exact enough in 200 halvings
    const double mid = (lo + hi) / 2;
    (StudentTCdf(mid, df) < q ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

absl::StatusOr<PairedSpeedup> PairedSpeedupOf(const std::vector<double>& a,
                                              const std::vector<double>& b, bool higher_is_better) {
  if (a.size() != b.size() || a.size() < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("a paired interval needs the same seeds on both sides, at least 2 (got ",
                     a.size(), " and ", b.size(), ")"));
  }
  const size_t n = a.size();
  std::vector<double> logs;
  for (size_t i = 0; i < n; ++i) {
    if (!(a[i] > 0) || !(b[i] > 0)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "seed ", i, ": values must be positive for a ratio (", a[i], ", ", b[i], ")"));
    }
    logs.push_back(higher_is_better ? std::log(b[i] / a[i]) : std::log(a[i] / b[i]));
  }
  double mean = 0;
  for (double l : logs) mean += l;
  mean /= static_cast<double>(n);
  double sq = 0;
  for (double l : logs) sq += (l - mean) * (l - mean);
  const double sd = std::sqrt(sq / static_cast<double>(n - 1));
  const double half =
      StudentTQuantile(0.975, static_cast<int>(n) - 1) * sd / std::sqrt(static_cast<double>(n));
  PairedSpeedup s;
  s.n = static_cast<int>(n);
  s.speedup = std::exp(mean);
  s.lo = std::exp(mean - half);
  s.hi = std::exp(mean + half);
  return s;
}

}  // namespace scxtwin::tune
