/*
 * cpu_gate - at most one more CPU-bound decision at once than there are
 * CPUs, taken in the order they asked
 *
 * libmilter serves every connection on a thread of its own; sixteen
 * concurrent messages on two CPUs shared the CPUs sixteen ways, so a
 * spreadsheet that needs 8 ms of CPU took ten times that (the tail of
 * the latency).  Through the gate the heavy part of a decision runs
 * nearly alone on a CPU, first come first served; queued work runs on
 * the gate's own threads (cpu_gate.c).  Process-wide; safe from any
 * thread.
 */
#ifndef AUP_ENGINE_CPU_GATE_H
#define AUP_ENGINE_CPU_GATE_H

/* cpu_gate_run - run work(arg) in a slot, in arrival order; returns
 * when it is done */
void	cpu_gate_run(void (*work)(void *), void *arg);
/* cpu_gate_size - the most slots open at once (CPUs online + 1; the
 * spare one closes while one work a CPU waits) */
long	cpu_gate_size(void);
/* cpu_gate_waiting - the number of entries queued for a slot */
long	cpu_gate_waiting(void);

#endif
