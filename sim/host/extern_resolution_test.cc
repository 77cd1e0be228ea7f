// libbpf's extern resolution in host mode: a policy's `__kconfig` externs get the values of the
// kernel config it was built against (testdata/kconfig), CONFIG_HZ follows the simulated tick,
// LINUX_KERNEL_VERSION is the kernel's version, and `bpf_ksym_exists` is true exactly for the
// kfuncs the simulator provides.
#include <string>

#include "gtest/gtest.h"
#include "sim/host/policy_loader.h"
#include "sim/host/testing/fake_host.h"

namespace scxtwin::host {
namespace {

const char kExtern[] = "sim/host/extern_policy.so";

// Loads the policy and runs its ops.init, which copies every extern into a global.
std::unique_ptr<PolicyInstance> LoadAndInit(const LoadOptions& options) {
  absl::StatusOr<std::unique_ptr<PolicyInstance>> p = PolicyInstance::Load(kExtern, options);
  EXPECT_TRUE(p.ok()) << p.status();
  if (!p.ok()) return nullptr;
  return std::move(*p);
}

int64_t Read(const PolicyInstance& p, const char* name) {
  absl::StatusOr<int64_t> v = p.ReadScalar(name);
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : -1;
}

TEST(ExternResolutionTest, KconfigValuesComeFromTheKernelConfig) {
  auto policy = LoadAndInit({.nr_cpus = 4});
  ASSERT_NE(policy, nullptr);
  FakeHost host(4);
  policy->InstallApi(host.Api());
  ASSERT_EQ(policy->ops()->init(), 0);
  EXPECT_EQ(Read(*policy, "seen_hz"), 250);
  EXPECT_EQ(Read(*policy, "seen_hz_250"), 1);
  EXPECT_EQ(Read(*policy, "seen_hz_1000"), 0);  // "is not set": a __weak extern reads 0
  EXPECT_EQ(Read(*policy, "seen_ext"), 1);
  EXPECT_EQ(Read(*policy, "seen_nr_cpus"), 8192);
  EXPECT_EQ(Read(*policy, "seen_absent"), 0);
  const Global* lv = *policy->FindGlobal("seen_localversion");
  EXPECT_EQ(std::string(static_cast<const char*>(lv->addr)), "-scxtwin \"test\"");
}

TEST(ExternResolutionTest, LinuxKernelVersionIsTheKernels) {
  auto policy = LoadAndInit({.nr_cpus = 4});
  ASSERT_NE(policy, nullptr);
  FakeHost host(4);
  policy->InstallApi(host.Api());
  ASSERT_EQ(policy->ops()->init(), 0);
  // host_policy(kernel_version = "7.3.4"): KERNEL_VERSION(7, 3, 4).
  EXPECT_EQ(Read(*policy, "seen_version"), (7 << 16) + (3 << 8) + 4);
}

TEST(ExternResolutionTest, ConfigHzIsTheSimulatedTick) {
  auto policy = LoadAndInit({.nr_cpus = 4, .hz = 1000});
  ASSERT_NE(policy, nullptr);
  FakeHost host(4);
  policy->InstallApi(host.Api());
  ASSERT_EQ(policy->ops()->init(), 0);
  EXPECT_EQ(Read(*policy, "seen_hz"), 1000);
  // The Kconfig choice follows: CONFIG_HZ_1000=y, CONFIG_HZ_250 not set.
  EXPECT_EQ(Read(*policy, "seen_hz_1000"), 1);
  EXPECT_EQ(Read(*policy, "seen_hz_250"), 0);

  ASSERT_TRUE(policy->SetKernelHz(100).ok());
  ASSERT_EQ(policy->ops()->init(), 0);
  EXPECT_EQ(Read(*policy, "seen_hz"), 100);
  EXPECT_EQ(Read(*policy, "seen_hz_1000"), 0);
  EXPECT_FALSE(policy->SetKernelHz(0).ok());
}

TEST(ExternResolutionTest, KsymExistsOnlyForWhatTheSimulatorProvides) {
  auto policy = LoadAndInit({.nr_cpus = 4});
  ASSERT_NE(policy, nullptr);
  FakeHost host(4);
  policy->InstallApi(host.Api());
  ASSERT_EQ(policy->ops()->init(), 0);
  EXPECT_EQ(Read(*policy, "has_kick_cpu"), 1);
  EXPECT_EQ(Read(*policy, "has_no_such_kfunc"), 0);
  EXPECT_EQ(Read(*policy, "has_sd_llc_size"), 0);  // kernel data the simulator has none of
}

TEST(ExternResolutionTest, ListsTheResolvedExterns) {
  auto policy = LoadAndInit({.nr_cpus = 4});
  ASSERT_NE(policy, nullptr);
  std::vector<std::string> names;
  for (const KconfigValue& k : policy->kconfig()) {
    names.push_back(k.name);
    if (k.name == "CONFIG_SCXTWIN_NOT_IN_THE_CONFIG") {
      EXPECT_TRUE(k.weak);
      EXPECT_FALSE(k.found);
    }
    if (k.name == "CONFIG_NR_CPUS") EXPECT_EQ(k.text, "8192");
  }
  EXPECT_EQ(names, (std::vector<std::string>{
                       "CONFIG_HZ", "CONFIG_HZ_1000", "CONFIG_HZ_250", "CONFIG_LOCALVERSION",
                       "CONFIG_NR_CPUS", "CONFIG_SCHED_CLASS_EXT",
                       "CONFIG_SCXTWIN_NOT_IN_THE_CONFIG", "LINUX_KERNEL_VERSION"}));
}

// The same source built against a config without CONFIG_NR_CPUS (a strong extern): libbpf
// refuses to load it, and so does the loader, naming the extern.
TEST(ExternResolutionTest, AStrongExternWithoutAValueFailsTheLoad) {
  absl::StatusOr<std::unique_ptr<PolicyInstance>> p =
      PolicyInstance::Load("sim/host/extern_policy_short_config.so", {.nr_cpus = 4});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("CONFIG_NR_CPUS"), std::string::npos) << p.status();
  EXPECT_NE(p.status().message().find("__weak"), std::string::npos) << p.status();
}

// A value that does not fit the extern's type is refused (CONFIG_SCHED_CLASS_EXT=m for a bool).
TEST(ExternResolutionTest, AValueOfTheWrongKindFailsTheLoad) {
  absl::StatusOr<std::unique_ptr<PolicyInstance>> p =
      PolicyInstance::Load("sim/host/extern_policy_module_config.so", {.nr_cpus = 4});
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("CONFIG_SCHED_CLASS_EXT"), std::string::npos) << p.status();
  EXPECT_NE(p.status().message().find("not a bool"), std::string::npos) << p.status();
}

}  // namespace
}  // namespace scxtwin::host
