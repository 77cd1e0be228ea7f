#include "tools/twin/replay_callbacks.h"

#include <dlfcn.h>
#include <elf.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace scxtwin::twin {
namespace {

// Argument words as the callback's C types.
s32 S32(uint64_t w) { return static_cast<s32>(w); }
u32 U32(uint64_t w) { return static_cast<u32>(w); }
uint64_t Ret(s32 v) { return static_cast<uint64_t>(static_cast<int64_t>(v)); }
uint64_t Ret(bool v) { return v ? 1 : 0; }

#define FN(m) [](const sched_ext_ops& o) -> void* { return reinterpret_cast<void*>(o.m); }
#define T(i) tasks[i]

const CallbackSpec kCallbacks[] = {
    {"select_cpu", 3, 0b1, FN(select_cpu),
     [](const sched_ext_ops& o, const unsigned long long* a, task_struct* const* tasks) {
       return Ret(o.select_cpu(T(0), S32(a[1]), a[2]));
     }},
    {"enqueue", 2, 0b1, FN(enqueue),
     [](const sched_ext_ops& o, const unsigned long long* a,
        task_struct* const* tasks) -> uint64_t {
       o.enqueue(T(0), a[1]);
       return 0;
     }},
    {"dequeue", 2, 0b1, FN(dequeue),
     [](const sched_ext_ops& o, const unsigned long long* a,
        task_struct* const* tasks) -> uint64_t {
       o.dequeue(T(0), a[1]);
       return 0;
     }},
    {"dispatch", 2, 0b10, FN(dispatch),
     [](const sched_ext_ops& o, const unsigned long long* a,
        task_struct* const* tasks) -> uint64_t {
       o.dispatch(S32(a[0]), T(1));
       return 0;
     }},
    {"tick", 1, 0b1, FN(tick),
     [](const sched_ext_ops& o, const unsigned long long* a,
        task_struct* const* tasks) -> uint64_t {
       o.tick(T(0));
       return 0;
     }},
    {"runnable", 2, 0b1, FN(runnable),
     [](const sched_ext_ops& o, const unsigned long long* a,
        task_struct* const* tasks) -> uint64_t {
       o.runnable(T(0), a[1]);
       return 0;
     }},
    {"running", 1, 0b1, FN(running),
     [](const sched_ext_ops& o, const unsigned long long* a,
        task_struct* const* tasks) -> uint64_t {
       o.running(T(0));
       return 0;
     }},
    {"stopping", 2, 0b1, FN(stopping),
     [](const sched_ext_ops& o, const unsigned long long* a,
        task_struct* const* tasks) -> uint64_t {
       o.stopping(T(0), (a[1] & 0xff) != 0);
       return 0;
     }},
    {"quiescent", 2, 0b1, FN(quiescent),
     [](const sched_ext_ops& o, const unsigned long long* a,
        task_struct* const* tasks) -> uint64_t {
       o.quiescent(T(0), a[1]);
       return 0;
     }},
    {"yield", 2, 0b11, FN(yield),
     [](const sched_ext_ops& o, const unsigned long long* a, task_struct* const* tasks) {
       return Ret(o.yield(T(0), T(1)));
     }},
    {"set_weight", 2, 0b1, FN(set_weight),
     [](const sched_ext_ops& o, const unsigned long long* a,
        task_struct* const* tasks) -> uint64_t {
       o.set_weight(T(0), U32(a[1]));
       return 0;
     }},
    {"update_idle", 2, 0, FN(update_idle),
     [](const sched_ext_ops& o, const unsigned long long* a,
        task_struct* const* tasks) -> uint64_t {
       o.update_idle(S32(a[0]), (a[1] & 0xff) != 0);
       return 0;
     }},
    // The scx_init_task_args / scx_exit_task_args contents are not recorded: the host build
    // gets zeroed ones (no policy here reads them; one that does would diverge visibly).
    {"init_task", 2, 0b1, FN(init_task),
     [](const sched_ext_ops& o, const unsigned long long* a, task_struct* const* tasks) {
       scx_init_task_args args = {};
       return Ret(o.init_task(T(0), &args));
     }},
    {"exit_task", 2, 0b1, FN(exit_task),
     [](const sched_ext_ops& o, const unsigned long long* a,
        task_struct* const* tasks) -> uint64_t {
       scx_exit_task_args args = {};
       o.exit_task(T(0), &args);
       return 0;
     }},
    {"enable", 1, 0b1, FN(enable),
     [](const sched_ext_ops& o, const unsigned long long* a,
        task_struct* const* tasks) -> uint64_t {
       o.enable(T(0));
       return 0;
     }},
    {"disable", 1, 0b1, FN(disable),
     [](const sched_ext_ops& o, const unsigned long long* a,
        task_struct* const* tasks) -> uint64_t {
       o.disable(T(0));
       return 0;
     }},
    {"cpu_online", 1, 0, FN(cpu_online),
     [](const sched_ext_ops& o, const unsigned long long* a,
        task_struct* const* tasks) -> uint64_t {
       o.cpu_online(S32(a[0]));
       return 0;
     }},
    {"cpu_offline", 1, 0, FN(cpu_offline),
     [](const sched_ext_ops& o, const unsigned long long* a,
        task_struct* const* tasks) -> uint64_t {
       o.cpu_offline(S32(a[0]));
       return 0;
     }},
    {"init", 0, 0, FN(init),
     [](const sched_ext_ops& o, const unsigned long long* a, task_struct* const* tasks) {
       return Ret(o.init());
     }},
};

#undef FN
#undef T

// The FUNC symbols of an ELF shared object's .symtab, by address (relative to its load base).
absl::StatusOr<absl::flat_hash_map<uint64_t, std::string>> FunctionSymbols(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string elf = buffer.str();
  auto bad = [&](const char* what) {
    return absl::InvalidArgumentError(absl::StrCat("host policy object ", path, ": ", what));
  };
  if (elf.size() < sizeof(Elf64_Ehdr) || memcmp(elf.data(), ELFMAG, SELFMAG) != 0) {
    return bad("not an ELF file");
  }
  Elf64_Ehdr eh;
  memcpy(&eh, elf.data(), sizeof(eh));
  if (eh.e_shoff == 0 || eh.e_shoff + uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr) > elf.size()) {
    return bad("no section headers");
  }
  auto section = [&](size_t i) {
    Elf64_Shdr sh;
    memcpy(&sh, elf.data() + eh.e_shoff + i * sizeof(Elf64_Shdr), sizeof(sh));
    return sh;
  };
  absl::flat_hash_map<uint64_t, std::string> names;
  for (size_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh = section(i);
    if (sh.sh_type != SHT_SYMTAB || sh.sh_link >= eh.e_shnum) continue;
    Elf64_Shdr strtab = section(sh.sh_link);
    if (sh.sh_offset + sh.sh_size > elf.size() || strtab.sh_offset + strtab.sh_size > elf.size()) {
      return bad("a symbol table runs past the end of the file");
    }
    for (uint64_t off = 0; off + sizeof(Elf64_Sym) <= sh.sh_size; off += sizeof(Elf64_Sym)) {
      Elf64_Sym sym;
      memcpy(&sym, elf.data() + sh.sh_offset + off, sizeof(sym));
      if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_name >= strtab.sh_size) continue;
      names[sym.st_value] = std::string(elf.data() + strtab.sh_offset + sym.st_name);
    }
  }
  if (names.empty()) return bad("no symbol table (stripped?): the replay names callbacks by it");
  return names;
}

}  // namespace

