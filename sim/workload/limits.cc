#include "sim/workload/limits.h"

#include <algorithm>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace scxtwin::sim {
namespace {

constexpr int64_t kInf = WorkloadFigures::kUnbounded;

int64_t Add(int64_t a, int64_t b) { return a > kInf - b ? kInf : a + b; }
int64_t Mul(int64_t a, int64_t b) {
  if (a == 0 || b == 0) return 0;
  return a > kInf / b ? kInf : a * b;
}

// One fork op's reach: tasks of `group` per run of its program, or unbounded.
struct ForkEdge {
  int32_t group;
  int64_t tasks;
};

// Walks one group's compiled program: its forks (per run of the program), its loops' iteration
// products and depth.
// Returns the loop body runs of one run of the program.
int64_t WalkProgram(const CompiledGroup& g, std::vector<ForkEdge>* forks, WorkloadFigures* f) {
  int64_t iterations = 0;
  std::vector<int64_t> mult{1};  // iterations of the current loop body per run of the program
  std::vector<bool> endless{false};
  for (size_t i = 0; i < g.program.size(); ++i) {
    const CompiledOp& op = g.program[i];
    switch (op.kind) {
      case CompiledOp::kLoopBegin: {
        const int64_t m = op.count == 0 ? mult.back() : Mul(mult.back(), op.count);
        mult.push_back(m);
        endless.push_back(endless.back() || op.count == 0);
        const int64_t depth = static_cast<int64_t>(mult.size()) - 1;
        if (depth > f->max_loop_depth) {
          f->max_loop_depth = depth;
          f->max_loop_depth_at = g.op_paths[i];
        }
        iterations = Add(iterations, m);
        if (m > f->max_task_loop_iterations) {
          f->max_task_loop_iterations = m;
          f->max_task_loop_iterations_at = g.op_paths[i];
        }
        break;
      }
      case CompiledOp::kLoopEnd:
        mult.pop_back();
        endless.pop_back();
        break;
      case CompiledOp::kFork:
        forks->push_back({op.group, endless.back() ? kInf : Mul(mult.back(), op.count)});
        break;
      default:
        break;
    }
  }
  return iterations;
}

std::string LimitError(const WorkloadSpec& spec, const std::string& figure, int64_t value,
                       int64_t limit, const char* flag) {
  return absl::StrCat(spec.file, ": ", figure, " ",
                      value == kInf ? std::string("unbounded") : absl::StrCat(value),
                      " is above the limit ", limit, "; expected at most ", limit, " (--", flag,
                      "=N raises the limit)");
}

}  // namespace

WorkloadFigures CountWorkload(const WorkloadSpec& spec) {
  WorkloadFigures f;
  int64_t extra_bytes = 0;  // per-task state sized by the process's groups and channels
  for (const CompiledProcess& p : spec.processes) {
    f.instances = Add(f.instances, p.instances);
    const size_t n = p.groups.size();
    std::vector<std::vector<ForkEdge>> forks(n);
    std::vector<int64_t> iterations(n);
    for (size_t g = 0; g < n; ++g) iterations[g] = WalkProgram(p.groups[g], &forks[g], &f);
    // Tasks per instance of each group: started ones, then what forks add, to a fixed point
    // (a cycle of forks that never settles is unbounded).
    std::vector<int64_t> tasks(n, 0);
    for (size_t g = 0; g < n; ++g) tasks[g] = p.groups[g].on_fork ? 0 : p.groups[g].count;
    bool settled = false;
    for (size_t round = 0; round <= n && !settled; ++round) {
      std::vector<int64_t> next(n, 0);
      for (size_t g = 0; g < n; ++g) next[g] = p.groups[g].on_fork ? 0 : p.groups[g].count;
      for (size_t g = 0; g < n; ++g) {
        for (const ForkEdge& e : forks[g])
          next[e.group] = Add(next[e.group], tasks[g] == 0 ? 0 : Mul(tasks[g], e.tasks));
      }
      settled = next == tasks;
      tasks = std::move(next);
    }
    int64_t started = 0, forked = 0, per_task_extra = 0;
    for (size_t g = 0; g < n; ++g) {
      const int64_t t = settled ? tasks[g] : (tasks[g] > 0 ? kInf : 0);
      if (t != kInf)
        f.loop_iterations = Add(f.loop_iterations, Mul(Mul(p.instances, t), iterations[g]));
      if (p.groups[g].on_fork) {
        forked = Add(forked, t);
      } else {
        started = Add(started, t);
      }
      // Task::next_rr (4 bytes per group of the process), pending and acks_expected (8 bytes
      // each per channel of the group).
      per_task_extra = std::max<int64_t>(
          per_task_extra,
          4 * static_cast<int64_t>(n) + 16 * static_cast<int64_t>(p.groups[g].channels.size()));
    }
    f.start_tasks = Add(f.start_tasks, Mul(p.instances, started));
    f.forks = Add(f.forks, Mul(p.instances, forked));
    extra_bytes = Add(extra_bytes, Mul(Mul(p.instances, Add(started, forked == kInf ? 0 : forked)),
                                       per_task_extra));
  }
  f.tasks = Add(f.start_tasks, f.forks);
  // An endless fork loop is bounded by the run's duration, not the spec: the estimate counts the
  // tasks the limit allows (the simulator stops a run at max_tasks).
  f.memory_bytes = Add(Add(Mul(f.tasks == kInf ? 0 : f.tasks, kBytesPerTask),
                           Mul(f.instances, kBytesPerPendingEvent)),
                       extra_bytes);
  return f;
}

