#include "sim/experiment/run_backend.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace scxtwin::experiment {

absl::StatusOr<RunMeasurements> ExecuteRun(const RunRequest& request) {
  if (request.config.log != nullptr || !request.config.perfetto.empty() ||
      !request.config.ftrace.empty()) {
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
    parts.push_back(
        absl::StrFormat("%.17g %d %d %d", s.value, s.completed, s.incomplete, s.ejected ? 1 : 0));
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
    if (f.size() != 4 || !absl::SimpleAtod(f[0], &s.value) ||
        !absl::SimpleAtoi(f[1], &s.completed) || !absl::SimpleAtoi(f[2], &s.incomplete) ||
        !absl::SimpleAtoi(f[3], &ejected)) {
      return absl::InternalError(absl::StrCat("a run sent '", text, "'; expected measurements"));
    }
    s.ejected = ejected != 0;
    out.push_back(s);
  }
  return out;
}

namespace {

// Fields are tab-separated NAME=VALUE; lists repeat their NAME. Values are escaped so that a
// tab, newline or backslash in a path or value survives.
std::string Escape(absl::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string Unescape(absl::string_view v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) {
      const char n = v[++i];
      out += n == 't' ? '\t' : n == 'n' ? '\n' : n;
    } else {
      out += v[i];
    }
  }
  return out;
}

}  // namespace

std::string EncodeRunRequest(const RunRequest& r) {
  const sim::RunConfig& c = r.config;
  std::vector<std::string> f = {absl::StrCat("policy=", Escape(c.policy)),
                                absl::StrCat("workload=", Escape(c.workload)),
                                absl::StrCat("topology=", Escape(c.topology)),
                                absl::StrCat("seed=", c.seed),
                                absl::StrCat("duration=", c.duration),
                                absl::StrCat("fallback=", c.continue_after_ejection ? 1 : 0)};
  if (!c.nohz_full.empty()) f.push_back(absl::StrCat("nohz_full=", Escape(c.nohz_full)));
  for (const std::string& d : c.policy_dirs) f.push_back(absl::StrCat("policy_dir=", Escape(d)));
  for (const auto& [k, v] : c.params)
    f.push_back(absl::StrCat("param=", Escape(k), "=", Escape(v)));
  for (const auto& [k, v] : c.sets) f.push_back(absl::StrCat("set=", Escape(k), "=", Escape(v)));
  for (const Measure& m : r.measures)
    f.push_back(absl::StrCat("measure=", MetricName(m.metric), ":", Escape(m.process)));
  return absl::StrJoin(f, "\t");
}

absl::StatusOr<RunRequest> DecodeRunRequest(absl::string_view line) {
  RunRequest r;
  r.config.topology.clear();
  auto bad = [&](absl::string_view field) {
    return absl::InvalidArgumentError(absl::StrCat("a run request has a bad field '", field, "'"));
  };
  for (absl::string_view field : absl::StrSplit(line, '\t', absl::SkipEmpty())) {
    const size_t eq = field.find('=');
    if (eq == absl::string_view::npos) return bad(field);
    const absl::string_view name = field.substr(0, eq), value = field.substr(eq + 1);
    auto pair = [&](std::pair<std::string, std::string>* out) {
      const size_t e = value.find('=');
      if (e == absl::string_view::npos) return false;
      *out = {Unescape(value.substr(0, e)), Unescape(value.substr(e + 1))};
      return true;
    };
    int fallback = 1;
    std::pair<std::string, std::string> kv;
    if (name == "policy")
      r.config.policy = Unescape(value);
    else if (name == "workload")
      r.config.workload = Unescape(value);
    else if (name == "topology")
      r.config.topology = Unescape(value);
    else if (name == "nohz_full")
      r.config.nohz_full = Unescape(value);
    else if (name == "seed") {
      if (!absl::SimpleAtoi(value, &r.config.seed)) return bad(field);
    } else if (name == "duration") {
      if (!absl::SimpleAtoi(value, &r.config.duration)) return bad(field);
    } else if (name == "fallback") {
      if (!absl::SimpleAtoi(value, &fallback)) return bad(field);
      r.config.continue_after_ejection = fallback != 0;
    } else if (name == "policy_dir")
      r.config.policy_dirs.push_back(Unescape(value));
    else if (name == "param") {
      if (!pair(&kv)) return bad(field);
      r.config.params.push_back(kv);
    } else if (name == "set") {
      if (!pair(&kv)) return bad(field);
      r.config.sets.push_back(kv);
    } else if (name == "measure") {
      const size_t colon = value.find(':');
      auto metric = ParseMetric(value.substr(0, colon));
      if (colon == absl::string_view::npos || !metric.ok()) return bad(field);
      r.measures.push_back({*metric, Unescape(value.substr(colon + 1))});
    } else {
      return bad(field);
    }
  }
  return r;
}

absl::StatusOr<std::vector<RunMeasurements>> JobRunBackend::RunBatch(
    const std::vector<RunRequest>& batch, const ProgressFn& progress) {
  auto job = [&](int j) -> absl::StatusOr<std::string> {
    const RunRequest& r = batch[static_cast<size_t>(j)];
    auto m = ExecuteRun(r);
    if (!m.ok()) {
      return absl::Status(m.status().code(),
                          absl::StrCat("policy ", PolicyLabel(r.config.policy), ", seed ",
                                       r.config.seed, ": ", m.status().message()));
    }
    return EncodeMeasurements(*m);
  };
  auto outputs = jobs_->Run(static_cast<int>(batch.size()), job, progress);
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
