// Paths on the command line of a tool started by `bazel run`. Bazel runs the tool inside its
// runfiles tree, so a relative path the user typed means relative to where they were
// ($BUILD_WORKING_DIRECTORY); and a tool finds its own data files in its runfiles.
#ifndef SCXTWIN_BASE_USER_PATHS_H_
#define SCXTWIN_BASE_USER_PATHS_H_

#include <string>

namespace scxtwin {

// An input file: relative to where the user was when it exists there, else as given.
std::string UserPath(const std::string& path);

// An input file that the tool's runfiles may also carry (the workload library): the copy in the
// current directory (the runfiles tree, under `bazel run`) when it has one, so that the output
// names it the same wherever the user started; else as UserPath.
std::string RunfilesFirstPath(const std::string& path);

// An output file (it need not exist yet): relative to where the user was.
std::string UserOutPath(const std::string& path);

// A file of the running binary's runfiles, looked up in $RUNFILES_DIR, $TEST_SRCDIR and
// ARGV0.runfiles (bazel run, bazel test, or the binary started directly); "" if none has it.
std::string RunfilePath(const std::string& argv0, const std::string& path);

}  // namespace scxtwin

#endif  // SCXTWIN_BASE_USER_PATHS_H_
