#include "sim/trace/sample_run.h"

namespace scxtwin::sim::trace {

absl::Status WriteSampleRun(SchedTraceWriter* w, int64_t skew_ns) {
  constexpr int64_t us = 1000;
  const TaskInfo vmm{10, 10, "vmm", 120};
  const TaskInfo vcpu{11, 10, "vmm", 120};
  const TaskInfo kworker{50, 50, "kworker/1:1", 120};
  auto t = [&](int64_t micros) { return micros * us + skew_ns; };
  // Expected replay of vmm-10:  run 200us; fork 11; run 200us; wake 11; run 100us;
  //                             sleep 2000us; run 110us; exit
  // Expected replay of vmm-11:  run 100us; wait(10); run 2400us; exit
  w->Process(10, 1, "/usr/bin/vmm -smp 1");
  w->Process(50, 2, "kworker/1:1");
  w->Switch(t(0), 0, nullptr, PrevState::kRunnable, &vmm);
  w->Exec(t(100), 0, vmm, "/usr/bin/vmm");
  w->NewTask(t(300), 0, vmm, vcpu, /*thread=*/true);
  w->WakeupNew(t(300), 0, vcpu, 1);
  w->Switch(t(310), 1, nullptr, PrevState::kRunnable, &vcpu);
  w->Switch(t(410), 1, &vcpu, PrevState::kSleeping, nullptr);
  w->Waking(t(500), 0, vcpu, 1, /*in_irq=*/false);
  w->Switch(t(520), 1, nullptr, PrevState::kRunnable, &vcpu);
  w->Switch(t(600), 0, &vmm, PrevState::kSleeping, nullptr);
  w->Waking(t(1500), 1, kworker, 1, /*in_irq=*/true);
  w->Switch(t(1520), 1, &vcpu, PrevState::kRunnable, &kworker);
  w->Switch(t(1600), 1, &kworker, PrevState::kSleeping, &vcpu);
  w->Waking(t(2600), 0, vmm, 0, /*in_irq=*/true);
  w->Switch(t(2610), 0, nullptr, PrevState::kRunnable, &vmm);
  w->Exit(t(2710), 0, vmm);
  w->Switch(t(2720), 0, &vmm, PrevState::kDead, nullptr);
  w->Exit(t(2990), 1, vcpu);
  w->Switch(t(3000), 1, &vcpu, PrevState::kDead, nullptr);
  // The kworker moves to cpu 0 and is still running there when the run ends.
  w->Migrate(t(3040), 0, kworker, 1, 0);
  w->Waking(t(3045), 0, kworker, 0, /*in_irq=*/true);
  w->Switch(t(3060), 0, nullptr, PrevState::kRunnable, &kworker);
  w->Free(t(3070), 0, vmm);
  return w->Finish(t(3100));
}

}  // namespace scxtwin::sim::trace
