#include "sim/run/policy_dirs.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace scxtwin::sim {
namespace {

bool IsFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::vector<std::string> PoliciesIn(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (!d) return names;
  while (dirent* e = readdir(d)) {
    absl::string_view n = e->d_name;
    if (!absl::ConsumeSuffix(&n, ".so")) continue;
    absl::ConsumeSuffix(&n, "_host");
    names.emplace_back(n);
  }
  closedir(d);
  return names;
}

// The runfiles roots a binary may have, in the order they are searched.
std::vector<std::string> RunfilesRoots(const char* argv0) {
  std::vector<std::string> roots;
  if (const char* r = std::getenv("RUNFILES_DIR")) roots.push_back(r);
  if (const char* r = std::getenv("TEST_SRCDIR")) roots.push_back(r);
  if (argv0) roots.push_back(absl::StrCat(argv0, ".runfiles"));
  return roots;
}

}  // namespace

std::vector<std::string> DefaultPolicyDirs(const char* argv0) {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("SCXTWIN_POLICY_DIR")) dirs.push_back(env);
  for (const std::string& root : RunfilesRoots(argv0)) {
    dirs.push_back(root + "/scxtwin/policy");
    dirs.push_back(root + "/scxtwin/sim/testdata");
  }
  return dirs;
}

std::vector<std::string> ProjectPolicies(const char* argv0) {
  std::vector<std::string> dirs;
  for (const std::string& root : RunfilesRoots(argv0)) dirs.push_back(root + "/scxtwin/policy");
  return KnownPolicies(dirs);
}

absl::StatusOr<std::string> ResolvePolicy(const std::string& name,
                                          const std::vector<std::string>& dirs) {
  if (name.empty()) {
    return absl::InvalidArgumentError("--policy: empty; expected a policy name or a .so path");
  }
  if (absl::StrContains(name, '/') || absl::EndsWith(name, ".so")) {
    if (!IsFile(name)) {
      return absl::NotFoundError(
          absl::StrCat("--policy=", name, ": no such file; expected a host policy object"));
    }
    return name;
  }
  for (const std::string& dir : dirs) {
    for (const char* suffix : {"_host.so", ".so"}) {
      const std::string path = absl::StrCat(dir, "/", name, suffix);
      if (IsFile(path)) return path;
    }
  }
  const std::vector<std::string> known = KnownPolicies(dirs);
  return absl::NotFoundError(absl::StrCat(
      "unknown policy '", name, "'; expected one of: ",
      known.empty() ? "(none built)" : absl::StrJoin(known, ", "), " (or a path to a host .so)"));
}

std::vector<std::string> KnownPolicies(const std::vector<std::string>& dirs) {
  std::vector<std::string> known;
  for (const std::string& dir : dirs) {
    for (std::string& n : PoliciesIn(dir)) known.push_back(std::move(n));
  }
  std::sort(known.begin(), known.end());
  known.erase(std::unique(known.begin(), known.end()), known.end());
  return known;
}

}  // namespace scxtwin::sim
