// The op interpreter: a task steps through its group's compiled program (sim/workload/spec.h)
// while it has the CPU. Run and sleep draw from the task's own stream; wake, wait, fork, exit
// and loops act at once. Part of Simulator (simulator.h), in its own file so the program's
// semantics are read in one place; the workload compiler knows nothing of the core.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "sim/core/simulator.h"
#include "sim/workload/dist.h"

namespace scxtwin::sim {

void Simulator::Advance(int cpu, TaskId id) {
  const CompiledGroup& grp = group_of(tasks_[id]);
  const std::vector<CompiledOp>& prog = grp.program;
  if (tasks_[id].halt_until >= 0) {
    // Woken from a halt only to take an interrupt: halt again until the timer it had.
    Task& t = tasks_[id];
    const SimTime until = t.halt_until;
    t.halt_until = -1;
    if (until > now()) {
      t.burst_left = 0;
      t.waiting = false;
      Halt(cpu, id);
      t.sleep_until = until;
      t.sleep_timer = queue_.Schedule(until, kSleepDone, id);
      return;
    }
  }
  last_advanced_ = id;
  for (int64_t steps = 0;; ++steps) {
    Task& t = tasks_[id];
    t.burst_left = 0;
    if (steps == opt_.max_ops_at_one_time) {
      Abort(absl::InvalidArgumentError(absl::StrCat(
          spec_.file, ": no progress: ", Position(id), " stepped ", steps, " ops at ", now(),
          " ns without simulated time passing; expected a program whose loops let time pass (a run "
          "or sleep "
          "of at least 1 ns)")));
      return;
    }
    if (t.cursor.pc >= static_cast<int32_t>(prog.size())) {
      Exit(cpu, id);
      return;
    }
    const CompiledOp& op = prog[t.cursor.pc];
    switch (op.kind) {
      case CompiledOp::kRun: {
        ++t.cursor.pc;
        const SimDuration d = SampleDist(*op.dist, t.rng_state);
        if (d > 0) {
          t.burst_left = d;
          ArmBurst(cpu);
          return;
        }
        break;
      }
      case CompiledOp::kSleep: {
        ++t.cursor.pc;
        const SimDuration d = SampleDist(*op.dist, t.rng_state);
        t.waiting = false;
        Halt(cpu, id);
        t.sleep_until = now() + d;
        t.sleep_timer = queue_.Schedule(t.sleep_until, kSleepDone, id);
        return;
      }
      case CompiledOp::kWake: {
        ++t.cursor.pc;
        // A waker that waits right after (a pipe or socket round trip) wakes synchronously:
        // WF_SYNC / SCX_WAKE_SYNC, as pipe writes do before the writer reads.
        const bool sync = t.cursor.pc < static_cast<int32_t>(prog.size()) &&
                          prog[t.cursor.pc].kind == CompiledOp::kWait && !prog[t.cursor.pc].spin;
        WakeOp(id, cpu, op, sync);
        if (stop_) return;
        break;
      }
      case CompiledOp::kWait: {
        ++t.cursor.pc;
        int64_t need = op.count;
        if (op.acks) {
          need = t.acks_expected[op.channel];
          t.acks_expected[op.channel] = 0;
        }
        int64_t& pending = t.pending[op.channel];
        const int64_t take = std::min(pending, need);
        pending -= take;
        need -= take;
        if (need == 0) break;
        t.wait_channel = op.channel;
        t.wait_left = need;
        if (op.spin) {
          // Busy on the CPU until the last wake (no burst end; ticks and preemption go on).
          t.spinning = true;
          t.burst_left = kSpinBurst;
          return;
        }
        t.waiting = true;
        if (!spec_.processes[t.process].background) ++waiting_tasks_;
        // A wait for acknowledgements is an IPI sender yielding (pause-loop exiting), no halt.
        if (op.acks) {
          Block(cpu, id);
        } else {
          Halt(cpu, id);
        }
        return;
      }
      case CompiledOp::kFork:
        ++t.cursor.pc;
        for (int64_t i = 0; i < op.count; ++i) {
          const int index = static_cast<int>(members_[t.instance][op.group].size());
          const TaskId child = CreateTask(tasks_[id].instance, op.group, index, id);
          if (child == kNoTask) return;
          StartTask(child, id);
          if (stop_) return;
        }
        break;
      case CompiledOp::kExit:
        Exit(cpu, id);
        return;
      case CompiledOp::kYield:
        ++t.cursor.pc;
        // sched_yield(): the class decides (ops.yield / slice 0), then the CPU reschedules. A
        // burst of 0 ns after the resched goes on with the program if the class keeps the task
        // here (a switch cancels it; SwitchIn re-arms it when the task next runs).
        cls_->TaskYield(id, cpu);
        if (stop_) return;
        Resched(cpu);
        ArmBurst(cpu);
        return;
      case CompiledOp::kUserHalf: {
        if (opt_.user_half == nullptr) {
          Abort(absl::InvalidArgumentError(
              absl::StrCat(spec_.file, ": ", Position(id),
                           ": a user_half op, but the run's policy has no user-space half; "
                           "expected a policy with one (sim/host/README.md)")));
          return;
        }
        ++t.cursor.pc;
        const UserHalf::PassResult r = opt_.user_half->Pass(id, cpu, now());
        if (stop_) return;
        if (r.exit) {
          Exit(cpu, id);
          return;
        }
        tasks_[id].burst_left = std::max<SimDuration>(r.cpu_ns, 1);
        ArmBurst(cpu);
        return;
      }
      case CompiledOp::kSetAffinity:
      case CompiledOp::kSetNice:
        ++t.cursor.pc;
        // A system call that returns at once: the program goes on (a task that moved itself off
        // its CPU is switched out by the reschedule the change asked for).
        ChangeOp(id, op);
        if (stop_) return;
        break;
      case CompiledOp::kMoveToCgroup:
        ++t.cursor.pc;
        if (op.cgroup != t.cgroup && cls_->TaskCgroupMove(id, cpu, op.cgroup))
          tasks_[id].cgroup = op.cgroup;
        if (stop_) return;
        break;
      case CompiledOp::kSetCgroupWeight:
        ++t.cursor.pc;
        cgroups_[op.cgroup].weight = op.weight;
        cls_->CgroupWeightChanged(op.cgroup);
        if (stop_) return;
        break;
      case CompiledOp::kLoopBegin:
        ++t.cursor.pc;
        t.cursor.loop_left.push_back(op.count == 0 ? -1 : op.count);
        break;
      case CompiledOp::kLoopEnd: {
        int64_t& left = t.cursor.loop_left.back();
        if (left < 0 || --left > 0) {
          t.cursor.pc = op.jump;
        } else {
          t.cursor.loop_left.pop_back();
          ++t.cursor.pc;
        }
        break;
      }
    }
  }
}

void Simulator::Deliver(TaskId target, int32_t channel, TaskId waker, int waker_cpu, bool sync) {
  Task& t = tasks_[target];
  if (t.state == TaskState::kExited) return;
  if (t.wait_left > 0 && t.wait_channel == channel) {
    if (--t.wait_left > 0) return;
    if (t.spinning) {
      EndSpin(target);
    } else if (t.polling) {
      t.waiting = false;
      if (!spec_.processes[t.process].background) --waiting_tasks_;
      EndPoll(target);
    } else {
      t.waiting = false;
      --blocked_tasks_;
      if (!spec_.processes[t.process].background) --waiting_tasks_;
      MakeRunnable(target, WakeInfo{waker_cpu, waker, sync});
    }
    return;
  }
  ++t.pending[channel];
}

void Simulator::EndSpin(TaskId id) {
  Task& t = tasks_[id];
  t.spinning = false;
  if (t.state == TaskState::kRunning) {
    Account(t.cpu);
    t.burst_left = 0;
    ArmBurst(t.cpu);
  } else {
    t.burst_left = 0;  // preempted while spinning: goes on as soon as it runs again
  }
}

void Simulator::Interrupt(TaskId target, TaskId sender, int sender_cpu, const CompiledOp& op) {
  const int32_t ack = op.ack;
  ++tasks_[sender].acks_expected[ack];
  Task& t = tasks_[target];
  if (t.state == TaskState::kExited || t.state == TaskState::kRunning) {
    Deliver(sender, ack, target, t.state == TaskState::kRunning ? t.cpu : sender_cpu, false);
    return;
  }
  t.acks_owed.emplace_back(sender, ack);
  if (t.state == TaskState::kBlocked && !t.waiting) {
    // Halted in a sleep: the interrupt wakes it; it halts again afterwards (Advance).
    queue_.Cancel(t.sleep_timer);
    t.halt_until = t.sleep_until;
    t.sleep_until = -1;
    t.burst_left = op.handler ? SampleDist(*op.handler, t.irq_rng_state) : 0;
    --blocked_tasks_;
    MakeRunnable(target, WakeInfo{sender_cpu, sender, false});
  }
}

void Simulator::WakeOp(TaskId waker, int cpu, const CompiledOp& op, bool sync) {
  Task& w = tasks_[waker];
  const std::vector<TaskId>& members = members_[w.instance][op.group];
  if (members.empty()) return;
  auto wake_one = [&](TaskId target) {
    if (op.ack >= 0) {
      Interrupt(target, waker, cpu, op);
    } else {
      Deliver(target, op.channel, waker, cpu, sync);
    }
  };
  auto waits_here = [&](const Task& t) {
    return (t.state == TaskState::kBlocked || t.polling) && t.waiting &&
           t.wait_channel == op.channel;
  };
  switch (op.pick) {
    case workload::Target::INDEX:
      if (op.index < static_cast<int32_t>(members.size())) wake_one(members[op.index]);
      break;
    case workload::Target::SAME:
      if (w.index < static_cast<int32_t>(members.size())) wake_one(members[w.index]);
      break;
    case workload::Target::ALL:
      for (size_t i = 0; i < members.size() && !stop_; ++i) wake_one(members[i]);
      break;
    case workload::Target::OTHERS:
      for (size_t i = 0; i < members.size() && !stop_; ++i) {
        if (members[i] != waker) wake_one(members[i]);
      }
      break;
    case workload::Target::WAITING_ONLY:
      for (TaskId m : members) {
        if (waits_here(tasks_[m])) {
          wake_one(m);
          break;
        }
      }
      break;
    case workload::Target::WAITING: {
      for (TaskId m : members) {
        if (waits_here(tasks_[m])) {
          wake_one(m);
          return;
        }
      }
      [[fallthrough]];
    }
    case workload::Target::NEXT:
    default: {
      int32_t& rr = tasks_[waker].next_rr[op.group];
      wake_one(members[rr % members.size()]);
      rr = static_cast<int32_t>((rr + 1) % members.size());
      break;
    }
  }
}

void Simulator::ChangeOp(TaskId actor, const CompiledOp& op) {
  const Task& a = tasks_[actor];
  const CpuSet* cpus = nullptr;
  if (op.kind == CompiledOp::kSetAffinity) {
    cpus = &op_cpus_[group_base_[a.process] + a.group][a.cursor.pc - 1];
  }
  const int nice = op.kind == CompiledOp::kSetNice ? op.nice : INT32_MIN;
  if (op.group < 0) return ChangeTask(actor, cpus, nice);
  // Copied: a change may not fork, but the list is the instance's and stays put anyway.
  const std::vector<TaskId> members = members_[a.instance][op.group];
  if (members.empty()) return;
  switch (op.pick) {
    case workload::Target::INDEX:
      if (op.index < static_cast<int32_t>(members.size()))
        ChangeTask(members[op.index], cpus, nice);
      break;
    case workload::Target::SAME:
      if (a.index < static_cast<int32_t>(members.size())) ChangeTask(members[a.index], cpus, nice);
      break;
    case workload::Target::ALL:
    case workload::Target::OTHERS:
      for (size_t i = 0; i < members.size() && !stop_; ++i) {
        if (op.pick == workload::Target::OTHERS && members[i] == actor) continue;
        ChangeTask(members[i], cpus, nice);
      }
      break;
    default: {  // NEXT (the compiler refuses the waiter picks)
      int32_t& rr = tasks_[actor].next_rr[op.group];
      const TaskId target = members[rr % members.size()];
      rr = static_cast<int32_t>((rr + 1) % members.size());
      ChangeTask(target, cpus, nice);
      break;
    }
  }
}

}  // namespace scxtwin::sim
