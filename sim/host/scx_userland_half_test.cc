// scx_userland's user-space half against the maps and globals of the real BPF half (built from
// the cached kernel tree): the vruntime order, the weights, min_vruntime, ties, batches, a full
// `dispatched` map, the globals it publishes, a pass's cost and the end of its loop.
#include "sim/host/scx_userland_half.h"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/host/maps.h"
#include "sim/host/policy_loader.h"
#include "sim/host/testing/kernel_tree.h"
#include "sim/workload/spec.h"

namespace scxtwin::host {
namespace {

using Task = ScxUserlandHalf::EnqueuedTask;

std::unique_ptr<PolicyInstance> Load(const std::string& relpath) {
  static std::string* userland = nullptr;
  static std::string* simple = nullptr;
  std::string*& so = relpath == "tools/sched_ext/scx_userland.bpf.c" ? userland : simple;
  if (so == nullptr) {
    auto built = BuildKernelTreePolicy(relpath);
    EXPECT_TRUE(built.ok()) << built.status();
    if (!built.ok()) return nullptr;
    so = new std::string(*built);
  }
  auto p = PolicyInstance::Load(*so, {4});
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? std::move(*p) : nullptr;
}

class ScxUserlandHalfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    policy_ = Load("tools/sched_ext/scx_userland.bpf.c");
    ASSERT_NE(policy_, nullptr);
    ASSERT_TRUE(half_.Prepare(policy_.get(), 4).ok());
    enqueued_ = policy_->maps().Find("enqueued");
    dispatched_ = policy_->maps().Find("dispatched");
  }
  void Enqueue(int32_t pid, uint64_t sum_exec, uint64_t weight = 100) {
    Task t{pid, sum_exec, weight};
    ASSERT_EQ(enqueued_->Push(&t, 0), 0);
  }
  // The pids in `dispatched`, in the order the BPF half pops them (emptying it).
  std::vector<int32_t> Dispatched() {
    std::vector<int32_t> pids;
    int32_t pid;
    while (dispatched_->Pop(&pid) == 0) pids.push_back(pid);
    return pids;
  }
  int64_t Global(const char* name) { return *policy_->ReadScalar(name); }

  std::unique_ptr<PolicyInstance> policy_;
  ScxUserlandHalf half_;
  HostMap* enqueued_ = nullptr;
  HostMap* dispatched_ = nullptr;
};

TEST_F(ScxUserlandHalfTest, PrepareSetsWhatTheLoaderSets) {
  EXPECT_EQ(Global("usersched_pid"), UserHalfCompanion::kPid);
  EXPECT_EQ(Global("num_possible_cpus"), 4);
}

TEST_F(ScxUserlandHalfTest, DispatchesInVruntimeOrderScaledByWeight) {
  Enqueue(10, 3000);
  Enqueue(11, 1000);
  Enqueue(12, 4000, 200);  // twice the weight: 4000 ns of CPU is 2000 of vruntime
  ASSERT_TRUE(policy_->WriteScalar("nr_queued", 3).ok());
  EXPECT_EQ(half_.DrainEnqueued(), 3);
  EXPECT_EQ(Global("nr_queued"), 0);
  EXPECT_EQ(Global("nr_scheduled"), 3);
  EXPECT_DOUBLE_EQ(half_.vruntime(12), 2000);
  EXPECT_EQ(half_.DispatchBatch(), 3);
  EXPECT_EQ(Dispatched(), (std::vector<int32_t>{11, 12, 10}));
  EXPECT_EQ(Global("nr_scheduled"), 0);
  EXPECT_DOUBLE_EQ(half_.min_vruntime(), 3000);
  EXPECT_EQ(half_.stats().vruntime_enqueues, 3);
  EXPECT_EQ(half_.stats().vruntime_dispatches, 3);
}

TEST_F(ScxUserlandHalfTest, VruntimeGrowsByTheCpuTimeSinceLastSeenAndNeverLagsMin) {
  Enqueue(11, 1000);
  Enqueue(10, 3000);
  half_.DrainEnqueued();
  half_.DispatchBatch();  // min_vruntime 3000
  Enqueue(11, 6000);      // 1000 + 5000 since it was last seen
  Enqueue(12, 10);        // new and far behind: raised to min_vruntime
  half_.DrainEnqueued();
  EXPECT_DOUBLE_EQ(half_.vruntime(11), 6000);
  EXPECT_DOUBLE_EQ(half_.vruntime(12), 3000);
  half_.DispatchBatch();
  EXPECT_EQ(Dispatched(), (std::vector<int32_t>{11, 10, 12, 11}));
}

TEST_F(ScxUserlandHalfTest, EqualVruntimesGoNewestFirst) {
  Enqueue(20, 500);
  Enqueue(21, 500);
  Enqueue(22, 400);
  half_.DrainEnqueued();
  half_.DispatchBatch();
  EXPECT_EQ(Dispatched(), (std::vector<int32_t>{22, 21, 20}));
}

TEST_F(ScxUserlandHalfTest, DispatchesABatchPerPass) {
  for (int32_t pid = 100; pid < 120; ++pid) Enqueue(pid, pid);
  half_.DrainEnqueued();
  EXPECT_EQ(half_.batch(), 8u) << "scx_userland's -b default";
  EXPECT_EQ(half_.DispatchBatch(), 8);
  EXPECT_EQ(Global("nr_scheduled"), 12);
  ASSERT_TRUE(half_.Set("batch", "3").ok());
  EXPECT_EQ(half_.DispatchBatch(), 3);
  EXPECT_EQ(half_.nr_curr_enqueued(), 9);
  const std::vector<int32_t> pids = Dispatched();
  ASSERT_EQ(pids.size(), 11u);
  EXPECT_EQ(pids.front(), 100);
  EXPECT_EQ(pids.back(), 110);
}

