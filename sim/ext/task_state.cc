#include "sim/ext/task_state.h"

#include <cstdio>
#include <cstdlib>

namespace scxtwin::sim {

const char* ExtTaskStateName(ExtTaskState s) {
  switch (s) {
    case ExtTaskState::kDisabled:
      return "disabled";
    case ExtTaskState::kQuiescent:
      return "quiescent";
    case ExtTaskState::kReady:
      return "ready";
    case ExtTaskState::kBpf:
      return "bpf";
    case ExtTaskState::kUserDsq:
      return "user_dsq";
    case ExtTaskState::kBuiltinDsq:
      return "builtin_dsq";
    case ExtTaskState::kRunning:
      return "running";
  }
  return "?";
}

void AbortTransition(int pid, const char* comm, ExtTaskState from, ExtTaskState to) {
  std::fprintf(stderr, "sim/ext: task %s[%d] in state %s: transition %s -> %s is not allowed\n",
               comm, pid, ExtTaskStateName(from), ExtTaskStateName(from), ExtTaskStateName(to));
  std::abort();
}

}  // namespace scxtwin::sim
