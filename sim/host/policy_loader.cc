#include "sim/host/policy_loader.h"

#include <dlfcn.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/set_value.h"
#include "base/status_macros.h"
#include "sim/host/code_address.h"
#include "sim/host/loader_defaults.h"

namespace scxtwin::host {
namespace {

// Copies `path` to a fresh temporary file (so dlopen maps a new instance); returns its name.
absl::StatusOr<std::string> PrivateCopy(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("policy object ", path, ": cannot open (", std::strerror(errno), ")"));
  }
  const char* dir = std::getenv("TMPDIR");
  std::string name = absl::StrCat(dir && *dir ? dir : "/tmp", "/scxtwin-policy-XXXXXX");
  std::vector<char> tmpl(name.begin(), name.end());
  tmpl.push_back('\0');
  const int fd = mkstemp(tmpl.data());
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("policy object ", path,
                                            ": cannot create a private copy in ", name, ": ",
                                            std::strerror(errno)));
  }
  close(fd);
  name = tmpl.data();
  std::ofstream out(name, std::ios::binary | std::ios::trunc);
  out << in.rdbuf();
  out.close();
  if (!out) {
    unlink(name.c_str());
    return absl::InternalError(absl::StrCat("policy object ", path, ": cannot write ", name));
  }
  return name;
}

struct Collected {
  std::vector<scxtwin_map_def> maps;
  std::vector<std::string> map_names;
  std::vector<std::pair<std::string, sched_ext_ops*>> ops;
  std::vector<Global> globals;
  std::vector<std::pair<std::string, scxtwin_syscall_prog_fn>> programs;
  std::vector<std::pair<uint32_t, KnobSpec>> knob_rows;  // (order, row)
  std::vector<std::pair<uint32_t, StatSpec>> stat_rows;  // (index in `stats`, row)
  std::vector<KconfigValue> kconfig;
};

// Does `v` fit a scalar of `size` bytes of kind `scalar`?
bool FitsScalar(int64_t v, uint64_t size, scxtwin_scalar scalar) {
  const int bits = static_cast<int>(size * 8);
  if (scalar == SCXTWIN_SCALAR_BOOL) return v == 0 || v == 1;
  if (bits >= 64) return true;
  if (scalar == SCXTWIN_SCALAR_SIGNED) {
    return v >= -(int64_t{1} << (bits - 1)) && v < (int64_t{1} << (bits - 1));
  }
  return v >= 0 && static_cast<uint64_t>(v) < (uint64_t{1} << bits);
}

// Writes a Kconfig value the way libbpf's loader does: "y"/"n" to a bool; "y"/"n"/"m" to an
// integer as a tristate (1/0/2); a number (decimal or 0x-hex) to an integer it fits; a quoted
// string to a char array (truncated to fit, NUL-terminated).
absl::Status WriteKconfigValue(const KconfigValue& k) {
  auto bad = [&k](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("extern ", k.name, " (__kconfig): value '", k.text, "' ", why));
  };
  if (k.size > SCXTWIN_KCONFIG_MAX_SIZE) {
    return absl::InvalidArgumentError(absl::StrCat("extern ", k.name, " (__kconfig): ", k.size,
                                                   " bytes; at most ", SCXTWIN_KCONFIG_MAX_SIZE,
                                                   " are supported"));
  }
  std::memset(k.addr, 0, k.size);
  const std::string& t = k.text;
  if (k.scalar == SCXTWIN_SCALAR_NONE) {  // a char array
    if (t.size() < 2 || t.front() != '"' || t.back() != '"') return bad("is not a string");
    std::string v;
    for (size_t i = 1; i + 1 < t.size(); ++i) {
      if (t[i] == '\\' && i + 2 < t.size()) ++i;
      v.push_back(t[i]);
    }
    std::memcpy(k.addr, v.data(), std::min<size_t>(v.size(), k.size > 0 ? k.size - 1 : 0));
    return absl::OkStatus();
  }
  int64_t v = 0;
  if (t == "y" || t == "n" || t == "m") {
    if (k.scalar == SCXTWIN_SCALAR_BOOL && t == "m") return bad("(a module) is not a bool value");
    v = t == "y" ? 1 : t == "m" ? 2 : 0;
  } else {
    errno = 0;
    char* end = nullptr;
    v = t[0] == '-' ? std::strtoll(t.c_str(), &end, 0)
                    : static_cast<int64_t>(std::strtoull(t.c_str(), &end, 0));
    if (t.empty() || errno == ERANGE || *end != '\0') return bad("is not a number");
  }
  if (!FitsScalar(v, k.size, k.scalar)) {
    return bad(absl::StrCat("does not fit its ", k.size * 8, "-bit type"));
  }
  std::memcpy(k.addr, &v, k.size);  // little-endian: the low bytes
  return absl::OkStatus();
}

