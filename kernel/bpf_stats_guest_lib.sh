# Sourced in the VM guest (". /bin/bpf_stats_guest_lib.sh", after /bin/guest_lib.sh) by the tools
# that measure a scheduler's BPF programs with kernel.bpf_stats_enabled=1: //kernel:bpf_prog_stats
# (per program) and //tools/twin:replay_cost (summed, for the ordinary and the record build).
# Needs /bin/load, /bin/stress and bpftool in the guest.

# bpf_stats_table MIN_ID: reads `bpftool prog show` on stdin and prints one line per struct_ops
# program whose id is above MIN_ID: NAME INSNS RUN_CNT RUN_TIME_NS (INSNS is the xlated size / 8).
# Program ids only grow, so MIN_ID (bpf_stats_last_id before the load) keeps out any program of a
# scheduler loaded before, whatever its names. Timer callbacks are not programs of their own
# (the kernel calls them directly): their runs are in no line.
bpf_stats_table() {
  awk -v min_id="$1" '
    /^[0-9]+: / {
      id = $1; sub(":", "", id); keep = ($2 == "struct_ops" && id + 0 > min_id + 0)
      name = ""; rt = "0"; rc = "0"
      for (i = 3; i < NF; i++) {
        if ($i == "name") name = $(i + 1)
        if ($i == "run_time_ns") rt = $(i + 1)
        if ($i == "run_cnt") rc = $(i + 1)
      }
    }
    $1 == "xlated" && keep {
      x = $2; sub("B", "", x)
      # Counts as read: %d is 32 bits wide in some awks, and run times pass 2^31 ns.
      printf "%s %d %s %s\n", name, x / 8, rc, rt
    }'
}

# bpf_stats_last_id: the highest id of a BPF program loaded now (0 if none).
bpf_stats_last_id() {
  bpftool prog show | awk '/^[0-9]+: / { id = $1; sub(":", "", id) } END { print id + 0 }'
}

# bpf_stats_run SECONDS LOAD_ARG...: turns the statistics on, starts `load LOAD_ARG...
# --stats-interval=0` (its output in /tmp/load.out), runs the stress mix for SECONDS once
# sched_ext is enabled (its output, the `stress:` lines, in /tmp/stress.out), writes
# bpf_stats_table of the programs that load added to /tmp/bpf_stats.txt while they still run,
# and detaches the scheduler. Returns the loader's exit status, or 1 if the scheduler never
# became enabled.
bpf_stats_run() {
  seconds=$1
  shift
  echo 1 >/proc/sys/kernel/bpf_stats_enabled
  last=$(bpf_stats_last_id)
  load "$@" --stats-interval=0 >/tmp/load.out 2>&1 &
  loader=$!
  if ! wait_state enabled; then
    kill -INT $loader 2>/dev/null
    wait $loader
    return 1
  fi
  # Its progress line, and a FAILED line if a part made no progress (a starved guest): callers
  # show them; the statistics are read either way.
  stress "$seconds" >/tmp/stress.out 2>&1
  bpftool prog show | bpf_stats_table "$last" >/tmp/bpf_stats.txt
  kill -INT $loader
  wait $loader
  rc=$?
  wait_state disabled
  return $rc
}
