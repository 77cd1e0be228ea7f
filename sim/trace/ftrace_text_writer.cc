#include "sim/trace/ftrace_text_writer.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace scxtwin::sim::trace {
namespace {

constexpr size_t kCommLen = 15;  // TASK_COMM_LEN - 1

std::string Comm(const TaskInfo& t, int cpu) {
  if (t.pid == 0) return absl::StrCat("swapper/", cpu);
  return t.comm.substr(0, kCommLen);
}

const char* StateLetter(PrevState s) {
  switch (s) {
    case PrevState::kRunnable:
      return "R";
    case PrevState::kSleeping:
      return "S";
    case PrevState::kUninterruptible:
      return "D";
    case PrevState::kDead:
      return "X";
  }
  return "R";
}

// Flags columns as the kernel prints them: irqs off, need-resched, hardirq, preempt depth.
constexpr char kPlain[] = ".....";
constexpr char kSched[] = "d..2.";
constexpr char kWakeInIrq[] = "dNh2.";

}  // namespace

FtraceTextWriter::FtraceTextWriter(std::ostream* out, Options options)
    : out_(out), options_(options) {}

absl::StatusOr<std::unique_ptr<FtraceTextWriter>> FtraceTextWriter::Open(const std::string& path,
                                                                         Options options) {
  auto file = std::make_unique<std::ofstream>(path, std::ios::trunc);
  if (!*file) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot create the ftrace text file"));
  }
  auto writer = std::make_unique<FtraceTextWriter>(file.get(), options);
  writer->owned_ = std::move(file);
  return writer;
}

TaskInfo& FtraceTextWriter::Curr(int cpu) {
  if (cpu >= static_cast<int>(curr_.size())) curr_.resize(cpu + 1);
  return curr_[cpu];
}

void FtraceTextWriter::Header() {
  if (header_written_) return;
  header_written_ = true;
  *out_ << "# tracer: nop\n"
        << "#\n"
        << "# written by the scxtwin simulator (sim/trace/ftrace_text_writer)\n"
        << "#\n"
        << "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
        << "#              | |         |   |||||     |         |\n";
}

void FtraceTextWriter::Line(int64_t ts, int cpu, const char* flags, const std::string& event,
                            const std::string& fields) {
  Header();
  const TaskInfo& c = Curr(cpu);
  std::string task = c.pid == 0 ? "<idle>" : c.comm.substr(0, kCommLen);
  std::string time = options_.nanoseconds
                         ? absl::StrFormat("%5d.%09d", ts / 1000000000, ts % 1000000000)
                         : absl::StrFormat("%5d.%06d", ts / 1000000000, (ts % 1000000000) / 1000);
  *out_ << absl::StrFormat("%16s-%-7d [%03d] %s %s: %s: %s\n", task, c.pid, cpu, flags, time, event,
                           fields);
}

void FtraceTextWriter::Process(int32_t, int32_t, const std::string&) {
  // The text format has no process-tree record: forks and execs carry the tree.
}

void FtraceTextWriter::NewTask(int64_t ts, int cpu, const TaskInfo& parent, const TaskInfo& child,
                               bool thread) {
  Line(ts, cpu, kPlain, "task_newtask",
       absl::StrFormat("pid=%d comm=%s clone_flags=%x oom_score_adj=0", child.pid, Comm(child, cpu),
                       thread ? 0x10000 : 0));
  Line(ts, cpu, kPlain, "sched_process_fork",
       absl::StrFormat("comm=%s pid=%d child_comm=%s child_pid=%d", Comm(parent, cpu), parent.pid,
                       Comm(child, cpu), child.pid));
}

void FtraceTextWriter::Exec(int64_t ts, int cpu, const TaskInfo& task,
                            const std::string& filename) {
  Line(ts, cpu, kPlain, "sched_process_exec",
       absl::StrFormat("filename=%s pid=%d old_pid=%d", filename, task.pid, task.pid));
}

void FtraceTextWriter::Switch(int64_t ts, int cpu, const TaskInfo* prev, PrevState prev_state,
                              const TaskInfo* next) {
  static const TaskInfo kIdle{};
  const TaskInfo& p = prev != nullptr ? *prev : kIdle;
  const TaskInfo& n = next != nullptr ? *next : kIdle;
  // The line is printed in prev's context.
  Curr(cpu) = p;
  Line(ts, cpu, kSched, "sched_switch",
       absl::StrFormat("prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s ==> next_comm=%s "
                       "next_pid=%d next_prio=%d",
                       Comm(p, cpu), p.pid, p.prio, p.pid == 0 ? "R" : StateLetter(prev_state),
                       Comm(n, cpu), n.pid, n.prio));
  Curr(cpu) = n;
}

void FtraceTextWriter::Waking(int64_t ts, int cpu, const TaskInfo& wakee, int target_cpu,
                              bool in_irq) {
  Line(ts, cpu, in_irq ? kWakeInIrq : kSched, "sched_waking",
       absl::StrFormat("comm=%s pid=%d prio=%d target_cpu=%03d", Comm(wakee, cpu), wakee.pid,
                       wakee.prio, target_cpu));
}

void FtraceTextWriter::WakeupNew(int64_t ts, int cpu, const TaskInfo& task, int target_cpu) {
  Line(ts, cpu, kSched, "sched_wakeup_new",
       absl::StrFormat("comm=%s pid=%d prio=%d target_cpu=%03d", Comm(task, cpu), task.pid,
                       task.prio, target_cpu));
}

void FtraceTextWriter::Migrate(int64_t ts, int cpu, const TaskInfo& task, int orig_cpu,
                               int dest_cpu) {
  Line(ts, cpu, "d..3.", "sched_migrate_task",
       absl::StrFormat("comm=%s pid=%d prio=%d orig_cpu=%d dest_cpu=%d", Comm(task, cpu), task.pid,
                       task.prio, orig_cpu, dest_cpu));
}

void FtraceTextWriter::Exit(int64_t ts, int cpu, const TaskInfo& task) {
  Line(ts, cpu, kPlain, "sched_process_exit",
       absl::StrFormat("comm=%s pid=%d prio=%d group_dead=%s", Comm(task, cpu), task.pid, task.prio,
                       task.pid == task.tgid ? "true" : "false"));
}

void FtraceTextWriter::Free(int64_t ts, int cpu, const TaskInfo& task) {
  Line(ts, cpu, "..s1.", "sched_process_free",
       absl::StrFormat("comm=%s pid=%d prio=%d", Comm(task, cpu), task.pid, task.prio));
}

absl::Status FtraceTextWriter::Finish(int64_t end_ts) {
  if (finished_) return absl::FailedPreconditionError("the ftrace text was already finished");
  finished_ = true;
  Header();
  for (int cpu = 0; cpu < static_cast<int>(curr_.size()); ++cpu) {
    if (curr_[cpu].pid != 0) {
      TaskInfo last = curr_[cpu];
      Switch(end_ts, cpu, &last, PrevState::kRunnable, nullptr);
    }
  }
  out_->flush();
  if (!*out_) return absl::DataLossError("could not write the ftrace text");
  if (owned_ != nullptr) owned_->close();
  return absl::OkStatus();
}

}  // namespace scxtwin::sim::trace
