/*
 * daemon_notices - the daemon's notice sender thread (SPEC 12)
 */
#ifndef AUP_DAEMON_NOTICES_H
#define AUP_DAEMON_NOTICES_H

/*
 * daemon_notices_start - start the thread that sends queued notices
 * (after libmilter's setup and daemon_reload_start, so it inherits the
 * blocked signals).  Exits 1 if the thread cannot be created.
 */
void	daemon_notices_start(void);
/* daemon_notices_wake - a notice was queued: look now, not at the next poll */
void	daemon_notices_wake(void);
/*
 * daemon_notices_stop - ask the thread to stop (a send in progress is
 * cut off and its notice queued again, due now) and wait for it.
 */
void	daemon_notices_stop(void);

#endif
