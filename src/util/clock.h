/*
 * clock.h: monotonic time, sleeping, and waiting with backoff.
 *
 * The lock loops of both drivers and `--wait` retry something until a
 * deadline: each wait doubles (up to a cap), scaled by a random factor in
 * [0.75, 1.25) so that runners started together do not retry in step, and
 * never sleeps past the deadline.
 */
#ifndef RT_UTIL_CLOCK_H
#define RT_UTIL_CLOCK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* Seconds on the monotonic clock. */
double rt_now(void);
/* Sleep s seconds, through signals. */
void rt_sleep(double s);

typedef struct rt_backoff {
	double deadline; /* rt_now() at which to give up */
	double delay;    /* the next wait, before jitter */
	double max;      /* the cap on delay */
	uint64_t rng;    /* xorshift64* state, never 0 */
} rt_backoff;

/*
 * Start waiting: give up timeout seconds from now (<= 0: at the first
 * wait), waiting first then doubling up to max.  seed (any address of the
 * caller's) tells apart the waits of one process.
 */
void rt_backoff_init(rt_backoff *b, double timeout, double first, double max,
		     const void *seed);
/* Sleep the next wait; false, without sleeping, once the deadline has passed. */
bool rt_backoff_wait(rt_backoff *b);
/*
 * rt_backoff_wait, in slices of at most 20 ms, that also ends (false) as
 * soon as *stop is non-zero (stop may be NULL).
 */
bool rt_backoff_wait_or(rt_backoff *b, const atomic_int *stop);

#endif
