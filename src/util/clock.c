/*
 * clock.c: monotonic time, sleeping, and waiting with backoff (clock.h).
 */
#include "util/clock.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>

double rt_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void rt_sleep(double s)
{
	struct timespec ts;
	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

void rt_backoff_init(rt_backoff *b, double timeout, double first, double max,
		     const void *seed)
{
	b->deadline = rt_now() + (timeout > 0 ? timeout : 0);
	b->delay = first;
	b->max = max;
	b->rng = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)seed;
	if (!b->rng)
		b->rng = 1;
}

/* xorshift64*, as a factor in [0.75, 1.25). */
static double jitter(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	uint64_t r = *state * 0x2545F4914F6CDD1DULL;
	return 0.75 + 0.5 * (double)(r >> 11) / 9007199254740992.0;
}

bool rt_backoff_wait_or(rt_backoff *b, const atomic_int *stop)
{
	double left = b->deadline - rt_now();
	if (left <= 0 || (stop && atomic_load(stop)))
		return false;
	double wait = b->delay * jitter(&b->rng);
	double until = rt_now() + (wait < left ? wait : left);
	for (double now = rt_now(); now < until; now = rt_now()) {
		if (stop && atomic_load(stop))
			return false;
		rt_sleep(until - now < 0.02 ? until - now : 0.02);
	}
	b->delay = b->delay * 2 < b->max ? b->delay * 2 : b->max;
	return !(stop && atomic_load(stop));
}

bool rt_backoff_wait(rt_backoff *b)
{
	return rt_backoff_wait_or(b, NULL);
}
