#include "tools/twin/replay_fields.h"

#include <bpf/btf.h>
#include <elf.h>
#include <linux/btf.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace scxtwin::twin {
namespace {

// The .BTF.ext header (the kernel's struct btf_ext_header, with the CO-RE part).
struct ExtHeader {
  uint16_t magic;
  uint8_t version;
  uint8_t flags;
  uint32_t hdr_len;
  uint32_t func_info_off, func_info_len;
  uint32_t line_info_off, line_info_len;
  uint32_t core_relo_off, core_relo_len;
};

struct CoreRelo {
  uint32_t insn_off;
  uint32_t type_id;
  uint32_t access_str_off;
  uint32_t kind;  // 0: the field's byte offset (an access)
};

const btf_type* Skip(const btf* types, uint32_t* id) {
  const btf_type* t = btf__type_by_id(types, *id);
  while (t != nullptr && (btf_is_typedef(t) || btf_is_const(t) || btf_is_volatile(t) ||
                          btf_is_restrict(t) || btf_is_type_tag(t))) {
    *id = t->type;
    t = btf__type_by_id(types, *id);
  }
  return t;
}

// The bytes of section `name` of an ELF file, or empty.
std::string ElfSection(const std::string& elf, const char* name) {
  if (elf.size() < sizeof(Elf64_Ehdr) || memcmp(elf.data(), ELFMAG, SELFMAG) != 0) return "";
  Elf64_Ehdr eh;
  memcpy(&eh, elf.data(), sizeof(eh));
  if (eh.e_shoff + uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr) > elf.size() ||
      eh.e_shstrndx >= eh.e_shnum) {
    return "";
  }
  auto section = [&](size_t i) {
    Elf64_Shdr sh;
    memcpy(&sh, elf.data() + eh.e_shoff + i * sizeof(Elf64_Shdr), sizeof(sh));
    return sh;
  };
  Elf64_Shdr names = section(eh.e_shstrndx);
  for (size_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh = section(i);
    if (names.sh_offset + sh.sh_name >= elf.size() || sh.sh_offset + sh.sh_size > elf.size()) {
      continue;
    }
    if (strcmp(elf.data() + names.sh_offset + sh.sh_name, name) == 0) {
      return elf.substr(sh.sh_offset, sh.sh_size);
    }
  }
  return "";
}

}  // namespace

const std::set<std::string>& RecordedTaskFields() {
  static const auto* fields = new std::set<std::string>{"pid",         "tgid",
                                                        "flags",       "scx.flags",
                                                        "scx.weight",  "nr_cpus_allowed",
                                                        "prio",        "static_prio",
                                                        "normal_prio", "policy",
                                                        "scx.slice",   "scx.dsq_vtime",
                                                        "cpus_ptr",    "migration_disabled",
                                                        "mm",          "comm"};
  return *fields;
}

absl::StatusOr<std::set<std::string>> TaskFieldsRead(const std::string& bpf_object) {
  auto bad = [&](const std::string& what) {
    return absl::InvalidArgumentError(absl::StrCat("BPF object ", bpf_object, ": ", what));
  };
  btf* types = btf__parse_elf(bpf_object.c_str(), nullptr);
  if (types == nullptr) return bad("no BTF");
  std::ifstream in(bpf_object, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string ext_bytes = ElfSection(buffer.str(), ".BTF.ext");
  std::set<std::string> fields;
  const uint8_t* raw = reinterpret_cast<const uint8_t*>(ext_bytes.data());
  const uint32_t size = static_cast<uint32_t>(ext_bytes.size());
  ExtHeader h = {};
  if (size < 8) {
    btf__free(types);
    return bad("no .BTF.ext");
  }
  memcpy(&h, raw, std::min<size_t>(sizeof(h), size));
  if (h.hdr_len >= sizeof(ExtHeader) && h.core_relo_len > 4 &&
      uint64_t{h.hdr_len} + h.core_relo_off + h.core_relo_len <= size) {
    const uint8_t* relo = raw + h.hdr_len + h.core_relo_off;
    const uint8_t* end = relo + h.core_relo_len;
    uint32_t rec_size;
    memcpy(&rec_size, relo, 4);
    relo += 4;
    while (relo + 8 <= end && rec_size >= sizeof(CoreRelo)) {
      uint32_t num;
      memcpy(&num, relo + 4, 4);
      relo += 8;
      for (uint32_t i = 0; i < num && relo + rec_size <= end; ++i, relo += rec_size) {
        CoreRelo r;
        memcpy(&r, relo, sizeof(r));
        uint32_t id = r.type_id;
        const btf_type* t = Skip(types, &id);
        if (r.kind != 0 || t == nullptr || !btf_is_struct(t) ||
            strcmp(btf__name_by_offset(types, t->name_off), "task_struct") != 0) {
          continue;
        }
        // "0:12:3": an index into the root, then member (or array element) indices.
        std::vector<std::string> spec =
            absl::StrSplit(btf__name_by_offset(types, r.access_str_off), ':');
        std::string path;
        for (size_t k = 1; k < spec.size() && t != nullptr; ++k) {
          uint32_t idx = 0;
          if (!absl::SimpleAtoi(spec[k], &idx)) break;
          if (btf_is_composite(t) && idx < btf_vlen(t)) {
            const btf_member* m = btf_members(t) + idx;
            const char* name = btf__name_by_offset(types, m->name_off);
            if (name != nullptr && *name) absl::StrAppend(&path, path.empty() ? "" : ".", name);
            id = m->type;
            t = Skip(types, &id);
          } else if (btf_is_array(t)) {
            id = btf_array(t)->type;
            t = Skip(types, &id);
          } else {
            break;
          }
        }
        if (!path.empty()) fields.insert(path);
      }
    }
  }
  btf__free(types);
  return fields;
}

}  // namespace scxtwin::twin
