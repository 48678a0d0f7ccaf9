/*
 * deferred_thread - the daemon's thread that sends deferred mail at its
 * due time (working-hours)
 */
#ifndef AUP_DEFERRED_THREAD_H
#define AUP_DEFERRED_THREAD_H

/* deferred_thread_start - start the thread (after the snapshot is set) */
void	deferred_thread_start(void);
/* deferred_thread_stop - ask it to stop and wait for it */
void	deferred_thread_stop(void);

#endif