// Parses `text` as the value of a scalar of `size` bytes and kind `scalar`, in the --set value
// grammar (base/set_value.h) with 0x-hex, as C code writes such a global's value.
absl::StatusOr<int64_t> ParseKnobValue(absl::string_view knob, absl::string_view text,
                                       uint64_t size, scxtwin_scalar scalar) {
  if (scalar == SCXTWIN_SCALAR_BOOL) {
    if (const std::optional<bool> b = ParseBoolValue(text)) return *b ? 1 : 0;
    return absl::InvalidArgumentError(
        absl::StrCat("knob ", knob, ": '", text, "' is not a bool (expected true/false/1/0)"));
  }
  if (text.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("knob ", knob, ": empty value (expected an integer)"));
  }
  const std::optional<WholeNumber> n = ParseWholeNumber(text, NumberBase::kDecimalOrHex);
  constexpr uint64_t kInt64MinMagnitude = uint64_t{1} << 63;
  const bool fits = n.has_value() && (n->negative ? n->magnitude <= kInt64MinMagnitude
                                                  : scalar != SCXTWIN_SCALAR_SIGNED ||
                                                        n->magnitude < kInt64MinMagnitude);
  if (!fits) {
    return absl::InvalidArgumentError(absl::StrCat("knob ", knob, ": '", text,
                                                   "' is not an integer of ", size * 8,
                                                   " bits (decimal or 0x-hex)"));
  }
  if (n->negative && scalar == SCXTWIN_SCALAR_UNSIGNED) {
    return absl::OutOfRangeError(
        absl::StrCat("knob ", knob, ": ", text, " is negative; the knob is unsigned"));
  }
  // Two's complement: an unsigned 64-bit value above INT64_MAX is stored as its bit pattern.
  return static_cast<int64_t>(n->negative ? ~n->magnitude + 1 : n->magnitude);
}

}  // namespace

