/*
 * test_cpu_gate - the engine's CPU gate runs at most its size of works
 * at once, runs every work before its caller returns, runs queued works
 * in arrival order on its own threads, and a work with a slot free on
 * the caller's thread
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine/cpu_gate.h"

#define GATE_THREADS	12
#define GATE_ROUNDS	300

/* What the counting works share, under its own lock. */
struct gate_count {
	pthread_mutex_t	 lock;
	long		 inside;	/* works running */
	long		 most;		/* the most running at once */
	long		 passes;	/* works run */
};

/* count_work - one work: count itself in, let others try, count out */
static void
count_work(void *arg)
{
	struct gate_count *c = arg;

	pthread_mutex_lock(&c->lock);
	c->inside++;
	c->most = c->inside > c->most ? c->inside : c->most;
	c->passes++;
	pthread_mutex_unlock(&c->lock);
	sched_yield();
	pthread_mutex_lock(&c->lock);
	c->inside--;
	pthread_mutex_unlock(&c->lock);
}

/* count_caller - run GATE_ROUNDS counting works through the gate */
static void *
count_caller(void *arg)
{
	for (int r = 0; r < GATE_ROUNDS; r++)
		cpu_gate_run(count_work, arg);
	return NULL;
}

/* gate_runs_at_most_its_size_at_once_and_every_work */
static void
gate_runs_at_most_its_size_at_once_and_every_work(void **state)
{
	struct gate_count c = { PTHREAD_MUTEX_INITIALIZER, 0, 0, 0 };
	pthread_t t[GATE_THREADS];

	(void)state;
	assert_true(cpu_gate_size() >= 2);
	for (int i = 0; i < GATE_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, count_caller, &c),
		    0);
	for (int i = 0; i < GATE_THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(c.passes, GATE_THREADS * GATE_ROUNDS);
	assert_int_equal(c.inside, 0);
	assert_true(c.most >= 1);
	assert_true(c.most <= cpu_gate_size());
	assert_int_equal(cpu_gate_waiting(), 0);
}

/* A work that holds its slot until released. */
struct gate_hold {
	sem_t		 started;	/* posted when it runs */
	sem_t		 release;	/* it ends when this is posted */
};

/* hold_work - say it runs, then wait to be released */
static void
hold_work(void *arg)
{
	struct gate_hold *h = arg;

	sem_post(&h->started);
	while (sem_wait(&h->release) != 0)
		;
}

/* hold_caller - run one holding work through the gate */
static void *
hold_caller(void *arg)
{
	cpu_gate_run(hold_work, arg);
	return NULL;
}

/* A work that notes the order and the thread it ran in. */
struct gate_order {
	pthread_mutex_t	 lock;
	int		 order[2];	/* who ran, first and second */
	pthread_t	 ran_in[2];
	pthread_t	 caller[2];
	long		 queued_then[2]; /* works queued while it ran */
	int		 ran;
};

struct gate_order_arg {
	struct gate_order *o;
	int		 who;		/* 1 or 2 */
};

/* order_work - note who ran, and in which thread */
static void
order_work(void *arg)
{
	struct gate_order_arg *a = arg;

	pthread_mutex_lock(&a->o->lock);
	a->o->order[a->o->ran] = a->who;
	a->o->ran_in[a->who - 1] = pthread_self();
	a->o->queued_then[a->who - 1] = cpu_gate_waiting();
	a->o->ran++;
	pthread_mutex_unlock(&a->o->lock);
}

/* order_caller - run one noting work through the gate */
static void *
order_caller(void *arg)
{
	struct gate_order_arg *a = arg;

	a->o->caller[a->who - 1] = pthread_self();
	cpu_gate_run(order_work, a);
	return NULL;
}

/* gate_wait_for_queue - until N works are queued */
static void
gate_wait_for_queue(long n)
{
	while (cpu_gate_waiting() < n)
		sched_yield();
}

/* gate_fill - occupy every slot with a holding work */
static void
gate_fill(struct gate_hold *h, pthread_t *t, long n)
{
	assert_int_equal(sem_init(&h->started, 0, 0), 0);
	assert_int_equal(sem_init(&h->release, 0, 0), 0);
	for (long i = 0; i < n; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hold_caller, h),
		    0);
	for (long i = 0; i < n; i++)
		assert_int_equal(sem_wait(&h->started), 0);
	assert_int_equal(cpu_gate_waiting(), 0);
}

/* gate_runs_queued_works_in_arrival_order_on_its_own_threads - with
 * every slot taken, the work queued first runs in the first slot given
 * back while the second stays queued, each in a gate thread, not in the
 * thread that asked (which waits until its work is done) */
static void
gate_runs_queued_works_in_arrival_order_on_its_own_threads(void **state)
{
	struct gate_order o = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct gate_order_arg first = { &o, 1 }, second = { &o, 2 };
	long n = cpu_gate_size();
	pthread_t hold[n], t1, t2;
	struct gate_hold h;

	(void)state;
	gate_fill(&h, hold, n);
	assert_int_equal(pthread_create(&t1, NULL, order_caller, &first), 0);
	gate_wait_for_queue(1);
	assert_int_equal(pthread_create(&t2, NULL, order_caller, &second),
	    0);
	gate_wait_for_queue(2);
	assert_int_equal(o.ran, 0);	/* nothing runs while the gate is full */
	sem_post(&h.release);		/* one slot back: the first's */
	assert_int_equal(pthread_join(t1, NULL), 0);
	assert_int_equal(o.order[0], 1);
	assert_int_equal(o.queued_then[0], 1);	/* the second waited */
	for (long i = 1; i < n; i++)
		sem_post(&h.release);
	assert_int_equal(pthread_join(t2, NULL), 0);
	assert_int_equal(o.order[1], 2);
	assert_false(pthread_equal(o.ran_in[0], o.caller[0]));
	assert_false(pthread_equal(o.ran_in[1], o.caller[1]));
	for (long i = 0; i < n; i++)
		assert_int_equal(pthread_join(hold[i], NULL), 0);
	assert_int_equal(cpu_gate_waiting(), 0);
	sem_destroy(&h.started);
	sem_destroy(&h.release);
}

/* gate_runs_work_in_the_callers_thread_while_a_slot_is_free */
static void
gate_runs_work_in_the_callers_thread_while_a_slot_is_free(void **state)
{
	struct gate_order o = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct gate_order_arg a = { &o, 1 };

	(void)state;
	o.caller[0] = pthread_self();
	cpu_gate_run(order_work, &a);
	assert_int_equal(o.ran, 1);
	assert_true(pthread_equal(o.ran_in[0], pthread_self()));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    gate_runs_at_most_its_size_at_once_and_every_work),
		cmocka_unit_test(
		    gate_runs_queued_works_in_arrival_order_on_its_own_threads),
		cmocka_unit_test(
		    gate_runs_work_in_the_callers_thread_while_a_slot_is_free),
	};

	return cmocka_run_group_tests_name("cpu gate", tests, NULL, NULL);
}
