#include "sim/workload/spec.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace scxtwin::sim {
namespace {

using workload::Dist;

constexpr int kMaxSpecCpus = 1024;  // the largest machine the simulator builds
using workload::Op;

// Collects the parser's first error with its position.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (msg_.empty()) msg_ = absl::StrCat("line ", line + 1, " column ", column + 1, ": ", message);
  }
  const std::string& msg() const { return msg_; }

 private:
  std::string msg_;
};

class Compiler {
 public:
  explicit Compiler(const std::string& file) : file_(file) {}

  absl::Status Fail(const std::string& path, const std::string& what) {
    return absl::InvalidArgumentError(absl::StrCat(file_, ": ", path, ": ", what));
  }

  // sched_setscheduler's rules: FIFO and RR need a priority in 1..99, the others none.
  absl::Status CompilePolicy(const workload::TaskGroup& g, const std::string& gp,
                             CompiledGroup* cg) {
    if (!workload::TaskGroup::Policy_IsValid(g.policy())) {
      return Fail(gp + ".policy",
                  absl::StrCat(static_cast<int>(g.policy()),
                               " is not a policy; expected NORMAL, EXT, FIFO or RR"));
    }
    cg->policy = g.policy();
    cg->rt_priority = g.rt_priority();
    const bool rt =
        g.policy() == workload::TaskGroup::FIFO || g.policy() == workload::TaskGroup::RR;
    if (rt && (g.rt_priority() < 1 || g.rt_priority() > 99)) {
      return Fail(gp + ".rt_priority",
                  absl::StrCat(g.rt_priority(),
                               " is outside 1..99; expected a priority in 1..99 "
                               "for policy ",
                               workload::TaskGroup::Policy_Name(g.policy())));
    }
    if (!rt && g.rt_priority() != 0) {
      return Fail(gp + ".rt_priority",
                  absl::StrCat(g.rt_priority(), " is set for policy ",
                               workload::TaskGroup::Policy_Name(g.policy()),
                               "; expected 0 (only FIFO and RR have an RT priority)"));
    }
    return absl::OkStatus();
  }

  absl::Status CheckDist(const Dist& d, const std::string& path) {
    switch (d.kind_case()) {
      case Dist::kFixedNs:
        if (d.fixed_ns() < 0)
          return Fail(path + ".fixed_ns",
                      absl::StrCat(d.fixed_ns(), " is negative; expected >= 0"));
        return absl::OkStatus();
      case Dist::kUniform:
        if (d.uniform().min_ns() < 0) return Fail(path + ".uniform.min_ns", "expected >= 0");
        if (d.uniform().max_ns() < d.uniform().min_ns()) {
          return Fail(path + ".uniform.max_ns",
                      absl::StrCat(d.uniform().max_ns(), " < min_ns ", d.uniform().min_ns(),
                                   "; expected max_ns >= min_ns"));
        }
        return absl::OkStatus();
      case Dist::kExponential:
        if (d.exponential().mean_ns() <= 0)
          return Fail(path + ".exponential.mean_ns", "expected > 0");
        return absl::OkStatus();
      case Dist::kLognormal:
        if (d.lognormal().median_ns() <= 0)
          return Fail(path + ".lognormal.median_ns", "expected > 0");
        if (d.lognormal().sigma() < 0) return Fail(path + ".lognormal.sigma", "expected >= 0");
        if (d.lognormal().max_ns() < 0)
          return Fail(path + ".lognormal.max_ns", "expected >= 0 (0: no clamp)");
        return absl::OkStatus();
      case Dist::kEmpirical:
        if (d.empirical().sample_ns_size() == 0)
          return Fail(path + ".empirical.sample_ns", "is empty; expected at least one sample");
        for (int i = 0; i < d.empirical().sample_ns_size(); ++i) {
          if (d.empirical().sample_ns(i) < 0)
            return Fail(absl::StrCat(path, ".empirical.sample_ns[", i, "]"), "expected >= 0");
        }
        return absl::OkStatus();
      case Dist::KIND_NOT_SET:
        break;
    }
    return Fail(path,
                "no distribution set; expected one of fixed_ns, uniform, exponential, lognormal, "
                "empirical");
  }

