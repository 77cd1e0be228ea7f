#include "workloads/runner/plan_writer.h"

#include "absl/strings/str_cat.h"

namespace scxtwin::runner {
namespace {

PlanDist FromDist(const workload::Dist* d) {
  PlanDist out;
  if (d == nullptr) return out;
  switch (d->kind_case()) {
    case workload::Dist::kFixedNs:
      out.kind = PlanDist::kFixed;
      out.a = d->fixed_ns();
      break;
    case workload::Dist::kUniform:
      out.kind = PlanDist::kUniform;
      out.a = d->uniform().min_ns();
      out.b = d->uniform().max_ns();
      break;
    case workload::Dist::kExponential:
      out.kind = PlanDist::kExponential;
      out.a = d->exponential().mean_ns();
      break;
    case workload::Dist::kLognormal:
      out.kind = PlanDist::kLogNormal;
      out.a = d->lognormal().median_ns();
      out.sigma = d->lognormal().sigma();
      out.b = d->lognormal().max_ns();
      break;
    case workload::Dist::kEmpirical:
      out.kind = PlanDist::kEmpirical;
      out.samples.assign(d->empirical().sample_ns().begin(), d->empirical().sample_ns().end());
      break;
    case workload::Dist::KIND_NOT_SET:
      break;
  }
  return out;
}

}  // namespace

absl::Status CheckRunnable(const sim::WorkloadSpec& spec) {
  // The runner's threads stay in the cgroup it was started in: it creates and moves none.
  if (spec.proto.cgroup_size() > 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(spec.file, ": cgroup[0]: '", spec.proto.cgroup(0).path(),
                     "': cgroups are simulator-only; expected a spec without `cgroup` for the "
                     "VM runner (its threads stay in the runner's cgroup)"));
  }
  for (const sim::CompiledProcess& cp : spec.processes) {
    for (const sim::CompiledGroup& cg : cp.groups) {
      for (size_t i = 0; i < cg.program.size(); ++i) {
        const sim::CompiledOp& op = cg.program[i];
        // set_affinity / set_nice address other tasks by group member, which the VM runner's
        // plan has no way to name yet; cgroups would move the runner's threads out of its own
        // cgroup: refused like the simulator-only ops.
        if (op.kind == sim::CompiledOp::kYield || op.kind == sim::CompiledOp::kUserHalf ||
            op.kind == sim::CompiledOp::kSetAffinity || op.kind == sim::CompiledOp::kSetNice ||
            op.kind == sim::CompiledOp::kMoveToCgroup ||
            op.kind == sim::CompiledOp::kSetCgroupWeight) {
          return absl::InvalidArgumentError(absl::StrCat(
              spec.file, ": ", cg.op_paths[i], ": ", sim::OpName(op),
              " is simulator-only; expected a spec of run, sleep, wake, wait, wait_on, fork, "
              "exit and loop ops for the VM runner"));
        }
      }
    }
  }
  return absl::OkStatus();
}

Plan PlanFromSpec(const sim::WorkloadSpec& spec) {
  Plan plan;
  plan.workload = spec.proto.name();
  plan.duration_ns = spec.proto.duration_ns();
  for (const sim::ParamValue& p : spec.params) plan.params.emplace_back(p.name, p.value);
  for (const sim::CompiledProcess& cp : spec.processes) {
    PlanProcess& p = plan.processes.emplace_back();
    p.name = cp.name;
    p.instances = cp.instances;
    p.poisson = cp.poisson;
    p.at_ns = cp.at_ns;
    p.poisson_mean_gap_ns = cp.poisson_mean_gap_ns;
    for (const sim::CompiledGroup& cg : cp.groups) {
      PlanGroup& g = p.groups.emplace_back();
      g.name = cg.name;
      g.count = cg.count;
      g.nice = cg.nice;
      g.affinity = cg.affinity;
      g.policy = static_cast<int>(cg.policy);
      g.rt_priority = cg.rt_priority;
      g.on_fork = cg.on_fork;
      g.channels = static_cast<int>(cg.channels.size());
      g.start = FromDist(cg.start);
      for (const sim::CompiledOp& co : cg.program) {
        PlanOp& op = g.program.emplace_back();
        op.kind = static_cast<PlanOp::Kind>(co.kind);
        op.dist = FromDist(co.kind == sim::CompiledOp::kWake ? co.handler : co.dist);
        op.group = co.group;
        op.pick = static_cast<int>(co.pick);
        op.index = co.index;
        op.count = co.count;
        op.jump = co.jump;
        op.channel = co.channel;
        op.ack = co.ack;
        op.acks = co.acks;
        op.spin = co.spin;
      }
    }
  }
  return plan;
}

}  // namespace scxtwin::runner
