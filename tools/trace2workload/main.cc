// trace2workload: turns an ftrace text trace into a workload spec that replays one process
// tree, or (--stats) prints the tree's per-thread figures.
//
//   bazel run //tools:trace2workload -- TRACE --root=qemu-system-x86_64 [--out=FILE] [--stats]
#include <google/protobuf/text_format.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tools/trace2workload/ftrace_reader.h"
#include "tools/trace2workload/thread_timeline.h"
#include "tools/trace2workload/trace_stats.h"
#include "tools/trace2workload/workload_emitter.h"

ABSL_FLAG(std::string, root, "",
          "the command whose sched_process_exec roots the process tree (file name or path)");
ABSL_FLAG(bool, stats, false, "print per-thread CPU time, burst counts and p50/p90 instead");
ABSL_FLAG(std::string, out, "", "write the workload spec here (default: standard output)");
ABSL_FLAG(std::string, name, "", "the workload's name (default: the trace file's stem)");

namespace {

// `bazel run` starts us in the runfiles tree; relative paths mean the caller's directory.
std::string FromCaller(const std::string& path) {
  const char* dir = std::getenv("BUILD_WORKING_DIRECTORY");
  if (path.empty() || path[0] == '/' || dir == nullptr) return path;
  return absl::StrCat(dir, "/", path);
}

std::string Stem(const std::string& path) {
  std::string base = path.substr(path.rfind('/') + 1);
  for (const char* ext : {".gz", ".trace", ".txt"}) {
    if (absl::EndsWith(base, ext)) base.resize(base.size() - std::string(ext).size());
  }
  return base;
}

int Fail(const std::string& message) {
  std::cerr << "trace2workload: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "TRACE --root=COMMAND [--stats] [--out=FILE]: import an ftrace text trace (.gz or plain) "
      "as a workload spec (text format of workloads/workload.proto)");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 2) {
    return Fail(absl::StrCat("expected exactly one TRACE argument, got ", args.size() - 1,
                             " (usage: trace2workload TRACE --root=COMMAND)"));
  }
  const std::string root = absl::GetFlag(FLAGS_root);
  if (root.empty()) {
    return Fail(
        "--root is required: the command whose exec roots the tree, e.g. "
        "--root=qemu-system-x86_64");
  }
  const std::string path = FromCaller(args[1]);
  auto events = scxtwin::trace2workload::ReadFtraceFile(path);
  if (!events.ok()) return Fail(std::string(events.status().message()));
  auto tree = scxtwin::trace2workload::ExtractTree(*events, root);
  if (!tree.ok()) return Fail(absl::StrCat(path, ": ", tree.status().message()));

  std::string text;
  if (absl::GetFlag(FLAGS_stats)) {
    text = scxtwin::trace2workload::FormatStats(*tree);
  } else {
    std::string name = absl::GetFlag(FLAGS_name);
    auto workload = scxtwin::trace2workload::ToWorkload(*tree, name.empty() ? Stem(path) : name,
                                                        path.substr(path.rfind('/') + 1));
    if (!google::protobuf::TextFormat::PrintToString(workload, &text)) {
      return Fail("could not print the workload as text format");
    }
  }
  const std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) {
    std::cout << text;
    return std::cout.good() ? 0 : Fail("cannot write to standard output");
  }
  std::ofstream f(FromCaller(out));
  f << text;
  f.close();
  if (!f) return Fail(absl::StrCat(FromCaller(out), ": cannot write the workload spec"));
  return 0;
}
