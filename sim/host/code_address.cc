#include "sim/host/code_address.h"

#include <elf.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace scxtwin::host {
namespace {

// The function symbol of a 64-bit ELF file covering virtual address `vaddr`: "name+0xOFF".
std::string FunctionAt(const std::string& path, uint64_t vaddr) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (file.size() < sizeof(Elf64_Ehdr)) return "";
  Elf64_Ehdr eh;
  std::memcpy(&eh, file.data(), sizeof(eh));
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_shoff + uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr) > file.size()) {
    return "";
  }
  auto section = [&](int i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, file.data() + eh.e_shoff + i * sizeof(Elf64_Shdr), sizeof(sh));
    return sh;
  };
  for (int i = 0; i < eh.e_shnum; ++i) {
    const Elf64_Shdr sh = section(i);
    if (sh.sh_type != SHT_SYMTAB || sh.sh_link >= eh.e_shnum) continue;
    const Elf64_Shdr strtab = section(static_cast<int>(sh.sh_link));
    if (sh.sh_offset + sh.sh_size > file.size() ||
        strtab.sh_offset + strtab.sh_size > file.size()) {
      return "";
    }
    for (uint64_t off = 0; off + sizeof(Elf64_Sym) <= sh.sh_size; off += sizeof(Elf64_Sym)) {
      Elf64_Sym sym;
      std::memcpy(&sym, file.data() + sh.sh_offset + off, sizeof(sym));
      if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_name >= strtab.sh_size) continue;
      if (vaddr >= sym.st_value && vaddr < sym.st_value + std::max<uint64_t>(sym.st_size, 1)) {
        return absl::StrFormat("%s+0x%x", file.data() + strtab.sh_offset + sym.st_name,
                               vaddr - sym.st_value);
      }
    }
  }
  return "";
}

// "file:line" of `vaddr` from the object's line tables, or "" (no debug info, no symbolizer).
std::string SourceLine(const std::string& path, uint64_t vaddr) {
  const std::string quoted = absl::StrCat("'", path, "'");
  const std::string commands[] = {
      absl::StrFormat("llvm-symbolizer-16 --obj=%s --functions=none --basenames 0x%x 2>/dev/null",
                      quoted, vaddr),
      absl::StrFormat("addr2line -s -e %s 0x%x 2>/dev/null", quoted, vaddr),
  };
  for (const std::string& cmd : commands) {
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) continue;
    char line[512] = {};
    const bool got = std::fgets(line, sizeof(line), p) != nullptr;
    pclose(p);
    if (!got) continue;
    std::string s(absl::StripTrailingAsciiWhitespace(line));
    // llvm-symbolizer: "file.c:42:7"; addr2line: "file.c:42"; both "??:0" when unknown.
    if (s.empty() || s.rfind("??", 0) == 0) return "";
    const size_t first = s.find(':');
    const size_t second = first == std::string::npos ? first : s.find(':', first + 1);
    if (second != std::string::npos) s.resize(second);
    if (absl::EndsWith(s, ":0")) return "";
    return s;
  }
  return "";
}

}  // namespace

std::string DescribeCodeAddress(const std::string& path, uintptr_t base, uintptr_t addr,
                                bool is_return_address) {
  const uint64_t vaddr = addr - base;
  std::string fn = FunctionAt(path, is_return_address ? vaddr - 1 : vaddr);
  if (fn.empty()) return absl::StrFormat("%s+0x%x", path, vaddr);
  if (is_return_address) {
    // Name the return address itself (what a backtrace shows), the line of the call.
    fn = FunctionAt(path, vaddr);
    if (fn.empty()) fn = FunctionAt(path, vaddr - 1);
  }
  const std::string line = SourceLine(path, is_return_address ? vaddr - 1 : vaddr);
  return line.empty() ? fn : absl::StrCat(fn, " (", line, ")");
}

}  // namespace scxtwin::host
