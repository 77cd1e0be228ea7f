#!/bin/bash
# Every enumerator the host vmlinux.h defines (SCX_*, BPF_*, ...) has the value the cached 7.3
# kernel's vmlinux.h (generated from its BTF by tools/setup) gives it. The host header is
# written by hand; this is what keeps it honest.
set -euo pipefail
host=sim/host/include/vmlinux.h
kernel=${SCXTWIN_CACHE:-/var/cache/scxtwin}/kernel/vmlinux.h
[[ -f $kernel ]] || { echo "no $kernel: run sudo tools/setup" >&2; exit 1; }

# "NAME = VALUE," lines inside enums, as "NAME VALUE" (ULL suffixes dropped).
enumerators() {
  awk '/^enum /{e=1} e&&/^};/{e=0} e&&/^\t[A-Za-z_0-9]+ = -?[0-9]+(ULL)?,?$/{
    gsub(/[\t,]/,""); sub(/ULL$/,""); split($0,a," = "); print a[1], a[2]}' "$1"
}
enumerators "$kernel" | sort -u -k1,1 > "$TEST_TMPDIR/kernel"
enumerators "$host" | sort -u -k1,1 > "$TEST_TMPDIR/host"
checked=0 bad=0
while read -r name value; do
  want=$(awk -v n="$name" '$1==n{print $2; exit}' "$TEST_TMPDIR/kernel")
  if [[ -z $want ]]; then
    echo "MISSING in the kernel: $name (host value $value)"; bad=$((bad + 1))
  elif [[ $want != "$value" ]]; then
    echo "MISMATCH $name: host $value, kernel $want"; bad=$((bad + 1))
  fi
  checked=$((checked + 1))
done < "$TEST_TMPDIR/host"
echo "$checked enumerators checked, $bad wrong"
[[ $checked -gt 100 && $bad -eq 0 ]]
