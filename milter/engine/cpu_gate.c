/*
 * cpu_gate - at most as many content analyses at once as there are CPUs
 *
 * SYNOPSIS
 *	void cpu_gate_enter(void)
 *	void cpu_gate_leave(void)
 *	long cpu_gate_size(void)
 *
 *	long cpu_gate_waiting(void)
 *
 * DESCRIPTION
 *	The engine enters the gate before a message's content is analysed
 *	(the first policy that asks for the analysis) and leaves it once
 *	the policies have run; envelope checks, and sender-auth's DNS
 *	look-ups, which come first in the registry, stay outside it, so no
 *	slot is held while a thread waits on the network.  Slots: one more
 *	than the CPUs online when the gate is first used (sysconf), so a
 *	CPU does not idle while a slot's thread waits on a page fault, a
 *	lock or a temporary file (on a loaded 2-CPU machine, two slots
 *	against three in the same rounds: a twelfth fewer messages a second
 *	at concurrency 4, the same at 16, where the third slot's decision
 *	shares the CPUs with the other two and a message costs 6-8 % more
 *	CPU; RESULTS.md, thirteenth session).
 *	Waiters queue in arrival order, so a message is never overtaken
 *	by ones that arrived after it, and a slot given back is handed
 *	straight to the oldest waiter: each waiter sleeps on a semaphore
 *	of its own and only that one is woken (a broadcast woke every
 *	waiter at each hand-over, a dozen context switches per message at
 *	concurrency 16, RESULTS.md).  The heir is chosen under the lock
 *	and woken after it is released, so the woken thread does not at
 *	once block on the lock its waker still holds (with a condition
 *	variable it had to take the lock back: a futex wait and wake more
 *	per hand-over).
 *
 *	Why: with a thread per connection and CPU-bound decisions, the
 *	kernel shares the CPUs among all of them (processor sharing):
 *	sixteen messages in flight on two CPUs each ran at an eighth of a
 *	CPU, and a 9 ms spreadsheet decision took 100 ms and more.  In
 *	arrival order, through two slots, it waits for the work queued
 *	before it and then runs at full speed; the total work, and so the
 *	throughput, is the same.
 *
 *	The process-wide state (one mutex, the queue of waiters, the slot
 *	counters) is the gate itself; it holds no message data.  A
 *	waiter's queue entry lives on its own stack while it waits.
 *
 * DIAGNOSTICS
 *	None.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <unistd.h>

#include "engine/cpu_gate.h"

/* one thread waiting for a slot: on its own stack while it waits */
struct cpu_gate_waiter {
	sem_t		 wake;		/* posted once: the slot is its */
	struct cpu_gate_waiter *next;
};

static pthread_mutex_t cpu_gate_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cpu_gate_waiter *cpu_gate_first;	/* oldest waiter */
static struct cpu_gate_waiter *cpu_gate_last;	/* newest waiter */
static long cpu_gate_slots;		/* 0 until first use */
static long cpu_gate_busy;		/* slots in use */

/* cpu_gate_init - the number of slots, on first use (lock held) */
static void
cpu_gate_init(void)
{
	long cpus;

	if (cpu_gate_slots != 0)
		return;
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_gate_slots = (cpus > 0 ? cpus : 1) + 1;
}

/* cpu_gate_size - the number of slots */
long
cpu_gate_size(void)
{
	long n;

	pthread_mutex_lock(&cpu_gate_lock);
	cpu_gate_init();
	n = cpu_gate_slots;
	pthread_mutex_unlock(&cpu_gate_lock);
	return n;
}

/* cpu_gate_waiting - the number of threads queued for a slot */
long
cpu_gate_waiting(void)
{
	long n = 0;

	pthread_mutex_lock(&cpu_gate_lock);
	for (struct cpu_gate_waiter *w = cpu_gate_first; w != NULL; w = w->next)
		n++;
	pthread_mutex_unlock(&cpu_gate_lock);
	return n;
}

/* cpu_gate_enter - wait for a slot, in arrival order */
void
cpu_gate_enter(void)
{
	struct cpu_gate_waiter self = { .next = NULL };

	pthread_mutex_lock(&cpu_gate_lock);
	cpu_gate_init();
	if (cpu_gate_first == NULL && cpu_gate_busy < cpu_gate_slots) {
		cpu_gate_busy++;
		pthread_mutex_unlock(&cpu_gate_lock);
		return;
	}
	if (sem_init(&self.wake, 0, 0) != 0)
		abort();		/* only EINVAL: a value over SEM_VALUE_MAX */
	if (cpu_gate_last != NULL)
		cpu_gate_last->next = &self;
	else
		cpu_gate_first = &self;
	cpu_gate_last = &self;
	pthread_mutex_unlock(&cpu_gate_lock);
	/* The slot is passed on by cpu_gate_leave: busy already counts it.
	 * sem_wait returns early only on a signal (EINTR): wait again. */
	while (sem_wait(&self.wake) != 0)
		;
	sem_destroy(&self.wake);
}

/* cpu_gate_leave - give the slot back, or hand it to the oldest waiter */
void
cpu_gate_leave(void)
{
	struct cpu_gate_waiter *heir;

	pthread_mutex_lock(&cpu_gate_lock);
	heir = cpu_gate_first;
	if (heir == NULL) {
		cpu_gate_busy--;
	} else {
		cpu_gate_first = heir->next;
		if (cpu_gate_first == NULL)
			cpu_gate_last = NULL;
	}
	pthread_mutex_unlock(&cpu_gate_lock);
	/* Out of the queue, the heir is ours alone to wake; it does not
	 * return (and its entry leave its stack) before this post. */
	if (heir != NULL)
		sem_post(&heir->wake);
}
