#include "kernel/loader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/types.h>
#include <signal.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/knob_table.h"
#include "kernel/exit_report.h"
#include "kernel/record_writer.h"
#include "kernel/sched_ext_sysfs.h"
#include "kernel/stats.h"
#include "kernel/verifier_log.h"
#include "policy/include/scxtwin/exit_info.h"

namespace scxtwin {
namespace {

volatile sig_atomic_t stop_requested = 0;

// From the kernel's uapi (stable ABI); Debian 12's headers predate struct_ops links.
constexpr uint32_t kBpfFLink = 1U << 13;     // BPF_F_LINK: the map registers through a link
constexpr int kBpfStructOpsAttachType = 44;  // BPF_STRUCT_OPS in enum bpf_attach_type

void OnStopSignal(int) { stop_requested = 1; }
// SIGUSR1: print the counters now ("stats mark"), so that a script can take them around a run.
volatile sig_atomic_t mark_requested = 0;
void OnMarkSignal(int) { mark_requested = 1; }

// libbpf's messages, kept so a verifier rejection can show the log's tail; echoed when verbose.
std::string* libbpf_log = nullptr;
bool libbpf_echo = false;

int CaptureLibbpfPrint(enum libbpf_print_level level, const char* format, va_list args) {
  // One message can hold a whole verifier log: size it first.
  va_list copy;
  va_copy(copy, args);
  int n = vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  if (n <= 0) return 0;
  std::string text(static_cast<size_t>(n) + 1, '\0');
  vsnprintf(&text[0], text.size(), format, args);
  text.resize(static_cast<size_t>(n));
  if (libbpf_log != nullptr && level != LIBBPF_DEBUG) libbpf_log->append(text);
  if (libbpf_echo) fputs(text.c_str(), stderr);
  return 0;
}

// The last `n` non-empty lines of `log`.
std::vector<std::string> Tail(const std::string& log, size_t n) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipWhitespace())) {
    lines.emplace_back(line);
  }
  if (lines.size() > n) lines.erase(lines.begin(), lines.end() - n);
  return lines;
}

std::string KernelRelease() {
  struct utsname u;
  return uname(&u) == 0 ? u.release : "unknown";
}

// Marks the callbacks declared with BPF_STRUCT_OPS_SLEEPABLE (libbpf 1.1 has no sleepable
// struct_ops section, see common.bpf.h).
void MarkSleepablePrograms(bpf_object* obj) {
  bpf_program* prog;
  bpf_object__for_each_program(prog, obj) {
    if (absl::StartsWith(bpf_program__section_name(prog), "struct_ops/sleepable.")) {
      bpf_program__set_flags(prog, bpf_program__flags(prog) | BPF_F_SLEEPABLE);
    }
  }
}

// Owns an opened skeleton and, once attached, the link that keeps the scheduler registered.
//
// Why a link fd of our own: libbpf 1.1's bpf_map__attach_struct_ops() registers the ops map
// with a map update, and that registration outlives the process (a SIGKILLed loader would leave
// the scheduler running). With BPF_F_LINK on the map, that call only fills in the map's value,
// and the BPF link created here does the registering; the kernel drops the link, and with it
// the scheduler, when its last fd closes, however the loader ends.
class OpenPolicy {
 public:
  OpenPolicy(const KernelPolicy& policy, void* skel) : policy_(policy), skel_(skel) {}
  ~OpenPolicy() {
    Detach();
    policy_.destroy(skel_);
  }

  // Before load.
  void UseLinkRegistration() {
    bpf_map* ops = policy_.ops_map(skel_);
    bpf_map__set_map_flags(ops, bpf_map__map_flags(ops) | kBpfFLink);
  }

  // After load: registers the scheduler. Returns 0 or a negative errno.
  int Attach() {
    bpf_map* ops = policy_.ops_map(skel_);
    value_setter_ = bpf_map__attach_struct_ops(ops);
    if (value_setter_ == nullptr) return -errno;
    link_fd_ = bpf_link_create(bpf_map__fd(ops), 0,
                               static_cast<enum bpf_attach_type>(kBpfStructOpsAttachType), nullptr);
    return link_fd_ < 0 ? -errno : 0;
  }

