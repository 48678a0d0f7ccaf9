/*
 * cpu_gate - at most as many content analyses at once as there are CPUs
 *
 * SYNOPSIS
 *	void cpu_gate_enter(void)
 *	void cpu_gate_leave(void)
 *	long cpu_gate_size(void)
 *
 * DESCRIPTION
 *	The engine enters the gate before a message's content is analysed
 *	(the first policy that asks for the analysis) and leaves it once
 *	the policies have run; envelope checks, and sender-auth's DNS
 *	look-ups, which come first in the registry, stay outside it, so no
 *	slot is held while a thread waits on the network.  Slots: one more
 *	than the CPUs online when the gate is first used (sysconf), so a
 *	CPU does not idle while a slot's thread waits on a page fault or a
 *	temporary file (on a loaded 2-CPU machine, two slots cost about 12 %
 *	of the throughput at concurrency 16, three about 4 %; RESULTS.md).
 *	Waiters are served in ticket order, so a message is never
 *	overtaken by ones that arrived after it.
 *
 *	Why: with a thread per connection and CPU-bound decisions, the
 *	kernel shares the CPUs among all of them (processor sharing):
 *	sixteen messages in flight on two CPUs each ran at an eighth of a
 *	CPU, and a 9 ms spreadsheet decision took 100 ms and more.  In
 *	arrival order, through two slots, it waits for the work queued
 *	before it and then runs at full speed; the total work, and so the
 *	throughput, is the same.
 *
 *	The process-wide state (one mutex, one condition variable, the
 *	ticket counters) is the gate itself; it holds no message data.
 *
 * DIAGNOSTICS
 *	None.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <unistd.h>

#include "engine/cpu_gate.h"

static pthread_mutex_t cpu_gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cpu_gate_cv = PTHREAD_COND_INITIALIZER;
static unsigned long cpu_gate_next;	/* next ticket to hand out */
static unsigned long cpu_gate_head;	/* next ticket allowed in */
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

/* cpu_gate_enter - wait for a slot, in arrival order */
void
cpu_gate_enter(void)
{
	unsigned long ticket;

	pthread_mutex_lock(&cpu_gate_lock);
	cpu_gate_init();
	ticket = cpu_gate_next++;
	while (ticket != cpu_gate_head || cpu_gate_busy >= cpu_gate_slots)
		pthread_cond_wait(&cpu_gate_cv, &cpu_gate_lock);
	cpu_gate_head++;
	cpu_gate_busy++;
	/* the next ticket may fit in another free slot */
	pthread_cond_broadcast(&cpu_gate_cv);
	pthread_mutex_unlock(&cpu_gate_lock);
}

/* cpu_gate_leave - give the slot back */
void
cpu_gate_leave(void)
{
	pthread_mutex_lock(&cpu_gate_lock);
	cpu_gate_busy--;
	pthread_cond_broadcast(&cpu_gate_cv);
	pthread_mutex_unlock(&cpu_gate_lock);
}
