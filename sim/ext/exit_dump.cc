// The debug dump of an error exit (kernel/sched/ext.c: scx_dump_state, scx_dump_task,
// scx_bpf_dump_bstr): when the policy exits with kind >= SCX_EXIT_ERROR, before its tasks leave
// it, the class writes a header, then ops.dump's lines, then per CPU with work (or with
// ops.dump_cpu output) the CPU's lines, ops.dump_cpu's, and each of its runnable tasks with
// ops.dump_task's, then the event counters. The result is the exit's `dump` and ops.exit's
// `ei->dump`, bounded by ops.exit_dump_len as the kernel's buffer is.
//
// Simulator differences (sim/ext/README.md): no backtraces (there is no kernel stack), no
// per-CPU flag or sequence words, and a task's line shows the simulator's state name where the
// kernel prints its state/flag words.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sim/ext/ext_class.h"

namespace scxtwin::sim {
namespace {

constexpr size_t kExitDumpDefaultLen = 32768;  // SCX_EXIT_DUMP_DFL_LEN
constexpr size_t kDumpLineLen = 1024;          // the kernel's line buffer (SCX_EXIT_MSG_LEN)
constexpr char kTruncMarker[] = "\n\n~~~~ TRUNCATED ~~~~\n";

// The task_struct's comm and pid as "comm[pid]".
std::string Name(const task_struct& p) { return absl::StrFormat("%s[%d]", p.comm, p.pid); }

// A cpumask as the kernel's %*pb prints it: hex, 32 bits per comma-separated group, the first
// group only as wide as the CPUs it holds.
std::string MaskHex(const cpumask& m, int nr_cpus) {
  std::string out;
  const int groups = (nr_cpus + 31) / 32;
  for (int g = groups - 1; g >= 0; --g) {
    const uint32_t word = static_cast<uint32_t>(m.bits[g / 2] >> (32 * (g % 2)));
    const int bits = g == groups - 1 ? nr_cpus - 32 * g : 32;
    const uint32_t mask = bits >= 32 ? ~0u : ((1u << bits) - 1);
    absl::StrAppendFormat(&out, "%s%0*x", out.empty() ? "" : ",", (bits + 3) / 4, word & mask);
  }
  return out;
}

}  // namespace

// What every dump callback is given: the exit and when the dump was taken.
scx_dump_ctx ExtClass::DumpCtx() const {
  scx_dump_ctx dctx{};
  dctx.kind = static_cast<scx_exit_kind>(exit_.kind);
  dctx.exit_code = exit_.exit_code;
  dctx.reason = exit_.reason.c_str();
  dctx.at_ns = static_cast<u64>(ctx_->now());
  return dctx;
}

void ExtClass::PutDump(std::string* out, const std::string& line) {
  if (out->size() < dump_limit_) absl::StrAppend(out, line, "\n");
}

void ExtClass::WriteDump() {
  const size_t len = ops_->exit_dump_len ? ops_->exit_dump_len : kExitDumpDefaultLen;
  dump_limit_ = len;
  std::string out;
  const int cpu = exit_.cpu >= 0 && exit_.cpu < nr_cpus_ ? exit_.cpu : 0;
  const task_struct* current = CpuCurr(cpu);
  PutDump(&out, absl::StrFormat("%s triggered exit kind %d:", Name(*current), exit_.kind));
  PutDump(&out, absl::StrFormat("  %s (%s)", exit_.reason, exit_.msg));

  if (ops_->dump) {
    scx_dump_ctx dctx = DumpCtx();
    RunDumpOp(
        "dump", Ctx::kUnlocked, &out, "", [&] { ops_->dump(&dctx); }, "");
  }

  PutDump(&out, "");
  PutDump(&out, "CPU states");
  PutDump(&out, "----------");
  for (int c = 0; c < nr_cpus_; ++c) DumpCpu(c, &out);

  PutDump(&out, "");
  PutDump(&out, "Event counters");
  PutDump(&out, "--------------");
  const s64* values = reinterpret_cast<const s64*>(&events_);
  static constexpr const char* kNames[] = {
      "SCX_EV_SELECT_CPU_FALLBACK",
      "SCX_EV_DISPATCH_LOCAL_DSQ_OFFLINE",
      "SCX_EV_DISPATCH_KEEP_LAST",
      "SCX_EV_ENQ_SKIP_EXITING",
      "SCX_EV_ENQ_SKIP_MIGRATION_DISABLED",
      "SCX_EV_REENQ_IMMED",
      "SCX_EV_REENQ_REPEAT",
      "SCX_EV_REFILL_SLICE_DFL",
      "SCX_EV_SLICE_CLAMPED",
      "SCX_EV_SLICE_DENIED",
      "SCX_EV_BYPASS_DURATION",
      "SCX_EV_BYPASS_DISPATCH",
      "SCX_EV_BYPASS_ACTIVATE",
      "SCX_EV_INSERT_NOT_OWNED",
      "SCX_EV_SUB_BYPASS_DISPATCH",
      "SCX_EV_SUB_FORCED_ADMIT",
      "SCX_EV_SUB_PREEMPT_DENIED",
      "SCX_EV_SUB_KICK_DENIED",
      "SCX_EV_SUB_REENQ_DENIED",
      "SCX_EV_SUB_CIDPERF_DENIED",
      "SCX_EV_SUB_RESCUE",
  };
  static_assert(sizeof(kNames) / sizeof(kNames[0]) == sizeof(scx_event_stats) / sizeof(s64),
                "one name per counter of struct scx_event_stats");
  for (size_t i = 0; i < sizeof(kNames) / sizeof(kNames[0]); ++i)
    PutDump(&out, absl::StrFormat("%34s: %d", kNames[i], values[i]));

  // The kernel's buffer holds len bytes with the terminating NUL; an overflow ends in a marker.
  if (out.size() > len - 1) {
    out.resize(len - 1);
    if (len >= sizeof(kTruncMarker))
      out.replace(len - sizeof(kTruncMarker), std::string::npos, kTruncMarker);
  }
  exit_.dump = std::move(out);
}

// One CPU: skipped if idle unless ops.dump_cpu writes something for it.
void ExtClass::DumpCpu(int cpu, std::string* out) {
  const TaskId curr = ctx_->curr(cpu);
  const bool curr_ext = curr != kNoTask && curr < static_cast<TaskId>(et_.size()) &&
                        et_[curr].state == ExtTaskState::kRunning;
  // The CPU's runnable tasks (the kernel's rq->scx.runnable_list), in the order they became
  // runnable.
  std::vector<TaskId> runnable;
  for (TaskId t = 0; t < static_cast<TaskId>(et_.size()); ++t) {
    if (t != curr && ExtRunnable(et_[t].state) && ctx_->task(t).cpu == cpu) runnable.push_back(t);
  }
  std::stable_sort(runnable.begin(), runnable.end(),
                   [&](TaskId a, TaskId b) { return et_[a].runnable_at < et_[b].runnable_at; });
  const bool idle = runnable.empty() && curr == kNoTask;
  if (idle && !ops_->dump_cpu) return;

  std::string ns;
  PutDump(&ns, "");
  PutDump(&ns, absl::StrFormat("CPU %-4d: nr_run=%d", cpu,
                               static_cast<int>(runnable.size()) + (curr_ext ? 1 : 0)));
  const task_struct* c = CpuCurr(cpu);
  PutDump(&ns, absl::StrFormat("          curr=%s class=%s", Name(*c),
                               curr == kNoTask ? "idle_sched_class"
                               : curr_ext      ? "ext_sched_class"
                                               : "another class"));
  const size_t used = ns.size();
  if (ops_->dump_cpu) {
    scx_dump_ctx dctx = DumpCtx();
    RunDumpOp(
        "dump_cpu", Ctx::kOther, &ns, "  ", [&] { ops_->dump_cpu(&dctx, cpu, idle); },
        absl::StrFormat(",\"target\":%d,\"idle\":%s", cpu, idle ? "true" : "false"));
  }
  if (idle && ns.size() == used) return;
  if (out->size() < dump_limit_) out->append(ns);
  if (curr_ext) DumpTask(curr, '*', out);
  for (TaskId t : runnable) DumpTask(t, ' ', out);
}

void ExtClass::DumpTask(TaskId t, char marker, std::string* out) {
  task_struct* p = &ts_[t];
  const ExtTask& e = et_[t];
  const int64_t ms = (e.runnable_at - ctx_->now()) / kNsPerMs;
  PutDump(out, "");
  PutDump(out, absl::StrFormat(" %cR %s %+dms", marker, Name(*p), ms));
  PutDump(out, absl::StrFormat("      scx_state=%s dsq_id=%s", ExtTaskStateName(e.state),
                               e.dsq ? absl::StrFormat("0x%x", e.dsq->id) : "(n/a)"));
  PutDump(out, absl::StrFormat("      dsq_vtime=%u slice=%u weight=%u", p->scx.dsq_vtime,
                               p->scx.slice, p->scx.weight));
  PutDump(out, absl::StrFormat("      cpus=%s", MaskHex(*p->cpus_ptr, nr_cpus_)));
  if (ops_->dump_task) {
    scx_dump_ctx dctx = DumpCtx();
    RunDumpOp(
        "dump_task", Ctx::kOther, out, "    ", [&] { ops_->dump_task(&dctx, p); },
        absl::StrFormat(",\"pid\":%d", p->pid));
  }
}

// ops.dump runs as the kernel's SCX_KF_UNLOCKED callbacks do, dump_cpu and dump_task as
// SCX_KF_REST ones (no DSQ inserts or moves), on the CPU the exit was raised on. An error or a
// fault inside one is no new exit (the first exit stays), so the dump goes on without recursing.
void ExtClass::RunDumpOp(const char* cb, Ctx kind, std::string* out, const char* prefix,
                         const std::function<void()>& call, const std::string& fields) {
  dump_out_ = out;
  dump_prefix_ = prefix;
  dump_line_.clear();
  dump_first_ = true;
  const int cpu = exit_.cpu >= 0 && exit_.cpu < nr_cpus_ ? exit_.cpu : 0;
  Callback(cb, cpu, kind, call, "%s", fields);
  FlushDumpLine();
  dump_out_ = nullptr;
}

// Writes the line(s) scx_bpf_dump() gathered: each after the prefix, the first of a callback's
// output after a blank line.
void ExtClass::FlushDumpLine() {
  if (dump_line_.empty() || dump_out_ == nullptr) return;
  if (dump_first_) {
    PutDump(dump_out_, "");
    dump_first_ = false;
  }
  size_t start = 0;
  while (start < dump_line_.size()) {
    size_t end = dump_line_.find('\n', start);
    if (end == std::string::npos) end = dump_line_.size();
    PutDump(dump_out_, absl::StrCat(dump_prefix_, dump_line_.substr(start, end - start)));
    start = end + 1;
  }
  dump_line_.clear();
}

// scx_bpf_dump_bstr: a line may be written over several calls; it is flushed when it ends in a
// newline or fills the line buffer, and when the callback returns.
void ExtClass::Dump(const char* msg) {
  if (dump_out_ == nullptr) {
    Error(SCX_EXIT_ERROR, "scx_bpf_dump() must only be called from ops.dump() and friends");
    return;
  }
  dump_line_ += msg ? msg : "";
  if (dump_line_.size() >= kDumpLineLen) {
    dump_line_.resize(kDumpLineLen);
    FlushDumpLine();
  } else if (!dump_line_.empty() && dump_line_.back() == '\n') {
    FlushDumpLine();
  }
}

}  // namespace scxtwin::sim
