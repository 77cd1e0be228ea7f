#include "sim/workload/params.h"

#include <cmath>
#include <limits>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"

namespace scxtwin::sim {
namespace {

using workload::Dist;
using workload::Op;
using workload::ParamRef;

bool IsWhole(double v) { return std::isfinite(v) && std::fabs(v - std::round(v)) < 1e-9; }

std::string Num(double v) {
  return IsWhole(v) ? absl::StrCat(static_cast<int64_t>(std::llround(v)))
                    : absl::StrFormat("%g", v);
}

class Resolver {
 public:
  explicit Resolver(const std::string& file) : file_(file) {}

  absl::Status Fail(const std::string& path, const std::string& what) const {
    return absl::InvalidArgumentError(absl::StrCat(file_, ": ", path, ": ", what));
  }

  // A value for param `p` (declaration `decl`) is within its bounds and whole if it must be.
  static std::string CheckValue(const workload::Param& p, double v) {
    if (!std::isfinite(v)) return "is not a finite number";
    if (p.integer() && !IsWhole(v))
      return absl::StrCat(Num(v), " is not a whole number; expected an integer");
    if (p.has_min() && v < p.min())
      return absl::StrCat(Num(v), " is below the minimum ", Num(p.min()));
    if (p.has_max() && v > p.max())
      return absl::StrCat(Num(v), " is above the maximum ", Num(p.max()));
    return "";
  }

  absl::Status Declare(const workload::Workload& w) {
    for (int i = 0; i < w.param_size(); ++i) {
      const workload::Param& p = w.param(i);
      const std::string path = absl::StrCat("param[", i, "]");
      if (p.name().empty()) return Fail(path + ".name", "is empty; expected a name");
      if (!index_.emplace(p.name(), i).second) {
        return Fail(
            path + ".name",
            absl::StrCat("'", p.name(), "' is declared twice; expected unique param names"));
      }
      if (p.has_min() && p.has_max() && p.max() < p.min()) {
        return Fail(path + ".max",
                    absl::StrCat(Num(p.max()), " < min ", Num(p.min()), "; expected max >= min"));
      }
      if (std::string e = CheckValue(p, p.default_value()); !e.empty()) {
        return Fail(path + ".default_value", absl::StrCat("param '", p.name(), "': ", e));
      }
      names_.push_back(p.name());
      decls_.push_back(&p);
      values_.push_back(p.default_value());
    }
    return absl::OkStatus();
  }

  std::string Known() const {
    return names_.empty() ? "the spec declares no params"
                          : absl::StrCat("expected one of: ", absl::StrJoin(names_, ", "));
  }