  // Unregisters the scheduler (the kernel then runs ops.exit).
  void Detach() {
    if (link_fd_ >= 0) close(link_fd_);
    link_fd_ = -1;
    if (value_setter_ != nullptr) {
      // Its detach is a map delete, which a BPF_F_LINK map refuses; nothing is left to undo.
      bpf_link__disconnect(value_setter_);
      bpf_link__destroy(value_setter_);
    }
    value_setter_ = nullptr;
  }

 private:
  const KernelPolicy& policy_;
  void* skel_;
  bpf_link* value_setter_ = nullptr;
  int link_fd_ = -1;
};

class Loader {
 public:
  Loader(const KernelPolicy& policy, const LoaderOptions& options, std::ostream& out,
         std::ostream& err)
      : policy_(policy), options_(options), out_(out), err_(err), sysfs_(options.sysfs_root) {}

  int Run(const std::vector<KnobAssignment>& knobs);

 private:
  int Fail(const std::string& line, int code = kExitCannotLoad) {
    err_ << "load: " << line << std::endl;
    return code;
  }
  std::string AnotherSchedulerLine() {
    std::string ops = sysfs_.ActiveOps();
    absl::StatusOr<std::string> state = sysfs_.State();
    return absl::StrCat("another sched_ext scheduler is active: '", ops.empty() ? "?" : ops,
                        "' (state ", state.ok() ? *state : "unknown", "); stop it before loading ",
                        policy_.name);
  }
  void PrintStats(void* skel, absl::Time start, const std::string& label);
  // "progs LABEL NAME: PROG=RUNS/NS ...": each BPF program's run count and total run time so far
  // (bpf_prog_info; counted while kernel.bpf_stats_enabled is 1, else 0).
  void PrintProgramStats(void* skel, const std::string& label);
  int Report(void* skel);

  const KernelPolicy& policy_;
  const LoaderOptions& options_;
  std::ostream& out_;
  std::ostream& err_;
  SchedExtSysfs sysfs_;
};

void Loader::PrintProgramStats(void* skel, const std::string& label) {
  std::string line = absl::StrCat("progs ", label, " ", policy_.name, ":");
  bpf_program* prog;
  bpf_object__for_each_program(prog, policy_.object(skel)) {
    const int fd = bpf_program__fd(prog);
    if (fd < 0) continue;
    bpf_prog_info info;
    memset(&info, 0, sizeof(info));
    uint32_t len = sizeof(info);
    if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0) continue;
    absl::StrAppend(&line, " ", bpf_program__name(prog), "=", info.run_cnt, "/", info.run_time_ns);
  }
  out_ << line << std::endl;
}

void Loader::PrintStats(void* skel, absl::Time start, const std::string& label) {
  if (policy_.stats.empty()) return;  // a scheduler without a counter table (load --object)
  absl::StatusOr<std::vector<uint64_t>> values =
      ReadCounters(policy_.stats_map(skel), policy_.stats.size());
  if (!values.ok()) {
    err_ << "load: " << values.status().message() << std::endl;
    return;
  }
  out_ << FormatStatsLine(policy_, *values, absl::Now() - start, label) << std::endl;
}

int Loader::Report(void* skel) {
  volatile scxtwin_exit_info* info = policy_.exit_info(skel);
  uint64_t kind = info->kind;
  // Copy out of the mapped .bss; the strings are NUL-terminated by bpf_probe_read_kernel_str.
  std::string reason(const_cast<const char*>(info->reason),
                     strnlen(const_cast<const char*>(info->reason), sizeof(info->reason)));
  std::string msg(const_cast<const char*>(info->msg),
                  strnlen(const_cast<const char*>(info->msg), sizeof(info->msg)));
  out_ << FormatExitLine(policy_.name, kind, info->exit_code, reason, msg) << std::endl;
  return ExitCodeForKind(kind);
}

