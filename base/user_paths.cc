#include "base/user_paths.h"

#include <unistd.h>

#include <cstdlib>
#include <vector>

#include "absl/strings/str_cat.h"

namespace scxtwin {

std::string UserPath(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  if (const char* wd = std::getenv("BUILD_WORKING_DIRECTORY")) {
    std::string candidate = absl::StrCat(wd, "/", path);
    if (access(candidate.c_str(), F_OK) == 0) return candidate;
  }
  return path;
}

std::string RunfilesFirstPath(const std::string& path) {
  if (!path.empty() && access(path.c_str(), F_OK) == 0) return path;
  return UserPath(path);
}

std::string UserOutPath(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  if (const char* wd = std::getenv("BUILD_WORKING_DIRECTORY")) return absl::StrCat(wd, "/", path);
  return path;
}

std::string RunfilePath(const std::string& argv0, const std::string& path) {
  std::vector<std::string> roots;
  if (const char* r = std::getenv("RUNFILES_DIR")) roots.push_back(r);
  if (const char* r = std::getenv("TEST_SRCDIR")) roots.push_back(r);
  roots.push_back(argv0 + ".runfiles");
  for (const std::string& root : roots) {
    const std::string f = absl::StrCat(root, "/scxtwin/", path);
    if (access(f.c_str(), R_OK) == 0) return f;
  }
  return "";
}

}  // namespace scxtwin
