// The fair class's knobs by name, for `--set [eevdf.]NAME=VALUE` on the simulator: every
// field of FairParams (fair_params.h) except the tick, which is the machine's HZ.
#ifndef SCXTWIN_SIM_FAIR_FAIR_KNOBS_H_
#define SCXTWIN_SIM_FAIR_FAIR_KNOBS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "sim/fair/fair_params.h"

namespace scxtwin::sim::fair {

// Sets knob `key` ("eevdf." prefix optional) to `value` (an integer; 0/1 or false/true for
// features). Errors name the key or value and what was expected.
absl::Status SetFairKnob(FairParams* params, absl::string_view key, absl::string_view value);

// Every knob as "name=value", in a fixed order.
std::vector<std::string> DescribeFairKnobs(const FairParams& params);

}  // namespace scxtwin::sim::fair

#endif  // SCXTWIN_SIM_FAIR_FAIR_KNOBS_H_
