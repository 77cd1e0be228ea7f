// RunGuarded: a fault inside the guarded call comes back as a value with the signal, the address
// and the frames; PolicyInstance::DescribeFault names the policy's function and source line.
#include "sim/host/fault_guard.h"

#include <csignal>
#include <cstdlib>
#include <string>

#include "gtest/gtest.h"
#include "sim/host/policy_loader.h"
#include "sim/host/testing/fake_host.h"

namespace scxtwin::host {
namespace {

TEST(FaultGuardTest, ACallWithoutAFaultRunsToTheEnd) {
  int ran = 0;
  EXPECT_FALSE(RunGuarded([&] { ran = 1; }).has_value());
  EXPECT_EQ(ran, 1);
}

TEST(FaultGuardTest, ANullDereferenceIsASegvAtAddressZero) {
  volatile int* volatile null = nullptr;
  int after = 0;
  std::optional<CallFault> f = RunGuarded([&] {
    *null = 1;
    after = 1;
  });
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->signo, SIGSEGV);
  EXPECT_STREQ(FaultSignalName(f->signo), "SIGSEGV");
  EXPECT_EQ(f->address, 0u);
  EXPECT_FALSE(f->frames.empty());
  EXPECT_EQ(after, 0) << "the call stops at the fault";
}

TEST(FaultGuardTest, ADivisionByZeroIsASigfpe) {
  volatile int zero = 0;
  volatile int out = 0;
  std::optional<CallFault> f = RunGuarded([&] { out = 7 / zero; });
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->signo, SIGFPE);
}

TEST(FaultGuardTest, AbortIsASigabrt) {
  std::optional<CallFault> f = RunGuarded([] { std::abort(); });
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->signo, SIGABRT);
  EXPECT_EQ(f->address, 0u);
}

TEST(FaultGuardTest, GuardsAreReusableAndNest) {
  volatile int* volatile null = nullptr;
  int outer_went_on = 0;
  std::optional<CallFault> inner;
  std::optional<CallFault> outer = RunGuarded([&] {
    inner = RunGuarded([&] { *null = 1; });
    outer_went_on = 1;  // the inner guard caught it; the outer call goes on
  });
  EXPECT_FALSE(outer.has_value());
  ASSERT_TRUE(inner.has_value());
  EXPECT_EQ(outer_went_on, 1);
  for (int i = 0; i < 3; ++i) {  // the signal is unblocked again after each jump
    std::optional<CallFault> again = RunGuarded([&] { *null = 2; });
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->signo, SIGSEGV);
  }
}

TEST(FaultGuardDeathTest, AFaultOutsideAnyGuardStillKillsTheProcess) {
  EXPECT_EXIT(
      {
        RunGuarded([] {});  // handlers installed
        volatile int* volatile null = nullptr;
        *null = 1;
      },
      ::testing::KilledBySignal(SIGSEGV), "");
}

TEST(FaultGuardTest, FaultReportNamesCallbackSignalAddressAndPlace) {
  CallFault f;
  f.signo = SIGSEGV;
  f.address = 0x10;
  EXPECT_EQ(FaultReport("ops.enqueue", f, "p.so: fn+0x4 (p.bpf.c:3)"),
            "ops.enqueue faulted: SIGSEGV at address 0x10 in p.so: fn+0x4 (p.bpf.c:3)");
  EXPECT_EQ(FaultReport("ops.init", f, ""), "ops.init faulted: SIGSEGV at address 0x10");
}

// The faulting policy (testdata/fault_policy.bpf.c): each bug is caught and located in its
// source, function and line.
class PolicyFaultTest : public ::testing::TestWithParam<std::pair<int, int>> {};

TEST_P(PolicyFaultTest, IsCaughtAndNamedInThePolicysSource) {
  const auto [kind, signo] = GetParam();
  absl::StatusOr<std::unique_ptr<PolicyInstance>> p =
      PolicyInstance::Load("sim/host/fault_policy.so", {.nr_cpus = 2});
  ASSERT_TRUE(p.ok()) << p.status();
  PolicyInstance& policy = **p;
  FakeHost host(2);
  policy.InstallApi(host.Api());
  ASSERT_TRUE(policy.SetKnob("fault_kind", kind).ok());
  task_struct* task = host.AddTask(42, "victim");
  std::optional<CallFault> f = RunGuarded([&] { policy.ops()->enqueue(task, 0); });
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->signo, signo);
  const std::string where = policy.DescribeFault(*f);
  EXPECT_NE(where.find("fault_policy.so: fault_enqueue+0x"), std::string::npos) << where;
  // The line of the faulting statement (built with line tables).
  const char* line = kind == 1   ? "fault_policy.bpf.c:38"
                     : kind == 2 ? "fault_policy.bpf.c:41"
                                 : "fault_policy.bpf.c:44";
  EXPECT_NE(where.find(line), std::string::npos) << where;
  EXPECT_TRUE(host.inserts.empty()) << "the callback stopped at the fault";
  // A fault outside the policy's code (the test's own) is not described as the policy's.
  CallFault elsewhere;
  elsewhere.frames = {reinterpret_cast<uintptr_t>(&FaultSignalName)};
  EXPECT_EQ(policy.DescribeFault(elsewhere), "");
}

INSTANTIATE_TEST_SUITE_P(Bugs, PolicyFaultTest,
                         ::testing::Values(std::make_pair(1, SIGSEGV), std::make_pair(2, SIGFPE),
                                           std::make_pair(3, SIGILL)));

}  // namespace
}  // namespace scxtwin::host