  absl::Status Override(const std::string& name, const std::string& text) {
    const std::string what = absl::StrCat("--param ", name, "=", text);
    auto it = index_.find(name);
    if (it == index_.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": workload ", file_, " has no param '", name, "'; ", Known()));
    }
    double v = 0;
    if (!absl::SimpleAtod(text, &v))
      return absl::InvalidArgumentError(absl::StrCat(what, ": '", text, "' is not a number"));
    const workload::Param& p = *decls_[it->second];
    if (std::string e = CheckValue(p, v); !e.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(what, ": ", e, " (param '", name, "' of ",
                                                     file_, p.doc().empty() ? "" : ": ", p.doc(),
                                                     ")"));
    }
    values_[it->second] = v;
    return absl::OkStatus();
  }

  absl::StatusOr<double> Value(const std::string& name, const std::string& path) const {
    auto it = index_.find(name);
    if (it == index_.end())
      return Fail(path, absl::StrCat("'", name, "' is not a declared param; ", Known()));
    return values_[it->second];
  }

  absl::StatusOr<double> Ref(const ParamRef& r, const std::string& path) const {
    SCX_ASSIGN_OR_RETURN(auto v, Value(r.name(), path + ".name"));
    return v * (r.multiply() == 0 ? 1.0 : r.multiply()) + r.add();
  }

  // A count from a reference: a whole number in [lo, max_count].
  absl::StatusOr<int64_t> Count(const ParamRef& r, const std::string& path, int64_t lo,
                                int64_t max_count) const {
    SCX_ASSIGN_OR_RETURN(auto v, Ref(r, path));
    if (!IsWhole(v) || v < static_cast<double>(lo) || v > static_cast<double>(max_count)) {
      return Fail(path, absl::StrCat("param '", r.name(), "' gives ", Num(v),
                                     "; expected a whole number in ", lo, "..", max_count));
    }
    return static_cast<int64_t>(std::llround(v));
  }

  absl::Status ScaleDist(Dist* d, const std::string& path) const {
    if (d->scale_param().empty()) return absl::OkStatus();
    SCX_ASSIGN_OR_RETURN(auto s, Value(d->scale_param(), path + ".scale_param"));
    if (s < 0) {
      return Fail(path + ".scale_param", absl::StrCat("param '", d->scale_param(), "' is ", Num(s),
                                                      "; expected a scale >= 0"));
    }
    auto scale = [&](int64_t ns) {
      return static_cast<int64_t>(std::llround(static_cast<double>(ns) * s));
    };
    switch (d->kind_case()) {
      case Dist::kFixedNs:
        d->set_fixed_ns(scale(d->fixed_ns()));
        break;
      case Dist::kUniform:
        d->mutable_uniform()->set_min_ns(scale(d->uniform().min_ns()));
        d->mutable_uniform()->set_max_ns(scale(d->uniform().max_ns()));
        break;
      case Dist::kExponential:
        d->mutable_exponential()->set_mean_ns(scale(d->exponential().mean_ns()));
        break;
      case Dist::kLognormal:
        d->mutable_lognormal()->set_median_ns(scale(d->lognormal().median_ns()));
        d->mutable_lognormal()->set_max_ns(scale(d->lognormal().max_ns()));
        break;
      case Dist::kEmpirical:
        for (int i = 0; i < d->empirical().sample_ns_size(); ++i) {
          d->mutable_empirical()->set_sample_ns(i, scale(d->empirical().sample_ns(i)));
        }
        break;
      case Dist::KIND_NOT_SET:
        break;  // the compiler reports it
    }
    d->clear_scale_param();
    return absl::OkStatus();
  }

  absl::Status Ops(google::protobuf::RepeatedPtrField<Op>* ops, const std::string& path) const {
    // Paths keep the spec's own indices (as written), though left-out ops shift later ones.
    int written = 0;
    for (int i = 0; i < ops->size(); ++written) {
      Op* op = ops->Mutable(i);
      const std::string p = absl::StrCat(path, "[", written, "]");
      bool drop = false;
      if (op->has_run()) {
        SCX_RETURN_IF_ERROR(ScaleDist(op->mutable_run(), p + ".run"));
      } else if (op->has_sleep()) {
        SCX_RETURN_IF_ERROR(ScaleDist(op->mutable_sleep(), p + ".sleep"));
      } else if (op->has_fork() && op->fork().has_count_param()) {
        SCX_ASSIGN_OR_RETURN(auto n, Count(op->fork().count_param(), p + ".fork.count_param", 0,
                                           std::numeric_limits<int32_t>::max()));
        op->mutable_fork()->set_count(static_cast<int32_t>(n));
        op->mutable_fork()->clear_count_param();
        drop = n == 0;
      } else if (op->has_wake() && op->wake().has_handler()) {
        SCX_RETURN_IF_ERROR(ScaleDist(op->mutable_wake()->mutable_handler(), p + ".wake.handler"));
      } else if (op->has_wait_on() && op->wait_on().has_count_param()) {
        SCX_ASSIGN_OR_RETURN(auto n, Count(op->wait_on().count_param(), p + ".wait_on.count_param",
                                           0, std::numeric_limits<int32_t>::max()));
        op->mutable_wait_on()->set_count(n);
        op->mutable_wait_on()->clear_count_param();
        drop = n == 0;
      } else if (op->has_loop()) {
        if (op->loop().has_count_param()) {
          SCX_ASSIGN_OR_RETURN(auto n, Count(op->loop().count_param(), p + ".loop.count_param", 0,
                                             std::numeric_limits<int64_t>::max() / 2));
          op->mutable_loop()->set_count(n);
          op->mutable_loop()->clear_count_param();
          drop = n == 0;
        }
        const bool had_body = op->loop().body_size() > 0;
        SCX_RETURN_IF_ERROR(Ops(op->mutable_loop()->mutable_body(), p + ".loop.body"));
        // A loop whose every op was left out is left out too (the compiler rejects an empty
        // body only when the spec wrote one).
        if (had_body && op->loop().body_size() == 0) drop = true;
      }
      if (drop) {
        ops->DeleteSubrange(i, 1);
      } else {
        ++i;
      }
    }
    return absl::OkStatus();
  }

  absl::Status Substitute(workload::Workload* w) const {
    for (int pi = 0; pi < w->process_size(); ++pi) {
      workload::Process* proc = w->mutable_process(pi);
      const std::string pp = absl::StrCat("process[", pi, "]");
      if (proc->has_instances_param()) {
        SCX_ASSIGN_OR_RETURN(auto n, Count(proc->instances_param(), pp + ".instances_param", 1,
                                           std::numeric_limits<int32_t>::max()));
        proc->set_instances(static_cast<int32_t>(n));
        proc->clear_instances_param();
      }
      workload::Arrival* a = proc->mutable_arrival();
      if (a->has_poisson_mean_gap_param()) {
        SCX_ASSIGN_OR_RETURN(
            auto gap, Ref(a->poisson_mean_gap_param(), pp + ".arrival.poisson_mean_gap_param"));
        if (gap < 0) {
          return Fail(
              pp + ".arrival.poisson_mean_gap_param",
              absl::StrCat("param '", a->poisson_mean_gap_param().name(), "' gives ", Num(gap),
                           "; expected a gap >= 0 ns (0: every instance at once)"));
        }
        const int64_t ns = std::llround(gap);
        if (ns > 0) {
          a->set_poisson_mean_gap_ns(ns);
        } else {
          a->set_at_ns(a->at_ns());
        }
        a->clear_poisson_mean_gap_param();
      }
      for (int gi = 0; gi < proc->group_size(); ++gi) {
        workload::TaskGroup* g = proc->mutable_group(gi);
        const std::string gp = absl::StrCat(pp, ".group[", gi, "]");
        if (g->has_count_param()) {
          SCX_ASSIGN_OR_RETURN(auto n, Count(g->count_param(), gp + ".count_param", 1,
                                             std::numeric_limits<int32_t>::max()));
          g->set_count(static_cast<int32_t>(n));
          g->clear_count_param();
        }
        if (g->has_start()) {
          SCX_RETURN_IF_ERROR(ScaleDist(g->mutable_start(), gp + ".start"));
        }
        SCX_RETURN_IF_ERROR(Ops(g->mutable_program(), gp + ".program"));
      }
    }
    return absl::OkStatus();
  }

  std::vector<ParamValue> Values() const {
    std::vector<ParamValue> out;
    for (size_t i = 0; i < names_.size(); ++i) out.push_back({names_[i], values_[i]});
    return out;
  }

 private:
  const std::string& file_;
  absl::flat_hash_map<std::string, int> index_;
  std::vector<std::string> names_;
  std::vector<const workload::Param*> decls_;
  std::vector<double> values_;
};

}  // namespace

absl::StatusOr<std::vector<ParamValue>> ResolveParams(workload::Workload* w,
                                                      const ParamOverrides& overrides,
                                                      const std::string& file) {
  Resolver r(file);
  SCX_RETURN_IF_ERROR(r.Declare(*w));
  for (const auto& [name, value] : overrides) {
    SCX_RETURN_IF_ERROR(r.Override(name, value));
  }
  SCX_RETURN_IF_ERROR(r.Substitute(w));
  return r.Values();
}

std::string FormatParams(const std::vector<ParamValue>& params) {
  std::vector<std::string> parts;
  for (const ParamValue& p : params) parts.push_back(absl::StrCat(p.name, "=", Num(p.value)));
  return absl::StrJoin(parts, " ");
}

}  // namespace scxtwin::sim
