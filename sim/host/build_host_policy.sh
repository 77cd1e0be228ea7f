#!/bin/bash
# Compiles a sched_ext scheduler's .bpf.c, unmodified, as host C into a shared object the
# simulator loads (sim/host/policy_loader.h).
#
#   build_host_policy.sh [--scx-include=DIR] [--with=MORE.bpf.c]... [--kconfig=FILE]
#                        [--kernel-version=X.Y.Z]
#                        OUT.so SRC.bpf.c [HOST_INCLUDE_DIR HOST_KFUNCS_C [CLANG_FLAG...]]
#
# --with=MORE.bpf.c: a further translation unit of the same program (what bpftool/libbpf link
#   into one object, e.g. an scx scheduler's lib/pmu.bpf.c); may repeat.
# --scx-include=DIR: a scheduler from the scx repository: DIR is a checkout's scheds/include.
#   The host-mode headers keep precedence; the headers only the scx repository has (e.g.
#   scx/percpu.bpf.h, lib/*.h) come from DIR.
# --kconfig=FILE, --kernel-version=X.Y.Z: the kernel whose `__kconfig` externs the object
#   reads (libbpf resolves them from the running kernel); default the cached kernel's
#   $SCXTWIN_CACHE/kernel/{config,version} (SCXTWIN_CACHE defaults to /var/cache/scxtwin).
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

usage="usage: $0 [--scx-include=DIR] [--with=MORE.bpf.c]... [--kconfig=FILE] [--kernel-version=X.Y.Z] OUT.so SRC.bpf.c [HOST_INCLUDE_DIR HOST_KFUNCS_C [CLANG_FLAG...]]"
cache=${SCXTWIN_CACHE:-/var/cache/scxtwin}
scx_include="" kconfig=$cache/kernel/config kernel_version="" more=()
[[ -f $cache/kernel/version ]] && kernel_version=$(<"$cache/kernel/version")
while [[ $# -gt 0 && $1 == --* ]]; do
  case $1 in
    --scx-include=*) scx_include=${1#*=} ;;
    --with=*) more+=("${1#*=}") ;;
    --kconfig=*) kconfig=${1#*=} ;;
    --kernel-version=*) kernel_version=${1#*=} ;;
    *) echo "build_host_policy: unknown option $1" >&2; echo "$usage" >&2; exit 2 ;;
  esac
  shift
