#!/bin/bash
# Compiles a sched_ext scheduler's .bpf.c, unmodified, as host C into a shared object the
# simulator loads (sim/host/policy_loader.h).
#
#   build_host_policy.sh OUT.so SRC.bpf.c [HOST_INCLUDE_DIR HOST_KFUNCS_C [CLANG_FLAG...]]
#
# Without the include dir and kfuncs file, those next to this script are used, so
#   bazel run //sim/host:build_host_policy -- /tmp/scx_simple.so \
#     /var/cache/scxtwin/kernel/src/tools/sched_ext/scx_simple.bpf.c
#   bazel run //sim -- --policy=/tmp/scx_simple.so ...
# runs a kernel-tree scheduler in the simulator.
#
# Steps: compile the source once to list the objects it puts in the BPF sections (.maps,
# .struct_ops[.link], .data*, .bss*, .rodata*), its SEC("syscall") programs and (project policies)
# its knob/counter table rows; generate a registry translation unit that
# #includes the source and reports each object (name, address, size, map parameters) through
# scxtwin_registry(); link it with the kfunc/helper definitions (HOST_KFUNCS_C). Only
# scxtwin_registry, scxtwin_set_host_api and scxtwin_host_api_version are exported; the object
# needs nothing from the simulator (-z defs).
set -euo pipefail

if [[ $# -ne 2 && $# -lt 4 ]]; then
  echo "usage: $0 OUT.so SRC.bpf.c [HOST_INCLUDE_DIR HOST_KFUNCS_C [CLANG_FLAG...]]" >&2
  exit 2
fi
out=$1 src=$2
if [[ $# -eq 2 ]]; then
  # Next to this script in the source tree, or in its runfiles under bazel run.
  here=$(dirname "${BASH_SOURCE[0]}")
  for dir in "$here" "${RUNFILES_DIR:-$0.runfiles}/scxtwin/sim/host" "$PWD/sim/host"; do
    if [[ -f $dir/runtime/host_kfuncs.c ]]; then here=$dir; break; fi
  done
  inc=$here/include kfuncs=$here/runtime/host_kfuncs.c
  shift 2
else
  inc=$3 kfuncs=$4
  shift 4
fi
# bazel run starts in the runfiles tree: relative paths are the caller's.
if [[ -n ${BUILD_WORKING_DIRECTORY:-} ]]; then
  [[ $out == /* ]] || out=$BUILD_WORKING_DIRECTORY/$out
  [[ $src == /* ]] || src=$BUILD_WORKING_DIRECTORY/$src
fi
for f in "$src" "$kfuncs"; do
  [[ -f $f ]] || { echo "build_host_policy: $f: no such file" >&2; exit 1; }
done
[[ -d $inc ]] || { echo "build_host_policy: $inc: not a directory (host include dir)" >&2; exit 1; }

cc=${SCXTWIN_HOST_CC:-clang-16}
objdump=${SCXTWIN_HOST_OBJDUMP:-llvm-objdump-16}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

flags=(-D__SCXTWIN_HOST__ -fPIC -O2 -fvisibility=hidden -fno-common
       -Wall -Wno-unused-function -Wno-unknown-attributes
       -I"$inc" -I"$(dirname "$src")" "$@")
# Extra flags from the environment, e.g. SCXTWIN_HOST_CFLAGS=-fsanitize=address to check a
# scheduler's memory accesses (the verifier's job in the kernel) inside an ASan test binary. A
# sanitized object takes its runtime from the executable, so it may have undefined symbols.
link_checks=(-Wl,-z,defs)
if [[ -n ${SCXTWIN_HOST_CFLAGS:-} ]]; then
  read -r -a extra <<< "$SCXTWIN_HOST_CFLAGS"
  flags+=("${extra[@]}")
  link_checks=()
fi

# 1. Which objects does the program define, and in which sections?
"$cc" "${flags[@]}" -c "$src" -o "$tmp/scan.o"
"$objdump" -t "$tmp/scan.o" | awk '
  # columns: address, flags (may contain spaces, "O" for an object), section, size,
  # [.hidden], name
  $0 ~ / F / {
    # user-space-run programs (SEC("syscall")): functions the loader can call
    name = $NF; sec = ""
    for (i = 1; i < NF; i++) if ($i == "F") { sec = $(i + 1); break }
    if (sec == "syscall" && name !~ /[.]/) print "prog", name
  }
  $0 ~ / O / {
    name = $NF; sec = ""
    for (i = 1; i < NF; i++) if ($i == "O") { sec = $(i + 1); break }
    # a project policy'"'"'s knob / counter table rows (SCXTWIN_KNOB_DESCRIBE in host_registry.h)
    if (name ~ /^__scxtwin_knob_/) { print "knob", name; next }
    if (name ~ /^__scxtwin_stat_/) { print "stat", name; next }
    # (names with dots are function-local statics; the others come from the compiler, e.g. ASan)
    if (name ~ /[.]/ || name ~ /^___/ || name ~ /^__(odr_asan|asan|unnamed_)/) next
    if (sec == ".maps") print "map", name
    else if (sec == ".struct_ops" || sec == ".struct_ops.link") print "ops", name
    else if (sec ~ /^[.]rodata/ && sec !~ /^[.]rodata[.](str|cst)/) print "global", name, "SCXTWIN_SECTION_RODATA"
    else if (sec ~ /^[.]bss/) print "global", name, "SCXTWIN_SECTION_BSS"
    else if (sec ~ /^[.]data/) print "global", name, "SCXTWIN_SECTION_DATA"
  }' | sort -u > "$tmp/objects"

# 2. The registry, compiled in the program's own translation unit (statics are reachable).
{
  echo "#include \"$(basename "$src")\""
  echo "#include <scxtwin/host_registry.h>"
  echo "__attribute__((visibility(\"default\")))"
  echo "void scxtwin_registry(const struct scxtwin_registry_sink *sink)"
  echo "{"
  while read -r kind name section; do
    case $kind in
      map) echo "  SCXTWIN_REGISTER_MAP(sink, $name);" ;;
      ops) echo "  SCXTWIN_REGISTER_OPS(sink, $name);" ;;
      prog) echo "  SCXTWIN_REGISTER_PROG(sink, $name);" ;;
      knob) echo "  SCXTWIN_REGISTER_KNOB_SPEC(sink, $name);" ;;
      stat) echo "  SCXTWIN_REGISTER_STAT_SPEC(sink, $name);" ;;
      global) echo "  SCXTWIN_REGISTER_GLOBAL(sink, $name, $section);" ;;
    esac
  done < "$tmp/objects"
  echo "}"
} > "$tmp/registry.c"

# 3. Compile and link.
"$cc" "${flags[@]}" -c "$tmp/registry.c" -o "$tmp/registry.o"
"$cc" "${flags[@]}" -c "$kfuncs" -o "$tmp/kfuncs.o"
"$cc" -shared -fPIC -o "$out" "$tmp/registry.o" "$tmp/kfuncs.o" "${link_checks[@]}" \
  -Wl,-z,separate-code
