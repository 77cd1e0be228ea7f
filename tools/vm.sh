#!/usr/bin/env bash
# vm: boot the cached sched_ext kernel under QEMU (TCG, thread=single unless --mttcg), run one
# command as root in the guest, stream its output, and exit with its exit code.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: vm [--cpus N] [--mem SIZE] [--timeout S] [--add FILE[:DEST]]... [--out DIR] [--kernel-log]
          [--mttcg] [--append ARGS] -- CMD [ARGS...]

Boots the sched_ext kernel cached by tools/setup under QEMU (software emulation, one host thread
unless --mttcg) with an initramfs of busybox plus the given files, runs CMD as root in the guest
and streams its output. Files added with --add land in /bin unless DEST is given; a dynamically
linked ELF brings its shared libraries along.

  --cpus N       guest CPUs (default 2)
  --mem SIZE     guest memory, QEMU syntax (default 1G)
  --timeout S    seconds before the guest is killed (default 300)
  --out DIR      bring back what CMD wrote to the guest's /out (also $SCXTWIN_OUT there) into
                 the host directory DIR (created if missing), through a virtio serial port
  --kernel-log   show the kernel's log on the console (default: alerts only)
  --mttcg        multi-threaded TCG: one host thread per guest CPU, so guest CPUs really run in
                 parallel (timing then means something, up to the host's free cores); the guest
                 boots with one CPU and brings the others online before CMD (unless --append
                 sets maxcpus), since its kernel patches its own code while booting
  --append ARGS  extra kernel command line words (e.g. maxcpus=1)

Exit status: CMD's own; 124 when the timeout hit; 125 when the guest never reported an exit code
(boot failure or kernel panic); 126 when there is no cached kernel; 2 for a usage error.
Environment: SCXTWIN_CACHE (default /var/cache/scxtwin) holds the kernel.
USAGE
}

cpus=2 mem=1G timeout_s=300 loglevel=1 out_dir= tcg_thread=single append=
adds=()
while (($#)); do
  case $1 in
    --cpus) cpus=${2:?--cpus needs a number}; shift 2 ;;
    --cpus=*) cpus=${1#*=}; shift ;;
    --mem) mem=${2:?--mem needs a size}; shift 2 ;;
    --mem=*) mem=${1#*=}; shift ;;
    --timeout) timeout_s=${2:?--timeout needs seconds}; shift 2 ;;
    --timeout=*) timeout_s=${1#*=}; shift ;;
    --add) adds+=("${2:?--add needs a file}"); shift 2 ;;
    --add=*) adds+=("${1#*=}"); shift ;;
    --out) out_dir=${2:?--out needs a directory}; shift 2 ;;
    --out=*) out_dir=${1#*=}; shift ;;
    --kernel-log) loglevel=7; shift ;;
    --mttcg) tcg_thread=multi; shift ;;
    --append) append=${2?--append needs kernel arguments}; shift 2 ;;
    --append=*) append=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    *) echo "vm: unknown option '$1' (expected --cpus, --mem, --timeout, --add, --out, --kernel-log, --mttcg, --append, then -- CMD)" >&2; exit 2 ;;
  esac
