#include "base/user_paths.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace scxtwin {
namespace {

// Each test runs in a scratch directory standing for the runfiles tree and points
// $BUILD_WORKING_DIRECTORY at another one standing for where the user typed the command.
class UserPathsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string tmp = ::testing::TempDir();
    runfiles_ = tmp + "/runfiles";
    user_ = tmp + "/user";
    mkdir(runfiles_.c_str(), 0755);
    mkdir(user_.c_str(), 0755);
    ASSERT_EQ(getcwd(old_cwd_, sizeof(old_cwd_)) != nullptr, true);
    ASSERT_EQ(chdir(runfiles_.c_str()), 0);
    setenv("BUILD_WORKING_DIRECTORY", user_.c_str(), 1);
  }
  void TearDown() override {
    unsetenv("BUILD_WORKING_DIRECTORY");
    ASSERT_EQ(chdir(old_cwd_), 0);
  }
  static void Touch(const std::string& path) { std::ofstream(path) << "x"; }

  std::string runfiles_, user_;
  char old_cwd_[4096];
};

TEST_F(UserPathsTest, UserPathPrefersWhereTheUserWas) {
  Touch(user_ + "/w.textpb");
  Touch(runfiles_ + "/w.textpb");
  EXPECT_EQ(UserPath("w.textpb"), user_ + "/w.textpb");
  EXPECT_EQ(UserPath("missing.textpb"), "missing.textpb");
  EXPECT_EQ(UserPath("/abs/w.textpb"), "/abs/w.textpb");
}

TEST_F(UserPathsTest, RunfilesFirstPathPrefersTheRunfilesCopy) {
  Touch(user_ + "/lib.textpb");
  Touch(runfiles_ + "/lib.textpb");
  EXPECT_EQ(RunfilesFirstPath("lib.textpb"), "lib.textpb");
  Touch(user_ + "/mine.textpb");
  EXPECT_EQ(RunfilesFirstPath("mine.textpb"), user_ + "/mine.textpb");
}

TEST_F(UserPathsTest, UserOutPathNeedNotExist) {
  EXPECT_EQ(UserOutPath("out/t.svg"), user_ + "/out/t.svg");
  unsetenv("BUILD_WORKING_DIRECTORY");
  EXPECT_EQ(UserOutPath("out/t.svg"), "out/t.svg");
}

TEST_F(UserPathsTest, RunfilePathLooksInRunfilesDir) {
  mkdir((runfiles_ + "/scxtwin").c_str(), 0755);
  Touch(runfiles_ + "/scxtwin/data.txt");
  setenv("RUNFILES_DIR", runfiles_.c_str(), 1);
  EXPECT_EQ(RunfilePath("/nowhere/bin", "data.txt"), runfiles_ + "/scxtwin/data.txt");
  EXPECT_EQ(RunfilePath("/nowhere/bin", "absent.txt"), "");
  unsetenv("RUNFILES_DIR");
}

}  // namespace
}  // namespace scxtwin