absl::StatusOr<std::unique_ptr<PolicyInstance>> PolicyInstance::Load(const std::string& so_path,
                                                                     const LoadOptions& options) {
  if (options.nr_cpus < 1 || options.nr_cpus > SCXTWIN_MAX_CPUS) {
    return absl::InvalidArgumentError(absl::StrCat("policy ", so_path, ": nr_cpus ",
                                                   options.nr_cpus, " is not in [1, ",
                                                   SCXTWIN_MAX_CPUS, "]"));
  }
  SCX_ASSIGN_OR_RETURN(const std::string copy, PrivateCopy(so_path));
  void* handle = dlopen(copy.c_str(), RTLD_NOW | RTLD_LOCAL);
  const std::string dl_error = handle ? "" : dlerror();
  unlink(copy.c_str());  // the mapping stays; the name is not needed any more
  if (!handle) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy object ", so_path, ": cannot load: ", dl_error));
  }

  std::unique_ptr<PolicyInstance> self(new PolicyInstance());
  self->path_ = so_path;
  self->handle_ = handle;
  auto registry = reinterpret_cast<scxtwin_registry_fn>(dlsym(handle, SCXTWIN_REGISTRY_SYMBOL));
  self->set_api_ =
      reinterpret_cast<scxtwin_set_host_api_fn>(dlsym(handle, SCXTWIN_SET_HOST_API_SYMBOL));
  if (!registry || !self->set_api_) {
    return absl::InvalidArgumentError(absl::StrCat(
        "policy object ", so_path, ": not a host-mode policy (no ", SCXTWIN_REGISTRY_SYMBOL, "/",
        SCXTWIN_SET_HOST_API_SYMBOL, "; build it with host_policy() or build_host_policy.sh)"));
  }

  Dl_info info = {};
  if (dladdr(reinterpret_cast<void*>(self->set_api_), &info) != 0) {
    self->base_ = reinterpret_cast<uintptr_t>(info.dli_fbase);
  }

  const auto* built_for =
      static_cast<const uint32_t*>(dlsym(handle, SCXTWIN_HOST_API_VERSION_SYMBOL));
  if (!built_for || *built_for != SCXTWIN_HOST_API_VERSION) {
    return absl::FailedPreconditionError(absl::StrCat(
        "policy object ", so_path, " was built for host API version ",
        built_for ? absl::StrCat(*built_for) : std::string("(none)"), "; this simulator has ",
        SCXTWIN_HOST_API_VERSION, ": rebuild it (sim/host/build_host_policy.sh)"));
  }

  Collected got;
  scxtwin_registry_sink sink = {};
  sink.ctx = &got;
  sink.map = [](void* ctx, const scxtwin_map_def* def) {
    auto* c = static_cast<Collected*>(ctx);
    // A __weak map defined in several translation units is one map after linking.
    for (const scxtwin_map_def& seen : c->maps) {
      if (seen.addr == def->addr) return;
    }
    c->maps.push_back(*def);
    c->map_names.push_back(def->name);
  };
  sink.ops = [](void* ctx, const char* name, sched_ext_ops* ops) {
    static_cast<Collected*>(ctx)->ops.emplace_back(name, ops);
  };
  sink.global = [](void* ctx, const scxtwin_global_def* def) {
    Global g;
    g.name = def->name;
    g.addr = def->addr;
    g.size = def->size;
    g.section = static_cast<scxtwin_section>(def->section);
    g.scalar = static_cast<scxtwin_scalar>(def->scalar);
    auto* c = static_cast<Collected*>(ctx);
    for (const Global& seen : c->globals) {
      if (seen.addr == g.addr) return;  // one (__weak) global of several translation units
    }
    c->globals.push_back(std::move(g));
  };
  sink.prog = [](void* ctx, const char* name, scxtwin_syscall_prog_fn prog) {
    static_cast<Collected*>(ctx)->programs.emplace_back(name, prog);
  };
  sink.knob = [](void* ctx, const scxtwin_knob_spec_def* def) {
    static_cast<Collected*>(ctx)->knob_rows.emplace_back(
        def->order, KnobSpec{def->name, def->default_value, def->min, def->max, def->help});
  };
  sink.stat = [](void* ctx, const scxtwin_stat_spec_def* def) {
    static_cast<Collected*>(ctx)->stat_rows.emplace_back(def->index,
                                                         StatSpec{def->name, def->help});
  };
  sink.kconfig = [](void* ctx, const scxtwin_kconfig_def* def) {
    KconfigValue k;
    k.name = def->name;
    k.addr = def->addr;
    k.size = def->size;
    k.scalar = static_cast<scxtwin_scalar>(def->scalar);
    k.weak = def->weak != 0;
    k.found = def->value != nullptr;
    if (k.found) k.text = def->value;
    static_cast<Collected*>(ctx)->kconfig.push_back(std::move(k));
  };
  registry(&sink);

  // Kconfig externs: libbpf fills them before load; a strong one the config lacks fails the load.
  std::sort(got.kconfig.begin(), got.kconfig.end(),
            [](const KconfigValue& a, const KconfigValue& b) { return a.name < b.name; });
  for (const KconfigValue& k : got.kconfig) {
    if (!k.found && !k.weak) {
      return absl::InvalidArgumentError(absl::StrCat(
          "policy object ", so_path, ": extern ", k.name,
          " (__kconfig) has no value in the kernel config it was built against (declare it "
          "__weak to read 0 when absent)"));
    }
    absl::Status s = k.found ? WriteKconfigValue(k) : absl::OkStatus();
    if (!s.ok())
      return absl::Status(s.code(), absl::StrCat("policy object ", so_path, ": ", s.message()));
  }
  self->kconfig_ = std::move(got.kconfig);
  if (options.hz > 0) {
    if (absl::Status s = self->SetKernelHz(options.hz); !s.ok()) return s;
  }

  // The scheduler.
  if (got.ops.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy object ", so_path,
                     ": defines no struct sched_ext_ops in SEC(\".struct_ops.link\")"));
  }
  if (!options.ops_variable.empty()) {
    for (auto& [name, ops] : got.ops) {
      if (name == options.ops_variable) {
        self->ops_variable_ = name;
        self->ops_ = ops;
      }
    }
  } else if (got.ops.size() == 1) {
    self->ops_variable_ = got.ops[0].first;
    self->ops_ = got.ops[0].second;
  }
  if (!self->ops_) {
    std::vector<std::string> names;
    for (auto& o : got.ops) names.push_back(o.first);
    return absl::InvalidArgumentError(absl::StrCat(
        "policy object ", so_path, ": ",
        options.ops_variable.empty()
            ? "several struct sched_ext_ops; choose one of: "
            : absl::StrCat("no struct sched_ext_ops named '", options.ops_variable, "'; it has: "),
        absl::StrJoin(names, ", ")));
  }

  // Maps: storage, bound to their variables.
  PolicyInstance* raw = self.get();
  self->maps_ = std::make_unique<HostMaps>(options.nr_cpus, [raw]() {
    return raw->api_.smp_processor_id ? raw->api_.smp_processor_id(raw->api_.sim) : 0;
  });
  SizeMapsLikeTheLoader(self->ops_->name, options.nr_cpus, &got.maps);
  for (const scxtwin_map_def& def : got.maps) {
    absl::Status s = self->maps_->Add(def);
    if (!s.ok()) {
      return absl::Status(s.code(), absl::StrCat("policy object ", so_path, ": ", s.message()));
    }
  }
  std::sort(got.globals.begin(), got.globals.end(),
            [](const Global& a, const Global& b) { return a.name < b.name; });
  self->globals_ = std::move(got.globals);

  // The knob and counter tables, in their X-macro order. Every knob row must name a __u64 knob:
  // the row and the variable come from one KNOB(...) line, so a mismatch is a broken build.
  std::sort(got.knob_rows.begin(), got.knob_rows.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [order, row] : got.knob_rows) {
    const Global* knob = self->FindKnob(row.name);
    if (knob == nullptr || knob->size != 8 || knob->scalar != SCXTWIN_SCALAR_UNSIGNED) {
      return absl::InvalidArgumentError(absl::StrCat("policy object ", so_path,
                                                     ": knob table row '", row.name,
                                                     "' names no const volatile __u64 knob"));
    }
    self->knob_table_.push_back(std::move(row));
  }
  std::sort(got.stat_rows.begin(), got.stat_rows.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < got.stat_rows.size(); ++i) {
    if (got.stat_rows[i].first != i) {
      return absl::InvalidArgumentError(absl::StrCat(
          "policy object ", so_path, ": counter table row '", got.stat_rows[i].second.name,
          "' has index ", got.stat_rows[i].first, ", expected ", i));
    }
    self->stat_table_.push_back(std::move(got.stat_rows[i].second));
  }
  self->programs_ = std::move(got.programs);
  if (!options.cpus.empty() && static_cast<int>(options.cpus.size()) != options.nr_cpus) {
    return absl::InvalidArgumentError(absl::StrCat("policy object ", so_path, ": ",
                                                   options.cpus.size(), " CPU places for ",
                                                   options.nr_cpus, " CPUs"));
  }
  self->cpus_ = options.cpus.empty() ? FlatLoaderCpus(options.nr_cpus) : options.cpus;
  if (absl::Status s = SetGlobalsLikeTheLoader(self.get(), self->cpus_); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("policy object ", so_path, ": ", s.message()));
  }
  return self;
}

