/*
 * test_cpu_gate - the engine's CPU gate lets at most its size of threads
 * in at once and lets every waiter in
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/cpu_gate.h"

#define GATE_THREADS	12
#define GATE_ROUNDS	300

/* What the threads share, under its own lock. */
struct gate_count {
	pthread_mutex_t	 lock;
	long		 inside;	/* threads between enter and leave */
	long		 most;		/* the most inside at once */
	long		 passes;	/* enters done */
};

/* gate_worker - pass through the gate GATE_ROUNDS times, counting */
static void *
gate_worker(void *arg)
{
	struct gate_count *c = arg;

	for (int r = 0; r < GATE_ROUNDS; r++) {
		cpu_gate_enter();
		pthread_mutex_lock(&c->lock);
		c->inside++;
		c->most = c->inside > c->most ? c->inside : c->most;
		c->passes++;
		pthread_mutex_unlock(&c->lock);
		sched_yield();		/* let others try while inside */
		pthread_mutex_lock(&c->lock);
		c->inside--;
		pthread_mutex_unlock(&c->lock);
		cpu_gate_leave();
	}
	return NULL;
}

/* gate_holds_at_most_its_size_and_lets_every_waiter_in */
static void
gate_holds_at_most_its_size_and_lets_every_waiter_in(void **state)
{
	struct gate_count c = { PTHREAD_MUTEX_INITIALIZER, 0, 0, 0 };
	pthread_t t[GATE_THREADS];

	(void)state;
	assert_true(cpu_gate_size() >= 2);
	for (int i = 0; i < GATE_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, gate_worker, &c),
		    0);
	for (int i = 0; i < GATE_THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(c.passes, GATE_THREADS * GATE_ROUNDS);
	assert_int_equal(c.inside, 0);
	assert_true(c.most >= 1);
	assert_true(c.most <= cpu_gate_size());
}

/* gate_full_of_one_thread_lets_it_in_again_after_leaving - a thread
 * holding every slot, giving one back, gets it back (no lost wake-up,
 * no ticket skipped) */
static void
gate_full_of_one_thread_lets_it_in_again_after_leaving(void **state)
{
	long n = cpu_gate_size();

	(void)state;
	for (long i = 0; i < n; i++)
		cpu_gate_enter();
	cpu_gate_leave();
	cpu_gate_enter();
	for (long i = 0; i < n; i++)
		cpu_gate_leave();
	/* and the gate is whole again: a second round fits */
	for (long i = 0; i < n; i++)
		cpu_gate_enter();
	for (long i = 0; i < n; i++)
		cpu_gate_leave();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    gate_holds_at_most_its_size_and_lets_every_waiter_in),
		cmocka_unit_test(
		    gate_full_of_one_thread_lets_it_in_again_after_leaving),
	};

	return cmocka_run_group_tests_name("cpu gate", tests, NULL, NULL);
}
