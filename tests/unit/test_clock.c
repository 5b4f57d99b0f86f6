/*
 * test_clock.c: waiting with backoff (util/clock.h): never past the
 * deadline, never giving up before it, each wait doubling up to its cap
 * within the jitter's [0.75, 1.25).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/clock.h"

static void test_clock__no_timeout_gives_up_at_once(void **state)
{
	(void)state;
	rt_backoff b = { 0 };
	rt_backoff_init(&b, 0, 10, 10, &b);
	assert_false(rt_backoff_wait(&b));
	/* it did not sleep its 10 s: a wait would have doubled the next one */
	assert_true(b.delay == 10);
}

static void test_clock__waits_until_the_deadline_and_no_further(void **state)
{
	(void)state;
	rt_backoff b = { 0 };
	double t = rt_now();
	rt_backoff_init(&b, 0.2, 0.01, 0.04, &b);
	int waits = 0;
	while (rt_backoff_wait(&b))
		waits++;
	double spent = rt_now() - t;
	assert_true(spent >= 0.2);
	/* 0.01 + 0.02 + 0.04 + ... at 1.25 times at most: 4 waits or more */
	assert_true(waits >= 4);
	assert_false(rt_backoff_wait(&b)); /* stays given up */
}

static void test_clock__delay_doubles_up_to_its_cap(void **state)
{
	(void)state;
	rt_backoff b = { 0 };
	rt_backoff_init(&b, 10, 0.001, 0.004, &b);
	assert_true(rt_backoff_wait(&b));
	assert_true(b.delay == 0.002);
	assert_true(rt_backoff_wait(&b));
	assert_true(b.delay == 0.004);
	assert_true(rt_backoff_wait(&b));
	assert_true(b.delay == 0.004);
}

static void test_clock__seeds_differ_between_waiters(void **state)
{
	(void)state;
	rt_backoff a = { 0 }, b = { 0 };
	rt_backoff_init(&a, 1, 0.1, 1, &a);
	rt_backoff_init(&b, 1, 0.1, 1, &b);
	assert_true(a.rng != 0 && b.rng != 0);
	assert_true(a.rng != b.rng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clock__no_timeout_gives_up_at_once),
		cmocka_unit_test(test_clock__waits_until_the_deadline_and_no_further),
		cmocka_unit_test(test_clock__delay_doubles_up_to_its_cap),
		cmocka_unit_test(test_clock__seeds_differ_between_waiters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