  // Whether ops (recursively) can let time pass: run, sleep or wait.
  static bool AdvancesTime(const google::protobuf::RepeatedPtrField<Op>& ops) {
    for (const Op& op : ops) {
      if (op.has_run() || op.has_sleep() || op.op_case() == Op::kWait || op.has_wait_on() ||
          op.op_case() == Op::kUserHalf)
        return true;
      if (op.has_loop() && AdvancesTime(op.loop().body())) return true;
    }
    return false;
  }

  // Whether a distribution's draws are all at least 1 ns (exponential and lognormal draws round
  // to 0 only rarely: they count as taking time).
  static bool AtLeastOneNs(const Dist& d) {
    switch (d.kind_case()) {
      case Dist::kFixedNs:
        return d.fixed_ns() > 0;
      case Dist::kUniform:
        return d.uniform().min_ns() > 0;
      case Dist::kEmpirical:
        for (int64_t v : d.empirical().sample_ns()) {
          if (v <= 0) return false;
        }
        return true;
      default:
        return true;
    }
  }

  // Whether one pass of ops surely lets simulated time pass: a run or sleep of at least 1 ns,
  // or a wait (it blocks, or consumes a wake some op had to send). A loop without such an op
  // would spin at one instant: the simulator's clock would stop while it ran.
  static bool TakesTime(const google::protobuf::RepeatedPtrField<Op>& ops) {
    for (const Op& op : ops) {
      if (op.has_run() && AtLeastOneNs(op.run())) return true;
      if (op.has_sleep() && AtLeastOneNs(op.sleep())) return true;
      if (op.op_case() == Op::kWait || op.has_wait_on()) return true;
      if (op.op_case() == Op::kUserHalf) return true;  // a pass costs at least 1 ns
      if (op.has_loop() && op.loop().count() > 0 && TakesTime(op.loop().body())) return true;
    }
    return false;
  }

  // The index of `name` among a group's channels ("" = 0, the default), or an error at `path`.
  absl::StatusOr<int32_t> ChannelIndex(const std::vector<std::string>& channels,
                                       const std::string& name, const std::string& path,
                                       const std::string& group) {
    for (size_t i = 0; i < channels.size(); ++i) {
      if (channels[i] == name) return static_cast<int32_t>(i);
    }
    std::string declared;
    for (size_t i = 1; i < channels.size(); ++i)
      absl::StrAppend(&declared, i > 1 ? ", " : "", channels[i]);
    return Fail(
        path,
        absl::StrCat("channel '", name, "' is not declared by group '", group, "'; expected ",
                     declared.empty() ? "the default channel (\"\") or a `channel:` of the group"
                                      : absl::StrCat("\"\" or one of its channels: ", declared)));
  }

  // The target of a property change (set_affinity, set_nice): a group of the process and a pick
  // among its members; the channel, ack and handler of a wake mean nothing here.
  absl::Status CompileChangeTarget(const workload::Target& t, const std::string& path,
                                   const workload::Process& proc,
                                   const absl::flat_hash_map<std::string, int>& groups,
                                   CompiledOp* c) {
    auto it = groups.find(t.group());
    if (it == groups.end()) {
      return Fail(path + ".group", absl::StrCat("'", t.group(), "' is not a group of process '",
                                                proc.name(), "'; expected one of its group names"));
    }
    if (t.pick() == workload::Target::WAITING || t.pick() == workload::Target::WAITING_ONLY) {
      return Fail(path + ".pick", absl::StrCat(workload::Target::Pick_Name(t.pick()),
                                               " picks a waiter; expected INDEX, SAME, ALL, "
                                               "OTHERS or NEXT for a property change"));
    }
    if (!t.channel().empty() || !t.ack().empty() || t.has_handler()) {
      return Fail(path,
                  "sets channel, ack or handler; expected only group, pick and index (a "
                  "property change is no wake)");
    }
    const auto& g = proc.group(it->second);
    if (t.pick() == workload::Target::INDEX && !g.on_fork() && !g.per_cpu()) {
      const int n = g.count() == 0 ? 1 : g.count();
      if (t.index() < 0 || t.index() >= n) {
        return Fail(path + ".index", absl::StrCat(t.index(), " is outside group '", g.name(),
                                                  "' of ", n, " tasks; expected 0..", n - 1));
      }
    }
    c->group = it->second;
    c->pick = t.pick();
    c->index = t.index();
    return absl::OkStatus();
  }