int Loader::Run(const std::vector<KnobAssignment>& knobs) {
  if (!sysfs_.Available()) {
    return Fail(absl::StrCat(
        "this kernel (", KernelRelease(), ") has no sched_ext (", sysfs_.root(),
        " is missing); run the loader in the sched_ext VM instead: bazel run //tools:vm -- "
        "--cpus 4 -- load --policy=",
        policy_.name));
  }
  if (geteuid() != 0) {
    return Fail(absl::StrCat("must run as root to load a sched_ext scheduler (", policy_.name,
                             "): try sudo"));
  }
  absl::StatusOr<std::string> state = sysfs_.State();
  if (state.ok() && *state != "disabled") return Fail(AnotherSchedulerLine());

  std::string log;
  libbpf_log = &log;
  libbpf_echo = options_.verbose;
  libbpf_set_print(CaptureLibbpfPrint);

  void* skel = policy_.open();
  if (skel == nullptr) {
    return Fail(
        absl::StrCat("cannot open the BPF object of ", policy_.name, ": ", strerror(errno)));
  }
  OpenPolicy open(policy_, skel);
  if (policy_.ops_map(skel) == nullptr) {
    return Fail(absl::StrCat("the BPF object of ", policy_.name, " has no struct_ops map"));
  }
  for (const KnobAssignment& k : knobs) policy_.set_knob(skel, k.index, k.value);
  MarkSleepablePrograms(policy_.object(skel));
  if (policy_.record) {
    if (policy_.record_layout(skel) == nullptr) {
      return Fail(absl::StrCat("--record: the BPF object of ", policy_.name,
                               " is not a record build (no scxtwin_rec_layout)"),
                  kExitUsage);
    }
    absl::Status filled = FillRecordLayout(policy_.object(skel), policy_.record_layout(skel));
    if (!filled.ok()) return Fail(std::string(filled.message()));
  }
  open.UseLinkRegistration();

  if (int rc = policy_.load(skel); rc != 0) {
    VerifierRejection rejection = SummarizeVerifierLog(log, 12);
    if (rejection.error.empty()) {
      std::vector<std::string> tail = Tail(log, 1);
      return Fail(absl::StrCat("cannot load the BPF programs of ", policy_.name, ": ",
                               strerror(-rc), tail.empty() ? "" : " (" + tail.back() + ")"));
    }
    err_ << "load: the verifier rejected policy " << policy_.name << " (program "
         << rejection.program << "): " << rejection.error << std::endl;
    for (const std::string& line : rejection.tail) err_ << "load:   | " << line << std::endl;
    return kExitCannotLoad;
  }

  if (int rc = open.Attach(); rc != 0) {
    int e = -rc;
    if (e == EBUSY || e == EEXIST || e == EALREADY) return Fail(AnotherSchedulerLine());
    if (policy_.exit_info(skel)->kind != 0) {
      // ops.init failed and the kernel recorded why.
      Report(skel);
      return Fail(absl::StrCat("cannot attach ", policy_.name, ": its initialisation failed"));
    }
    std::vector<std::string> tail = Tail(log, 1);
    return Fail(absl::StrCat("cannot attach ", policy_.name, " as the sched_ext scheduler: ",
                             strerror(e), tail.empty() ? "" : " (" + tail.back() + ")"));
  }

  std::unique_ptr<RecordWriter> record;
  if (!options_.record_file.empty()) {
    record = std::make_unique<RecordWriter>();
    std::vector<std::string> sets;
    for (const KnobAssignment& k : knobs) {
      sets.push_back(absl::StrCat(policy_.knobs[k.index].name, "=", k.value));
    }
    absl::Status opened = record->Open(options_.record_file, policy_.name, absl::StrJoin(sets, " "),
                                       *policy_.record_layout(skel), libbpf_num_possible_cpus(),
                                       bpf_map__fd(policy_.record_ring(skel)));
    if (!opened.ok()) return Fail(std::string(opened.message()), kExitUsage);
  }

  out_ << "load: " << policy_.name << " attached ("
       << FormatKnobs(policy_.knobs, [&](size_t i) { return policy_.get_knob(skel, i); }) << ")"
       << std::endl;

  const absl::Time start = absl::Now();
  const absl::Time deadline = options_.duration == absl::InfiniteDuration()
                                  ? absl::InfiniteFuture()
                                  : start + options_.duration;
  absl::Time next_stats = start + options_.stats_interval;
  // Read afresh each time: an object policy translates its exit record at each read.
  auto exit_kind = [&]() -> uint64_t { return policy_.exit_info(skel)->kind; };
  while (!stop_requested && exit_kind() == 0 && absl::Now() < deadline) {
    if (record != nullptr) {
      // Waits for records up to 50 ms, as the sleep below does without a record.
      if (absl::Status polled = record->Poll(50); !polled.ok()) {
        open.Detach();
        return Fail(std::string(polled.message()), kExitError);
      }
    } else {
      absl::SleepFor(absl::Milliseconds(50));
    }
    if (mark_requested) {
      mark_requested = 0;
      PrintProgramStats(skel, "mark");  // before the counters: a reader waits for those
      PrintStats(skel, start, "mark");
    }
    if (options_.stats_interval > absl::ZeroDuration() && absl::Now() >= next_stats) {
      PrintStats(skel, start, "");
      next_stats += options_.stats_interval;
    }
  }
  const bool ejected = exit_kind() != 0;
  // Detaching unregisters the scheduler; the kernel then calls ops.exit, which fills exit_info.
  open.Detach();
  // Unregistering is synchronous when the last link fd closes; allow a little slack anyway.
  for (int i = 0; i < 20 && exit_kind() == 0; ++i) absl::SleepFor(absl::Milliseconds(50));
  if (ejected) err_ << "load: the kernel ejected " << policy_.name << std::endl;
  PrintStats(skel, start, "final");
  if (record != nullptr) {
    uint64_t dropped = policy_.record_dropped(skel);
    absl::Status finished = record->Finish(dropped);
    if (!finished.ok()) return Fail(std::string(finished.message()), kExitError);
    out_ << "load: record: " << record->records() << " records (" << record->bytes() << " bytes), "
         << dropped << " dropped, in " << options_.record_file << std::endl;
  }
  if (exit_kind() == 0) {
    return Fail(absl::StrCat(policy_.name, " detached but its ops.exit left no exit record"),
                kExitError);
  }
  return Report(skel);
}

}  // namespace

