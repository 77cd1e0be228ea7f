#include "sim/run/class_registry.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "sim/core/fifo_class.h"
#include "sim/fair/fair_class.h"
#include "sim/fair/fair_knobs.h"

namespace scxtwin::sim {
namespace {

// The fair class (sim/fair): EEVDF with the kernel's load balancing; knobs from fair_knobs.h.
class FairRunClass final : public RunClass {
 public:
  std::string name() const override { return kFairPolicyName; }
  std::string Describe() const override {
    std::string out = absl::StrCat(name(), " (the simulator's fair class, EEVDF)\n  knobs:\n");
    for (const std::string& kv : fair::DescribeFairKnobs(fair::FairParams())) {
      const size_t eq = kv.find('=');
      absl::StrAppend(&out, "    ", kv.substr(0, eq), " (default ", kv.substr(eq + 1), ")\n");
    }
    return out;
  }
  std::vector<std::string> KnobNames() const override {
    std::vector<std::string> names;
    for (const std::string& kv : fair::DescribeFairKnobs(fair::FairParams())) {
      names.push_back(kv.substr(0, kv.find('=')));
    }
    return names;
  }
  absl::Status SetKnob(const std::string& key, const std::string& value) override {
    const absl::Status s = fair::SetFairKnob(&params_, key, value);
    if (s.ok()) return s;
    return absl::InvalidArgumentError(absl::StrCat("--set ", key, "=", value, ": ", s.message()));
  }
  absl::StatusOr<SchedClass*> Build(const ClassBuildOptions&) override {
    class_ = std::make_unique<fair::FairClass>(params_);
    return class_.get();
  }
  const fair::FairClass* fair() const override { return class_.get(); }

 private:
  fair::FairParams params_;
  std::unique_ptr<fair::FairClass> class_;
};

// A plain FIFO (core/fifo_class.h), a test class without knobs.
class FifoRunClass final : public RunClass {
 public:
  std::string name() const override { return kFifoPolicyName; }
  std::string Describe() const override {
    return absl::StrCat(name(), " (a built-in test class)\n  knobs: none\n");
  }
  std::vector<std::string> KnobNames() const override { return {}; }
  absl::Status SetKnob(const std::string& key, const std::string& value) override {
    return absl::InvalidArgumentError(
        absl::StrCat("--set ", key, "=", value,
                     ": the built-in class 'fifo' has no knobs; expected cost.NAME=V"));
  }
  absl::StatusOr<SchedClass*> Build(const ClassBuildOptions&) override {
    class_ = std::make_unique<FifoClass>();
    return class_.get();
  }

 private:
  std::unique_ptr<FifoClass> class_;
};

template <typename T>
std::unique_ptr<RunClass> Make() {
  return std::make_unique<T>();
}

}  // namespace

const std::vector<BuiltinClass>& BuiltinClasses() {
  static const std::vector<BuiltinClass> classes = {
      {kFairPolicyName, &Make<FairRunClass>},
      {kFifoPolicyName, &Make<FifoRunClass>},
  };
  return classes;
}

absl::StatusOr<std::unique_ptr<RunClass>> MakeRunClass(const std::string& policy,
                                                       const ClassSetup& setup) {
  for (const BuiltinClass& c : BuiltinClasses()) {
    if (policy == c.name) return c.make();
  }
  return MakeExtRunClass(policy, setup);
}

}  // namespace scxtwin::sim