  absl::Status CompileOps(const google::protobuf::RepeatedPtrField<Op>& ops,
                          const std::string& path, const workload::Process& proc,
                          const absl::flat_hash_map<std::string, int>& groups,
                          const std::vector<std::vector<std::string>>& channels, int self,
                          std::vector<absl::flat_hash_set<int32_t>>* waited,
                          std::vector<CompiledOp>* out, std::vector<std::string>* paths) {
    for (int i = 0; i < ops.size(); ++i) {
      const Op& op = ops[i];
      const std::string p = absl::StrCat(path, "[", i, "]");
      CompiledOp c{};
      switch (op.op_case()) {
        case Op::kRun:
          SCX_RETURN_IF_ERROR(CheckDist(op.run(), p + ".run"));
          c.kind = CompiledOp::kRun;
          c.dist = &op.run();
          break;
        case Op::kSleep:
          SCX_RETURN_IF_ERROR(CheckDist(op.sleep(), p + ".sleep"));
          c.kind = CompiledOp::kSleep;
          c.dist = &op.sleep();
          break;
        case Op::kWake: {
          auto it = groups.find(op.wake().group());
          if (it == groups.end()) {
            return Fail(p + ".wake.group",
                        absl::StrCat("'", op.wake().group(), "' is not a group of process '",
                                     proc.name(), "'; expected one of its group names"));
          }
          const auto& g = proc.group(it->second);
          if (op.wake().pick() == workload::Target::INDEX && !g.on_fork() && !g.per_cpu()) {
            const int n = g.count() == 0 ? 1 : g.count();
            if (op.wake().index() < 0 || op.wake().index() >= n) {
              return Fail(p + ".wake.index",
                          absl::StrCat(op.wake().index(), " is outside group '", g.name(), "' of ",
                                       n, " tasks; expected 0..", n - 1));
            }
          }
          c.kind = CompiledOp::kWake;
          c.group = it->second;
          c.pick = op.wake().pick();
          c.index = op.wake().index();
          if (!op.wake().ack().empty()) {
            if (!op.wake().channel().empty()) {
              return Fail(p + ".wake",
                          "sets both channel and ack; expected a wake on a channel or an interrupt "
                          "acknowledged on `ack`, not both");
            }
            if (c.pick == workload::Target::WAITING || c.pick == workload::Target::WAITING_ONLY) {
              return Fail(p + ".wake.pick",
                          absl::StrCat(workload::Target::Pick_Name(c.pick),
                                       " with ack; an interrupt addresses CPUs, not waiters: "
                                       "expected INDEX, SAME, ALL, OTHERS or NEXT"));
            }
            SCX_ASSIGN_OR_RETURN(auto a, ChannelIndex(channels[self], op.wake().ack(),
                                                      p + ".wake.ack", proc.group(self).name()));
            c.ack = a;
            if (op.wake().has_handler()) {
              SCX_RETURN_IF_ERROR(CheckDist(op.wake().handler(), p + ".wake.handler"));
              c.handler = &op.wake().handler();
            }
          } else {
            if (op.wake().has_handler()) {
              return Fail(
                  p + ".wake.handler",
                  "is set on a wake without ack; expected it only on an interrupt (`ack: ...`)");
            }
            SCX_ASSIGN_OR_RETURN(auto ch, ChannelIndex(channels[it->second], op.wake().channel(),
                                                       p + ".wake.channel", g.name()));
            c.channel = ch;
          }
          break;
        }
        case Op::kWait:
          if (!op.wait()) return Fail(p + ".wait", "is false; expected `wait: true`");
          c.kind = CompiledOp::kWait;
          c.count = 1;
          (*waited)[self].insert(0);
          break;
        case Op::kWaitOn: {
          const workload::WaitOn& w = op.wait_on();
          SCX_ASSIGN_OR_RETURN(auto ch,
                               ChannelIndex(channels[self], w.channel(), p + ".wait_on.channel",
                                            proc.group(self).name()));
          if (w.count() < 0)
            return Fail(p + ".wait_on.count",
                        absl::StrCat(w.count(), " is negative; expected >= 0 (0 means 1)"));
          if (w.acks() && w.count() != 0) {
            return Fail(
                p + ".wait_on.count",
                "is set with acks: true; expected one of them (acks counts the interrupts sent)");
          }
          c.kind = CompiledOp::kWait;
          c.channel = ch;
          c.count = w.count() == 0 ? 1 : w.count();
          c.acks = w.acks();
          c.spin = w.spin();
          (*waited)[self].insert(c.channel);
          break;
        }
        case Op::kFork: {
          auto it = groups.find(op.fork().group());
          if (it == groups.end() || !proc.group(it->second).on_fork()) {
            return Fail(
                p + ".fork.group",
                absl::StrCat("'", op.fork().group(), "' is not an on_fork group of process '",
                             proc.name(), "'; expected a group with `on_fork: true`"));
          }
          if (op.fork().count() < 0) return Fail(p + ".fork.count", "expected >= 0 (0 means 1)");
          c.kind = CompiledOp::kFork;
          c.group = it->second;
          c.count = op.fork().count() == 0 ? 1 : op.fork().count();
          break;
        }
        case Op::kExit:
          if (!op.exit()) return Fail(p + ".exit", "is false; expected `exit: true`");
          c.kind = CompiledOp::kExit;
          break;
        case Op::kYield:
          if (!op.yield()) return Fail(p + ".yield", "is false; expected `yield: true`");
          c.kind = CompiledOp::kYield;
          break;
        case Op::kUserHalf:
          if (!op.user_half())
            return Fail(p + ".user_half", "is false; expected `user_half: true`");
          c.kind = CompiledOp::kUserHalf;
          break;
        case Op::kSetAffinity: {
          const workload::SetAffinity& a = op.set_affinity();
          if (a.cpus().empty()) {
            return Fail(p + ".set_affinity.cpus", "is empty; expected a CPU list like \"0-3,8\"");
          }
          if (auto s = ParseCpuList(a.cpus(), kMaxSpecCpus,
                                    absl::StrCat(file_, ": ", p, ".set_affinity.cpus"));
              !s.ok()) {
            return s.status();
          }
          c.kind = CompiledOp::kSetAffinity;
          c.cpus = &a.cpus();
          if (a.has_target()) {
            SCX_RETURN_IF_ERROR(
                CompileChangeTarget(a.target(), p + ".set_affinity.target", proc, groups, &c));
          }
          break;
        }
        case Op::kSetNice: {
          const workload::SetNice& n = op.set_nice();
          if (n.nice() < -20 || n.nice() > 19) {
            return Fail(p + ".set_nice.nice",
                        absl::StrCat(n.nice(), " is outside -20..19; expected a nice value"));
          }
          c.kind = CompiledOp::kSetNice;
          c.nice = n.nice();
          if (n.has_target()) {
            SCX_RETURN_IF_ERROR(
                CompileChangeTarget(n.target(), p + ".set_nice.target", proc, groups, &c));
          }
          break;
        }
        case Op::kMoveToCgroup: {
          c.kind = CompiledOp::kMoveToCgroup;
          SCX_ASSIGN_OR_RETURN(c.cgroup, FindCgroup(op.move_to_cgroup(), p + ".move_to_cgroup"));
          break;
        }
        case Op::kSetCgroupWeight: {
          const workload::CgroupWeight& w = op.set_cgroup_weight();
          c.kind = CompiledOp::kSetCgroupWeight;
          SCX_ASSIGN_OR_RETURN(c.cgroup, FindCgroup(w.path(), p + ".set_cgroup_weight.path"));
          if (c.cgroup == 0) {
            return Fail(p + ".set_cgroup_weight.path",
                        "is the root cgroup, whose weight is fixed; expected a declared cgroup");
          }
          SCX_RETURN_IF_ERROR(CheckWeight(w.weight(), p + ".set_cgroup_weight.weight"));
          c.weight = static_cast<uint32_t>(w.weight());
          break;
        }
        case Op::kLoop: {
          if (op.loop().count() < 0) return Fail(p + ".loop.count", "expected >= 0 (0: forever)");
          if (op.loop().body_size() == 0)
            return Fail(p + ".loop.body", "is empty; expected at least one op");
          if (!AdvancesTime(op.loop().body())) {
            return Fail(p + ".loop.body",
                        "has no run, sleep or wait; expected a body that lets time pass");
          }
          if (op.loop().count() == 0 && !TakesTime(op.loop().body())) {
            return Fail(p + ".loop.body",
                        "loops forever and can take no simulated time (every run and sleep can be "
                        "0 ns, no wait); "
                        "expected a run or sleep of at least 1 ns or a wait in the body");
          }
          const size_t begin = out->size();
          c.kind = CompiledOp::kLoopBegin;
          c.count = op.loop().count();
          out->push_back(c);
          paths->push_back(p + ".loop");
          if (auto s = CompileOps(op.loop().body(), p + ".loop.body", proc, groups, channels, self,
                                  waited, out, paths);
              !s.ok()) {
            return s;
          }
          CompiledOp end{};
          end.kind = CompiledOp::kLoopEnd;
          end.jump = static_cast<int32_t>(begin + 1);
          out->push_back(end);
          paths->push_back(p + ".loop");
          (*out)[begin].jump = static_cast<int32_t>(out->size());
          continue;
        }
        case Op::OP_NOT_SET:
          return Fail(
              p,
              "no op set; expected one of run, sleep, wake, wait, wait_on, fork, exit, loop, "
              "yield, user_half, set_affinity, set_nice, move_to_cgroup, set_cgroup_weight");
      }
      out->push_back(c);
      paths->push_back(p);
    }
    return absl::OkStatus();
  }

