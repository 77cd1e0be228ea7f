// An experiment's results as the seed experiment's table (for people) or one JSON object (for
// scripts). Only simulated quantities: the same experiment prints the same bytes.
#ifndef SCXTWIN_SIM_EXPERIMENT_EXPERIMENT_REPORT_H_
#define SCXTWIN_SIM_EXPERIMENT_EXPERIMENT_REPORT_H_

#include <ostream>
#include <string>

#include "sim/experiment/experiment.h"

namespace scxtwin::experiment {

void WriteExperimentTable(std::ostream& os, const ExperimentResult& result);
void WriteExperimentJson(std::ostream& os, const ExperimentResult& result);

// The metric's distribution per policy as an SVG chart of empirical CDFs (svg_chart.h).
std::string ExperimentCdfSvg(const ExperimentResult& result);

}  // namespace scxtwin::experiment

#endif  // SCXTWIN_SIM_EXPERIMENT_EXPERIMENT_REPORT_H_
