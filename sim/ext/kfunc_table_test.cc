// The simulator's half of scxtwin/kfunc_list.inc: every row the simulator offers has its entry,
// the others stay NULL, and a call's log line has the row's format. Also the one DSQ-id
// resolver: SCX_DSQ_LOCAL_ON|cpu names that CPU's local DSQ for every DSQ kfunc.
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "sim/core/simulator.h"
#include "sim/ext/ext_class.h"

namespace scxtwin::sim {
namespace {

const scxtwin_host_api* api = nullptr;

struct Run {
  std::unique_ptr<WorkloadSpec> spec;
  Topology topo;
  sched_ext_ops ops{};
  std::unique_ptr<ExtClass> cls;
  std::unique_ptr<Simulator> sim;
};

std::unique_ptr<Run> Prepare(const char* workload, const char* topo, const sched_ext_ops& ops,
                             std::ostream* log) {
  auto r = std::make_unique<Run>();
  auto spec = ParseWorkload(workload, "t.textpb");
  EXPECT_TRUE(spec.ok()) << spec.status();
  r->spec = *std::move(spec);
  r->topo = *Topology::Parse(topo);
  r->ops = ops;
  ExtPolicyBinding b;
  b.ops = &r->ops;
  b.install_api = [](const scxtwin_host_api& a) { api = &a; };
  ExtOptions o;
  o.log = log;
  r->cls = std::make_unique<ExtClass>(b, o);
  r->sim = std::make_unique<Simulator>(r->topo, *r->spec, r->cls.get(), SimOptions{});
  return r;
}

constexpr char kTwoHogs[] = R"pb(process {
                                   name: "p"
                                   group {
                                     name: "h"
                                     count: 2
                                     program { run { fixed_ns: 2000000 } }
                                   }
                                 })pb";

s32 CreateSeven() { return api->create_dsq(api->sim, 7, -1); }
void EnqueueLocal(task_struct* p, u64 enq_flags) {
  api->dsq_insert(api->sim, p, SCX_DSQ_LOCAL, SCX_SLICE_DFL, enq_flags);
}

sched_ext_ops LocalOps() {
  sched_ext_ops ops{};
  ops.init = CreateSeven;
  ops.enqueue = EnqueueLocal;
  snprintf(ops.name, sizeof(ops.name), "local");
  return ops;
}

TEST(KfuncTableTest, EveryOfferedRowHasItsEntryAndTheOthersStayNull) {
  auto r = Prepare(kTwoHogs, "1", LocalOps(), nullptr);
  ASSERT_TRUE(r->sim->Run().ok());
  ASSERT_NE(api, nullptr);
#define SCXTWIN_KFUNC(type, entry, params, args, forwarder, dflt, kfunc, method, log, ...) \
  EXPECT_EQ(api->entry != nullptr, std::string(#log) != "NONE") << #entry;
#define SCXTWIN_KFUNC_VOID(entry, params, args, forwarder, kfunc, method, log, ...) \
  EXPECT_EQ(api->entry != nullptr, std::string(#log) != "NONE") << #entry;
#include "scxtwin/kfunc_list.inc"
#undef SCXTWIN_KFUNC
#undef SCXTWIN_KFUNC_VOID
}

TEST(KfuncTableTest, CallsAreLoggedWithTheRowsFormatAndCounted) {
  std::ostringstream log;
  auto r = Prepare(kTwoHogs, "1", LocalOps(), &log);
  ASSERT_TRUE(r->sim->Run().ok());
  const std::vector<std::string> lines = absl::StrSplit(log.str(), '\n');
  ASSERT_GE(lines.size(), 3u);
  // ops.init, inside it the create_dsq call (logged after it returns: AFTER, with ret).
  EXPECT_EQ(lines[0], R"({"t":0,"cpu":0,"cb":"init"})");
  EXPECT_EQ(lines[1],
            R"({"t":0,"cpu":0,"kfunc":"scx_bpf_create_dsq","dsq":"0x7","node":-1,"ret":0})");
  // An insert is logged before its effects (BEFORE).
  const std::string insert =
      R"({"t":0,"cpu":0,"kfunc":"scx_bpf_dsq_insert","pid":1,"dsq":"0x8000000000000002","slice":20000000,"enq_flags":0})";
  EXPECT_NE(std::find(lines.begin(), lines.end(), insert), lines.end()) << log.str();
  int64_t kfunc_lines = 0;
  for (const std::string& l : lines) kfunc_lines += l.find("\"kfunc\":") != std::string::npos;
  EXPECT_EQ(r->cls->counters().kfuncs, kfunc_lines);
}

// A user-space call while task 1 runs on the only CPU and task 2 waits on its local DSQ.
TEST(KfuncTableTest, LocalOnNamesTheCpusLocalDsqForPeekAndNrQueued) {
  auto r = Prepare(kTwoHogs, "1", LocalOps(), nullptr);
  struct Seen {
    int peek_local_on = -2, peek_local = -2, nr_local_on = -2, nr_bad_cpu = 0;
    bool peek_bad_cpu_null = false;
  };
  static Seen seen;
  seen = Seen{};
  r->cls->CallFromUserSpace(500000, [] {
    task_struct* on = api->dsq_peek(api->sim, SCX_DSQ_LOCAL_ON | 0);
    task_struct* local = api->dsq_peek(api->sim, SCX_DSQ_LOCAL);
    seen.peek_local_on = on ? on->pid : -1;
    seen.peek_local = local ? local->pid : -1;
    seen.nr_local_on = api->dsq_nr_queued(api->sim, SCX_DSQ_LOCAL_ON | 0);
    seen.nr_bad_cpu = api->dsq_nr_queued(api->sim, SCX_DSQ_LOCAL_ON | 5);
    seen.peek_bad_cpu_null = api->dsq_peek(api->sim, SCX_DSQ_LOCAL_ON | 5) == nullptr;
  });
  ASSERT_TRUE(r->sim->Run().ok());
  EXPECT_EQ(seen.peek_local_on, 2);
  EXPECT_EQ(seen.peek_local, 2);
  EXPECT_EQ(seen.nr_local_on, 1);
  EXPECT_EQ(seen.nr_bad_cpu, -ENOENT);
  EXPECT_TRUE(seen.peek_bad_cpu_null);
}

}  // namespace
}  // namespace scxtwin::sim