const CallbackSpec* FindCallbackSpec(absl::string_view member) {
  for (const CallbackSpec& spec : kCallbacks) {
    if (member == spec.member) return &spec;
  }
  return nullptr;
}

absl::StatusOr<absl::flat_hash_map<std::string, const CallbackSpec*>> CallbackPrograms(
    const host::PolicyInstance& policy) {
  absl::flat_hash_map<std::string, const CallbackSpec*> programs;
  const sched_ext_ops& ops = *policy.ops();
  absl::flat_hash_map<uint64_t, std::string> symbols;
  std::string loaded_path;
  for (const CallbackSpec& spec : kCallbacks) {
    void* fn = spec.function(ops);
    if (fn == nullptr) continue;
    Dl_info info;
    if (dladdr(fn, &info) == 0 || info.dli_fname == nullptr) {
      return absl::InternalError(
          absl::StrCat("cannot tell which object holds ops.", spec.member, " of ", policy.path()));
    }
    if (loaded_path.empty()) {
      // The loader dlopen()s a private copy and unlinks it: read the original, the same bytes.
      loaded_path = policy.path();
      absl::StatusOr<absl::flat_hash_map<uint64_t, std::string>> got = FunctionSymbols(loaded_path);
      if (!got.ok()) return got.status();
      symbols = *std::move(got);
    }
    uint64_t rel = reinterpret_cast<uint64_t>(fn) - reinterpret_cast<uint64_t>(info.dli_fbase);
    auto it = symbols.find(rel);
    if (it == symbols.end()) {
      return absl::InternalError(
          absl::StrCat("ops.", spec.member, " of ", policy.path(), " is no named function"));
    }
    programs[it->second] = &spec;
  }
  return programs;
}

absl::StatusOr<absl::flat_hash_map<std::string, void*>> HostFunctions(
    const host::PolicyInstance& policy) {
  // The load base from any callback of the ops (every host build has one).
  void* any = nullptr;
  for (const CallbackSpec& spec : kCallbacks) {
    if ((any = spec.function(*policy.ops())) != nullptr) break;
  }
  Dl_info info;
  if (any == nullptr || dladdr(any, &info) == 0) {
    return absl::InternalError(absl::StrCat("cannot tell where ", policy.path(), " is loaded"));
  }
  absl::StatusOr<absl::flat_hash_map<uint64_t, std::string>> symbols =
      FunctionSymbols(policy.path());
  if (!symbols.ok()) return symbols.status();
  absl::flat_hash_map<std::string, void*> functions;
  for (const auto& [rel, name] : *symbols) {
    functions[name] = static_cast<char*>(info.dli_fbase) + rel;
  }
  return functions;
}

}  // namespace scxtwin::twin
