#include "tools/twin/replay_command.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "tools/twin/replay_engine.h"
#include "tools/twin/replay_layout.h"
#include "tools/twin/replay_record.h"
#include "tools/twin/replay_report.h"

namespace scxtwin::twin {

const char kReplayUsage[] =
    "usage: twin replay --policy=NAME [--cpus=N] [--duration=D] [--set KNOB=VALUE]... "
    "[--record=FILE]\n"
    "       twin replay --policy=NAME --from=FILE\n"
    "       twin replay --kernel-tree=NAME [--cpus=N] [--duration=D] [--record=FILE | "
    "--from=FILE]\n"
    "\n"
    "Boots the sched_ext VM, loads NAME's record build, runs the stress mix for D (default 5s)\n"
    "on N vCPUs (default 4), brings the record out and replays every callback through NAME's\n"
    "host build, comparing each kfunc call, argument and result. Ends with\n"
    "  twin replay: NAME: N callbacks, M kfunc calls replayed, D divergences\n"
    "and exits 0 iff D is 0 (1 otherwise, 2 for bad input).\n"
    "\n"
    "  --record=FILE   keep the record in FILE\n"
    "  --from=FILE     replay a kept record instead of recording (no VM)\n"
    "  --set K=V       set a knob in the record run (the replay sets it too)\n"
    "  --kernel-tree=NAME  a scheduler of the cached kernel tree (tools/sched_ext/NAME.bpf.c,\n"
    "                  e.g. scx_simple): its record build and host build are compiled from the\n"
    "                  unmodified source first, and the guest loads it with load --object\n"
    "  --host=SO       the host build to replay (default: the policy's NAME_host.so)\n"
    "  --loader=BIN    the static loader for the guest (default: //kernel:load)\n"
    "  --show=K        describe the first K divergences (default 3)\n";

namespace {

constexpr int kUsage = 2;

struct Args {
  std::string policy;
  bool kernel_tree = false;  // `policy` names tools/sched_ext/NAME.bpf.c of the kernel tree
  int cpus = 4;
  absl::Duration duration = absl::Seconds(5);
  std::string record;
  std::string from;
  std::string host;
  std::string loader;
  std::vector<std::string> sets;
  size_t show = 3;
};

// Where a file of this binary's runfiles is (bazel run and bazel test start us in a runfiles
// tree; a direct start finds it next to the binary).
std::string Runfile(const std::string& argv0, const std::string& rel) {
  std::vector<std::string> roots;
  if (const char* dir = getenv("RUNFILES_DIR")) roots.push_back(dir);
  if (const char* dir = getenv("TEST_SRCDIR")) roots.push_back(dir);
  roots.push_back(argv0 + ".runfiles");
  for (const std::string& root : roots) {
    std::string path = absl::StrCat(root, "/scxtwin/", rel);
    if (access(path.c_str(), R_OK) == 0) return path;
  }
  return rel;  // relative to the runfiles root we started in
}

// A path the user typed, from the directory they typed it in.
std::string UserPath(const std::string& path) {
  const char* wd = getenv("BUILD_WORKING_DIRECTORY");
  if (path.empty() || path[0] == '/' || wd == nullptr) return path;
  return absl::StrCat(wd, "/", path);
}

// How many of --policy and --kernel-tree the words give.
int count_policy_flags(const std::vector<std::string>& words) {
  int n = 0;
  for (const std::string& w : words) {
    n += absl::StartsWith(w, "--policy") || absl::StartsWith(w, "--kernel-tree");
  }
  return n;
}

bool ParseArgs(const std::vector<std::string>& words, Args* a, std::ostream& err) {
  for (size_t i = 0; i < words.size(); ++i) {
    std::string w = words[i];
    std::string key = w, value;
    bool has_value = false;
    if (size_t eq = w.find('='); absl::StartsWith(w, "--") && eq != std::string::npos) {
      key = w.substr(0, eq);
      value = w.substr(eq + 1);
      has_value = true;
    }
    auto need = [&]() {
      if (has_value) return true;
      if (i + 1 < words.size()) {
        value = words[++i];
        return true;
      }
      err << "twin replay: " << key << " needs a value\n";
      return false;
    };
    if (key == "--help" || key == "-h") {
      err << kReplayUsage;
      return false;
    } else if (key == "--policy") {
      if (!need()) return false;
      a->policy = value;
    } else if (key == "--kernel-tree") {
      if (!need()) return false;
      if (value.empty() ||
          value.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
        err << "twin replay: --kernel-tree expects a scheduler's name such as scx_simple, got '"
            << value << "'\n";
        return false;
      }
      a->policy = value;
      a->kernel_tree = true;
    } else if (key == "--cpus") {
      if (!need()) return false;
      if (!absl::SimpleAtoi(value, &a->cpus) || a->cpus < 1 || a->cpus > 64) {
        err << "twin replay: --cpus expects a whole number from 1 to 64, got '" << value << "'\n";
        return false;
      }
    } else if (key == "--duration") {
      if (!need()) return false;
      if (!absl::ParseDuration(value, &a->duration) || a->duration < absl::Seconds(1)) {
        err << "twin replay: --duration expects a duration of at least 1s such as 5s, got '"
            << value << "'\n";
        return false;
      }
    } else if (key == "--record") {
      if (!need()) return false;
      a->record = UserPath(value);
    } else if (key == "--from") {
      if (!need()) return false;
      a->from = UserPath(value);
    } else if (key == "--host") {
      if (!need()) return false;
      a->host = UserPath(value);
    } else if (key == "--loader") {
      if (!need()) return false;
      a->loader = UserPath(value);
    } else if (key == "--set") {
      if (!need()) return false;
      if (value.find('=') == std::string::npos) {
        err << "twin replay: --set expects KNOB=VALUE, got '" << value << "'\n";
        return false;
      }
      a->sets.push_back(value);
    } else if (key == "--show") {
      if (!need()) return false;
      if (!absl::SimpleAtoi(value, &a->show)) {
        err << "twin replay: --show expects a count, got '" << value << "'\n";
        return false;
      }
    } else {
      err << "twin replay: unknown argument '" << w << "'\n" << kReplayUsage;
      return false;
    }
  }
  if (a->kernel_tree && count_policy_flags(words) > 1) {
    err << "twin replay: give --policy=NAME or --kernel-tree=NAME, not both\n";
    return false;
  }
  if (a->policy.empty()) {
    err << "twin replay: --policy=NAME or --kernel-tree=NAME is required\n" << kReplayUsage;
    return false;
  }
  if (!a->from.empty() && (!a->record.empty() || !a->sets.empty())) {
    err << "twin replay: --from replays a kept record: --record and --set apply to a new one\n";
    return false;
  }
  return true;
}

// Runs argv, its output going to ours; returns its exit status (or -1).
int Run(const std::vector<std::string>& argv) {
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> c;
    for (const std::string& s : argv) c.push_back(const_cast<char*>(s.c_str()));
    c.push_back(nullptr);
    execv(c[0], c.data());
    perror(c[0]);
    _exit(127);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs a shell command line, its output going to ours; true iff it exits 0.
bool Shell(const std::vector<std::string>& argv) { return Run(argv) == 0; }

// The kernel tree's scheduler NAME, compiled twice from its unmodified source into `dir`: the
// record build (build_kernel_tree_record.sh) and the host build (sim/host/build_host_policy.sh).
// Returns false, with one line in `err`, if the source is missing (`*usage` set) or a build fails.
bool BuildKernelTree(const std::string& argv0, const std::string& name, const std::string& dir,
                     int cpus, std::string* record_obj, std::string* host_so, bool need_record,
                     bool* usage, std::ostream& err) {
  const char* cache = getenv("SCXTWIN_CACHE");
  const std::string src = absl::StrCat(cache && *cache ? cache : "/var/cache/scxtwin",
                                       "/kernel/src/tools/sched_ext/", name, ".bpf.c");
  if (access(src.c_str(), R_OK) != 0) {
    err << "twin replay: --kernel-tree=" << name << ": no " << src
        << " (the cached kernel tree's schedulers are tools/sched_ext/*.bpf.c; run sudo "
           "tools/setup)\n";
    *usage = true;
    return false;
  }
  *host_so = absl::StrCat(dir, "/", name, ".so");
  if (!Shell({Runfile(argv0, "sim/host/build_host_policy"), *host_so, src,
              Runfile(argv0, "sim/host/include"),
              Runfile(argv0, "sim/host/runtime/host_kfuncs.c")})) {
    err << "twin replay: the host build of " << src << " failed\n";
    return false;
  }
  if (!need_record) return true;
  *record_obj = absl::StrCat(dir, "/", name, ".record.bpf.o");
  if (!Shell({Runfile(argv0, "tools/twin/build_kernel_tree_record.sh"), *record_obj, src,
              Runfile(argv0, "tools/twin/record_include"), Runfile(argv0, "policy/include"),
              absl::StrCat(cpus)})) {
    err << "twin replay: the record build of " << src << " failed\n";
    return false;
  }
  // Its globals must fit the record's snapshot: refused here, before the VM boots.
  if (absl::Status fits = CheckRecordLayout(*record_obj); !fits.ok()) {
    err << "twin replay: the record build of " << src << ": " << fits.message() << "\n";
    return false;
  }
  return true;
}

}  // namespace

int RunReplayCommand(const std::vector<std::string>& words, const std::string& argv0,
                     std::ostream& out, std::ostream& err) {
  Args a;
  if (!ParseArgs(words, &a, err)) return kUsage;
  // A kernel-tree scheduler is compiled first, into a directory of its own.
  std::string built_dir, record_obj;
  struct RemoveDir {
    std::string* dir;
    ~RemoveDir() {
      if (!dir->empty()) std::filesystem::remove_all(*dir);
    }
  } remove_built{&built_dir};
  if (a.kernel_tree) {
    char dir[] = "/tmp/scxtwin-twin-build.XXXXXX";
    if (mkdtemp(dir) == nullptr) {
      err << "twin replay: cannot make a temporary directory\n";
      return 1;
    }
    built_dir = dir;
    std::string built_host;
    bool usage = false;
    if (!BuildKernelTree(argv0, a.policy, built_dir, a.cpus, &record_obj, &built_host,
                         a.from.empty(), &usage, err)) {
      return usage ? kUsage : 1;
    }
    if (a.host.empty()) a.host = built_host;
  }
  std::string host =
      a.host.empty() ? Runfile(argv0, absl::StrCat("policy/", a.policy, "_host.so")) : a.host;
  if (access(host.c_str(), R_OK) != 0) {
    err << "twin replay: no host build of policy '" << a.policy << "' (looked for " << host
        << "; the project's policies are homing and vtime, or give --host=SO)\n";
    return kUsage;
  }

  std::string record_path = a.from;
  std::string tmp;
  if (record_path.empty()) {
    char dir[] = "/tmp/scxtwin-twin.XXXXXX";
    if (mkdtemp(dir) == nullptr) {
      err << "twin replay: cannot make a temporary directory\n";
      return 1;
    }
    tmp = dir;
    int seconds = static_cast<int>(absl::ToInt64Seconds(a.duration));
    std::string loader = a.loader.empty() ? Runfile(argv0, "kernel/load") : a.loader;
    // The guest's replay_guest.sh takes a policy's name or the path of a BPF object.
    std::string guest_policy = a.policy;
    std::vector<std::string> object_add;
    if (a.kernel_tree) {
      guest_policy = absl::StrCat("/bin/", a.policy, ".record.bpf.o");
      object_add.push_back(absl::StrCat("--add=", record_obj, ":", guest_policy));
      const char* cache = getenv("SCXTWIN_CACHE");
      object_add.push_back(absl::StrCat("--add=", cache && *cache ? cache : "/var/cache/scxtwin",
                                        "/kernel/config:/bin/kconfig"));
    }
    std::vector<std::string> vm = {
        Runfile(argv0, "tools/vm.sh"),
        absl::StrCat("--cpus=", a.cpus),
        absl::StrCat("--timeout=", 240 + 10 * seconds),
        absl::StrCat("--out=", tmp),
        absl::StrCat("--add=", loader, ":/bin/load"),
        absl::StrCat("--add=", Runfile(argv0, "tests/kernel/stress")),
        absl::StrCat("--add=", Runfile(argv0, "tests/kernel/guest_lib.sh")),
        absl::StrCat("--add=", Runfile(argv0, "tools/twin/replay_guest.sh"))};
    vm.insert(vm.end(), object_add.begin(), object_add.end());
    vm.insert(vm.end(), {"--", "sh", "/bin/replay_guest.sh", guest_policy, absl::StrCat(seconds)});
    vm.insert(vm.end(), a.sets.begin(), a.sets.end());
    out << "twin replay: recording " << a.policy << " for " << seconds << "s on " << a.cpus
        << " vCPUs in the VM" << std::endl;
    int rc = Run(vm);
    record_path = tmp + "/record";
    if (rc != 0 || access(record_path.c_str(), R_OK) != 0) {
      err << "twin replay: recording " << a.policy << " in the VM failed (exit " << rc << ")\n";
      std::filesystem::remove_all(tmp);
      return 1;
    }
    if (!a.record.empty()) {
      std::error_code ec;
      std::filesystem::copy_file(record_path, a.record,
                                 std::filesystem::copy_options::overwrite_existing, ec);
      if (ec) {
        err << "twin replay: --record=" << a.record << ": " << ec.message() << "\n";
        std::filesystem::remove_all(tmp);
        return kUsage;
      }
      out << "twin replay: record kept in " << a.record << std::endl;
    }
  }

  absl::StatusOr<Record> record = ReadRecord(record_path);
  if (!tmp.empty()) std::filesystem::remove_all(tmp);
  if (!record.ok()) {
    err << "twin replay: " << record.status().message() << "\n";
    return a.from.empty() ? 1 : kUsage;
  }
  std::string recorded_policy(record->header.policy,
                              strnlen(record->header.policy, sizeof(record->header.policy)));
  if (recorded_policy != a.policy) {
    err << "twin replay: the record is of policy '" << recorded_policy << "', not '" << a.policy
        << "'\n";
    return kUsage;
  }
  ReplayOptions options;
  options.max_reported = a.show;
  std::string sets(record->header.knob_sets,
                   strnlen(record->header.knob_sets, sizeof(record->header.knob_sets)));
  options.knob_sets = absl::StrSplit(sets, ' ', absl::SkipEmpty());
  absl::StatusOr<ReplayResult> result = Replay(*record, host, options);
  if (!result.ok()) {
    err << "twin replay: " << result.status().message() << "\n";
    return 1;
  }
  // Named as the user named it (a kernel-tree scheduler's ops name is shorter: scx_simple's is
  // "simple").
  result->policy = a.policy;
  out << FormatReplayReport(*result) << std::flush;
  return result->divergences == 0 ? 0 : 1;
}

}  // namespace scxtwin::twin
