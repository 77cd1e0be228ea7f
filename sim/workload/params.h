// Workload params: a spec declares named numbers (`param { name: "vcpus" default_value: 16 }`)
// and refers to them where a count, an arrival gap or a time scale goes (`count_param`,
// `scale_param`, ...). ResolveParams takes the defaults and the command line's overrides
// (`--param vcpus=4`) and writes the values into the plain fields, so everything after it
// (validation, compilation, the simulator) sees an ordinary spec.
#ifndef SCXTWIN_SIM_WORKLOAD_PARAMS_H_
#define SCXTWIN_SIM_WORKLOAD_PARAMS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "workloads/workload.pb.h"

namespace scxtwin::sim {

// NAME=VALUE pairs as the command line gave them (later ones win).
using ParamOverrides = std::vector<std::pair<std::string, std::string>>;

// One param's value in a run, in declaration order.
struct ParamValue {
  std::string name;
  double value = 0;
};

// Checks the declarations, applies `overrides`, substitutes every reference in `w` (and clears
// it). Errors name `file`, the param, and the field or override at fault, and what was expected.
absl::StatusOr<std::vector<ParamValue>> ResolveParams(workload::Workload* w,
                                                      const ParamOverrides& overrides,
                                                      const std::string& file);

// "vcpus=16 rounds=135" (whole numbers without a fraction), for reports.
std::string FormatParams(const std::vector<ParamValue>& params);

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_WORKLOAD_PARAMS_H_
