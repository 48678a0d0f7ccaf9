/*
 * test_cpu_gate - the engine's CPU gate runs at most its size of works
 * at once, every work before its caller returns, the oldest queued work
 * first, queued works on its own threads and a work with a slot free in
 * the caller's thread, and keeps its spare slot closed while one work a
 * CPU waits and open again once fewer wait
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

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

/* A queued work: holds its slot until released, notes its thread. */
struct gate_queued {
	struct gate_hold hold;
	pthread_t	 caller;	/* the thread that asked */
	pthread_t	 ran_in;	/* the thread it ran in */
};

/* queued_work - note the thread, then hold the slot */
static void
queued_work(void *arg)
{
	struct gate_queued *q = arg;

	q->ran_in = pthread_self();
	hold_work(&q->hold);
}

/* queued_caller - run one queued work through the gate */
static void *
queued_caller(void *arg)
{
	struct gate_queued *q = arg;

	q->caller = pthread_self();
	cpu_gate_run(queued_work, q);
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

/* gate_queue - queue `count` holding works behind full slots, in order */
static void
gate_queue(struct gate_queued *q, pthread_t *callers, long count)
{
	for (long k = 0; k < count; k++) {
		assert_int_equal(sem_init(&q[k].hold.started, 0, 0), 0);
		assert_int_equal(sem_init(&q[k].hold.release, 0, 0), 0);
		assert_int_equal(pthread_create(&callers[k], NULL,
		    queued_caller, &q[k]), 0);
		gate_wait_for_queue(k + 1);
	}
}

/* gate_drain - give back the fill's slots from the `given`th on, end
 * every queued work, and check each ran in a gate thread and the queue
 * is empty */
static void
gate_drain(struct gate_hold *h, pthread_t *hold, long n, long given,
    struct gate_queued *q, pthread_t *callers, long count)
{
	for (long i = given; i < n; i++)
		sem_post(&h->release);
	for (long k = 0; k < count; k++)
		sem_post(&q[k].hold.release);
	for (long k = 0; k < count; k++) {
		assert_int_equal(pthread_join(callers[k], NULL), 0);
		assert_false(pthread_equal(q[k].ran_in, q[k].caller));
		sem_destroy(&q[k].hold.started);
		sem_destroy(&q[k].hold.release);
	}
	for (long i = 0; i < n; i++)
		assert_int_equal(pthread_join(hold[i], NULL), 0);
	assert_int_equal(cpu_gate_waiting(), 0);
	sem_destroy(&h->started);
	sem_destroy(&h->release);
}

/*
 * oldest_queued_runs_first_and_spare_slot_stays_shut - with every slot
 * taken and one work a CPU (and one more) queued, two slots given back
 * start only the oldest work: the spare slot stays closed while a work
 * a CPU waits, so the rest stay queued; given the rest back, every
 * queued work runs, each in a gate thread, not in the thread that asked
 * (which waits until its work is done)
 */
static void
oldest_queued_runs_first_and_spare_slot_stays_shut(void **state)
{
	long n = cpu_gate_size(), cpus = n - 1;
	pthread_t hold[n], callers[n];
	struct gate_queued q[n];
	struct gate_hold h;

	(void)state;
	gate_fill(&h, hold, n);
	gate_queue(q, callers, n);		/* cpus + 1 works, in order */
	sem_post(&h.release);
	sem_post(&h.release);			/* two slots back */
	assert_int_equal(sem_wait(&q[0].hold.started), 0);
	assert_int_equal(cpu_gate_waiting(), cpus);
	for (long k = 1; k < n; k++)
		assert_int_equal(sem_trywait(&q[k].hold.started), -1);
	gate_drain(&h, hold, n, 2, q, callers, n);
}

/* gate_started_within - did the work start within ten seconds? */
static bool
gate_started_within(struct gate_hold *h)
{
	struct timespec deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 10;
	while (sem_timedwait(&h->started, &deadline) != 0)
		if (errno != EINTR)
			return false;
	return true;
}

/*
 * spare_slot_reopens_as_the_queue_shortens - with every slot taken and
 * one work a CPU queued (the spare closed), two slots given back start
 * the oldest work, and its leaving the queue reopens the spare, so the
 * next starts too without waiting for another slot to come back
 */
static void
spare_slot_reopens_as_the_queue_shortens(void **state)
{
	long n = cpu_gate_size(), cpus = n - 1;
	pthread_t hold[n], callers[cpus];
	struct gate_queued q[cpus];
	struct gate_hold h;

	(void)state;
	if (cpus < 2)		/* one CPU: the spare reopens only when */
		skip();		/* nothing waits, so there is no "next" */
	gate_fill(&h, hold, n);
	gate_queue(q, callers, cpus);
	sem_post(&h.release);
	sem_post(&h.release);			/* two slots back */
	assert_true(gate_started_within(&q[0].hold));
	assert_true(gate_started_within(&q[1].hold));
	assert_int_equal(cpu_gate_waiting(), cpus - 2);
	gate_drain(&h, hold, n, 2, q, callers, cpus);
}

/* note_thread - note the thread it runs in */
static void
note_thread(void *arg)
{
	*(pthread_t *)arg = pthread_self();
}

/* gate_runs_work_in_the_callers_thread_while_a_slot_is_free */
static void
gate_runs_work_in_the_callers_thread_while_a_slot_is_free(void **state)
{
	pthread_t ran_in = 0;

	(void)state;
	assert_int_equal(cpu_gate_waiting(), 0);
	cpu_gate_run(note_thread, &ran_in);
	assert_true(pthread_equal(ran_in, pthread_self()));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    gate_runs_at_most_its_size_at_once_and_every_work),
		cmocka_unit_test(
		    oldest_queued_runs_first_and_spare_slot_stays_shut),
		cmocka_unit_test(
		    spare_slot_reopens_as_the_queue_shortens),
		cmocka_unit_test(
		    gate_runs_work_in_the_callers_thread_while_a_slot_is_free),
	};

	return cmocka_run_group_tests_name("cpu gate", tests, NULL, NULL);
}
