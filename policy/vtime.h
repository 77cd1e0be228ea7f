/* vtime: the knobs and counters user space shares with vtime.bpf.c (see policy/README.md). */
#ifndef SCXTWIN_POLICY_VTIME_H
#define SCXTWIN_POLICY_VTIME_H

/* KNOB(name_with_unit, default, min, max, "what it does") */
#define VTIME_KNOBS(KNOB)                                                                 \
	KNOB(slice_us, 20000, 100, 1000000, "time slice given to every task")             \
	KNOB(sleep_credit_us, 20000, 0, 1000000,                                          \
	     "how far behind the current virtual time a waking task may start: the cap on " \
	     "the credit a sleeper gets")

/* STAT(name, "what it counts") */
#define VTIME_STATS(STAT)                                                       \
	STAT(direct_idle, "wakeups dispatched straight to an idle CPU picked by "  \
			  "scx_bpf_select_cpu_dfl")                                \
	STAT(queued_shared, "tasks inserted into the shared vtime-ordered DSQ")   \
	STAT(credit_capped, "enqueues whose sleeper credit was capped")           \
	STAT(dispatched, "tasks a CPU moved from the shared DSQ to run")

#endif /* SCXTWIN_POLICY_VTIME_H */
