// Replay speed: `bazel run -c opt //tools/twin:replay_bench -- RECORD [HOST_SO]` replays a kept
// record (`twin replay --record=FILE`) through the policy's host build, again and again, and
// reports kfunc calls and callbacks replayed per second; reading the record (parse, group,
// sort) is measured alone as the baseline the replay adds to.
#include <cstring>
#include <iostream>
#include <string>

#include "benchmark/benchmark.h"
#include "tools/twin/replay_engine.h"
#include "tools/twin/replay_record.h"

namespace {

std::string record_path;
std::string host_path;

void BM_ReadRecord(benchmark::State& state) {
  for (auto _ : state) {
    absl::StatusOr<scxtwin::twin::Record> record = scxtwin::twin::ReadRecord(record_path);
    if (!record.ok()) {
      state.SkipWithError(std::string(record.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(record->callbacks.size());
    state.counters["records"] = static_cast<double>(record->header.records);
  }
}

void BM_Replay(benchmark::State& state) {
  absl::StatusOr<scxtwin::twin::Record> record = scxtwin::twin::ReadRecord(record_path);
  if (!record.ok()) {
    state.SkipWithError(std::string(record.status().message()).c_str());
    return;
  }
  uint64_t calls = 0, callbacks = 0, divergences = 0;
  for (auto _ : state) {
    absl::StatusOr<scxtwin::twin::ReplayResult> r =
        scxtwin::twin::Replay(*record, host_path, scxtwin::twin::ReplayOptions{});
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
    calls += r->calls;
    callbacks += r->callbacks;
    divergences = r->divergences;
  }
  state.counters["calls/s"] =
      benchmark::Counter(static_cast<double>(calls), benchmark::Counter::kIsRate);
  state.counters["callbacks/s"] =
      benchmark::Counter(static_cast<double>(callbacks), benchmark::Counter::kIsRate);
  state.counters["divergences"] = static_cast<double>(divergences);
}

BENCHMARK(BM_ReadRecord)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Replay)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (argc < 2 || argc > 3) {
    std::cerr << "usage: replay_bench [benchmark flags] RECORD [HOST_SO]\n";
    return 2;
  }
  const char* wd = getenv("BUILD_WORKING_DIRECTORY");
  auto user_path = [&](std::string p) {
    return (p.empty() || p[0] == '/' || wd == nullptr) ? p : std::string(wd) + "/" + p;
  };
  record_path = user_path(argv[1]);
  if (argc == 3) {
    host_path = user_path(argv[2]);
  } else {
    absl::StatusOr<scxtwin::twin::Record> record = scxtwin::twin::ReadRecord(record_path);
    if (!record.ok()) {
      std::cerr << "replay_bench: " << record.status().message() << "\n";
      return 2;
    }
    host_path = std::string("policy/") +
                std::string(record->header.policy, strnlen(record->header.policy, 32)) + "_host.so";
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
