// The results of a run as a table (for people) or one JSON object (for scripts). Only
// simulated quantities are printed (never wall time or addresses), so the same run prints
// the same bytes.
#ifndef SCXTWIN_SIM_RUN_REPORT_H_
#define SCXTWIN_SIM_RUN_REPORT_H_

#include <ostream>

#include "sim/run/runner.h"

namespace scxtwin::sim {

void WriteTable(std::ostream& os, const RunConfig& config, const RunOutput& run);
void WriteJson(std::ostream& os, const RunConfig& config, const RunOutput& run);

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_RUN_REPORT_H_
