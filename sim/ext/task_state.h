// A task's sched_ext state in the simulator: ONE enum, changed only through CheckTransition,
// which aborts on a change the table below does not allow. The kernel spreads this over
// scx_task_state (enabled or not), ops_state (QUEUEING/QUEUED/DISPATCHING), the QUEUED and
// IN_CUSTODY flags and dsq membership; single-threaded, their reachable combinations are these.
//
//   state        what                                          the kernel's view
//   kDisabled    not enabled in the policy (before ops.enable,  SCX_TASK_NONE/INIT/READY
//                after ops.disable; handed to the fallback
//                class when the policy left)
//   kQuiescent   enabled, not runnable                          ENABLED, !SCX_TASK_QUEUED
//   kReady       runnable, in transit: woken (select_cpu and    QUEUED, ops_state QUEUEING
//                runnable done), re-enqueued, or its slice
//                ran out; about to be enqueued
//   kBpf         ops.enqueue kept it: only the policy knows     QUEUED, ops_state QUEUED,
//                where                                          IN_CUSTODY
//   kUserDsq     on a user DSQ                                  QUEUED, on a DSQ, IN_CUSTODY
//   kBuiltinDsq  on a local DSQ or the global DSQ               QUEUED, on a DSQ
//   kRunning     on its CPU                                     QUEUED, rq->curr
//
// Allowed transitions (from -> to: by what):
//   kDisabled   -> kQuiescent   ops.enable (TaskNew)
//   kQuiescent  -> kReady       wakeup (try_to_wake_up / wake_up_new_task)
//   kQuiescent  -> kDisabled    ops.disable + exit_task (the task exits, or the policy leaves)
//   kReady      -> kBpf         ops.enqueue returned without inserting it
//   kReady      -> k*Dsq        direct dispatch, or no ops.enqueue (the global DSQ)
//   kBpf        -> k*Dsq        the dispatch buffer's flush (finish_dispatch)
//   kUserDsq    -> k*Dsq        dsq_move_to_local, scx_bpf_dsq_move*
//   kBuiltinDsq -> k*Dsq        consumed from the global DSQ, scx_bpf_dsq_move*
//   kBuiltinDsq -> kReady       scx_bpf_reenqueue_local, a property change
//   kBuiltinDsq -> kRunning     picked from its CPU's local DSQ
//   kRunning    -> kBuiltinDsq  preempted with slice left: the head of the local DSQ
//   kRunning    -> kReady       put_prev with its slice used up, or its CPU left its
//                               affinity (moved to a CPU it allows)
//   kRunning    -> kQuiescent   it blocks or exits (ops.stopping, ops.quiescent)
//   kBpf, k*Dsq -> kReady       a property change (affinity, weight): dequeued with
//                               SCX_DEQ_SCHED_CHANGE, changed, about to be enqueued again
//   kBpf, k*Dsq -> kDisabled    the policy left: the fallback class takes the queued tasks
// A task that leaves custody (kBpf, kUserDsq) for a built-in DSQ gets ops.dequeue(p, 0) first.
// When the policy leaves, every enabled task gets ops.disable and ops.exit_task but keeps its
// state until the fallback class takes it (nothing else runs the policy's callbacks then).
#ifndef SCXTWIN_SIM_EXT_TASK_STATE_H_
#define SCXTWIN_SIM_EXT_TASK_STATE_H_

#include <cstdint>

namespace scxtwin::sim {

enum class ExtTaskState : uint8_t {
  kDisabled,
  kQuiescent,
  kReady,
  kBpf,
  kUserDsq,
  kBuiltinDsq,
  kRunning,
};

const char* ExtTaskStateName(ExtTaskState s);

// Runnable as far as the ext class knows (SCX_TASK_QUEUED): queued, in transit or running.
inline bool ExtRunnable(ExtTaskState s) {
  return s != ExtTaskState::kDisabled && s != ExtTaskState::kQuiescent;
}
// In the policy's custody (SCX_TASK_IN_CUSTODY): leaving it for a built-in DSQ calls ops.dequeue.
inline bool ExtInCustody(ExtTaskState s) {
  return s == ExtTaskState::kBpf || s == ExtTaskState::kUserDsq;
}

namespace ext_internal {
// Bit `to` of kAllowed[from]: the table above.
constexpr uint8_t Bit(ExtTaskState s) { return static_cast<uint8_t>(1u << static_cast<int>(s)); }
constexpr uint8_t kDsqs = Bit(ExtTaskState::kUserDsq) | Bit(ExtTaskState::kBuiltinDsq);
constexpr uint8_t kAllowed[] = {
    /* kDisabled   */ Bit(ExtTaskState::kQuiescent),
    /* kQuiescent  */ Bit(ExtTaskState::kReady) | Bit(ExtTaskState::kDisabled),
    /* kReady      */ Bit(ExtTaskState::kBpf) | kDsqs,
    /* kBpf        */ kDsqs | Bit(ExtTaskState::kReady) | Bit(ExtTaskState::kDisabled),
    /* kUserDsq    */ kDsqs | Bit(ExtTaskState::kReady) | Bit(ExtTaskState::kDisabled),
    /* kBuiltinDsq */ kDsqs | Bit(ExtTaskState::kReady) | Bit(ExtTaskState::kRunning) |
        Bit(ExtTaskState::kDisabled),
    /* kRunning    */ Bit(ExtTaskState::kBuiltinDsq) | Bit(ExtTaskState::kReady) |
        Bit(ExtTaskState::kQuiescent),
};
}  // namespace ext_internal

// Whether the table allows `from` -> `to` (one table load and a test).
inline bool TransitionAllowed(ExtTaskState from, ExtTaskState to) {
  return (ext_internal::kAllowed[static_cast<int>(from)] >> static_cast<int>(to)) & 1;
}

// Aborts naming the task, its state and the transition.
[[noreturn]] void AbortTransition(int pid, const char* comm, ExtTaskState from, ExtTaskState to);

// Checks one change of a task's state: a change the table does not allow aborts.
inline void CheckTransition(int pid, const char* comm, ExtTaskState from, ExtTaskState to) {
  if (!TransitionAllowed(from, to)) AbortTransition(pid, comm, from, to);
}

}  // namespace scxtwin::sim

#endif  // SCXTWIN_SIM_EXT_TASK_STATE_H_
