/*
 * cpu_gate - at most one more CPU-bound decision at once than there are
 * CPUs, in arrival order, queued ones run by threads that stay warm
 *
 * SYNOPSIS
 *	void cpu_gate_run(void (*work)(void *), void *arg)
 *	long cpu_gate_size(void)
 *	long cpu_gate_waiting(void)
 *
 * DESCRIPTION
 *	cpu_gate_run() runs work(arg) in one of the gate's slots and
 *	returns when it is done.  The engine passes it the CPU-bound part
 *	of a decision: the policies from the first that reads the
 *	message's content on, and the withholding after them (engine.c);
 *	envelope checks and sender-auth's DNS look-ups come first in the
 *	registry and stay outside, so no slot is held while a thread
 *	waits on the network.
 *
 *	Slots: one more than the CPUs online when the gate is first used
 *	(sysconf), so a CPU does not idle while a slot's thread waits on a
 *	page fault, a lock or a temporary file.  The spare slot closes
 *	while at least one work a CPU is queued: the CPUs then have work
 *	enough, and one more decision running would only share them with
 *	the others and slow them all (on 2 CPUs at concurrency 16 it cost
 *	6 % of the throughput and a quarter more p99; at 4, where at most
 *	one work queues, the spare stays open).  While a slot is free and
 *	nobody queues, the calling thread runs its work itself.  Otherwise
 *	the work joins a queue in arrival order, so a message is never
 *	overtaken by ones that arrived after it, and one of the gate's own
 *	threads (as many as slots, started on first use) runs it while the
 *	caller sleeps on a semaphore of its own; a gate thread that
 *	finishes takes the next queued work at once.  The threads start
 *	the first time a work queues, so a program that never runs two
 *	decisions at once (aupctl test) has none.
 *
 *	Why the gate's own threads: libmilter's worker pool ends a worker
 *	whenever more than one is idle and starts another when work
 *	arrives (0.2 threads a message here), so a decision that waited
 *	for a slot used to go on in whichever thread had its connection
 *	then, with its stack, its malloc cache (tcache) and the message's
 *	allocations cold, after a hand-over wake-up.  Under load nearly
 *	every message waits: at concurrency 16 a message cost 6-8 % more
 *	CPU than at 4, where few wait (RESULTS.md, thirteenth session).
 *	A gate thread going from one queued decision to the next does not
 *	sleep in between; RESULTS.md, fourteenth session, has the
 *	figures.
 *
 *	Why a gate at all: with a thread per connection and CPU-bound
 *	decisions, the kernel shares the CPUs among all of them (processor
 *	sharing): sixteen messages in flight on two CPUs each ran at an
 *	eighth of a CPU, and a 9 ms spreadsheet decision took 100 ms and
 *	more.  Through the gate it waits for the work queued before it and
 *	then runs at full speed; the total work is the same.
 *
 *	The process-wide state (one mutex, one condition variable the
 *	gate's idle threads wait on, the queue, the counters) is the gate
 *	itself; it holds no message data.  A queued entry lives on its
 *	caller's stack until its work is done.  While no gate thread can
 *	be started (the process is out of threads), a work that would
 *	queue runs in its caller at once: the decision is the same, only
 *	not queued; the next one to queue tries to start them again.
 *
 * DIAGNOSTICS
 *	None.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "engine/cpu_gate.h"

/* one queued piece of work: on its caller's stack until done */
struct cpu_gate_job {
	void	(*work)(void *);
	void	*arg;
	sem_t	 done;			/* posted once the work has run */
	struct cpu_gate_job *next;
};

static pthread_mutex_t cpu_gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cpu_gate_work = PTHREAD_COND_INITIALIZER;
static struct cpu_gate_job *cpu_gate_first;	/* oldest queued */
static struct cpu_gate_job *cpu_gate_last;	/* newest queued */
static long cpu_gate_cpus;		/* 0 until first use */
static long cpu_gate_busy;		/* slots in use */
static long cpu_gate_queued;		/* entries in the queue */
static long cpu_gate_threads;		/* gate threads running */
static long cpu_gate_idle;		/* gate threads waiting for work */

static void *cpu_gate_thread(void *);

/* cpu_gate_init - the number of CPUs, on first use (lock held) */
static void
cpu_gate_init(void)
{
	long cpus;

	if (cpu_gate_cpus != 0)
		return;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_gate_cpus = cpus > 0 ? cpus : 1;
}

/* cpu_gate_open - the slots open while `queued` works wait (lock held):
 * the spare one only while fewer than one a CPU wait */
static long
cpu_gate_open(long queued)
{
	return queued < cpu_gate_cpus ? cpu_gate_cpus + 1 : cpu_gate_cpus;
}

/* cpu_gate_free - may a gate thread take the oldest queued work now?
 * (lock held) */
