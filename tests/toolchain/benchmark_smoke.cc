// A Google Benchmark binary: proves the library links and runs under Bazel.
#include <benchmark/benchmark.h>

#include <cstdint>

static void BM_SumToN(benchmark::State& state) {
  for (auto _ : state) {
    uint64_t sum = 0;
    for (int64_t i = 0; i < state.range(0); ++i) benchmark::DoNotOptimize(sum += i);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SumToN)->Arg(1024);
