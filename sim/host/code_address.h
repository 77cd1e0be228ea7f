// Names a code address inside a loaded shared object the way a crash report does:
// "simple_enqueue+0x1c (scx_simple.bpf.c:42)". Policy objects export only their entry points, so
// dladdr() alone cannot name their functions: the object's own ELF symbol table is read from its
// file, and the source line comes from its line tables (built with -gline-tables-only) through
// llvm-symbolizer-16 or addr2line when one is installed.
#ifndef SCXTWIN_SIM_HOST_CODE_ADDRESS_H_
#define SCXTWIN_SIM_HOST_CODE_ADDRESS_H_

#include <cstdint>
#include <string>

namespace scxtwin::host {

// `addr`, inside the object mapped at `base` whose file is `path`: "fn+0xOFF (file:line)",
// "fn+0xOFF" without line tables or a symbolizer, "PATH+0xOFF" if no symbol covers it.
// `is_return_address`: a caller's frame (the line is that of the call, addr - 1).
std::string DescribeCodeAddress(const std::string& path, uintptr_t base, uintptr_t addr,
                                bool is_return_address);

}  // namespace scxtwin::host

#endif  // SCXTWIN_SIM_HOST_CODE_ADDRESS_H_