static bool
cpu_gate_free(void)
{
	return cpu_gate_first != NULL &&
	    cpu_gate_busy < cpu_gate_open(cpu_gate_queued);
}

/* cpu_gate_wake - hand the oldest queued work to an idle gate thread
 * when a slot is open for it (lock held): after a slot is given back,
 * after a work queues, and after a gate thread takes one, since a
 * shorter queue may reopen the spare slot */
static void
cpu_gate_wake(void)
{
	if (cpu_gate_free() && cpu_gate_idle > 0)
		pthread_cond_signal(&cpu_gate_work);
}

/* cpu_gate_start - start the gate's threads not running yet (lock held):
 * the first time a work queues, so a program that never runs two
 * decisions at once (aupctl test) starts none */
static void
cpu_gate_start(void)
{
	pthread_attr_t attr;
	pthread_t tid;

	if (cpu_gate_threads == cpu_gate_open(0) ||
	    pthread_attr_init(&attr) != 0)
		return;
	(void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	while (cpu_gate_threads < cpu_gate_open(0) &&
	    pthread_create(&tid, &attr, cpu_gate_thread, NULL) == 0)
		cpu_gate_threads++;
	(void)pthread_attr_destroy(&attr);
}

/* cpu_gate_pop - the oldest queued entry, its slot taken (lock held) */
static struct cpu_gate_job *
cpu_gate_pop(void)
{
	struct cpu_gate_job *job = cpu_gate_first;

	cpu_gate_first = job->next;
	if (cpu_gate_first == NULL)
		cpu_gate_last = NULL;
	cpu_gate_queued--;
	cpu_gate_busy++;
	return job;
}

/* cpu_gate_thread - run queued work while a slot is free, for ever */
static void *
cpu_gate_thread(void *unused)
{
	struct cpu_gate_job *job;

	(void)unused;
	pthread_mutex_lock(&cpu_gate_lock);
	for (;;) {
		while (!cpu_gate_free()) {
			cpu_gate_idle++;
			pthread_cond_wait(&cpu_gate_work, &cpu_gate_lock);
			cpu_gate_idle--;
		}
		job = cpu_gate_pop();
		cpu_gate_wake();
		pthread_mutex_unlock(&cpu_gate_lock);
		job->work(job->arg);
		/* The caller returns (and its entry leaves its stack) once
		 * posted: nothing of it is read after this. */
		sem_post(&job->done);
		pthread_mutex_lock(&cpu_gate_lock);
		cpu_gate_busy--;
	}
	return NULL;
}

/* cpu_gate_size - the most slots open at once */
long
cpu_gate_size(void)
{
	long n;

	pthread_mutex_lock(&cpu_gate_lock);
	cpu_gate_init();
	n = cpu_gate_open(0);
	pthread_mutex_unlock(&cpu_gate_lock);
	return n;
}

/* cpu_gate_waiting - the number of entries queued for a slot */
long
cpu_gate_waiting(void)
{
	long n;

	pthread_mutex_lock(&cpu_gate_lock);
	n = cpu_gate_queued;
	pthread_mutex_unlock(&cpu_gate_lock);
	return n;
}

/* cpu_gate_run_here - run work in the caller's thread, in a free slot
 * (lock held on entry, released on return) */
static void
cpu_gate_run_here(void (*work)(void *), void *arg)
{
	cpu_gate_busy++;
	pthread_mutex_unlock(&cpu_gate_lock);
	work(arg);
	pthread_mutex_lock(&cpu_gate_lock);
	cpu_gate_busy--;
	cpu_gate_wake();
	pthread_mutex_unlock(&cpu_gate_lock);
}

/* cpu_gate_run - run work(arg) in a slot, in arrival order */
void
cpu_gate_run(void (*work)(void *), void *arg)
{
	struct cpu_gate_job job = { .work = work, .arg = arg };

	pthread_mutex_lock(&cpu_gate_lock);
	cpu_gate_init();
	if (cpu_gate_first == NULL && cpu_gate_busy < cpu_gate_open(0)) {
		cpu_gate_run_here(work, arg);
		return;
	}
	cpu_gate_start();
	if (cpu_gate_threads == 0) {	/* none could start: run unqueued */
		pthread_mutex_unlock(&cpu_gate_lock);
		work(arg);
		return;
	}
	if (sem_init(&job.done, 0, 0) != 0)
		abort();		/* only EINVAL: a value over SEM_VALUE_MAX */
	if (cpu_gate_last != NULL)
		cpu_gate_last->next = &job;
	else
		cpu_gate_first = &job;
	cpu_gate_last = &job;
	cpu_gate_queued++;
	cpu_gate_wake();
	pthread_mutex_unlock(&cpu_gate_lock);
	/* sem_wait returns early only on a signal (EINTR): wait again. */
	while (sem_wait(&job.done) != 0)
		;
	sem_destroy(&job.done);
}