  absl::Status CheckWeight(int32_t weight, const std::string& path) {
    if (weight < 1 || weight > 10000)
      return Fail(path, absl::StrCat(weight, " is outside 1..10000 (cpu.weight)"));
    return absl::OkStatus();
  }

  // The index of a declared cgroup ("" and "/" are the root).
  absl::StatusOr<int32_t> FindCgroup(const std::string& path, const std::string& where) {
    if (path.empty() || path == "/") return 0;
    auto it = cgroup_index_.find(path);
    if (it == cgroup_index_.end()) {
      return Fail(where, absl::StrCat("cgroup '", path,
                                      "' is not declared; expected \"/\" or a path of the "
                                      "workload's `cgroup` list"));
    }
    return it->second;
  }

  // Workload.cgroup: absolute paths, each after its parent, weights in 1..10000.
  absl::Status CompileCgroups(WorkloadSpec* spec) {
    const workload::Workload& w = spec->proto;
    spec->cgroups.clear();
    spec->cgroups.push_back(CompiledCgroup{"/", -1, 0, 100});
    cgroup_index_.clear();
    for (int i = 0; i < w.cgroup_size(); ++i) {
      const workload::Cgroup& cg = w.cgroup(i);
      const std::string cp = absl::StrCat("cgroup[", i, "]");
      const std::string& path = cg.path();
      if (path.size() < 2 || path[0] != '/' || path.back() == '/' ||
          absl::StrContains(path, "//")) {
        return Fail(cp + ".path", absl::StrCat("'", path,
                                               "' is not a cgroup path; expected an absolute "
                                               "path below the root like \"/a\" or \"/a/b\""));
      }
      if (cgroup_index_.contains(path))
        return Fail(cp + ".path", absl::StrCat("'", path, "' is declared twice"));
      const size_t slash = path.rfind('/');
      const std::string parent = slash == 0 ? "/" : path.substr(0, slash);
      int32_t parent_index = 0;
      if (parent != "/") {
        auto it = cgroup_index_.find(parent);
        if (it == cgroup_index_.end()) {
          return Fail(cp + ".path", absl::StrCat("'", path, "' has parent '", parent,
                                                 "', which is not declared before it; expected "
                                                 "every parent declared first"));
        }
        parent_index = it->second;
      }
      CompiledCgroup c;
      c.path = path;
      c.parent = parent_index;
      c.level = spec->cgroups[parent_index].level + 1;
      if (c.level > kMaxCgroupLevel) {
        return Fail(cp + ".path", absl::StrCat("'", path, "' is ", c.level,
                                               " levels deep; expected at most ", kMaxCgroupLevel));
      }
      if (cg.weight() != 0) SCX_RETURN_IF_ERROR(CheckWeight(cg.weight(), cp + ".weight"));
      c.weight = cg.weight() == 0 ? 100 : static_cast<uint32_t>(cg.weight());
      cgroup_index_[path] = static_cast<int32_t>(spec->cgroups.size());
      spec->cgroups.push_back(std::move(c));
    }
    return absl::OkStatus();
  }