PolicyInstance::~PolicyInstance() {
  maps_.reset();
  if (handle_) dlclose(handle_);
}

std::string PolicyInstance::DescribeFault(const CallFault& fault) const {
  for (size_t i = 0; i < fault.frames.size(); ++i) {
    Dl_info info = {};
    if (dladdr(reinterpret_cast<void*>(fault.frames[i]), &info) == 0 ||
        reinterpret_cast<uintptr_t>(info.dli_fbase) != base_) {
      continue;
    }
    const size_t slash = path_.rfind('/');
    return absl::StrCat(
        slash == std::string::npos ? path_ : path_.substr(slash + 1), ": ",
        DescribeCodeAddress(path_, base_, fault.frames[i], /*is_return_address=*/i > 0));
  }
  return "";
}

absl::Status PolicyInstance::SetKernelHz(int64_t hz) {
  if (hz < 1)
    return absl::InvalidArgumentError(absl::StrCat("CONFIG_HZ ", hz, ": expected at least 1"));
  for (KconfigValue& k : kconfig_) {
    std::string text;
    if (k.name == "CONFIG_HZ") {
      text = absl::StrCat(hz);
    } else if (absl::StartsWith(k.name, "CONFIG_HZ_") &&
               std::all_of(k.name.begin() + 10, k.name.end(), absl::ascii_isdigit) &&
               k.name.size() > 10) {
      // The Kconfig choice: CONFIG_HZ_<N>=y for the chosen frequency only.
      text = k.name.substr(10) == absl::StrCat(hz) ? "y" : "n";
    } else {
      continue;
    }
    KconfigValue v = k;
    v.text = text;
    if (absl::Status s = WriteKconfigValue(v); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("policy ", path_, ": ", s.message()));
    }
    k.text = text;
    k.found = true;
  }
  return absl::OkStatus();
}

