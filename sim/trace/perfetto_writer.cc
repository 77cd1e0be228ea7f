#include "sim/trace/perfetto_writer.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace scxtwin::sim::trace {
namespace {

constexpr uint32_t kSequenceId = 1;
constexpr uint64_t kCloneThread = 0x10000;
constexpr size_t kCommLen = 15;  // TASK_COMM_LEN - 1

// The length of the valid UTF-8 sequence at s[i] (1-4), or 0 if none starts there.
size_t Utf8At(const std::string& s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  size_t n = c < 0x80                        ? 1
             : (c >> 5) == 0x6 && c >= 0xc2  ? 2
             : (c >> 4) == 0xe               ? 3
             : (c >> 3) == 0x1e && c <= 0xf4 ? 4
                                             : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return 0;
  }
  if (n == 3 && ((c == 0xe0 && b(i + 1) < 0xa0) || (c == 0xed && b(i + 1) >= 0xa0)))
    return 0;  // overlong, surrogate
  if (n == 4 && ((c == 0xf0 && b(i + 1) < 0x90) || (c == 0xf4 && b(i + 1) >= 0x90)))
    return 0;  // overlong, > U+10FFFF
  return n;
}

// Perfetto's string fields must be UTF-8 (names come from a spec, which may hold any bytes): at
// most `max` bytes, cut at a character boundary (never inside one), a byte that is not UTF-8
// written as '?'.
std::string Utf8(const std::string& s, size_t max) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8At(s, i);
    if (out.size() + std::max<size_t>(n, 1) > max) break;
    if (n == 0) {
      out.push_back('?');
      ++i;
    } else {
      out.append(s, i, n);
      i += n;
    }
  }
  return out;
}

// The kernel's comm: at most 15 bytes.
std::string Comm(const std::string& comm) { return Utf8(comm, kCommLen); }

}  // namespace

PerfettoWriter::PerfettoWriter(std::ostream* out) : out_(out) {}

absl::StatusOr<std::unique_ptr<PerfettoWriter>> PerfettoWriter::Open(const std::string& path) {
  auto file = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
  if (!*file) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": cannot create the Perfetto trace"));
  }
  auto writer = std::make_unique<PerfettoWriter>(file.get());
  writer->owned_ = std::move(file);
  return writer;
}

PerfettoWriter::Cpu& PerfettoWriter::CpuAt(int cpu) {
  if (cpu >= static_cast<int>(cpus_.size())) cpus_.resize(cpu + 1);
  return cpus_[cpu];
}

perfetto::protos::FtraceEvent* PerfettoWriter::Add(int64_t ts, int cpu) {
  if (first_ts_ < 0) first_ts_ = ts;
  Cpu& c = CpuAt(cpu);
  if (static_cast<int>(c.pending.size()) >= kBundleEvents) FlushCpu(cpu);
  perfetto::protos::FtraceEvent& e = c.pending.emplace_back();
  e.set_timestamp(ts);
  e.set_pid(c.curr.pid);
  return &e;
}

void PerfettoWriter::Note(const TaskInfo& t) {
  if (t.pid == 0) return;
  threads_[t.pid] = {Comm(t.comm), t.tgid};
}

void PerfettoWriter::Process(int32_t pid, int32_t ppid, const std::string& cmdline) {
  processes_[pid] = {ppid, Utf8(cmdline, std::string::npos)};
}

void PerfettoWriter::NewTask(int64_t ts, int cpu, const TaskInfo& parent, const TaskInfo& child,
                             bool thread) {
  Note(parent);
  Note(child);
  auto* nt = Add(ts, cpu)->mutable_task_newtask();
  nt->set_pid(child.pid);
  nt->set_comm(Comm(child.comm));
  nt->set_clone_flags(thread ? kCloneThread : 0);
  nt->set_oom_score_adj(0);
  auto* fork = Add(ts, cpu)->mutable_sched_process_fork();
  fork->set_parent_comm(Comm(parent.comm));
  fork->set_parent_pid(parent.pid);
  fork->set_child_comm(Comm(child.comm));
  fork->set_child_pid(child.pid);
}

void PerfettoWriter::Exec(int64_t ts, int cpu, const TaskInfo& task, const std::string&) {
  // Perfetto's subset here has no sched_process_exec; the process tree carries the command line.
  if (first_ts_ < 0) first_ts_ = ts;
  Note(task);
}

void PerfettoWriter::Switch(int64_t ts, int cpu, const TaskInfo* prev, PrevState prev_state,
                            const TaskInfo* next) {
  static const TaskInfo kIdle{};
  const TaskInfo& p = prev != nullptr ? *prev : kIdle;
  const TaskInfo& n = next != nullptr ? *next : kIdle;
  Note(p);
  Note(n);
  auto* sw = Add(ts, cpu)->mutable_sched_switch();
  sw->set_prev_comm(p.pid == 0 ? absl::StrCat("swapper/", cpu) : Comm(p.comm));
  sw->set_prev_pid(p.pid);
  sw->set_prev_prio(p.prio);
  sw->set_prev_state(p.pid == 0 ? 0 : static_cast<int64_t>(prev_state));
  sw->set_next_comm(n.pid == 0 ? absl::StrCat("swapper/", cpu) : Comm(n.comm));
  sw->set_next_pid(n.pid);
  sw->set_next_prio(n.prio);
  CpuAt(cpu).curr = n;
}

