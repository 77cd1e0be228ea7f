#include "sim/workload/dist.h"

#include <algorithm>
#include <cmath>

#include "sim/engine/rng.h"

namespace scxtwin::sim {

int64_t SampleDist(const workload::Dist& d, uint64_t rng[4]) {
  switch (d.kind_case()) {
    case workload::Dist::kFixedNs:
      return d.fixed_ns();
    case workload::Dist::kUniform: {
      const uint64_t span = static_cast<uint64_t>(d.uniform().max_ns() - d.uniform().min_ns()) + 1;
      return d.uniform().min_ns() + static_cast<int64_t>(NextRandom(rng) % span);
    }
    case workload::Dist::kExponential:
      return std::llround(-static_cast<double>(d.exponential().mean_ns()) *
                          std::log(NextUnit(rng)));
    case workload::Dist::kLognormal: {
      // Box-Muller: one standard normal from two uniforms.
      const double u1 = NextUnit(rng), u2 = NextUnit(rng);
      const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
      int64_t v = std::llround(static_cast<double>(d.lognormal().median_ns()) *
                               std::exp(d.lognormal().sigma() * z));
      if (d.lognormal().max_ns() > 0) v = std::min(v, d.lognormal().max_ns());
      return std::max<int64_t>(v, 0);
    }
    case workload::Dist::kEmpirical:
      return d.empirical().sample_ns(static_cast<int>(
          NextRandom(rng) % static_cast<uint64_t>(d.empirical().sample_ns_size())));
    case workload::Dist::KIND_NOT_SET:
      break;
  }
  return 0;
}

}  // namespace scxtwin::sim