absl::StatusOr<WorkloadFigures> CheckWorkloadLimits(const WorkloadSpec& spec,
                                                    const WorkloadLimits& limits,
                                                    SimDuration duration) {
  WorkloadFigures f = CountWorkload(spec);
  auto fail = [&](const std::string& msg) { return absl::InvalidArgumentError(msg); };
  if (f.instances > limits.max_instances) {
    return fail(
        LimitError(spec, "process instances", f.instances, limits.max_instances, "max_instances"));
  }
  if (f.start_tasks > limits.max_tasks) {
    return fail(LimitError(spec, "tasks at start", f.start_tasks, limits.max_tasks, "max_tasks"));
  }
  if (f.forks != kInf && f.forks > limits.max_forks) {
    return fail(LimitError(spec, "forked tasks", f.forks, limits.max_forks, "max_forks"));
  }
  if (f.tasks != kInf && f.tasks > limits.max_tasks) {
    return fail(
        LimitError(spec, "tasks (started and forked)", f.tasks, limits.max_tasks, "max_tasks"));
  }
  if (f.max_loop_depth > limits.max_loop_depth) {
    return fail(LimitError(spec, absl::StrCat("loop nesting depth (at ", f.max_loop_depth_at, ")"),
                           f.max_loop_depth, limits.max_loop_depth, "max_loop_depth"));
  }
  if (f.loop_iterations > limits.max_loop_iterations) {
    return fail(LimitError(
        spec,
        absl::StrCat("loop iterations of all tasks (the most: ", f.max_task_loop_iterations,
                     " per task at ", f.max_task_loop_iterations_at, ")"),
        f.loop_iterations, limits.max_loop_iterations, "max_loop_iterations"));
  }
  const int64_t mb = f.memory_bytes / (1 << 20) + (f.memory_bytes % (1 << 20) != 0);
  if (mb > limits.max_memory_mb) {
    return fail(
        LimitError(spec, "estimated memory (MB)", mb, limits.max_memory_mb, "max_memory_mb"));
  }
  if (duration == 0) {
    // Without a duration the run ends when every task has exited: an endless loop must be able
    // to leave (an `exit` in its body), else the run can never end.
    for (size_t pi = 0; pi < spec.processes.size(); ++pi) {
      // A background process does not keep the run going: its endless loops end with the run.
      if (spec.processes[pi].background) continue;
      for (const CompiledGroup& g : spec.processes[pi].groups) {
        for (size_t i = 0; i < g.program.size(); ++i) {
          const CompiledOp& op = g.program[i];
          if (op.kind != CompiledOp::kLoopBegin || op.count != 0) continue;
          bool exits = false;
          for (int32_t j = static_cast<int32_t>(i) + 1; j < op.jump && !exits; ++j) {
            exits = g.program[j].kind == CompiledOp::kExit;
          }
          if (!exits) {
            return fail(absl::StrCat(
                spec.file, ": ", g.op_paths[i],
                ": loops forever (count 0, no exit in its body) and the run has no end "
                "(duration_ns 0); expected a loop count, an exit in the body, or a "
                "duration_ns in the spec or --duration"));
          }
        }
      }
    }
  }
  return f;
}

}  // namespace scxtwin::sim
