// scx_userland's user-space half (tools/sched_ext/scx_userland.c), re-stated in C++ from its
// behaviour, run by the simulator as a task on the simulated clock (user_half.h).
//
// Its BPF half (scx_userland.bpf.c, unmodified) keeps tasks pinned to fewer CPUs than the machine
// has in the kernel and pushes every other one's {pid, sum_exec_runtime, weight} into the
// `enqueued` queue map, setting `usersched_needed` so that its next ops.dispatch inserts this
// half's task (pid `usersched_pid`). Each pass of the half's main loop, as scx_userland.c's:
//   1. drains `enqueued`: each task's vruntime grows by its CPU time since it was last seen
//      divided by weight/100, is raised to the last dispatched task's vruntime (min_vruntime)
//      if below it, and the task joins a vruntime-ordered list (before any task of equal
//      vruntime); then `nr_queued` = 0 and `nr_scheduled` = the list's length;
//   2. dispatches a batch: up to `batch` (scx_userland's -b, default 8) tasks from the list's
//      front, min_vruntime = each one's vruntime, its pid pushed into `dispatched` (a full map
//      puts it back at the front and ends the batch); `nr_scheduled` = what is left;
//   3. yields the CPU (the op after the pass).
// The loop ends once the BPF half has exited (its `uei.kind` is set), as the loader's does.
// Cost of a pass: costs().pass_ns + costs().task_ns per task drained or dispatched.
#ifndef SCXTWIN_SIM_HOST_SCX_USERLAND_HALF_H_
#define SCXTWIN_SIM_HOST_SCX_USERLAND_HALF_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "sim/host/user_half.h"

namespace scxtwin::host {

class HostMap;

class ScxUserlandHalf final : public UserHalfCompanion {
 public:
  // scx_userland.h's struct scx_userland_enqueued_task.
  struct EnqueuedTask {
    int32_t pid;
    uint64_t sum_exec_runtime;
    uint64_t weight;
  };
  struct Stats {
    int64_t passes = 0;
    int64_t vruntime_enqueues = 0;    // nr_vruntime_enqueues
    int64_t vruntime_dispatches = 0;  // nr_vruntime_dispatches
    int64_t vruntime_failed = 0;      // nr_vruntime_failed
  };

  // Whether `policy` is scx_userland as far as its half is concerned: the maps and globals the
  // half uses. "" if so, else what is missing.
  static std::string Missing(const PolicyInstance& policy);

  std::string name() const override { return "scx_userland"; }
  absl::Status Prepare(PolicyInstance* policy, int nr_cpus) override;
  PassResult Pass(sim::TaskId t, int cpu, sim::SimTime now) override;
  std::vector<std::pair<std::string, int64_t>> Counters() const override;
  absl::Status Set(const std::string& name, const std::string& value) override;
  std::vector<std::string> SetNames() const override { return {"pass_ns", "task_ns", "batch"}; }

  // The pass's two steps, for tests (Pass runs both and computes the cost): each returns the
  // tasks it handled.
  int64_t DrainEnqueued();
  int64_t DispatchBatch();

  const Stats& stats() const { return stats_; }
  int64_t nr_curr_enqueued() const { return static_cast<int64_t>(order_.size()); }
  double min_vruntime() const { return min_vruntime_; }
  // A task's vruntime as the half keeps it (0 for one never seen).
  double vruntime(int32_t pid) const;
  uint32_t batch() const { return batch_; }

 private:
  struct Known {
    uint64_t sum_exec_runtime = 0;
    double vruntime = 0;
    bool queued = false;
    std::multimap<double, int32_t>::iterator at;
  };
  void Enqueue(const EnqueuedTask& task);
  void PublishScheduled();

  PolicyInstance* policy_ = nullptr;
  HostMap* enqueued_ = nullptr;
  HostMap* dispatched_ = nullptr;
  uint32_t batch_ = 8;
  double min_vruntime_ = 0;
  absl::flat_hash_map<int32_t, Known> tasks_;
  // The vruntime-ordered list: equal keys keep the newest first (the C list inserts before the
  // first entry whose vruntime is not smaller).
  std::multimap<double, int32_t> order_;
  Stats stats_;
  bool exited_ = false;
};

}  // namespace scxtwin::host

#endif  // SCXTWIN_SIM_HOST_SCX_USERLAND_HALF_H_
