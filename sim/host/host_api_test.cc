// The host vmlinux.h and the host API compile as C++ (the simulator's side) and keep the
// encodings the runtime relies on.
#include "scxtwin/host_api.h"

#include <cstddef>

#include "gtest/gtest.h"

namespace {

TEST(HostApiTest, BuiltinDsqIdsCarryTheBuiltinBit) {
  EXPECT_EQ(SCX_DSQ_GLOBAL & SCX_DSQ_FLAG_BUILTIN, SCX_DSQ_FLAG_BUILTIN);
  EXPECT_EQ(SCX_DSQ_LOCAL & SCX_DSQ_FLAG_BUILTIN, SCX_DSQ_FLAG_BUILTIN);
  const u64 local_on_5 = SCX_DSQ_LOCAL_ON | 5;
  EXPECT_EQ(local_on_5 & SCX_DSQ_LOCAL_CPU_MASK, 5u);
  EXPECT_NE(local_on_5 & SCX_DSQ_FLAG_LOCAL_ON, 0u);
}

TEST(HostApiTest, CpumaskHoldsMaxCpus) {
  EXPECT_GE(sizeof(cpumask_t) * 8, static_cast<size_t>(SCXTWIN_MAX_CPUS));
}

int Fired = 0;
int TimerCallback(void* map, void* key, void* value) {
  Fired = static_cast<int>(*static_cast<u64*>(key)) + (map == value ? 100 : 0);
  return 0;
}

TEST(HostApiTest, TimerFireCallsTheRegisteredCallbackWithItsElement) {
  bpf_timer timer = {};
  int map_storage = 0;
  int value_storage = 0;
  timer.callback = reinterpret_cast<void*>(&TimerCallback);
  timer.map = &map_storage;
  timer.value = &value_storage;
  timer.key = 7;
  EXPECT_EQ(scxtwin_timer_fire(&timer), 0);
  EXPECT_EQ(Fired, 7);
  bpf_timer unset = {};
  EXPECT_EQ(scxtwin_timer_fire(&unset), 0);
}

}  // namespace