TEST_F(ScxUserlandHalfTest, AFullDispatchedMapKeepsTheTaskFirstAndEndsTheBatch) {
  const int32_t filler = 999;
  while (dispatched_->Push(&filler, 0) == 0) {
  }
  Enqueue(30, 100);
  Enqueue(31, 200);
  half_.DrainEnqueued();
  EXPECT_EQ(half_.DispatchBatch(), 0);
  EXPECT_EQ(half_.stats().vruntime_failed, 1);
  EXPECT_EQ(half_.nr_curr_enqueued(), 2);
  EXPECT_EQ(Global("nr_scheduled"), 2);
  Dispatched();  // the BPF half drains the map
  EXPECT_EQ(half_.DispatchBatch(), 2);
  EXPECT_EQ(Dispatched(), (std::vector<int32_t>{30, 31}));
}

TEST_F(ScxUserlandHalfTest, APassCostsItsStatedTimeAndEndsWhenTheBpfHalfExited) {
  ASSERT_TRUE(half_.Set("pass_ns", "700").ok());
  ASSERT_TRUE(half_.Set("task_ns", "50").ok());
  for (int32_t pid = 1; pid <= 10; ++pid) Enqueue(pid + 1, pid);
  sim::UserHalf::PassResult r = half_.Pass(0, 0, 0);
  EXPECT_FALSE(r.exit);
  EXPECT_EQ(r.cpu_ns, 700 + 50 * (10 + 8)) << "10 drained, 8 dispatched";
  r = half_.Pass(0, 0, 0);
  EXPECT_EQ(r.cpu_ns, 700 + 50 * 2);
  EXPECT_EQ(half_.stats().passes, 2);
  const int32_t kind = SCX_EXIT_UNREG;
  ASSERT_TRUE(policy_->WriteGlobalBytes("uei", 0, &kind, sizeof(kind)).ok());
  EXPECT_TRUE(half_.Pass(0, 0, 0).exit) << "UEI_EXITED ends the loader's main loop";
  EXPECT_EQ(half_.stats().passes, 2);
}

TEST_F(ScxUserlandHalfTest, SetRefusesWhatItDoesNotKnow) {
  EXPECT_EQ(half_.Set("batch", "0").message(),
            "--set user_half.batch=0: expected a whole number >= 1 (tasks dispatched per pass, "
            "scx_userland's -b)");
  EXPECT_EQ(half_.Set("task_ns", "-1").message(),
            "--set user_half.task_ns=-1: expected a whole number of ns >= 0");
  EXPECT_EQ(half_.Set("speed", "1").message(),
            "--set user_half.speed=1: unknown; expected pass_ns, task_ns (costs) or batch "
            "(scx_userland)");
}

TEST_F(ScxUserlandHalfTest, TheHalfsTaskIsTheFirstProcessInTheBackground) {
  auto spec = sim::ParseWorkload(R"pb(name: "w"
                                      process {
                                        name: "p"
                                        group {
                                          name: "g"
                                          program { run { fixed_ns: 1 } }
                                        }
                                      })pb",
                                 "w.textpb");
  ASSERT_TRUE(spec.ok()) << spec.status();
  ASSERT_TRUE(half_.AddTask(spec->get()).ok());
  const auto& procs = (*spec)->processes;
  ASSERT_EQ(procs.size(), 2u);
  EXPECT_EQ(procs[0].name, "scx_userland");
  EXPECT_TRUE(procs[0].background);
  EXPECT_FALSE(procs[1].background);
  ASSERT_EQ(procs[0].groups.size(), 1u);
  std::vector<std::string> ops;
  for (const sim::CompiledOp& op : procs[0].groups[0].program) ops.push_back(sim::OpName(op));
  EXPECT_EQ(ops, (std::vector<std::string>{"loop", "user_half", "yield", "loop"}));
  EXPECT_EQ(half_.AddTask(spec->get()).message(),
            "w.textpb: process 'scx_userland' is the name of the scheduler's user-space half's "
            "process; expected another name");
}

TEST(MakeUserHalfTest, AutoFindsScxUserlandOnlyForIt) {
  auto userland = Load("tools/sched_ext/scx_userland.bpf.c");
  auto simple = Load("tools/sched_ext/scx_simple.bpf.c");
  ASSERT_TRUE(userland && simple);
  auto half = MakeUserHalf("auto", *userland);
  ASSERT_TRUE(half.ok()) << half.status();
  ASSERT_NE(*half, nullptr);
  EXPECT_EQ((*half)->name(), "scx_userland");
  auto none = MakeUserHalf("auto", *simple);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, nullptr);
  EXPECT_EQ(*MakeUserHalf("none", *userland), nullptr);
  auto forced = MakeUserHalf("scx_userland", *simple);
  ASSERT_FALSE(forced.ok());
  EXPECT_NE(forced.status().message().find("lacks a queue map `enqueued`"), std::string::npos)
      << forced.status();
  EXPECT_EQ(MakeUserHalf("other", *userland).status().message(),
            "--user_half=other: expected auto, none or scx_userland");
}

}  // namespace
}  // namespace scxtwin::host
