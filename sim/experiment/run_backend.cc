#include "sim/experiment/run_backend.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace scxtwin::experiment {

absl::StatusOr<RunMeasurements> ExecuteRun(const RunRequest& request) {
  if (request.config.log != nullptr || !request.config.perfetto.empty() || !request.config.ftrace.empty()) {
    return absl::InvalidArgumentError("a batched run records no log or trace");
  }
  auto run = sim::RunSimulation(request.config);
  if (!run.ok()) return run.status();
  RunMeasurements out;
  for (const Measure& m : request.measures) {
    auto sample = MeasureRun(**run, m.metric, m.process);
    if (!sample.ok()) return sample.status();
    out.push_back(*sample);
  }
  return out;
}

// One sample per ';', each "value completed incomplete ejected"; %.17g round-trips a double.
std::string EncodeMeasurements(const RunMeasurements& m) {
  std::vector<std::string> parts;
  for (const RunSample& s : m) {
    parts.push_back(absl::StrFormat("%.17g %d %d %d", s.value, s.completed, s.incomplete, s.ejected ? 1 : 0));
  }
  return absl::StrJoin(parts, ";");
}

absl::StatusOr<RunMeasurements> DecodeMeasurements(absl::string_view text) {
  RunMeasurements out;
  if (text.empty()) return out;
  for (absl::string_view part : absl::StrSplit(text, ';')) {
    std::vector<absl::string_view> f = absl::StrSplit(part, ' ');
    RunSample s;
    int ejected = 0;
    if (f.size() != 4 || !absl::SimpleAtod(f[0], &s.value) || !absl::SimpleAtoi(f[1], &s.completed) ||
        !absl::SimpleAtoi(f[2], &s.incomplete) || !absl::SimpleAtoi(f[3], &ejected)) {
      return absl::InternalError(absl::StrCat("a run sent '", text, "'; expected measurements"));
    }
    s.ejected = ejected != 0;
    out.push_back(s);
  }
  return out;
}

absl::StatusOr<std::vector<RunMeasurements>> LocalProcessBackend::RunBatch(const std::vector<RunRequest>& batch,
                                                                           const ProgressFn& progress) {
  auto job = [&](int j) -> absl::StatusOr<std::string> {
    const RunRequest& r = batch[static_cast<size_t>(j)];
    auto m = ExecuteRun(r);
    if (!m.ok()) {
      return absl::Status(m.status().code(), absl::StrCat("policy ", PolicyLabel(r.config.policy), ", seed ",
                                                          r.config.seed, ": ", m.status().message()));
    }
    return EncodeMeasurements(*m);
  };
  auto outputs = RunInProcesses(static_cast<int>(batch.size()), jobs_, job, progress);
  if (!outputs.ok()) return outputs.status();
  std::vector<RunMeasurements> out;
  out.reserve(outputs->size());
  for (const std::string& text : *outputs) {
    auto m = DecodeMeasurements(text);
    if (!m.ok()) return m.status();
    out.push_back(*std::move(m));
  }
  return out;
}

}  // namespace scxtwin::experiment
