// Fuzzes the Perfetto writer's round trip: the input drives a sequence of writer calls (tasks,
// switches, wakeups, migrations, exits, with any names and times), the output is parsed back
// as a perfetto.protos.Trace. Properties: no crash, no sanitizer report; the bytes parse; every
// event written is in it once (by kind), with comms cut to 15 bytes; each CPU's bundle ends idle.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>

#include "sim/trace/perfetto_trace.pb.h"
#include "sim/trace/perfetto_writer.h"

using scxtwin::sim::trace::PerfettoWriter;
using scxtwin::sim::trace::PrevState;
using scxtwin::sim::trace::TaskInfo;

namespace {

// Whether s is well-formed UTF-8 (Perfetto's string fields must be).
bool IsUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80                 ? 1
               : c >= 0xc2 && c <= 0xdf ? 2
               : c >= 0xe0 && c <= 0xef ? 3
               : c >= 0xf0 && c <= 0xf4 ? 4
                                        : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    const unsigned char d = n > 1 ? static_cast<unsigned char>(s[i + 1]) : 0;
    if ((c == 0xe0 && d < 0xa0) || (c == 0xed && d >= 0xa0) || (c == 0xf0 && d < 0x90) ||
        (c == 0xf4 && d >= 0x90)) {
      return false;
    }
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  std::ostringstream out;
  PerfettoWriter w(&out);
  constexpr int kCpus = 8;  // the simulator names CPUs of its machine only
  auto task = [&] {
    TaskInfo t;
    t.pid = in.ConsumeIntegralInRange<int32_t>(1, 64);
    t.tgid = in.ConsumeIntegralInRange<int32_t>(1, 64);
    t.comm = in.ConsumeRandomLengthString(24);
    t.prio = in.ConsumeIntegralInRange<int32_t>(100, 139);
    return t;
  };
  std::map<std::string, int> written;  // events by kind
  int64_t ts = 0;
  while (in.remaining_bytes() > 0) {
    ts += in.ConsumeIntegralInRange<int64_t>(0, 1000000);
    const int cpu = in.ConsumeIntegralInRange<int>(0, kCpus - 1);
    switch (in.ConsumeIntegralInRange<int>(0, 8)) {
      case 0:
        w.Process(in.ConsumeIntegralInRange<int32_t>(1, 64),
                  in.ConsumeIntegralInRange<int32_t>(0, 64), in.ConsumeRandomLengthString(64));
        break;
      case 1: {
        const TaskInfo parent = task(), child = task();
        w.NewTask(ts, cpu, parent, child, in.ConsumeBool());
        ++written["task_newtask"];
        ++written["sched_process_fork"];
        break;
      }
      case 2: {
        const TaskInfo t = task();
        w.Exec(ts, cpu, t, in.ConsumeRandomLengthString(32));
        break;
      }
      case 3: {
        const bool has_prev = in.ConsumeBool(), has_next = in.ConsumeBool();
        const TaskInfo p = task(), n = task();
        w.Switch(ts, cpu, has_prev ? &p : nullptr,
                 in.ConsumeBool() ? PrevState::kSleeping : PrevState::kRunnable,
                 has_next ? &n : nullptr);
        ++written["sched_switch"];
        break;
      }
      case 4: {
        const TaskInfo t = task();
        w.Waking(ts, cpu, t, in.ConsumeIntegralInRange<int>(0, kCpus - 1), in.ConsumeBool());
        ++written["sched_waking"];
        break;
      }
      case 5: {
        const TaskInfo t = task();
        w.WakeupNew(ts, cpu, t, in.ConsumeIntegralInRange<int>(0, kCpus - 1));
        ++written["sched_wakeup_new"];
        break;
      }
      case 6: {
        const TaskInfo t = task();
        w.Migrate(ts, cpu, t, in.ConsumeIntegralInRange<int>(0, kCpus - 1), cpu);
        ++written["sched_migrate_task"];
        break;
      }
      case 7: {
        const TaskInfo t = task();
        w.Exit(ts, cpu, t);
        ++written["sched_process_exit"];
        break;
      }
      case 8: {
        const TaskInfo t = task();
        w.Free(ts, cpu, t);
        ++written["sched_process_free"];
        break;
      }
    }
  }
  if (!w.Finish(ts + 1).ok()) abort();
  perfetto::protos::Trace trace;
  if (!trace.ParseFromString(out.str())) abort();
  std::map<std::string, int> read;
  std::map<uint32_t, int64_t> last_next_pid;  // per CPU: the last switch's next_pid
  int closing = 0;                            // switches Finish added (a CPU left running)
  for (const auto& p : trace.packet()) {
    for (const auto& proc : p.process_tree().processes()) {
      for (const std::string& c : proc.cmdline()) {
        if (!IsUtf8(c)) abort();
      }
    }
    if (!p.has_ftrace_events()) continue;
    for (const auto& e : p.ftrace_events().event()) {
      std::string comm;
      if (e.has_sched_switch()) {
        ++read["sched_switch"];
        comm = e.sched_switch().next_comm();
        if (e.timestamp() == static_cast<uint64_t>(ts + 1)) ++closing;
        last_next_pid[p.ftrace_events().cpu()] = e.sched_switch().next_pid();
      }
      if (e.has_task_newtask()) {
        ++read["task_newtask"];
        comm = e.task_newtask().comm();
      }
      if (e.has_sched_process_fork()) ++read["sched_process_fork"];
      if (e.has_sched_waking()) {
        ++read["sched_waking"];
        comm = e.sched_waking().comm();
      }
      if (e.has_sched_wakeup_new()) ++read["sched_wakeup_new"];
      if (e.has_sched_migrate_task()) ++read["sched_migrate_task"];
      if (e.has_sched_process_exit()) ++read["sched_process_exit"];
      if (e.has_sched_process_free()) ++read["sched_process_free"];
      if (comm.size() > 15 || !IsUtf8(comm)) {
        fprintf(stderr, "comm '%s' is longer than 15 bytes or not UTF-8\n", comm.c_str());
        abort();
      }
    }
  }
  read["sched_switch"] -= closing;
  for (const auto& [kind, n] : written) {
    if (read[kind] != n) {
      fprintf(stderr, "%s: wrote %d, read %d\n", kind.c_str(), n, read[kind]);
      abort();
    }
  }
  for (const auto& [cpu, pid] : last_next_pid) {
    if (pid != 0) abort();  // Finish leaves every CPU idle
  }
  return 0;
}