absl::StatusOr<scxtwin_syscall_prog_fn> PolicyInstance::FindProgram(absl::string_view name) const {
  std::vector<std::string> names;
  for (const auto& [n, fn] : programs_) {
    if (n == name) return fn;
    names.push_back(n);
  }
  return absl::NotFoundError(
      absl::StrCat("policy ", path_, ": no SEC(\"syscall\") program '", name,
                   "'; it has: ", names.empty() ? "none" : absl::StrJoin(names, ", ")));
}

std::vector<const Global*> PolicyInstance::Knobs() const {
  std::vector<const Global*> knobs;
  for (const Global& g : globals_)
    if (g.is_knob()) knobs.push_back(&g);
  return knobs;
}

absl::StatusOr<const Global*> PolicyInstance::FindGlobal(absl::string_view name) const {
  for (const Global& g : globals_)
    if (g.name == name) return &g;
  return absl::NotFoundError(absl::StrCat("policy ", path_, ": no global named '", name, "'"));
}

const Global* PolicyInstance::FindKnob(absl::string_view name) const {
  for (const Global& g : globals_)
    if (g.name == name && g.is_knob()) return &g;
  return nullptr;
}

absl::Status PolicyInstance::UnknownKnob(absl::string_view name) const {
  std::vector<std::string> names;
  for (const Global* k : Knobs()) names.push_back(k->name);
  return absl::NotFoundError(
      absl::StrCat("unknown knob '", name, "' for policy ", ops_->name, " (", path_,
                   "); its knobs: ", names.empty() ? "none" : absl::StrJoin(names, ", ")));
}

absl::Status PolicyInstance::SetKnob(absl::string_view name, absl::string_view value) {
  if (!knob_table_.empty()) {
    // The kernel loader's check, on the same table (rows name existing __u64 knobs: see Load).
    SCX_ASSIGN_OR_RETURN(const KnobAssignment a,
                         ParseKnobAssignment(this->name(), knob_table_, name, value));
    return WriteKnob(*FindKnob(knob_table_[a.index].name), static_cast<int64_t>(a.value));
  }
  const Global* knob = FindKnob(name);
  if (!knob) return UnknownKnob(name);
  SCX_ASSIGN_OR_RETURN(const int64_t v, ParseKnobValue(name, value, knob->size, knob->scalar));
  return WriteKnob(*knob, v);
}

