#include "workloads/runner/plan.h"

#include <cstdio>
#include <sstream>

namespace scxtwin::runner {
namespace {

void PutDist(std::ostream& os, const PlanDist& d) {
  char sigma[64];
  switch (d.kind) {
    case PlanDist::kNone:
      os << " none";
      break;
    case PlanDist::kFixed:
      os << " fixed " << d.a;
      break;
    case PlanDist::kUniform:
      os << " uniform " << d.a << " " << d.b;
      break;
    case PlanDist::kExponential:
      os << " exp " << d.a;
      break;
    case PlanDist::kLogNormal:
      std::snprintf(sigma, sizeof sigma, "%.17g", d.sigma);
      os << " lognormal " << d.a << " " << sigma << " " << d.b;
      break;
    case PlanDist::kEmpirical:
      os << " empirical " << d.samples.size();
      for (int64_t s : d.samples) os << " " << s;
      break;
  }
}

bool GetDist(std::istream& in, PlanDist* d) {
  std::string kind;
  if (!(in >> kind)) return false;
  if (kind == "none")
    d->kind = PlanDist::kNone;
  else if (kind == "fixed") {
    d->kind = PlanDist::kFixed;
    return static_cast<bool>(in >> d->a);
  } else if (kind == "uniform") {
    d->kind = PlanDist::kUniform;
    return static_cast<bool>(in >> d->a >> d->b);
  } else if (kind == "exp") {
    d->kind = PlanDist::kExponential;
    return static_cast<bool>(in >> d->a);
  } else if (kind == "lognormal") {
    d->kind = PlanDist::kLogNormal;
    return static_cast<bool>(in >> d->a >> d->sigma >> d->b);
  } else if (kind == "empirical") {
    d->kind = PlanDist::kEmpirical;
    size_t n = 0;
    if (!(in >> n) || n == 0) return false;
    d->samples.resize(n);
    for (int64_t& s : d->samples)
      if (!(in >> s)) return false;
  } else {
    return false;
  }
  return true;
}

const char* const kOpNames[] = {"run", "sleep", "wake", "wait", "fork", "exit", "loop", "end"};
// By workload.proto TaskGroup.Policy value.
const char* const kPolicyNames[] = {"NORMAL", "EXT", "FIFO", "RR"};

}  // namespace

std::string FormatPlan(const Plan& plan) {
  std::ostringstream os;
  os << "scxtwin-plan 1\nworkload " << plan.workload << "\nduration_ns " << plan.duration_ns
     << "\n";
  for (const auto& [name, value] : plan.params) {
    char v[64];
    std::snprintf(v, sizeof v, "%.17g", value);
    os << "param " << name << " " << v << "\n";
  }
  for (const PlanProcess& p : plan.processes) {
    os << "process " << p.name << " " << p.instances << " " << (p.poisson ? "poisson " : "at ")
       << (p.poisson ? p.poisson_mean_gap_ns : p.at_ns) << "\n";
    for (const PlanGroup& g : p.groups) {
      os << "group " << g.name << " " << g.count << " " << g.nice << " "
         << (g.affinity.empty() ? "-" : g.affinity) << " " << (g.on_fork ? 1 : 0) << " "
         << g.channels;
      PutDist(os, g.start);
      os << "\n";
      if (g.policy != 0) os << "policy " << kPolicyNames[g.policy] << " " << g.rt_priority << "\n";
      for (const PlanOp& op : g.program) {
        os << "op " << kOpNames[op.kind];
        switch (op.kind) {
          case PlanOp::kRun:
          case PlanOp::kSleep:
            PutDist(os, op.dist);
            break;
          case PlanOp::kWake:
            os << " " << op.group << " " << op.pick << " " << op.index << " " << op.channel << " "
               << op.ack;
            PutDist(os, op.dist);
            break;
          case PlanOp::kWait:
            os << " " << op.channel << " " << op.count << " " << op.acks << " " << op.spin;
            break;
          case PlanOp::kFork:
            os << " " << op.group << " " << op.count;
            break;
          case PlanOp::kExit:
            break;
          case PlanOp::kLoopBegin:
            os << " " << op.count << " " << op.jump;
            break;
          case PlanOp::kLoopEnd:
            os << " " << op.jump;
            break;
        }
        os << "\n";
      }
    }
  }
  return os.str();
}

bool ReadPlan(std::istream& in, Plan* plan, std::string* error) {
  std::string line;
  int lineno = 0;
  auto fail = [&](const std::string& what) {
    *error = "line " + std::to_string(lineno) + ": " + what + " (got '" + line + "')";
    return false;
  };
  PlanProcess* proc = nullptr;
  PlanGroup* group = nullptr;
  bool header = false;
  while (std::getline(in, line)) {
    ++lineno;
    std::istringstream ls(line);
    std::string word;
    if (!(ls >> word)) continue;
    if (!header) {
      int version = 0;
      if (word != "scxtwin-plan" || !(ls >> version) || version != 1)
        return fail("expected 'scxtwin-plan 1'");
      header = true;
    } else if (word == "workload") {
      if (!(ls >> plan->workload)) return fail("expected workload NAME");
    } else if (word == "duration_ns") {
      if (!(ls >> plan->duration_ns) || plan->duration_ns < 0)
        return fail("expected duration_ns NS >= 0");
    } else if (word == "param") {
      std::pair<std::string, double> p;
      if (!(ls >> p.first >> p.second)) return fail("expected param NAME VALUE");
      plan->params.push_back(p);
    } else if (word == "process") {
      plan->processes.emplace_back();
      proc = &plan->processes.back();
      group = nullptr;
      std::string arrival;
      int64_t v = 0;
      if (!(ls >> proc->name >> proc->instances >> arrival >> v) || proc->instances < 1 ||
          (arrival != "at" && arrival != "poisson")) {
        return fail("expected process NAME INSTANCES at|poisson NS");
      }
      proc->poisson = arrival == "poisson";
      (proc->poisson ? proc->poisson_mean_gap_ns : proc->at_ns) = v;
    } else if (word == "group") {
      if (proc == nullptr) return fail("a group before any process");
      proc->groups.emplace_back();
      group = &proc->groups.back();
      int on_fork = 0;
      if (!(ls >> group->name >> group->count >> group->nice >> group->affinity >> on_fork >>
            group->channels) ||
          !GetDist(ls, &group->start) || group->channels < 1) {
        return fail("expected group NAME COUNT NICE AFFINITY ON_FORK CHANNELS START");
      }
      if (group->affinity == "-") group->affinity.clear();
      group->on_fork = on_fork != 0;
    } else if (word == "policy") {
      if (group == nullptr) return fail("a policy before any group");
      std::string name;
      int p = 1;
      if (ls >> name) {
        while (p < 4 && name != kPolicyNames[p]) ++p;
      }
      // FIFO and RR need a priority in 1..99, EXT none (sched_setscheduler's rule).
      if (p == 4 || !(ls >> group->rt_priority) ||
          (p >= 2) != (group->rt_priority >= 1 && group->rt_priority <= 99)) {
        return fail("expected policy EXT 0 | policy FIFO|RR PRIORITY (1..99)");
      }
      group->policy = p;
    } else if (word == "op") {
      if (group == nullptr) return fail("an op before any group");
      PlanOp op;
      std::string kind;
      ls >> kind;
      int k = 0;
      while (k < 8 && kind != kOpNames[k]) ++k;
      if (k == 8) return fail("expected an op kind: run, sleep, wake, wait, fork, exit, loop, end");
      op.kind = static_cast<PlanOp::Kind>(k);
      bool ok = true;
      switch (op.kind) {
        case PlanOp::kRun:
        case PlanOp::kSleep:
          ok = GetDist(ls, &op.dist) && op.dist.kind != PlanDist::kNone;
          break;
        case PlanOp::kWake:
          ok = static_cast<bool>(ls >> op.group >> op.pick >> op.index >> op.channel >> op.ack) &&
               GetDist(ls, &op.dist);
          break;
        case PlanOp::kWait: {
          int acks = 0, spin = 0;
          ok = static_cast<bool>(ls >> op.channel >> op.count >> acks >> spin);
          op.acks = acks != 0;
          op.spin = spin != 0;
          break;
        }
        case PlanOp::kFork:
          ok = static_cast<bool>(ls >> op.group >> op.count);
          break;
        case PlanOp::kExit:
          break;
        case PlanOp::kLoopBegin:
          ok = static_cast<bool>(ls >> op.count >> op.jump);
          break;
        case PlanOp::kLoopEnd:
          ok = static_cast<bool>(ls >> op.jump);
          break;
      }
      if (!ok) return fail("bad operands for op " + kind);
      group->program.push_back(op);
    } else {
      return fail("expected workload, duration_ns, param, process, group or op");
    }
  }
  if (!header) {
    *error = "empty plan; expected 'scxtwin-plan 1'";
    return false;
  }
  // Indices must point inside the plan: the runner trusts them.
  for (const PlanProcess& p : plan->processes) {
    for (const PlanGroup& g : p.groups) {
      const int n = static_cast<int>(g.program.size());
      for (const PlanOp& op : g.program) {
        const bool bad_group = (op.kind == PlanOp::kWake || op.kind == PlanOp::kFork) &&
                               (op.group < 0 || op.group >= static_cast<int>(p.groups.size()));
        const bool bad_jump = (op.kind == PlanOp::kLoopBegin || op.kind == PlanOp::kLoopEnd) &&
                              (op.jump < 0 || op.jump > n);
        const bool bad_channel =
            (op.kind == PlanOp::kWait && (op.channel < 0 || op.channel >= g.channels));
        if (bad_group || bad_jump || bad_channel) {
          *error = "process " + p.name + " group " + g.name +
                   ": an op names a group, jump or channel outside the plan";
          return false;
        }
      }
    }
  }
  return true;
}

}  // namespace scxtwin::runner