done
if [[ $# -ne 2 && $# -lt 4 ]]; then
  echo "$usage" >&2
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
  [[ -z $scx_include || $scx_include == /* ]] || scx_include=$BUILD_WORKING_DIRECTORY/$scx_include
  [[ $kconfig == /* ]] || kconfig=$BUILD_WORKING_DIRECTORY/$kconfig
  for i in "${!more[@]}"; do
    [[ ${more[$i]} == /* ]] || more[$i]=$BUILD_WORKING_DIRECTORY/${more[$i]}
  done
fi
if [[ -n $scx_include && ! -f $scx_include/scx/common.bpf.h ]]; then
  echo "build_host_policy: --scx-include=$scx_include: not an scx checkout's scheds/include (no scx/common.bpf.h)" >&2
  exit 2
fi
sources=("$src" "${more[@]}")
for f in "${sources[@]}" "$kfuncs"; do
  [[ -f $f ]] || { echo "build_host_policy: $f: no such file" >&2; exit 1; }
done
[[ -d $inc ]] || { echo "build_host_policy: $inc: not a directory (host include dir)" >&2; exit 1; }

cc=${SCXTWIN_HOST_CC:-clang-16}
objdump=${SCXTWIN_HOST_OBJDUMP:-llvm-objdump-16}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# -Wno-format: bpf_printk's formats are BPF's (%ld for a u64 is right there).
flags=(-D__SCXTWIN_HOST__ -D__BPF__ -fPIC -O2 -gline-tables-only -fvisibility=hidden -fno-common
       -Wall -Wno-unused-function -Wno-unknown-attributes -Wno-format
       -Wno-gnu-variable-sized-type-not-at-end
       -I"$inc" "$@")
# The scx repository's own headers come after the host-mode ones (-idirafter): only what the
# host headers do not have is taken from there.
# Its headers also serve user space and pick the BPF side with __BPF__.
[[ -n $scx_include ]] && flags+=(-idirafter "$scx_include" -D__BPF__)
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
# Each translation unit is compiled with its own directory on the include path. Every unit of
# a BPF program may declare `char _license[] SEC("license")` (the BPF linker keeps one): in host
# C each but the first gets its own name.
for i in "${!sources[@]}"; do
  tu_flags[$i]=-D_license=_license
  ((i > 0)) && tu_flags[$i]=-D_license=_scxtwin_license_$i
"$cc" "${flags[@]}" "${tu_flags[$i]}" -I"$(dirname "${sources[$i]}")" -c "${sources[$i]}" -o "$tmp/scan$i.o"
"$objdump" -t "$tmp/scan$i.o" | awk '
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
  }' | sort -u > "$tmp/objects$i"
done

# 1b. The externs libbpf resolves from the running kernel: `__kconfig` values (CONFIG_*,
# LINUX_KERNEL_VERSION, LINUX_HAS_*). Each gets storage here (kconfig.c) and a registry entry with
# its value from the kernel config (--kconfig); the loader checks and writes it (a strong extern
# without a value is a load error, a __weak one reads 0, as in libbpf). `__ksym` externs are
# kfuncs/helpers: runtime/host_kfuncs.c defines the ones the simulator provides; a __weak one it
# does not is left at address 0, so bpf_ksym_exists() is false, as on a kernel without it.
"$cc" "${flags[@]}" -c "$kfuncs" -o "$tmp/kfuncs.o"
"$objdump" -t "$tmp/kfuncs.o" | awk '!/[*]UND[*]/ {print $NF}' | sort -u > "$tmp/runtime_defined"
# Per unit: the externs it declares (kconfig$i); the registry registers each in the first unit
# declaring it, whose declaration gives its C type. All of them: kconfig.
for i in "${!sources[@]}"; do
  "$objdump" -t "$tmp/scan$i.o" | awk -v defined="$tmp/runtime_defined" '
    BEGIN { while ((getline line < defined) > 0) have[line] = 1 }
    /[*]UND[*]/ {
      if ($NF in have) next  # the runtime defines it
      name = $NF
      if (name ~ /^(CONFIG_[A-Za-z0-9_]+|LINUX_KERNEL_VERSION|LINUX_HAS_BPF_COOKIE|LINUX_HAS_SYSCALL_WRAPPER)$/)
        print name, ($2 == "w" ? 1 : 0)
    }' | sort -u > "$tmp/kconfig$i"
  touch "$tmp/kconfig_registered"
  awk -v reg="$tmp/kconfig_registered" '
    BEGIN { while ((getline line < reg) > 0) { split(line, f, " "); seen[f[1]] = 1 } }
    !($1 in seen)' "$tmp/kconfig$i" > "$tmp/kconfig$i.new"
  mv "$tmp/kconfig$i.new" "$tmp/kconfig$i"
  cat "$tmp/kconfig$i" >> "$tmp/kconfig_registered"
done
sort -u -k1,1 "$tmp/kconfig_registered" > "$tmp/kconfig"

# kfuncs the host API lists but the simulator leaves unimplemented (kfunc_list.inc rows with log
# NONE): a scheduler calling one is refused here, naming it, as an unknown kfunc is.
if [[ -f $inc/scxtwin/kfunc_list.inc ]]; then
  printf '%s\n' \
    '#define SCXTWIN_KFUNC(type, entry, params, args, fwd, dflt, kfunc, method, log, ...) SCXTWIN_ROW kfunc log' \
    '#define SCXTWIN_KFUNC_VOID(entry, params, args, fwd, kfunc, method, log, ...) SCXTWIN_ROW kfunc log' \
    '#include <scxtwin/kfunc_list.inc>' > "$tmp/rows.c"
  "$cc" -E -P -I"$inc" "$tmp/rows.c" | awk '$1 == "SCXTWIN_ROW" && $3 == "NONE" {print $2}' | sort -u > "$tmp/unimplemented"
  used=$(for o in "$tmp"/scan*.o; do "$objdump" -t "$o"; done | awk '/[*]UND[*]/ {print $NF}' | sort -u)
  refused=$(comm -12 "$tmp/unimplemented" <(printf '%s\n' "$used"))
  if [[ -n $refused ]]; then
    for m in $refused; do
      echo "build_host_policy: $src uses $m, a kfunc the simulator does not implement" >&2
    done
    exit 1
  fi
fi

# The value of a Kconfig extern as a C string literal ("250", "y", "\"text\""), or 0 if unknown.
kconfig_value() {
  local name=$1 v=""
  case $name in
    LINUX_KERNEL_VERSION)
      # KERNEL_VERSION(a, b, c) of "7.3.4+deb13-cloud-amd64"; c saturates at 255 like libbpf's.
      if [[ $kernel_version =~ ^([0-9]+)\.([0-9]+)(\.([0-9]+))? ]]; then
        local c=${BASH_REMATCH[4]:-0}
        ((c > 255)) && c=255
        v=$(( (BASH_REMATCH[1] << 16) + (BASH_REMATCH[2] << 8) + c ))
      fi ;;
    LINUX_HAS_BPF_COOKIE | LINUX_HAS_SYSCALL_WRAPPER) v=y ;;
    *) [[ -f $kconfig ]] && v=$(grep -m1 "^$name=" "$kconfig" | cut -d= -f2-) ;;
  esac
  if [[ -z $v ]]; then echo 0; return; fi
  v=${v//\\/\\\\}
  v=${v//\"/\\\"}
  echo "\"$v\""
}

# 2. The registry: one part per translation unit, compiled in that unit (its statics are
# reachable), and the entry point, in the first, calling every part.
for i in "${!sources[@]}"; do
  {
    echo "#include \"$(basename "${sources[$i]}")\""
    echo "#include <scxtwin/host_registry.h>"
    for j in "${!sources[@]}"; do
      ((j > 0)) && echo "void scxtwin_registry_part$j(const struct scxtwin_registry_sink *sink);"
    done
    if ((i == 0)); then
      echo "__attribute__((visibility(\"default\")))"
      echo "void scxtwin_registry(const struct scxtwin_registry_sink *sink)"
    else
      echo "void scxtwin_registry_part$i(const struct scxtwin_registry_sink *sink)"
    fi
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
    done < "$tmp/objects$i"
    while read -r name weak; do
      echo "  SCXTWIN_REGISTER_KCONFIG(sink, $name, $weak, $(kconfig_value "$name"));"
    done < "$tmp/kconfig$i"
    if ((i == 0)); then
      for j in "${!sources[@]}"; do
        ((j > 0)) && echo "  scxtwin_registry_part$j(sink);"
      done
    fi
    echo "}"
  } > "$tmp/registry$i.c"
done
# Storage for the Kconfig externs, in a translation unit of its own (the policy's code cannot
# fold a value it does not see); the loader writes each value at load time.
{
  echo "#include <scxtwin/host_registry.h>"
  while read -r name weak; do
    echo "__attribute__((aligned(8))) unsigned char $name[SCXTWIN_KCONFIG_MAX_SIZE];"
  done < "$tmp/kconfig"
} > "$tmp/kconfig.c"

# 3. Compile and link.
registry_objs=()
for i in "${!sources[@]}"; do
  "$cc" "${flags[@]}" "${tu_flags[$i]}" -I"$(dirname "${sources[$i]}")" -c "$tmp/registry$i.c" -o "$tmp/registry$i.o"
  registry_objs+=("$tmp/registry$i.o")
done
"$cc" "${flags[@]}" -c "$tmp/kconfig.c" -o "$tmp/kconfig.o"
# The rest of the runtime: the other .c files next to the kfuncs file (host_arena.c, ...).
runtime_objs=()
for f in "$(dirname "$kfuncs")"/*.c; do
  [[ $f -ef $kfuncs ]] && continue
  o=$tmp/runtime_$(basename "$f" .c).o
  "$cc" "${flags[@]}" -c "$f" -o "$o"
  runtime_objs+=("$o")
done
if ! "$cc" -shared -fPIC -o "$tmp/out.so" "${registry_objs[@]}" "$tmp/kfuncs.o" "$tmp/kconfig.o" "${runtime_objs[@]}" \
     "${link_checks[@]}" -Wl,-z,separate-code 2> "$tmp/link.err"; then
  # A function the object calls that nothing defines: a kfunc or helper the simulator does not
  # provide (a libbpf load would fail on it the same way).
  missing=$(sed -n -e 's/.*undefined symbol: \([A-Za-z0-9_]*\).*/\1/p' \
                   -e "s/.*undefined reference to \`\([A-Za-z0-9_]*\)'.*/\1/p" "$tmp/link.err" | sort -u)
  if [[ -n $missing ]]; then
    for m in $missing; do
      echo "build_host_policy: $src uses $m, a kfunc/helper/kernel symbol the simulator does not provide" >&2
    done
  else
    cat "$tmp/link.err" >&2
  fi
  exit 1
fi
mv "$tmp/out.so" "$out"
