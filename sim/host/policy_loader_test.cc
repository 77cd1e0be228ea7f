// Loads the probe policy (testdata/probe_policy.bpf.c, compiled by host_policy()) and drives its
// callbacks against the fake host.
#include "sim/host/policy_loader.h"

#include <cerrno>
#include <cstring>
#include <string>

#include "gtest/gtest.h"
#include "sim/host/testing/fake_host.h"

namespace scxtwin::host {
namespace {

const char kProbe[] = "sim/host/probe_policy.so";

std::unique_ptr<PolicyInstance> LoadProbe(int nr_cpus = 4) {
  absl::StatusOr<std::unique_ptr<PolicyInstance>> p = PolicyInstance::Load(kProbe, {nr_cpus});
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? std::move(*p) : nullptr;
}

TEST(PolicyLoaderTest, FindsTheOpsAndTheirCallbacks) {
  auto policy = LoadProbe();
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->name(), "probe");
  EXPECT_EQ(policy->ops_variable(), "probe_ops");
  EXPECT_NE(policy->ops()->select_cpu, nullptr);
  EXPECT_NE(policy->ops()->enqueue, nullptr);
  EXPECT_NE(policy->ops()->dispatch, nullptr);
  EXPECT_NE(policy->ops()->init, nullptr);
  EXPECT_EQ(policy->ops()->running, nullptr);
}

TEST(PolicyLoaderTest, ListsKnobsWithTheirInitialValues) {
  auto policy = LoadProbe();
  ASSERT_NE(policy, nullptr);
  std::vector<std::string> names;
  for (const Global* k : policy->Knobs()) names.push_back(k->name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"error_on_pid", "exit_on_pid", "fifo_mode", "signed_knob",
                                      "slice_ns", "small_knob", "uei_dump_len"}));
  EXPECT_EQ(*policy->ReadScalar("signed_knob"), -3);
  EXPECT_EQ(*policy->ReadScalar("slice_ns"), 5000000);
  // Globals that are not knobs are still readable.
  EXPECT_EQ(*policy->ReadScalar("last_timer_cpu"), -1);
  EXPECT_FALSE((*policy->FindGlobal("nr_enqueued"))->is_knob());
}

