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

/* What the queued threads of the order test share. */
struct gate_order {
	pthread_mutex_t	 lock;
	int		 order[2];	/* who got in, first and second */
	int		 entered;
};

struct gate_order_arg {
	struct gate_order *o;
	int		 who;
};

/* gate_order_worker - enter, note who got in, leave */
static void *
gate_order_worker(void *arg)
{
	struct gate_order_arg *a = arg;

	cpu_gate_enter();
	pthread_mutex_lock(&a->o->lock);
	a->o->order[a->o->entered++] = a->who;
	pthread_mutex_unlock(&a->o->lock);
	cpu_gate_leave();
	return NULL;
}

/* gate_wait_for_queue - until N threads are queued */
static void
gate_wait_for_queue(long n)
{
	while (cpu_gate_waiting() < n)
		sched_yield();
}

/* gate_lets_waiters_in_in_arrival_order - with the gate full, the
 * thread that queued first gets the first slot given back, and the
 * slot passes to it without being lost */
static void
gate_lets_waiters_in_in_arrival_order(void **state)
{
	struct gate_order o = { PTHREAD_MUTEX_INITIALIZER, { 0, 0 }, 0 };
	struct gate_order_arg first = { &o, 1 }, second = { &o, 2 };
	long n = cpu_gate_size();
	pthread_t t1, t2;

	(void)state;
	for (long i = 0; i < n; i++)
		cpu_gate_enter();
	assert_int_equal(pthread_create(&t1, NULL, gate_order_worker, &first),
	    0);
	gate_wait_for_queue(1);
	assert_int_equal(pthread_create(&t2, NULL, gate_order_worker,
	    &second), 0);
	gate_wait_for_queue(2);
	cpu_gate_leave();		/* one slot: the first waiter's */
	assert_int_equal(pthread_join(t1, NULL), 0);
	assert_int_equal(pthread_join(t2, NULL), 0);
	assert_int_equal(o.entered, 2);
	assert_int_equal(o.order[0], 1);
	assert_int_equal(o.order[1], 2);
	assert_int_equal(cpu_gate_waiting(), 0);
	for (long i = 1; i < n; i++)
		cpu_gate_leave();
	/* the gate is whole again: every slot can be taken at once */
	for (long i = 0; i < n; i++)
		cpu_gate_enter();
	assert_int_equal(cpu_gate_waiting(), 0);
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
		cmocka_unit_test(gate_lets_waiters_in_in_arrival_order),
	};

	return cmocka_run_group_tests_name("cpu gate", tests, NULL, NULL);
}
