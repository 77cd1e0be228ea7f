#include "sim/host/testing/fake_host.h"

#include <cstring>

#include "absl/strings/str_cat.h"

namespace scxtwin::host {
namespace {

FakeHost* F(void* sim) { return static_cast<FakeHost*>(sim); }

}  // namespace

FakeHost::FakeHost(int n) : nr_cpus(n) {}

task_struct* FakeHost::AddTask(int32_t pid, const char* comm) {
  task_struct& t = tasks_[pid];
  std::memset(&t, 0, sizeof(t));
  t.pid = pid;
  t.tgid = pid;
  std::strncpy(t.comm, comm, sizeof(t.comm) - 1);
  t.cpus_ptr = &t.cpus_mask;
  for (int cpu = 0; cpu < nr_cpus; ++cpu) t.cpus_mask.bits[cpu / 64] |= 1UL << (cpu % 64);
  t.nr_cpus_allowed = nr_cpus;
  t.scx.weight = 100;
  t.scx.slice = SCX_SLICE_DFL;
  return &t;
}

scxtwin_host_api FakeHost::Api() {
  scxtwin_host_api api = {};
  api.sim = this;
  api.create_dsq = [](void* sim, u64 dsq_id, s32 node) -> s32 {
    F(sim)->log.push_back(absl::StrCat("create_dsq ", dsq_id));
    return 0;
  };
  api.dsq_insert = [](void* sim, task_struct* p, u64 dsq, u64 slice, u64 flags) {
    F(sim)->inserts.push_back({p, dsq, slice, 0, flags, false});
  };
  api.dsq_insert_vtime = [](void* sim, task_struct* p, u64 dsq, u64 slice, u64 vtime, u64 flags) {
    F(sim)->inserts.push_back({p, dsq, slice, vtime, flags, true});
  };
  api.dsq_move_to_local = [](void* sim, u64 dsq, u64 flags) -> bool {
    F(sim)->log.push_back(absl::StrCat("move_to_local ", dsq));
    return false;
  };
  api.select_cpu_dfl = [](void* sim, task_struct* p, s32 prev, u64 wake_flags,
                          bool* is_idle) -> s32 {
    *is_idle = true;  // the fake's CPUs are always idle
    return prev;
  };
  api.kick_cpu = [](void* sim, s32 cpu, u64 flags) {
    F(sim)->log.push_back(absl::StrCat("kick_cpu ", cpu, " ", flags));
  };
  api.dsq_nr_queued = [](void* sim, u64 dsq) -> s32 { return 0; };
  api.dispatch_nr_slots = [](void* sim) -> u32 { return 32; };
  api.task_running = [](void* sim, const task_struct* p) -> bool { return false; };
  api.nr_cpu_ids = [](void* sim) -> u32 { return static_cast<u32>(F(sim)->nr_cpus); };
  api.now = [](void* sim) -> u64 { return F(sim)->now_ns; };
  api.ktime_get_ns = [](void* sim) -> u64 { return F(sim)->now_ns; };
  api.smp_processor_id = [](void* sim) -> s32 { return F(sim)->current_cpu; };
  api.task_cpu = [](void* sim, const task_struct* p) -> s32 { return 0; };
  api.task_from_pid = [](void* sim, s32 pid) -> task_struct* {
    auto it = F(sim)->tasks_.find(pid);
    return it == F(sim)->tasks_.end() ? nullptr : &it->second;
  };
  api.timer_start = [](void* sim, bpf_timer* t, u64 ns, u64 flags) -> long {
    F(sim)->started_timers.push_back(t);
    F(sim)->log.push_back(absl::StrCat("timer_start ", ns));
    return 0;
  };
  api.exit = [](void* sim, s64 code, const char* msg) {
    F(sim)->exited = true;
    F(sim)->exit_code = code;
    F(sim)->exit_message = msg;
  };
  api.error = [](void* sim, const char* msg) {
    F(sim)->errored = true;
    F(sim)->error_message = msg;
  };
  api.printk = [](void* sim, const char* msg) {
    F(sim)->log.push_back(absl::StrCat("printk ", msg));
  };
  return api;
}

}  // namespace scxtwin::host
