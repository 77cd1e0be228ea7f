#include "kernel/sched_ext_sysfs.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace scxtwin {
namespace {

absl::StatusOr<std::string> ReadTrimmed(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(ss.str()));
}

}  // namespace

bool SchedExtSysfs::Available() const {
  struct stat st;
  return stat(root_.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

absl::StatusOr<std::string> SchedExtSysfs::State() const { return ReadTrimmed(root_ + "/state"); }

std::string SchedExtSysfs::ActiveOps() const {
  absl::StatusOr<std::string> ops = ReadTrimmed(root_ + "/root/ops");
  return ops.ok() ? *ops : "";
}

}  // namespace scxtwin
