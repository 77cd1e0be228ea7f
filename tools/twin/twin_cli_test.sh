#!/usr/bin/env bash
# `twin`'s bad input (no VM): one line naming the input, exit 2.
set -uo pipefail
source tests/testing/assert.sh
twin=$1
expect_error "unknown subcommand" "twin: unknown subcommand 'frobnicate' (known: replay compare plan)" "$twin" frobnicate
"$twin" >/dev/null 2>&1; check_eq "no subcommand: exit 2" 2 $?
expect_error "unknown policy" "no host build of policy 'nosuch'" "$twin" replay --policy=nosuch
expect_error "bad --cpus" "--cpus expects a whole number from 1 to 64, got 'x'" "$twin" replay --policy=vtime --cpus=x
expect_error "bad --duration" "--duration expects a duration of at least 1s" "$twin" replay --policy=vtime --duration=fast
expect_error "missing record" "cannot open it" "$twin" replay --policy=vtime --from=/nonexistent/rec
head -c 4096 /dev/zero | tr '\0' x >"$tmp/junk"
expect_error "not a record" "not a record file" "$twin" replay --policy=vtime --from="$tmp/junk"
expect_error "--from with --set" "--from replays a kept record" "$twin" replay --policy=vtime --from="$tmp/junk" --set slice_us=1
expect_error "bad --kernel-tree" "--kernel-tree expects a scheduler's name such as scx_simple, got 'Bad!'" "$twin" replay --kernel-tree='Bad!'
expect_error "--kernel-tree with --policy" "give --policy=NAME or --kernel-tree=NAME, not both" "$twin" replay --kernel-tree=scx_simple --policy=vtime
expect_error "no such kernel-tree scheduler" "--kernel-tree=scx_nosuch: no $tmp/none/kernel/src/tools/sched_ext/scx_nosuch.bpf.c" env SCXTWIN_CACHE="$tmp/none" "$twin" replay --kernel-tree=scx_nosuch
exit $fail
