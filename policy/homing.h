/* homing: the knobs and counters user space shares with homing.bpf.c (see policy/README.md). */
#ifndef SCXTWIN_POLICY_HOMING_H
#define SCXTWIN_POLICY_HOMING_H

/* KNOB(name_with_unit, default, min, max, "what it does") */
#define HOMING_KNOBS(KNOB)                                                                  \
	KNOB(slice_max_us, 5000, 100, 1000000,                                              \
	     "time slice when no task waits; it shrinks as more tasks wait")                \
	KNOB(slice_min_us, 2000, 50, 1000000, "lower bound of the shrinking time slice")    \
	KNOB(sleep_credit_us, 10000, 0, 1000000,                                            \
	     "cap on how far behind the current virtual time a waking task may start")      \
	KNOB(exec_cap_us, 50000, 0, 10000000,                                               \
	     "cap on the run time not paid back by sleep that pushes a task's deadline back") \
	KNOB(go_home, 1, 0, 1, "1: send a woken task back to its idle home CPU; 0: never")  \
	KNOB(kick_on_enqueue, 1, 0, 1, "1: wake an idle CPU when a task is queued; 0: never")

/* STAT(name, "what it counts") */
#define HOMING_STATS(STAT)                                                                 \
	STAT(went_home, "woken tasks sent back to their idle home CPU from elsewhere")        \
	STAT(stayed_home, "woken tasks whose previous CPU is their home and was idle")        \
	STAT(stayed_prev, "woken tasks that stayed on their idle previous CPU (other than "  \
			  "home, or any with go_home=0)")                                     \
	STAT(moved_idle, "woken tasks moved to another idle CPU because home and previous "   \
			 "were busy")                                                         \
	STAT(queued_shared, "tasks inserted into the shared deadline-ordered DSQ")           \
	STAT(kicks, "idle CPUs kicked because a task was queued")                             \
	STAT(dispatched, "tasks a CPU moved from the shared DSQ to run")                      \
	STAT(homes_set, "home CPUs assigned (at a task's first run, or after its home "       \
			"left its affinity)")                                                 \
	STAT(slice_at_min, "slices clamped to slice_min_us because many tasks waited")

#endif /* SCXTWIN_POLICY_HOMING_H */