  absl::Status Compile(WorkloadSpec* spec) {
    const workload::Workload& w = spec->proto;
    if (w.process_size() == 0) return Fail("process", "is empty; expected at least one process");
    SCX_RETURN_IF_ERROR(CompileCgroups(spec));
    if (w.duration_ns() < 0)
      return Fail("duration_ns", "expected >= 0 (0: until every task exits)");
    // CPU numbers are checked against the machine by the simulator (the spec has no topology).
    for (int i = 0; i < w.hotplug_size(); ++i) {
      const workload::Hotplug& h = w.hotplug(i);
      const std::string hp = absl::StrCat("hotplug[", i, "]");
      if (h.at_ns() < 0) return Fail(hp + ".at_ns", "expected >= 0");
      if (i > 0 && h.at_ns() < w.hotplug(i - 1).at_ns())
        return Fail(hp + ".at_ns", "goes back in time; expected the events in time order");
      if (h.cpu() < 0) return Fail(hp + ".cpu", "expected a CPU number >= 0");
    }
    absl::flat_hash_map<std::string, int> proc_names;
    for (int pi = 0; pi < w.process_size(); ++pi) {
      const workload::Process& proc = w.process(pi);
      const std::string pp = absl::StrCat("process[", pi, "]");
      if (proc.name().empty()) return Fail(pp + ".name", "is empty; expected a name");
      if (!proc_names.emplace(proc.name(), pi).second) {
        return Fail(pp + ".name",
                    absl::StrCat("'", proc.name(), "' is used twice; expected unique names"));
      }
      if (proc.instances() < 0) return Fail(pp + ".instances", "expected >= 0 (0 means 1)");
      CompiledProcess cp;
      cp.name = proc.name();
      cp.background = proc.background();
      cp.instances = proc.instances() == 0 ? 1 : proc.instances();
      if (proc.arrival().kind_case() == workload::Arrival::kPoissonMeanGapNs) {
        if (proc.arrival().poisson_mean_gap_ns() <= 0)
          return Fail(pp + ".arrival.poisson_mean_gap_ns", "expected > 0");
        cp.poisson = true;
        cp.poisson_mean_gap_ns = proc.arrival().poisson_mean_gap_ns();
      } else {
        if (proc.arrival().at_ns() < 0) return Fail(pp + ".arrival.at_ns", "expected >= 0");
        cp.at_ns = proc.arrival().at_ns();
      }
      if (proc.group_size() == 0)
        return Fail(pp + ".group", "is empty; expected at least one task group");
      absl::flat_hash_map<std::string, int> groups;
      for (int gi = 0; gi < proc.group_size(); ++gi) {
        const auto& g = proc.group(gi);
        const std::string gp = absl::StrCat(pp, ".group[", gi, "]");
        if (g.name().empty()) return Fail(gp + ".name", "is empty; expected a name");
        if (!groups.emplace(g.name(), gi).second) {
          return Fail(gp + ".name", absl::StrCat("'", g.name(), "' is used twice in process '",
                                                 proc.name(), "'; expected unique group names"));
        }
      }
      // Channels first: a wake may name a channel of a group declared later.
      std::vector<std::vector<std::string>> channels(proc.group_size());
      for (int gi = 0; gi < proc.group_size(); ++gi) {
        channels[gi].push_back("");
        for (int ci = 0; ci < proc.group(gi).channel_size(); ++ci) {
          const std::string& name = proc.group(gi).channel(ci);
          const std::string cp = absl::StrCat(pp, ".group[", gi, "].channel[", ci, "]");
          if (name.empty())
            return Fail(cp, "is empty; expected a name (the default channel needs no declaration)");
          for (const std::string& seen : channels[gi]) {
            if (seen == name)
              return Fail(cp, absl::StrCat("'", name,
                                           "' is declared twice; expected unique channel names"));
          }
          channels[gi].push_back(name);
        }
      }
      std::vector<absl::flat_hash_set<int32_t>> waited(proc.group_size());
      bool any_start = false;
      for (int gi = 0; gi < proc.group_size(); ++gi) {
        const auto& g = proc.group(gi);
        const std::string gp = absl::StrCat(pp, ".group[", gi, "]");
        CompiledGroup cg;
        cg.name = g.name();
        if (g.count() < 0) return Fail(gp + ".count", "expected >= 0 (0 means 1)");
        cg.count = g.count() == 0 ? 1 : g.count();
        if (g.nice() < -20 || g.nice() > 19)
          return Fail(gp + ".nice", absl::StrCat(g.nice(), " is outside -20..19"));
        cg.nice = g.nice();
        cg.affinity = g.affinity();
        // Syntax only here (the machine is not known yet; the simulator checks the CPUs exist).
        if (auto s = ParseCpuList(g.affinity(), kMaxSpecCpus,
                                  absl::StrCat(file_, ": ", gp, ".affinity"));
            !s.ok()) {
          return s.status();
        }
        switch (g.working_set()) {
          case workload::WS_TINY:
            cg.working_set = WorkingSet::kTiny;
            break;
          case workload::WS_MEDIUM:
            cg.working_set = WorkingSet::kMedium;
            break;
          case workload::WS_LARGE:
            cg.working_set = WorkingSet::kLarge;
            break;
          default:
            cg.working_set = WorkingSet::kSmall;
            break;
        }
        if (g.has_start()) {
          SCX_RETURN_IF_ERROR(CheckDist(g.start(), gp + ".start"));
          cg.start = &g.start();
        }
        cg.on_fork = g.on_fork();
        cg.halt_poll = g.halt_poll();
        cg.per_cpu = g.per_cpu();
        if (cg.per_cpu && (cg.on_fork || !g.affinity().empty())) {
          return Fail(gp + ".per_cpu",
                      "is set with on_fork or affinity; expected neither (a per-CPU group has one "
                      "task pinned to each CPU)");
        }
        SCX_RETURN_IF_ERROR(CompilePolicy(g, gp, &cg));
        SCX_ASSIGN_OR_RETURN(cg.cgroup, FindCgroup(g.cgroup(), gp + ".cgroup"));
        if (!cg.on_fork) any_start = true;
        if (g.program_size() == 0)
          return Fail(gp + ".program", "is empty; expected at least one op");
        cg.channels = channels[gi];
        if (auto s = CompileOps(g.program(), gp + ".program", proc, groups, channels, gi, &waited,
                                &cg.program, &cg.op_paths);
            !s.ok()) {
          return s;
        }
        cp.groups.push_back(std::move(cg));
      }
      // A declared channel nobody waits on would only pile up wakes: a spec error.
      for (int gi = 0; gi < proc.group_size(); ++gi) {
        for (size_t ci = 1; ci < channels[gi].size(); ++ci) {
          if (!waited[gi].contains(static_cast<int32_t>(ci))) {
            return Fail(absl::StrCat(pp, ".group[", gi, "].channel[", ci - 1, "]"),
                        absl::StrCat("'", channels[gi][ci], "' is never waited on by group '",
                                     proc.group(gi).name(), "'; expected a `wait_on { channel: \"",
                                     channels[gi][ci], "\" }` in its program"));
          }
        }
      }
      if (!any_start)
        return Fail(pp + ".group",
                    "every group is on_fork; expected one that starts with the process");
      spec->processes.push_back(std::move(cp));
    }
    return absl::OkStatus();
  }