void PerfettoWriter::Waking(int64_t ts, int cpu, const TaskInfo& wakee, int target_cpu, bool) {
  Note(wakee);
  auto* w = Add(ts, cpu)->mutable_sched_waking();
  w->set_comm(Comm(wakee.comm));
  w->set_pid(wakee.pid);
  w->set_prio(wakee.prio);
  w->set_success(1);
  w->set_target_cpu(target_cpu);
}

void PerfettoWriter::WakeupNew(int64_t ts, int cpu, const TaskInfo& task, int target_cpu) {
  Note(task);
  auto* w = Add(ts, cpu)->mutable_sched_wakeup_new();
  w->set_comm(Comm(task.comm));
  w->set_pid(task.pid);
  w->set_prio(task.prio);
  w->set_success(1);
  w->set_target_cpu(target_cpu);
}

void PerfettoWriter::Migrate(int64_t ts, int cpu, const TaskInfo& task, int orig_cpu,
                             int dest_cpu) {
  auto* m = Add(ts, cpu)->mutable_sched_migrate_task();
  m->set_comm(Comm(task.comm));
  m->set_pid(task.pid);
  m->set_prio(task.prio);
  m->set_orig_cpu(orig_cpu);
  m->set_dest_cpu(dest_cpu);
}

void PerfettoWriter::Exit(int64_t ts, int cpu, const TaskInfo& task) {
  auto* x = Add(ts, cpu)->mutable_sched_process_exit();
  x->set_comm(Comm(task.comm));
  x->set_pid(task.pid);
  x->set_tgid(task.tgid);
  x->set_prio(task.prio);
}

void PerfettoWriter::Free(int64_t ts, int cpu, const TaskInfo& task) {
  auto* f = Add(ts, cpu)->mutable_sched_process_free();
  f->set_comm(Comm(task.comm));
  f->set_pid(task.pid);
  f->set_prio(task.prio);
}

void PerfettoWriter::FlushCpu(int cpu) {
  Cpu& c = cpus_[cpu];
  if (c.pending.empty()) return;
  perfetto::protos::TracePacket packet;
  packet.set_trusted_packet_sequence_id(kSequenceId);
  auto* bundle = packet.mutable_ftrace_events();
  bundle->set_cpu(cpu);
  for (auto& e : c.pending) *bundle->add_event() = std::move(e);
  c.pending.clear();
  WritePacket(packet);
}

void PerfettoWriter::WritePacket(const perfetto::protos::TracePacket& packet) {
  // Trace.packet is field 1, wire type 2: tag 0x0a, varint length, bytes.
  std::string bytes = packet.SerializeAsString();
  std::string head(1, '\x0a');
  for (uint64_t n = bytes.size();; n >>= 7) {
    if (n < 0x80) {
      head.push_back(static_cast<char>(n));
      break;
    }
    head.push_back(static_cast<char>((n & 0x7f) | 0x80));
  }
  out_->write(head.data(), head.size());
  out_->write(bytes.data(), bytes.size());
}

absl::Status PerfettoWriter::Finish(int64_t end_ts) {
  if (finished_) return absl::FailedPreconditionError("the Perfetto trace was already finished");
  finished_ = true;
  for (int cpu = 0; cpu < static_cast<int>(cpus_.size()); ++cpu) {
    if (cpus_[cpu].curr.pid != 0) {
      TaskInfo last = cpus_[cpu].curr;
      Switch(end_ts, cpu, &last, PrevState::kRunnable, nullptr);
    }
    FlushCpu(cpu);
  }
  perfetto::protos::TracePacket packet;
  packet.set_timestamp(first_ts_ < 0 ? 0 : first_ts_);
  packet.set_trusted_packet_sequence_id(kSequenceId);
  auto* tree = packet.mutable_process_tree();
  for (const auto& [pid, p] : processes_) {
    auto* proc = tree->add_processes();
    proc->set_pid(pid);
    proc->set_ppid(p.ppid);
    proc->add_cmdline(p.cmdline);
  }
  for (const auto& [tid, t] : threads_) {
    auto* th = tree->add_threads();
    th->set_tid(tid);
    th->set_name(t.name);
    th->set_tgid(t.tgid);
  }
  WritePacket(packet);
  out_->flush();
  if (!*out_) return absl::DataLossError("could not write the Perfetto trace");
  if (owned_ != nullptr) owned_->close();
  return absl::OkStatus();
}

}  // namespace scxtwin::sim::trace
