#include "kernel/sched_ext_sysfs.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "gtest/gtest.h"

namespace scxtwin {
namespace {

std::string FakeRoot(const std::string& name) {
  std::string root = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  mkdir(root.c_str(), 0755);
  return root;
}

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST(SchedExtSysfs, MissingDirectoryMeansNoSchedExt) {
  SchedExtSysfs sysfs(std::string(std::getenv("TEST_TMPDIR")) + "/absent");
  EXPECT_FALSE(sysfs.Available());
  EXPECT_FALSE(sysfs.State().ok());
  EXPECT_EQ(sysfs.ActiveOps(), "");
}

TEST(SchedExtSysfs, ReadsStateAndTheActiveSchedulersName) {
  std::string root = FakeRoot("enabled");
  mkdir((root + "/root").c_str(), 0755);
  Write(root + "/state", "enabled\n");
  Write(root + "/root/ops", "homing\n");
  SchedExtSysfs sysfs(root);
  EXPECT_TRUE(sysfs.Available());
  ASSERT_TRUE(sysfs.State().ok());
  EXPECT_EQ(*sysfs.State(), "enabled");
  EXPECT_EQ(sysfs.ActiveOps(), "homing");
}

TEST(SchedExtSysfs, NoActiveSchedulerWhenDisabled) {
  std::string root = FakeRoot("disabled");
  Write(root + "/state", "disabled\n");
  SchedExtSysfs sysfs(root);
  EXPECT_EQ(*sysfs.State(), "disabled");
  EXPECT_EQ(sysfs.ActiveOps(), "");
}

}  // namespace
}  // namespace scxtwin