done
if (($# == 0)); then
  echo "vm: no command given: vm [options] -- CMD [ARGS...]" >&2
  exit 2
fi
[[ $cpus =~ ^[1-9][0-9]*$ ]] || { echo "vm: --cpus expects a positive integer, got '$cpus'" >&2; exit 2; }
[[ $timeout_s =~ ^[1-9][0-9]*$ ]] || { echo "vm: --timeout expects whole seconds, got '$timeout_s'" >&2; exit 2; }

kernel=${SCXTWIN_CACHE:-/var/cache/scxtwin}/kernel/vmlinuz
if [[ ! -s $kernel ]]; then
  echo "vm: no cached sched_ext kernel at $kernel: run 'sudo tools/setup' first" >&2
  exit 126
fi
for tool in qemu-system-x86_64 cpio gzip busybox; do
  command -v "$tool" >/dev/null || { echo "vm: needs '$tool': run 'sudo tools/setup'" >&2; exit 126; }
done

# `bazel run` starts us in the runfiles tree; relative paths the user typed are from their cwd.
resolve() {
  local f=$1
  if [[ $f != /* && ! -e $f && -n ${BUILD_WORKING_DIRECTORY:-} ]]; then
    f=$BUILD_WORKING_DIRECTORY/$f
  fi
  echo "$f"
}

if [[ -n $out_dir ]]; then
  out_dir=$(resolve "$out_dir")
  mkdir -p "$out_dir" 2>/dev/null && [[ -w $out_dir ]] ||
    { echo "vm: --out: cannot write to directory '$out_dir'" >&2; exit 2; }
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/scxtwin-vm.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,root,lib,lib64,usr/lib,etc}
cp "$(command -v busybox)" "$root/bin/busybox"

copy_libs() {
  local lib
  # ldd prints "name => /path (addr)" or "/path (addr)" for the loader.
  while read -r lib; do
    [[ -n $lib && -e $lib ]] || continue
    mkdir -p "$root$(dirname "$lib")"
    cp -Ln "$lib" "$root$lib"
  done < <(ldd "$1" 2>/dev/null | grep -oE '/[^ ]+' || true)
}

for spec in "${adds[@]+"${adds[@]}"}"; do
  src=${spec%%:*} dst=
  [[ $spec == *:* ]] && dst=${spec#*:}
  src=$(resolve "$src")
  [[ -e $src ]] || { echo "vm: --add: no such file '$src'" >&2; exit 2; }
  [[ -n $dst ]] || dst=/bin/$(basename "$src")
  mkdir -p "$root$(dirname "$dst")"
  cp -L "$src" "$root$dst"
  if head -c 4 "$src" | grep -q ELF && ldd "$src" >/dev/null 2>&1; then
    copy_libs "$src"
  fi
done

# The command, quoted so that the guest shell sees the same words.
{
  printf 'exec'
  printf ' %q' "$@"
  printf '\n'
} >"$root/cmd"

cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
mount -t bpf bpf /sys/fs/bpf 2>/dev/null
mkdir -p /out
export SCXTWIN_OUT=/out
# --mttcg: the kernel booted with one CPU (below); bring the others up before the command runs.
if [ -e /online_all ]; then
  for f in /sys/devices/system/cpu/cpu[1-9]*/online; do
    [ -e "$f" ] && { echo 1 >"$f" || echo "vm: guest: could not bring ${f%/online} online" >&2; }
  done
fi
cd /root
sh /cmd </dev/null
rc=$?
# --out: /out goes back to the host as a tar stream on the virtio port named scxtwin.out (a
# byte-exact channel, unlike a tty), before the exit code, so the host has it all when it reads
# the code.
for port in /sys/class/virtio-ports/*; do
  [ "$(cat "$port/name" 2>/dev/null)" = scxtwin.out ] || continue
  tar -c -f - -C /out . >"/dev/${port##*/}" || echo "vm: guest: could not send /out" >&2
done
echo "scxtwin-exit=$rc" >/dev/ttyS1
sync
poweroff -f
INIT
chmod +x "$root/init"
# Multi-threaded TCG: the kernel patches its own code while it boots (a static key when it marks
# sched_clock stable, late in the boot), and a vCPU running meanwhile can execute a stale int3
# (a guest oopsed on one in sched_clock_cpu, 1.7 s into its boot). So such a guest boots with one
# CPU and its init brings the others up before the command, unless --append chose maxcpus itself.
if [[ $tcg_thread == multi && $cpus -gt 1 && " $append " != *" maxcpus="* ]]; then
  append="maxcpus=1${append:+ $append}"
  : >"$root/online_all"
fi
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.gz"

out_args=()
if [[ -n $out_dir ]]; then
  out_args=(-device virtio-serial-pci -chardev "file,id=out,path=$work/out.tar"
            -device "virtserialport,chardev=out,name=scxtwin.out")
fi

: >"$work/rc"
# tsc=reliable: under TCG the guest's TSC is the host's, offset, so it runs at a constant rate. The
# kernel's clocksource watchdog, run on a vCPU whose host thread the host deschedules, misreads
# that delay as TSC skew and marks the TSC unstable. The guest then reads its clock from the
# emulated HPET (an exit per read) with an unstable sched_clock, and the switch patches kernel code
# (a static key), which under multi-threaded TCG another vCPU can run meanwhile (a guest oopsed on
# an int3 in sched_clock_cpu).
set +e
timeout -k 5 "$timeout_s" qemu-system-x86_64 \
  -accel "tcg,thread=$tcg_thread" -cpu max -m "$mem" -smp "$cpus" \
  -display none -monitor none -no-reboot \
  -chardev stdio,id=console,signal=on -serial chardev:console \
  -serial "file:$work/rc" \
  "${out_args[@]+"${out_args[@]}"}" \
  -kernel "$kernel" -initrd "$work/initrd.gz" \
  -append "console=ttyS0 quiet loglevel=$loglevel panic=-1 tsc=reliable rdinit=/init${append:+ $append}" \
  </dev/null 2>"$work/qemu.err" | sed -u -e 's/\r$//' -e '/^\[ *[0-9.]*\] reboot: Power down$/d'
qemu_rc=${PIPESTATUS[0]}
set -e

if ((qemu_rc == 124)); then
  echo "vm: timed out after ${timeout_s}s (--timeout)" >&2
  exit 124
fi
rc=$(sed -n 's/^scxtwin-exit=\([0-9]*\).*/\1/p' "$work/rc" | tail -n1)
if [[ -n $out_dir && -n $rc ]]; then
  if [[ ! -s $work/out.tar ]] || ! tar -x -f "$work/out.tar" -C "$out_dir"; then
    echo "vm: --out: the guest's /out did not arrive" >&2
    exit 125
  fi
fi
if [[ -z $rc ]]; then
  echo "vm: the guest reported no exit code (boot failure or kernel panic; try --kernel-log)" >&2
  [[ -s $work/qemu.err ]] && sed 's/^/vm: qemu: /' "$work/qemu.err" >&2
  exit 125
fi
exit "$rc"
