#include "sim/host/testing/kernel_tree.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "base/status_macros.h"

namespace scxtwin::host {
namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::string Basename(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

absl::StatusOr<std::string> KernelTreeRoot() {
  const char* cache = std::getenv("SCXTWIN_CACHE");
  const std::string root =
      absl::StrCat(cache && *cache ? cache : "/var/cache/scxtwin", "/kernel/src");
  if (!Exists(root + "/tools/sched_ext")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no kernel tree in ", root, " (tools/sched_ext missing): run sudo tools/setup"));
  }
  return root;
}

absl::StatusOr<std::string> BuildKernelTreePolicy(const std::string& relpath) {
  SCX_ASSIGN_OR_RETURN(const std::string root, KernelTreeRoot());
  const std::string src = absl::StrCat(root, "/", relpath);
  if (!Exists(src)) {
    return absl::NotFoundError(absl::StrCat("kernel tree has no ", relpath, " (", src, ")"));
  }
  const char* tmp = std::getenv("TEST_TMPDIR");
  std::string name = Basename(relpath);
  name = absl::StrReplaceAll(name, {{".bpf.c", ""}});
  const std::string out = absl::StrCat(tmp && *tmp ? tmp : "/tmp", "/", name, ".so");
  const std::string log = out + ".log";
  const std::string cmd =
      absl::StrCat("sim/host/build_host_policy.sh '", out, "' '", src,
                   "' sim/host/include sim/host/runtime/host_kfuncs.c > '", log, "' 2>&1");
  const int rc = std::system(cmd.c_str());
  if (rc != 0) {
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    return absl::InternalError(
        absl::StrCat("host build of ", relpath, " failed (status ", rc, "):\n", text.str()));
  }
  return out;
}

}  // namespace scxtwin::host
