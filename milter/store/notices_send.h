/*
 * notices_send - deliver queued notices by SMTP (SPEC 12)
 *
 * A sender takes the due notices of the store one at a time (claim,
 * send, record; notices.h) and hands each to [notify] relay over SMTP
 * (libcurl) from [notify] from.  The daemon runs one on its own thread
 * (daemon_notices.c); `aupctl notices send` runs one pass in the
 * foreground.  No set-group-id helper, no child process.
 */
#ifndef AUP_NOTICES_SEND_H
#define AUP_NOTICES_SEND_H

#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "config/conf.h"

/* What one pass did. */
struct notices_tally {
	unsigned sent;
	unsigned deferred;	/* to be tried again */
	unsigned failed;	/* given up (5xx or too old) */
	time_t	 next_due;	/* earliest queued next_try, 0 = none */
};

/* notices_send_init - once per process, before any thread sends */
int	notices_send_init(void);
/* notices_from - [notify] from, or aup-milter@ the first school domain (new) */
char	*notices_from(const struct conf *cf);
/*
 * notices_send_due - send every notice due now (as `who`) until none is
 * left or *stop is set; outcomes are logged and counted in *t.  0, or
 * -1 with *err when the store cannot be read (nothing was claimed).
 */
int	notices_send_due(const struct conf *cf, const char *who,
	    const atomic_bool *stop, struct notices_tally *t, char **err);
/* notices_backoff - the wait before try `tries` + 1 (cf's retry, doubled) */
long	notices_backoff(const struct conf *cf, long tries);

#endif
