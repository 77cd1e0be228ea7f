#include "tests/conformance/harness.h"

#include <map>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "sim/host/testing/kernel_tree.h"

namespace scxtwin::conformance {
namespace {

absl::StatusOr<std::string> BuiltObject(const std::string& relpath) {
  static auto* built = new std::map<std::string, std::string>();
  auto it = built->find(relpath);
  if (it != built->end()) return it->second;
  absl::StatusOr<std::string> so = host::BuildKernelTreePolicy(relpath);
  if (so.ok()) (*built)[relpath] = *so;
  return so;
}

}  // namespace

const UserExitInfo& Outcome::uei() const {
  static const UserExitInfo kNone = {};
  auto g = policy->FindGlobal("uei");
  EXPECT_TRUE(g.ok()) << g.status();
  if (!g.ok() || (*g)->size != sizeof(UserExitInfo)) return kNone;
  return *static_cast<const UserExitInfo*>((*g)->addr);
}

int64_t Outcome::Read(const char* global) const {
  auto v = policy->ReadScalar(global);
  EXPECT_TRUE(v.ok()) << v.status();
  return v.ok() ? *v : -1;
}

bool Outcome::all_tasks_exited() const {
  int64_t workload_tasks = 0;
  for (const sim::Task& t : simulator->tasks()) {
    // A background process (a scheduler's user-space half, --background) runs until the end.
    if (simulator->spec().processes[t.process].background) continue;
    ++workload_tasks;
    if (t.state != sim::TaskState::kExited) return false;
  }
  return workload_tasks > 0;
}

int64_t Outcome::Callbacks(const std::string& cb) const {
  EXPECT_NE(log, nullptr) << "run with capture_log";
  if (!log) return -1;
  const std::string needle = absl::StrCat("\"cb\":\"", cb, "\"");
  const std::string text = log->str();
  int64_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

int64_t Outcome::Callbacks(const std::string& cb, int cpu, int64_t from, int64_t to) const {
  EXPECT_NE(log, nullptr) << "run with capture_log";
  if (!log) return -1;
  const std::string needle = absl::StrCat(",\"cpu\":", cpu, ",\"cb\":\"", cb, "\"");
  int64_t n = 0;
  for (absl::string_view line : absl::StrSplit(log->str(), '\n')) {
    int64_t t = 0;
    if (!absl::StrContains(line, needle) || !absl::ConsumePrefix(&line, "{\"t\":")) continue;
    const size_t comma = line.find(',');
    if (comma != absl::string_view::npos && absl::SimpleAtoi(line.substr(0, comma), &t) &&
        t >= from && t < to) {
      ++n;
    }
  }
  return n;
}

Outcome RunKernelTreeScheduler(const std::string& relpath, const RunSpec& spec) {
  Outcome o;
  absl::StatusOr<std::string> so = BuiltObject(relpath);
  EXPECT_TRUE(so.ok()) << so.status();
  if (!so.ok()) return o;
  absl::StatusOr<sim::Topology> topo = sim::Topology::Parse(spec.topology);
  EXPECT_TRUE(topo.ok()) << topo.status();
  if (!topo.ok()) return o;
  o.topology = std::make_unique<sim::Topology>(*topo);
  host::LoadOptions load;
  load.nr_cpus = o.topology->nr_cpus();
  load.ops_variable = spec.ops_variable;
  auto policy = host::PolicyInstance::Load(*so, load);
  EXPECT_TRUE(policy.ok()) << policy.status();
  if (!policy.ok()) return o;
  o.policy = std::move(*policy);
  for (const auto& [k, v] : spec.knobs) {
    absl::Status s = o.policy->SetKnob(k, v);
    EXPECT_TRUE(s.ok()) << s;
  }
  auto ws = sim::ParseWorkload(spec.workload, relpath + ".textpb");
  EXPECT_TRUE(ws.ok()) << ws.status();
  if (!ws.ok()) return o;
  o.spec = std::move(*ws);

  for (const auto& [name, value] : spec.globals) {
    absl::Status s = o.policy->WriteScalar(name, value);
    EXPECT_TRUE(s.ok()) << s;
  }
  auto half = host::MakeUserHalf(spec.user_half, *o.policy);
  EXPECT_TRUE(half.ok()) << half.status();
  if (!half.ok()) return o;
  o.user_half = std::move(*half);
  if (o.user_half) {
    absl::Status s = o.user_half->AddTask(o.spec.get());
    if (s.ok()) s = o.user_half->Prepare(o.policy.get(), o.topology->nr_cpus());
    EXPECT_TRUE(s.ok()) << s;
    if (!s.ok()) return o;
  }
  o.policy->ops()->flags |= spec.extra_ops_flags;
  o.policy->ops()->hotplug_seq = spec.hotplug_seq;
  host::PolicyInstance* p = o.policy.get();
  sim::ExtPolicyBinding binding;
  binding.ops = p->ops();
  binding.install_api = [p](const scxtwin_host_api& api) { p->InstallApi(api); };
  binding.forget_task = [p](const task_struct* t) { p->ForgetTask(t); };
  binding.describe_fault = [p](const host::CallFault& f) { return p->DescribeFault(f); };
  sim::ExtOptions ext_options;
  ext_options.seed = spec.seed;
  if (spec.capture_log) {
    o.log = std::make_unique<std::ostringstream>();
    ext_options.log = o.log.get();
  }
  o.ext = std::make_unique<sim::ExtClass>(std::move(binding), ext_options);
  for (const auto& [at, fn] : spec.user_calls) {
    Outcome* self = &o;  // alive until Run() returns, when every call has run
    std::function<void(Outcome&)> call = fn;
    o.ext->CallFromUserSpace(at, [self, call] { call(*self); });
  }
  sim::SimOptions sim_options;
  sim_options.seed = spec.seed;
  sim_options.user_half = o.user_half.get();
  if (!spec.nohz_full.empty()) {
    auto nohz = sim::ParseCpuList(spec.nohz_full, o.topology->nr_cpus(), "nohz_full");
    EXPECT_TRUE(nohz.ok()) << nohz.status();
    if (!nohz.ok()) return o;
    sim_options.nohz_full = *nohz;
  }
  sim::SchedClass* cls = o.ext.get();
  if (spec.class_stack) {
    o.rt = std::make_unique<sim::RtClass>();
    o.fair = std::make_unique<sim::fair::FairClass>();
    sim::ClassStackOptions stack;
    stack.rt = o.rt.get();
    stack.fair = o.fair.get();
    stack.servers = spec.deadline_servers;
    if (!spec.without_ext) {
      sim::ExtClass* ext = o.ext.get();
      stack.ext = ext;
      stack.switch_partial = ext->switch_partial();
      stack.ext_foreign_new = [ext](sim::TaskId t, sim::TaskId parent) {
        ext->InitForeignTask(t, parent);
      };
      stack.ext_foreign_exit = [ext](sim::TaskId t) { ext->ExitForeignTask(t); };
    }
    o.stack = std::make_unique<sim::ClassStack>(std::move(stack));
    cls = o.stack.get();
  }
  o.simulator = std::make_unique<sim::Simulator>(*o.topology, *o.spec, cls, sim_options);
  o.run = o.simulator->Run();
  return o;
}

Outcome RunSelftest(const std::string& name, const RunSpec& spec) {
  return RunKernelTreeScheduler(absl::StrCat("tools/testing/selftests/sched_ext/", name, ".bpf.c"),
                                spec);
}

std::string ForkSleepers(int n, const std::string& child) {
  return absl::StrReplaceAll(R"pb(
                               name: "fork_sleepers"
                               process {
                                 name: "runner"
                                 group {
                                   name: "runner"
                                   program { run { fixed_ns: 50000 } }
                                   program { fork { group: "CHILD" count: N } }
                                   program { sleep { fixed_ns: 1100000000 } }
                                 }
                                 group {
                                   name: "CHILD"
                                   on_fork: true
                                   program { run { fixed_ns: 20000 } }
                                   program { sleep { fixed_ns: 1000000000 } }
                                   program { run { fixed_ns: 20000 } }
                                 }
                               })pb",
                             {{"CHILD", child}, {"N", absl::StrCat(n)}});
}

std::string BusyFor1s() {
  return R"pb(
    name: "busy"
    duration_ns: 1000000000
    process {
      name: "load"
      group {
        name: "worker"
        count: 12
        program {
          loop {
            body { run { uniform { min_ns: 50000 max_ns: 400000 } } }
            body { sleep { uniform { min_ns: 20000 max_ns: 300000 } } }
          }
        }
      }
    })pb";
}

}  // namespace scxtwin::conformance