TEST(PolicyLoaderTest, SetsKnobsWithinTheirTypes) {
  auto policy = LoadProbe();
  ASSERT_NE(policy, nullptr);
  EXPECT_TRUE(policy->SetKnob("slice_ns", "0x1000").ok());
  EXPECT_EQ(*policy->ReadScalar("slice_ns"), 4096);
  EXPECT_TRUE(policy->SetKnob("signed_knob", "-2147483648").ok());
  EXPECT_EQ(*policy->ReadScalar("signed_knob"), -2147483648LL);
  EXPECT_TRUE(policy->SetKnob("fifo_mode", "true").ok());
  EXPECT_EQ(*policy->ReadScalar("fifo_mode"), 1);
  EXPECT_TRUE(policy->SetKnob("small_knob", "255").ok());

  absl::Status s = policy->SetKnob("small_knob", "256");
  EXPECT_EQ(s.code(), absl::StatusCode::kOutOfRange) << s;
  EXPECT_NE(s.message().find("small_knob"), std::string::npos);
  EXPECT_EQ(policy->SetKnob("signed_knob", "2147483648").code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(policy->SetKnob("slice_ns", "-1").code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(policy->SetKnob("fifo_mode", "maybe").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(policy->SetKnob("slice_ns", "12ms").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*policy->ReadScalar("small_knob"), 255);  // failed sets leave the value alone

  absl::Status unknown = policy->SetKnob("no_such_knob", "1");
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(unknown.message().find("slice_ns"), std::string::npos) << "lists the knobs";
  // A plain global is not a knob...
  EXPECT_EQ(policy->SetKnob("nr_enqueued", "1").code(), absl::StatusCode::kNotFound);
}

// A program of two translation units: the loader sees the maps and globals of both (statics
// too), and the units share the globals they declare extern.
TEST(PolicyLoaderTest, LoadsAProgramOfTwoTranslationUnits) {
  auto p = PolicyInstance::Load("sim/host/two_unit_policy.so", {.nr_cpus = 2});
  ASSERT_TRUE(p.ok()) << p.status();
  PolicyInstance& policy = **p;
  FakeHost host(2);
  policy.InstallApi(host.Api());
  ASSERT_NE(policy.maps().Find("lib_slots"), nullptr);
  task_struct* a = host.AddTask(3, "a");
  task_struct* b = host.AddTask(4, "b");
  policy.ops()->enqueue(a, 0);
  policy.ops()->enqueue(b, 0);
  policy.ops()->enqueue(a, 0);
  EXPECT_EQ(*policy.ReadScalar("main_enqueues"), 3);
  EXPECT_EQ(*policy.ReadScalar("lib_calls"), 3);
  EXPECT_EQ(*policy.ReadScalar("lib_private"), 6);
  u32 odd = 1;
  EXPECT_EQ(*static_cast<u64*>(policy.maps().Find("lib_slots")->Lookup(&odd)), 2u);
  EXPECT_EQ(host.inserts.size(), 3u);
  // ops.exit records into the exit record the other unit defines (its dump declared extern).
  char reason[] = "a reason", msg[] = "a message", dump[] = "";
  scx_exit_info ei = {};
  ei.kind = SCX_EXIT_ERROR_BPF;
  ei.exit_code = 7;
  ei.reason = reason;
  ei.msg = msg;
  ei.dump = dump;
  policy.ops()->exit(&ei);
  struct UserExitInfo {  // scx/user_exit_info_common.h's struct user_exit_info
    int kind;
    int32_t exit_cpu;
    int64_t exit_code;
    char reason[128];
    char msg[1024];
  };
  ASSERT_EQ((*policy.FindGlobal("uei"))->size, sizeof(UserExitInfo));
  const auto* uei = static_cast<const UserExitInfo*>((*policy.FindGlobal("uei"))->addr);
  EXPECT_EQ(uei->kind, SCX_EXIT_ERROR_BPF);
  EXPECT_EQ(uei->exit_code, 7);
  EXPECT_STREQ(uei->reason, "a reason");
  EXPECT_STREQ(uei->msg, "a message");
}

// ... but --set reaches it (SetGlobal): any scalar global of a scheduler without a knob table.
TEST(PolicyLoaderTest, SetGlobalReachesKnobsAndPlainGlobals) {
  auto policy = LoadProbe();
  ASSERT_NE(policy, nullptr);
  ASSERT_TRUE(policy->SetGlobal("nr_enqueued", "41").ok());
  EXPECT_EQ(*policy->ReadScalar("nr_enqueued"), 41);
  ASSERT_TRUE(policy->SetGlobal("last_timer_cpu", "-7").ok());
  EXPECT_EQ(*policy->ReadScalar("last_timer_cpu"), -7);
  ASSERT_TRUE(policy->SetGlobal("slice_ns", "99").ok());  // a knob: as SetKnob
  EXPECT_EQ(*policy->ReadScalar("slice_ns"), 99);
  EXPECT_EQ(policy->SetGlobal("last_timer_cpu", "4294967296").code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(policy->SetGlobal("nr_enqueued", "many").code(), absl::StatusCode::kInvalidArgument);
  absl::Status unknown = policy->SetGlobal("no_such_global", "1");
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(unknown.message().find("or any scalar global"), std::string::npos) << unknown;
  // Not a scalar (the exit record, a struct): refused.
  EXPECT_EQ(policy->SetGlobal("uei", "1").code(), absl::StatusCode::kNotFound);
}

TEST(PolicyLoaderTest, WritesPlainGlobalsButNotKnobs) {
  auto policy = LoadProbe();
  ASSERT_TRUE(policy->WriteScalar("nr_enqueued", 41).ok());
  EXPECT_EQ(*policy->ReadScalar("nr_enqueued"), 41);
  ASSERT_TRUE(policy->WriteScalar("last_timer_cpu", -7).ok());
  EXPECT_EQ(*policy->ReadScalar("last_timer_cpu"), -7);
  EXPECT_EQ(policy->WriteScalar("slice_ns", 1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(policy->WriteScalar("uei", 1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(policy->WriteScalar("nope", 1).code(), absl::StatusCode::kNotFound);
}

TEST(PolicyLoaderTest, EachLoadHasFreshGlobals) {
  auto first = LoadProbe();
  ASSERT_TRUE(first->SetKnob("slice_ns", "7").ok());
  auto second = LoadProbe();
  EXPECT_EQ(*second->ReadScalar("slice_ns"), 5000000);
  EXPECT_EQ(*first->ReadScalar("slice_ns"), 7);
  EXPECT_NE(first->ops(), second->ops());
}

TEST(PolicyLoaderTest, CallbacksReachTheHostAndTheMaps) {
  FakeHost host(4);
  auto policy = LoadProbe(4);
  ASSERT_TRUE(policy->SetKnob("slice_ns", "1234").ok());
  policy->InstallApi(host.Api());
  sched_ext_ops* ops = policy->ops();

  ASSERT_EQ(ops->init(), 0);
  EXPECT_EQ(host.log[0], "create_dsq 7");
  EXPECT_EQ(host.log[1], "timer_start 1000000");

  task_struct* a = host.AddTask(100, "alpha");
  task_struct* b = host.AddTask(200, "beta");
  host.current_cpu = 2;
  EXPECT_EQ(ops->select_cpu(a, 3, SCX_WAKE_TTWU), 3);
  ASSERT_EQ(host.inserts.size(), 1u);
  EXPECT_EQ(host.inserts[0].dsq_id, SCX_DSQ_LOCAL);
  EXPECT_EQ(host.inserts[0].slice, 1234u);

  a->scx.dsq_vtime = 55;
  ops->enqueue(a, SCX_ENQ_WAKEUP);
  ops->enqueue(a, 0);
  host.current_cpu = 1;
  ops->enqueue(b, 0);
  ASSERT_EQ(host.inserts.size(), 4u);
  EXPECT_TRUE(host.inserts[1].vtime_ordered);
  EXPECT_EQ(host.inserts[1].dsq_id, 7u);
  EXPECT_EQ(host.inserts[1].vtime, 55u);
  EXPECT_EQ(host.inserts[1].enq_flags, SCX_ENQ_WAKEUP);
  EXPECT_EQ(*policy->ReadScalar("nr_enqueued"), 3);

  // Per-CPU stats: select_cpu counted on CPU 2, enqueues on CPUs 2 and 1.
  auto sums = policy->SumPerCpuCounters("stats");
  ASSERT_TRUE(sums.ok()) << sums.status();
  EXPECT_EQ(*sums, (std::vector<uint64_t>{1, 3, 0}));
  HostMap* stats = policy->maps().Find("stats");
  u32 shared = 1;
  EXPECT_EQ(*static_cast<u64*>(stats->LookupPerCpu(&shared, 2)), 2u);
  EXPECT_EQ(*static_cast<u64*>(stats->LookupPerCpu(&shared, 1)), 1u);

  // Task storage survives between callbacks, per task; the hash counts per pid.
  HostMap* ctxs = policy->maps().Find("task_ctxs");
  struct TaskCtx {
    u64 enqueues, last_vtime;
  };
  auto* actx = static_cast<TaskCtx*>(ctxs->TaskStorageGet(a, nullptr, 0));
  ASSERT_NE(actx, nullptr);
  EXPECT_EQ(actx->enqueues, 2u);
  EXPECT_EQ(actx->last_vtime, 55u);
  s32 pid = 100;
  EXPECT_EQ(*static_cast<u64*>(policy->maps().Find("per_pid")->Lookup(&pid)), 2u);
  policy->ForgetTask(a);
  EXPECT_EQ(ctxs->TaskStorageGet(a, nullptr, 0), nullptr);

  // The queue map hands pids back in order; dispatch pops one per call.
  ops->dispatch(0, nullptr);
  sums = policy->SumPerCpuCounters("stats");
  EXPECT_EQ((*sums)[2], 1u);
  s32 next = 0;
  EXPECT_EQ(policy->maps().Find("pid_queue")->Peek(&next), 0);
  EXPECT_EQ(next, 100);  // the second enqueue of pid 100

  // The timer set up in init fires the policy's callback.
  ASSERT_EQ(host.started_timers.size(), 1u);
  host.current_cpu = 3;
  EXPECT_EQ(scxtwin_timer_fire(host.started_timers[0]), 0);
  EXPECT_EQ(*policy->ReadScalar("nr_timer_fires"), 1);
  EXPECT_EQ(*policy->ReadScalar("last_timer_cpu"), 3);
  EXPECT_FALSE(host.errored) << host.error_message;
}

TEST(PolicyLoaderTest, ErrorsAndExitsCarryFormattedMessages) {
  FakeHost host(2);
  auto policy = LoadProbe(2);
  ASSERT_TRUE(policy->SetKnob("error_on_pid", "300").ok());
  ASSERT_TRUE(policy->SetKnob("exit_on_pid", "400").ok());
  policy->InstallApi(host.Api());
  policy->ops()->enqueue(host.AddTask(300, "bad"), 0);
  EXPECT_TRUE(host.errored);
  EXPECT_NE(host.error_message.find("probe_policy.bpf.c:"), std::string::npos)
      << host.error_message;
  EXPECT_NE(host.error_message.find("refusing pid 300 (bad)"), std::string::npos)
      << host.error_message;
  policy->ops()->enqueue(host.AddTask(400, "leaver"), 0);
  EXPECT_TRUE(host.exited);
  EXPECT_EQ(host.exit_code, 42);
  EXPECT_EQ(host.exit_message, "pid 400 asked to exit");
}

TEST(PolicyLoaderTest, ExitRecordIsFilledByTheExitCallback) {
  auto policy = LoadProbe();
  char reason[] = "unregistered from the simulator";
  char msg[] = "done";
  scx_exit_info ei = {};
  ei.kind = SCX_EXIT_UNREG;
  ei.exit_code = 3;
  ei.reason = reason;
  ei.msg = msg;
  policy->ops()->exit(&ei);
  const Global* uei = *policy->FindGlobal("uei");
  struct Uei {
    int kind;
    s32 exit_cpu;
    s64 exit_code;
    char reason[128];
    char msg[1024];
  };
  ASSERT_EQ(uei->size, sizeof(Uei));
  const auto* rec = static_cast<const Uei*>(uei->addr);
  EXPECT_EQ(rec->kind, SCX_EXIT_UNREG);
  EXPECT_EQ(rec->exit_code, 3);
  EXPECT_STREQ(rec->reason, reason);
  EXPECT_STREQ(rec->msg, "done");
}

TEST(PolicyLoaderTest, SyscallProgramsCanBeRunFromUserSpace) {
  FakeHost host(2);
  auto policy = LoadProbe(2);
  policy->InstallApi(host.Api());
  auto prog = policy->FindProgram("probe_syscall");
  ASSERT_TRUE(prog.ok()) << prog.status();
  host.AddTask(9, "target");
  struct {
    s32 pid, result;
  } args = {9, 0};
  EXPECT_EQ((*prog)(&args), 0);
  EXPECT_EQ(args.result, 1000);
  args.pid = 10;
  EXPECT_EQ((*prog)(&args), -ESRCH);
  auto missing = policy->FindProgram("probe_enqueue");  // a callback, not a syscall program
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("probe_syscall"), std::string::npos);
}

TEST(PolicyLoaderTest, BadObjectsAreRejectedByName) {
  auto missing = PolicyInstance::Load("sim/host/no_such_policy.so", {1});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("no_such_policy.so"), std::string::npos);
  // A file that is no shared object at all.
  auto not_elf = PolicyInstance::Load("sim/host/policy_loader_test.cc", {1});
  EXPECT_FALSE(not_elf.ok());
  EXPECT_NE(not_elf.status().message().find("policy_loader_test.cc"), std::string::npos);
  auto stale = PolicyInstance::Load("sim/host/stale_probe_policy.so", {1});
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(stale.status().message().find("rebuild"), std::string::npos) << stale.status();
  auto bad_cpus = PolicyInstance::Load(kProbe, {0});
  EXPECT_EQ(bad_cpus.status().code(), absl::StatusCode::kInvalidArgument);
  auto bad_ops = PolicyInstance::Load(kProbe, {1, "other_ops"});
  EXPECT_EQ(bad_ops.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad_ops.status().message().find("probe_ops"), std::string::npos);
}

// ---- a project policy: its knob and counter tables come from its NAME_KNOBS / NAME_STATS ----

std::unique_ptr<PolicyInstance> LoadTablePolicy() {
  absl::StatusOr<std::unique_ptr<PolicyInstance>> p =
      PolicyInstance::Load("sim/host/table_policy.so", {2});
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? std::move(*p) : nullptr;
}

TEST(PolicyLoaderTableTest, ReportsTheKnobTableInListOrderWithRangesAndHelp) {
  auto policy = LoadTablePolicy();
  ASSERT_NE(policy, nullptr);
  const std::vector<KnobSpec>& t = policy->knob_table();
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].name, "slice_us");
  EXPECT_EQ(t[0].default_value, 3000u);
  EXPECT_EQ(t[0].min, 100u);
  EXPECT_EQ(t[0].max, 1000000u);
  EXPECT_EQ(t[0].help, "time slice of every task");
  EXPECT_EQ(t[1].name, "boost");
  EXPECT_EQ(t[1].max, 1u);
  EXPECT_EQ(t[2].name, "credit_us");
  EXPECT_EQ(t[2].max, 50000u);
  // The descriptors are not knobs themselves.
  std::vector<std::string> names;
  for (const Global* k : policy->Knobs()) names.push_back(k->name);
  EXPECT_EQ(names, (std::vector<std::string>{"boost", "credit_us", "slice_us"}));
}

TEST(PolicyLoaderTableTest, ReportsTheCounterTableInMapKeyOrder) {
  auto policy = LoadTablePolicy();
  ASSERT_NE(policy, nullptr);
  const std::vector<StatSpec>& t = policy->stat_table();
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].name, "queued");
  EXPECT_EQ(t[0].help, "tasks queued");
  EXPECT_EQ(t[1].name, "boosted");
}

TEST(PolicyLoaderTableTest, RangeChecksKnobsLikeTheKernelLoader) {
  auto policy = LoadTablePolicy();
  ASSERT_NE(policy, nullptr);
  absl::Status low = policy->SetKnob("slice_us", "99");
  EXPECT_EQ(low.code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(low.message(),
            "--set 'slice_us=99': expected a whole number in [100, 1000000] for slice_us (time "
            "slice of every task)");
  EXPECT_EQ(policy->SetKnob("boost", "2").code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(policy->SetKnob("boost", int64_t{-1}).code(), absl::StatusCode::kOutOfRange);
  // The loader takes decimal only: what the C type would allow is not enough.
  EXPECT_FALSE(policy->SetKnob("slice_us", "0x100").ok());
  EXPECT_EQ(*policy->ReadScalar("slice_us"), 3000);  // nothing written by a refusal

  absl::Status unknown = policy->SetKnob("nope", "1");
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(unknown.message(),
            "--set 'nope=1': policy table has no knob 'nope' (knobs: slice_us, boost, credit_us)");

  // Both bounds are accepted and written.
  ASSERT_TRUE(policy->SetKnob("slice_us", "100").ok());
  EXPECT_EQ(*policy->ReadScalar("slice_us"), 100);
  ASSERT_TRUE(policy->SetKnob("slice_us", "1000000").ok());
  EXPECT_EQ(*policy->ReadScalar("slice_us"), 1000000);
  ASSERT_TRUE(policy->SetKnob("credit_us", int64_t{50000}).ok());
  EXPECT_EQ(*policy->ReadScalar("credit_us"), 50000);
}

TEST(PolicyLoaderTableTest, KernelTreeStyleSchedulersHaveNoTable) {
  auto probe = LoadProbe();
  ASSERT_NE(probe, nullptr);
  EXPECT_TRUE(probe->knob_table().empty());
  EXPECT_TRUE(probe->stat_table().empty());
}

}  // namespace
}  // namespace scxtwin::host