 private:
  const std::string& file_;
  absl::flat_hash_map<std::string, int32_t> cgroup_index_;  // declared paths (not the root)
};

}  // namespace

const char* OpName(const CompiledOp& op) {
  switch (op.kind) {
    case CompiledOp::kRun:
      return "run";
    case CompiledOp::kSleep:
      return "sleep";
    case CompiledOp::kWake:
      return "wake";
    case CompiledOp::kWait:
      return "wait";
    case CompiledOp::kFork:
      return "fork";
    case CompiledOp::kExit:
      return "exit";
    case CompiledOp::kLoopBegin:
    case CompiledOp::kLoopEnd:
      return "loop";
    case CompiledOp::kYield:
      return "yield";
    case CompiledOp::kUserHalf:
      return "user_half";
    case CompiledOp::kSetAffinity:
      return "set_affinity";
    case CompiledOp::kSetNice:
      return "set_nice";
    case CompiledOp::kMoveToCgroup:
      return "move_to_cgroup";
    case CompiledOp::kSetCgroupWeight:
      return "set_cgroup_weight";
  }
  return "?";
}

absl::StatusOr<CpuSet> ParseCpuList(absl::string_view list, int nr_cpus, absl::string_view where) {
  CpuSet set(nr_cpus, list.empty());
  if (list.empty()) return set;
  for (absl::string_view part : absl::StrSplit(list, ',')) {
    part = absl::StripAsciiWhitespace(part);
    std::pair<absl::string_view, absl::string_view> r =
        absl::StrSplit(part, absl::MaxSplits('-', 1));
    int lo = 0, hi = 0;
    if (!absl::SimpleAtoi(r.first, &lo) || lo < 0 ||
        !absl::SimpleAtoi(r.second.empty() ? r.first : r.second, &hi) || hi < lo) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": '", part, "' in '", list,
                       "' is not a CPU or range; expected a list like \"0-3,8\""));
    }
    if (hi >= nr_cpus) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": CPU ", hi, " in '", list, "' does not exist; expected CPUs 0..", nr_cpus - 1));
    }
    for (int c = lo; c <= hi; ++c) set.Set(c);
  }
  return set;
}

