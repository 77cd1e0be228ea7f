/* Time and busy-waiting for the guest programs of the VM tests (stress, homing_probe): both need
 * CPU time that shows as running, not sleeping. */
#ifndef SCXTWIN_TESTS_KERNEL_SPIN_H_
#define SCXTWIN_TESTS_KERNEL_SPIN_H_

#include <time.h>

/* Monotonic time in seconds. */
static inline double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Stays on the CPU for `seconds`. */
static inline void spin_for(double seconds)
{
	double end = now_s() + seconds;
	while (now_s() < end)
		;
}

#endif /* SCXTWIN_TESTS_KERNEL_SPIN_H_ */
