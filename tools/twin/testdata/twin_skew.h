/* twin_skew: the knobs and counters of the replay's test policy (twin_skew.bpf.c). */
#ifndef SCXTWIN_TOOLS_TWIN_TESTDATA_TWIN_SKEW_H
#define SCXTWIN_TOOLS_TWIN_TESTDATA_TWIN_SKEW_H

/* The deliberate knob-default difference: the host build made with -DTWIN_SKEW_KNOB_DEFAULT
 * (target twin_skew_knob_host) defaults slice_us one higher than the BPF build. */
#if defined(__SCXTWIN_HOST__) && defined(TWIN_SKEW_KNOB_DEFAULT)
#define TWIN_SKEW_SLICE_US 3001
#else
#define TWIN_SKEW_SLICE_US 3000
#endif

#define TWIN_SKEW_KNOBS(KNOB) \
  KNOB(slice_us, TWIN_SKEW_SLICE_US, 100, 1000000, "time slice of every task")

#define TWIN_SKEW_STATS(STAT)                              \
  STAT(direct, "woken tasks sent straight to an idle CPU") \
  STAT(queued, "tasks queued in the shared DSQ")

#endif /* SCXTWIN_TOOLS_TWIN_TESTDATA_TWIN_SKEW_H */