absl::StatusOr<std::unique_ptr<WorkloadSpec>> ParseWorkload(absl::string_view text,
                                                            const std::string& file,
                                                            const ParamOverrides& overrides) {
  auto spec = std::make_unique<WorkloadSpec>();
  spec->file = file;
  google::protobuf::TextFormat::Parser parser;
  FirstError errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &spec->proto)) {
    return absl::InvalidArgumentError(absl::StrCat(
        file, ": ", errors.msg(), "; expected the text format of scxtwin.workload.Workload"));
  }
  SCX_ASSIGN_OR_RETURN(auto params, ResolveParams(&spec->proto, overrides, file));
  spec->params = std::move(params);
  Compiler c(file);
  SCX_RETURN_IF_ERROR(c.Compile(spec.get()));
  return spec;
}

absl::StatusOr<std::unique_ptr<WorkloadSpec>> LoadWorkloadFile(const std::string& path,
                                                               const ParamOverrides& overrides) {
  std::ifstream in(path);
  if (!in)
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot open; expected a readable .textpb workload file"));
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseWorkload(ss.str(), path, overrides);
}

absl::Status AddBackground(WorkloadSpec* spec, std::unique_ptr<WorkloadSpec> background) {
  if (background->cgroups.size() > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--background ", background->file,
                     ": declares cgroups; expected a background whose tasks are in the root one"));
  }
  for (CompiledProcess& p : background->processes) {
    for (const CompiledProcess& q : spec->processes) {
      if (q.name == p.name) {
        return absl::InvalidArgumentError(absl::StrCat("--background ", background->file,
                                                       ": process '", p.name, "' is also in ",
                                                       spec->file, "; expected distinct names"));
      }
    }
    p.background = true;
    spec->processes.push_back(std::move(p));
  }
  background->processes.clear();
  spec->background.push_back(std::move(background));
  return absl::OkStatus();
}

}  // namespace scxtwin::sim
