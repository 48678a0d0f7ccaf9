/*
 * cpu_gate - at most as many content analyses at once as there are CPUs,
 * taken in the order they asked
 *
 * libmilter serves every connection on a thread of its own; sixteen
 * concurrent messages on two CPUs shared the CPUs sixteen ways, so a
 * spreadsheet that needs 8 ms of CPU took ten times that (the tail of
 * the latency).  Through the gate the heavy part of a decision runs
 * nearly alone on a CPU, first come first served (cpu_gate.c).
 * Process-wide; safe from any thread.
 */
#ifndef AUP_ENGINE_CPU_GATE_H
#define AUP_ENGINE_CPU_GATE_H

/* cpu_gate_enter - wait for a slot, in arrival order */
void	cpu_gate_enter(void);
/* cpu_gate_leave - give the slot back */
void	cpu_gate_leave(void);
/* cpu_gate_size - the number of slots (CPUs online + 1) */
long	cpu_gate_size(void);
/* cpu_gate_waiting - the number of threads queued for a slot */
long	cpu_gate_waiting(void);

#endif
