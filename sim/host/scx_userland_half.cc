#include "sim/host/scx_userland_half.h"

#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "sim/host/maps.h"
#include "sim/host/policy_loader.h"

namespace scxtwin::host {

std::string ScxUserlandHalf::Missing(const PolicyInstance& policy) {
  PolicyInstance& p = const_cast<PolicyInstance&>(policy);  // Find does not change the maps
  const HostMap* enq = p.maps().Find("enqueued");
  if (enq == nullptr || enq->def().type != BPF_MAP_TYPE_QUEUE ||
      enq->def().value_size != sizeof(EnqueuedTask)) {
    return absl::StrCat("a queue map `enqueued` of ", sizeof(EnqueuedTask),
                        "-byte struct scx_userland_enqueued_task");
  }
  const HostMap* disp = p.maps().Find("dispatched");
  if (disp == nullptr || disp->def().type != BPF_MAP_TYPE_QUEUE ||
      disp->def().value_size != sizeof(int32_t)) {
    return "a queue map `dispatched` of s32 pids";
  }
  for (const char* g : {"usersched_pid", "num_possible_cpus", "nr_queued", "nr_scheduled", "uei"}) {
    if (!policy.FindGlobal(g).ok()) return absl::StrCat("a global `", g, "`");
  }
  return "";
}

absl::Status ScxUserlandHalf::Prepare(PolicyInstance* policy, int nr_cpus) {
  if (std::string missing = Missing(*policy); !missing.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("user-space half scx_userland: policy ", policy->path(), " lacks ", missing,
                     "; expected scx_userland.bpf.c (or a scheduler with its maps and globals)"));
  }
  policy_ = policy;
  enqueued_ = policy->maps().Find("enqueued");
  dispatched_ = policy->maps().Find("dispatched");
  // scx_userland.c's bootstrap: skel->rodata->num_possible_cpus, ->usersched_pid = getpid().
  SCX_RETURN_IF_ERROR(policy->SetKnob("num_possible_cpus", nr_cpus));
  return policy->SetKnob("usersched_pid", kPid);
}

double ScxUserlandHalf::vruntime(int32_t pid) const {
  auto it = tasks_.find(pid);
  return it == tasks_.end() ? 0 : it->second.vruntime;
}

void ScxUserlandHalf::Enqueue(const EnqueuedTask& task) {
  Known& k = tasks_[task.pid];
  if (k.queued) order_.erase(k.at);  // queued again before it was dispatched: one entry only
  // The vruntime advances by the CPU time since the task was last seen, scaled by its weight
  // (100 at nice 0), and never lags the last dispatched task's.
  const uint64_t delta = task.sum_exec_runtime - k.sum_exec_runtime;
  k.vruntime += static_cast<double>(delta) / (static_cast<double>(task.weight) / 100.0);
  if (k.vruntime < min_vruntime_) k.vruntime = min_vruntime_;
  k.sum_exec_runtime = task.sum_exec_runtime;
  k.at = order_.emplace_hint(order_.lower_bound(k.vruntime), k.vruntime, task.pid);
  k.queued = true;
  ++stats_.vruntime_enqueues;
}

void ScxUserlandHalf::PublishScheduled() {
  (void)policy_->WriteScalar("nr_scheduled", static_cast<int64_t>(order_.size()));
}

int64_t ScxUserlandHalf::DrainEnqueued() {
  int64_t n = 0;
  EnqueuedTask task;
  while (enqueued_->Pop(&task) == 0) {
    Enqueue(task);
    ++n;
  }
  (void)policy_->WriteScalar("nr_queued", 0);
  PublishScheduled();
  return n;
}

int64_t ScxUserlandHalf::DispatchBatch() {
  int64_t n = 0;
  for (uint32_t i = 0; i < batch_ && !order_.empty(); ++i) {
    auto first = order_.begin();
    const double v = first->first;
    const int32_t pid = first->second;
    min_vruntime_ = v;
    order_.erase(first);
    Known& k = tasks_[pid];
    k.queued = false;
    if (dispatched_->Push(&pid, 0) != 0) {
      // The map is full: back to the front, and the batch ends.
      ++stats_.vruntime_failed;
      k.at = order_.emplace_hint(order_.begin(), v, pid);
      k.queued = true;
      break;
    }
    ++stats_.vruntime_dispatches;
    ++n;
  }
  PublishScheduled();
  return n;
}

sim::UserHalf::PassResult ScxUserlandHalf::Pass(sim::TaskId t, int cpu, sim::SimTime now) {
  (void)t, (void)cpu, (void)now;
  PassResult r;
  if (policy_ == nullptr || exited_) {
    r.exit = true;
    return r;
  }
  // The loader's loop runs while !UEI_EXITED(skel, uei): uei.kind is the record's first member.
  auto uei = policy_->FindGlobal("uei");
  int32_t kind = 0;
  if (uei.ok()) std::memcpy(&kind, (*uei)->addr, sizeof(kind));
  if (kind != 0) {
    exited_ = true;
    r.exit = true;
    return r;
  }
  ++stats_.passes;
  const int64_t handled = DrainEnqueued() + DispatchBatch();
  r.cpu_ns = costs_.pass_ns + costs_.task_ns * handled;
  return r;
}

std::vector<std::pair<std::string, int64_t>> ScxUserlandHalf::Counters() const {
  return {{"passes", stats_.passes},
          {"nr_vruntime_enqueues", stats_.vruntime_enqueues},
          {"nr_vruntime_dispatches", stats_.vruntime_dispatches},
          {"nr_vruntime_failed", stats_.vruntime_failed},
          {"nr_curr_enqueued", nr_curr_enqueued()}};
}

absl::Status ScxUserlandHalf::Set(const std::string& name, const std::string& value) {
  if (name == "batch") {
    uint32_t b = 0;
    if (!absl::SimpleAtoi(value, &b) || b == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--set user_half.batch=", value,
          ": expected a whole number >= 1 (tasks dispatched per pass, scx_userland's -b)"));
    }
    batch_ = b;
    return absl::OkStatus();
  }
  absl::Status s = UserHalfCompanion::Set(name, value);
  if (s.ok() || !absl::IsNotFound(s)) return s;
  return absl::InvalidArgumentError(
      absl::StrCat("--set user_half.", name, "=", value,
                   ": unknown; expected pass_ns, task_ns (costs) or batch (scx_userland)"));
}

}  // namespace scxtwin::host