absl::Status PolicyInstance::SetKnob(absl::string_view name, int64_t value) {
  if (!knob_table_.empty()) return SetKnob(name, absl::StrCat(value));
  const Global* knob = FindKnob(name);
  if (!knob) return UnknownKnob(name);
  return WriteKnob(*knob, value);
}

absl::Status PolicyInstance::SetGlobal(absl::string_view name, absl::string_view value) {
  if (!knob_table_.empty() || FindKnob(name) != nullptr) return SetKnob(name, value);
  for (const Global& g : globals_) {
    if (g.name != name || g.scalar == SCXTWIN_SCALAR_NONE || g.size > 8) continue;
    absl::StatusOr<int64_t> v = ParseKnobValue(name, value, g.size, g.scalar);
    if (!v.ok()) return v.status();
    if (!FitsScalar(*v, g.size, g.scalar)) {
      return absl::OutOfRangeError(
          absl::StrCat("global ", name, ": ", *v, " does not fit its ", g.size * 8, "-bit type"));
    }
    return WriteGlobalBytes(name, 0, &*v, g.size);  // little-endian: the low bytes
  }
  absl::Status unknown = UnknownKnob(name);
  return absl::Status(unknown.code(), absl::StrCat(unknown.message(), " (or any scalar global)"));
}

absl::Status PolicyInstance::WriteGlobalBytes(absl::string_view name, uint64_t offset,
                                              const void* data, size_t len) {
  absl::StatusOr<const Global*> found = FindGlobal(name);
  if (!found.ok()) return found.status();
  const Global& g = **found;
  if (offset + len > g.size) {
    return absl::OutOfRangeError(absl::StrCat("global ", name, ": bytes [", offset, ", ",
                                              offset + len, ") are past its ", g.size, " bytes"));
  }
  char* dst = static_cast<char*>(g.addr) + offset;
  if (g.section != SCXTWIN_SECTION_RODATA) {
    std::memcpy(dst, data, len);
    return absl::OkStatus();
  }
  // .rodata is read-only once loaded: writable for the write, as before libbpf's load.
  const long page = sysconf(_SC_PAGESIZE);
  const uintptr_t start = reinterpret_cast<uintptr_t>(dst) & ~static_cast<uintptr_t>(page - 1);
  const size_t span = ((reinterpret_cast<uintptr_t>(dst) + len - start) + page - 1) / page * page;
  if (mprotect(reinterpret_cast<void*>(start), span, PROT_READ | PROT_WRITE) != 0) {
    return absl::InternalError(
        absl::StrCat("global ", name, ": cannot make writable: ", std::strerror(errno)));
  }
  std::memcpy(dst, data, len);
  mprotect(reinterpret_cast<void*>(start), span, PROT_READ);
  return absl::OkStatus();
}

absl::Status PolicyInstance::WriteKnob(const Global& global, int64_t value) {
  const Global* knob = &global;
  const absl::string_view name = knob->name;
  if (knob->size > 8) {
    return absl::InvalidArgumentError(
        absl::StrCat("knob ", name, ": ", knob->size, " bytes is not a scalar"));
  }
  const int bits = static_cast<int>(knob->size * 8);
  bool fits;
  if (knob->scalar == SCXTWIN_SCALAR_BOOL) {
    fits = value == 0 || value == 1;
  } else if (knob->scalar == SCXTWIN_SCALAR_SIGNED) {
    fits =
        bits == 64 || (value >= -(int64_t{1} << (bits - 1)) && value < (int64_t{1} << (bits - 1)));
  } else {
    fits = bits == 64 || (value >= 0 && static_cast<uint64_t>(value) < (uint64_t{1} << bits));
  }
  if (!fits) {
    return absl::OutOfRangeError(absl::StrCat(
        "knob ", name, ": ", value, " does not fit its ",
        knob->scalar == SCXTWIN_SCALAR_BOOL     ? "bool"
        : knob->scalar == SCXTWIN_SCALAR_SIGNED ? "signed "
                                                : "unsigned ",
        knob->scalar == SCXTWIN_SCALAR_BOOL ? "" : absl::StrCat(bits, "-bit integer")));
  }
  // Knobs are const: their page is read-only until we make it writable for the write.
  const long page = sysconf(_SC_PAGESIZE);
  const uintptr_t start =
      reinterpret_cast<uintptr_t>(knob->addr) & ~static_cast<uintptr_t>(page - 1);
  const uintptr_t end = reinterpret_cast<uintptr_t>(knob->addr) + knob->size;
  const size_t len = ((end - start) + page - 1) / page * page;
  if (mprotect(reinterpret_cast<void*>(start), len, PROT_READ | PROT_WRITE) != 0) {
    return absl::InternalError(
        absl::StrCat("knob ", name, ": cannot make writable: ", std::strerror(errno)));
  }
  std::memcpy(knob->addr, &value, knob->size);  // little-endian: the low bytes
  mprotect(reinterpret_cast<void*>(start), len, PROT_READ);
  return absl::OkStatus();
}