void RequestLoaderStop() { stop_requested = 1; }

void InstallStopSignalHandlers() {
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sa.sa_handler = OnMarkSignal;
  sigaction(SIGUSR1, &sa, nullptr);
}

int RunLoader(const std::vector<const KernelPolicy*>& policies, const LoaderOptions& options,
              std::ostream& out, std::ostream& err) {
  const KernelPolicy* policy = FindPolicy(policies, options.policy);
  if (policy != nullptr && !options.record_file.empty()) {
    policy = FindPolicy(policies, options.policy, /*record=*/true);
    if (policy == nullptr) {
      err << "load: --record: policy '" << options.policy << "' has no record build" << std::endl;
      return kExitUsage;
    }
  }
  if (policy == nullptr) {
    err << "load: unknown policy '" << options.policy << "' (known: " << PolicyNames(policies)
        << ")" << std::endl;
    return kExitUsage;
  }
  absl::StatusOr<std::vector<KnobAssignment>> knobs =
      ParseKnobAssignments(policy->name, policy->knobs, options.knob_assignments);
  if (!knobs.ok()) {
    err << "load: " << knobs.status().message() << std::endl;
    return kExitUsage;
  }
  return Loader(*policy, options, out, err).Run(*knobs);
}

}  // namespace scxtwin
