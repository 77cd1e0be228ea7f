#include "kernel/object_policy.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/types.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <map>

#include "absl/strings/match.h"
#include "policy/include/scxtwin/exit_info.h"
#include "policy/include/scxtwin/record.h"

namespace scxtwin {
namespace {

// The kernel tree's struct user_exit_info (tools/sched_ext/include/scx/user_exit_info_common.h):
// int kind; s32 exit_cpu; s64 exit_code; char reason[128]; char msg[1024].
constexpr size_t kUeiKind = 0, kUeiExitCode = 8, kUeiReason = 16, kUeiMsg = 16 + 128;
constexpr size_t kUeiSize = kUeiMsg + 1024;

std::string& ObjectPath() {
  static std::string* path = new std::string;
  return *path;
}

// The opened object, its .data and .bss as the kernel holds them (mapped after load), and the
// exit record as the loader reads it (refreshed at each read).
struct ObjectSkel {
  bpf_object* obj = nullptr;
  std::map<const bpf_map*, std::pair<void*, size_t>> mapped;
  scxtwin_exit_info exit = {};
};

ObjectSkel* S(void* skel) { return static_cast<ObjectSkel*>(skel); }

// The internal map of section `section` (".data", ".bss", ".rodata"): libbpf names it with a
// prefix of the object's name.
bpf_map* InternalMap(bpf_object* obj, const char* section) {
  bpf_map* map;
  bpf_object__for_each_map(map, obj) {
    if (bpf_map__is_internal(map) && absl::EndsWith(bpf_map__name(map), section)) return map;
  }
  return nullptr;
}

// Where variable `name` of section `section` is in the section's memory (the initial image
// before load, the kernel's map after: libbpf 1.1 maps it only for a skeleton, so Load does),
// or nullptr.
void* Variable(ObjectSkel* skel, const char* section, const char* name, size_t size) {
  bpf_object* obj = skel->obj;
  bpf_map* map = InternalMap(obj, section);
  const btf* types = bpf_object__btf(obj);
  if (map == nullptr || types == nullptr) return nullptr;
  int id = btf__find_by_name_kind(types, section, BTF_KIND_DATASEC);
  if (id < 0) return nullptr;
  const btf_type* sec = btf__type_by_id(types, id);
  const btf_var_secinfo* var = btf_var_secinfos(sec);
  for (uint16_t i = 0; i < btf_vlen(sec); ++i, ++var) {
    const char* var_name = btf__name_by_offset(types, btf__type_by_id(types, var->type)->name_off);
    if (strcmp(var_name, name) != 0) continue;
    size_t map_size = 0;
    char* base;
    if (auto m = skel->mapped.find(map); m != skel->mapped.end()) {
      base = static_cast<char*>(m->second.first);
      map_size = bpf_map__value_size(map);
    } else {
      // Writable before load, as a skeleton writes .rodata.
      base = static_cast<char*>(const_cast<void*>(bpf_map__initial_value(map, &map_size)));
    }
    if (base == nullptr || var->offset + size > map_size || var->size < size) return nullptr;
    return base + var->offset;
  }
  return nullptr;
}

// The kernel tree's schedulers read the kernel's sched_ext enum values from .rodata variables
// named `__` + the enumerator (__SCX_SLICE_DFL, ...), which their own user-space loaders fill
// from the running kernel's BTF before load (SCX_ENUM_INIT); so does this one, for every such
// variable whose enumerator the kernel has. Returns false if the kernel's BTF cannot be read.
bool SetKernelEnums(ObjectSkel* skel) {
  bpf_object* obj = skel->obj;
  const btf* types = bpf_object__btf(obj);
  if (types == nullptr) return true;
  int sec_id = btf__find_by_name_kind(types, ".rodata", BTF_KIND_DATASEC);
  if (sec_id < 0) return true;
  btf* kernel = btf__load_vmlinux_btf();
  if (kernel == nullptr) return false;
  std::map<std::string, uint64_t> values;
  const uint32_t n = btf__type_cnt(kernel);
  for (uint32_t id = 1; id < n; ++id) {
    const btf_type* t = btf__type_by_id(kernel, id);
    if (btf_is_enum(t)) {
      const struct btf_enum* e = btf_enum(t);
      for (uint16_t i = 0; i < btf_vlen(t); ++i, ++e) {
        values.emplace(btf__name_by_offset(kernel, e->name_off), static_cast<uint32_t>(e->val));
      }
    } else if (btf_is_enum64(t)) {
      const struct btf_enum64* e = btf_enum64(t);
      for (uint16_t i = 0; i < btf_vlen(t); ++i, ++e) {
        values.emplace(btf__name_by_offset(kernel, e->name_off), btf_enum64_value(e));
      }
    }
  }
  btf__free(kernel);
  const btf_type* sec = btf__type_by_id(types, sec_id);
  const btf_var_secinfo* var = btf_var_secinfos(sec);
  for (uint16_t i = 0; i < btf_vlen(sec); ++i, ++var) {
    const char* name = btf__name_by_offset(types, btf__type_by_id(types, var->type)->name_off);
    if (strncmp(name, "__SCX_", 6) != 0 || var->size != sizeof(uint64_t)) continue;
    auto found = values.find(name + 2);
    if (found == values.end()) continue;
    auto* slot = static_cast<uint64_t*>(Variable(skel, ".rodata", name, sizeof(uint64_t)));
    if (slot != nullptr) *slot = found->second;
  }
  return true;
}

// What the kernel tree's own loaders set in .rodata before load and its schedulers rely on
// (scx_central.c, scx_qmap.c): the CPU count in nr_cpu_ids / nr_cpus, and the default slice in
// an unset slice_ns. The simulator's host loader sets the same (sim/host/loader_defaults.cc), so
// the two builds of a kernel-tree scheduler run with the same constants.
void SetLoaderDefaults(ObjectSkel* skel) {
  const int cpus = libbpf_num_possible_cpus();
  for (const char* name : {"nr_cpu_ids", "nr_cpus"}) {
    auto* slot = static_cast<uint32_t*>(Variable(skel, ".rodata", name, sizeof(uint32_t)));
    if (slot != nullptr && cpus > 0) *slot = static_cast<uint32_t>(cpus);
  }
  auto* slice = static_cast<uint64_t*>(Variable(skel, ".rodata", "slice_ns", sizeof(uint64_t)));
  if (slice != nullptr && *slice == 0) *slice = 20ULL * 1000 * 1000;  // SCX_SLICE_DFL
}

KernelPolicy MakeObjectPolicy(bool record) {
  KernelPolicy p;
  p.name = ObjectPolicyName(ObjectPath());
  p.open = []() -> void* {
    bpf_object* obj = bpf_object__open_file(ObjectPath().c_str(), nullptr);
    if (obj == nullptr) return nullptr;  // errno set by libbpf
    auto* skel = new ObjectSkel;
    skel->obj = obj;
    if (!SetKernelEnums(skel)) {
      bpf_object__close(obj);
      delete skel;
      errno = ENOENT;  // the kernel's BTF
      return nullptr;
    }
    SetLoaderDefaults(skel);
    return skel;
  };
  p.destroy = [](void* skel) {
    for (const auto& [map, region] : S(skel)->mapped) munmap(region.first, region.second);
    bpf_object__close(S(skel)->obj);
    delete S(skel);
  };
  p.load = [](void* skel) {
    ObjectSkel* s = S(skel);
    if (int rc = bpf_object__load(s->obj); rc != 0) return rc;
    for (const char* section : {".data", ".bss"}) {
      bpf_map* map = InternalMap(s->obj, section);
      // libbpf makes a section's map mappable only if the section has a global variable: the
      // ordinary build of scx_simple has only a static one in .bss (its record build adds the
      // record's globals). What is read from the maps here are globals.
      if (map == nullptr || (bpf_map__map_flags(map) & BPF_F_MMAPABLE) == 0) continue;
      const long page = sysconf(_SC_PAGESIZE);
      const size_t size = (bpf_map__value_size(map) + page - 1) / page * page;
      void* at = mmap(nullptr, size, PROT_READ, MAP_SHARED, bpf_map__fd(map), 0);
      if (at == MAP_FAILED) return -errno;
      s->mapped[map] = {at, size};
    }
    return 0;
  };
  p.object = [](void* skel) { return S(skel)->obj; };
  p.ops_map = [](void* skel) -> bpf_map* {
    bpf_map* map;
    bpf_object__for_each_map(map, S(skel)->obj) {
      if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS) return map;
    }
    return nullptr;
  };
  p.stats_map = [](void*) -> bpf_map* { return nullptr; };
  p.exit_info = [](void* skel) -> volatile scxtwin_exit_info* {
    ObjectSkel* s = S(skel);
    const auto* uei = static_cast<const volatile char*>(Variable(s, ".data", "uei", kUeiSize));
    if (uei != nullptr) {
      // The strings first and the kind last, as the kernel side writes them.
      for (size_t i = 0; i < sizeof(s->exit.reason); ++i) s->exit.reason[i] = uei[kUeiReason + i];
      for (size_t i = 0; i < sizeof(s->exit.msg); ++i) s->exit.msg[i] = uei[kUeiMsg + i];
      s->exit.reason[sizeof(s->exit.reason) - 1] = s->exit.msg[sizeof(s->exit.msg) - 1] = '\0';
      s->exit.exit_code = *reinterpret_cast<const volatile int64_t*>(uei + kUeiExitCode);
      s->exit.kind =
          static_cast<uint64_t>(*reinterpret_cast<const volatile int32_t*>(uei + kUeiKind));
    }
    return &s->exit;
  };
  p.set_knob = [](void*, size_t, uint64_t) {};
  p.get_knob = [](void*, size_t) -> uint64_t { return 0; };
  if (record) {
    p.record = true;
    p.record_ring = [](void* skel) {
      return bpf_object__find_map_by_name(S(skel)->obj, "scxtwin_rec_rb");
    };
    p.record_dropped = [](void* skel) -> uint64_t {
      auto* v = static_cast<volatile uint64_t*>(
          Variable(S(skel), ".bss", "scxtwin_rec_dropped", sizeof(uint64_t)));
      return v == nullptr ? 0 : *v;
    };
    p.record_layout = [](void* skel) -> scxtwin_rec_layout* {
      return static_cast<scxtwin_rec_layout*>(
          Variable(S(skel), ".rodata", "scxtwin_rec_layout", sizeof(scxtwin_rec_layout)));
    };
  }
  return p;
}

}  // namespace

std::string ObjectPolicyName(const std::string& path) {
  const size_t slash = path.rfind('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  return base.substr(0, base.find('.'));
}

std::vector<const KernelPolicy*> ObjectFilePolicies(const std::string& path) {
  ObjectPath() = path;
  static const KernelPolicy* const plain = new KernelPolicy(MakeObjectPolicy(false));
  static const KernelPolicy* const record = new KernelPolicy(MakeObjectPolicy(true));
  return {plain, record};
}

}  // namespace scxtwin