absl::StatusOr<int64_t> PolicyInstance::ReadScalar(absl::string_view name) const {
  SCX_ASSIGN_OR_RETURN(const Global* g, FindGlobal(name));
  if (g->size > 8 || g->scalar == SCXTWIN_SCALAR_NONE) {
    return absl::InvalidArgumentError(absl::StrCat("global ", name, " is not a scalar"));
  }
  uint64_t raw = 0;
  std::memcpy(&raw, g->addr, g->size);
  const int bits = static_cast<int>(g->size * 8);
  if (g->scalar == SCXTWIN_SCALAR_SIGNED && bits < 64 && (raw >> (bits - 1)) & 1) {
    raw |= ~uint64_t{0} << bits;
  }
  return static_cast<int64_t>(raw);
}

absl::Status PolicyInstance::WriteScalar(absl::string_view name, int64_t value) {
  SCX_ASSIGN_OR_RETURN(const Global* g, FindGlobal(name));
  if (g->section == SCXTWIN_SECTION_RODATA) {
    return absl::InvalidArgumentError(absl::StrCat("global ", name, " is a knob: use SetKnob"));
  }
  if (g->size > 8 || g->scalar == SCXTWIN_SCALAR_NONE) {
    return absl::InvalidArgumentError(absl::StrCat("global ", name, " is not a scalar"));
  }
  std::memcpy(g->addr, &value, g->size);  // little-endian: the low bytes
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint64_t>> PolicyInstance::SumPerCpuCounters(
    absl::string_view map_name) const {
  HostMap* m = maps_->Find(map_name);
  if (!m) {
    return absl::NotFoundError(absl::StrCat("policy ", path_, ": no map named '", map_name, "'"));
  }
  if (m->def().type != BPF_MAP_TYPE_PERCPU_ARRAY || m->def().value_size != sizeof(uint64_t)) {
    return absl::InvalidArgumentError(
        absl::StrCat("map ", map_name, ": not a per-CPU array of u64 counters"));
  }
  std::vector<uint64_t> sums(m->def().max_entries, 0);
  for (uint32_t i = 0; i < m->def().max_entries; ++i) {
    for (int cpu = 0; cpu < maps_->nr_cpus(); ++cpu) {
      sums[i] += *static_cast<const uint64_t*>(m->LookupPerCpu(&i, static_cast<uint32_t>(cpu)));
    }
  }
  return sums;
}

void PolicyInstance::InstallApi(const scxtwin_host_api& api) {
  api_ = api;
  api_.version = SCXTWIN_HOST_API_VERSION;
  api_.size = sizeof(api_);
  maps_->FillApi(&api_);
  set_api_(&api_);
}

void PolicyInstance::InstallApiWithOwnMapEntries(const scxtwin_host_api& api) {
  api_ = api;
  api_.version = SCXTWIN_HOST_API_VERSION;
  api_.size = sizeof(api_);
  set_api_(&api_);
}

}  // namespace scxtwin::host
