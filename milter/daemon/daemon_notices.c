/*
 * daemon_notices - send queued notices apart from the message path
 *
 * SYNOPSIS
 *	daemon_notices_start(), daemon_notices_wake(), daemon_notices_stop()
 *
 * DESCRIPTION
 *	One thread of our own, never a libmilter worker: a worker only
 *	queues notices in the store (one SQLite transaction with the
 *	hold) and wakes this thread.  The thread takes the configuration
 *	snapshot current at each pass, sends every due notice
 *	(notices_send.c), then sleeps until the next notice is due, at
 *	most DAEMON_NOTICES_POLL seconds (notices `aupctl` queues are
 *	found at the next poll), or until woken.
 *
 *	Stop (SIGTERM, after smfi_main returns): the stop flag aborts a
 *	transfer in progress (libcurl's progress callback), that notice
 *	goes back to the queue due now, and the thread is joined.
 *
 * DIAGNOSTICS
 *	"notices: cannot read the queue: WHY" when the store cannot be
 *	read (logged once until it can again); per notice, see
 *	notices_send.c.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "config/conf.h"
#include "daemon/daemon_notices.h"
#include "store/notices_send.h"
#include "util/log.h"
#include "util/xalloc.h"

#define DAEMON_NOTICES_POLL	10	/* seconds between looks at the queue */

struct notices_thread {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool	 running;
	bool	 woken;			/* under lock */
	atomic_bool stop;
};

/* The sender thread's state: set up in start, torn down in stop. */
static struct notices_thread notices_thread = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

/* notices_pass - one sending pass; the seconds to sleep after it */
static time_t
notices_pass(const char *who, bool *warned)
{
	struct conf *cf = conf_current();
	struct notices_tally t = { 0 };
	char *err = NULL;
	time_t now, sleep_for = DAEMON_NOTICES_POLL;

	if (cf == NULL)
		return sleep_for;
	if (notices_send_due(cf, who, &notices_thread.stop, &t, &err) < 0) {
		if (!*warned)
			log_warnx("notices: cannot read the queue: %s", err);
		*warned = true;
	} else
		*warned = false;
	now = time(NULL);
	if (t.next_due != 0 && t.next_due - now < sleep_for)
		sleep_for = t.next_due > now ? t.next_due - now : 1;
	free(err);
	conf_release(cf);
	return sleep_for;
}

/* notices_main - the thread */
static void *
notices_main(void *arg)
{
	char *who = xasprintf("aup-milter pid %ld", (long)getpid());
	struct notices_thread *nt = arg;
	bool warned = false;

	while (!atomic_load(&nt->stop)) {
		time_t wait = notices_pass(who, &warned);
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += wait;
		pthread_mutex_lock(&nt->lock);
		while (!nt->woken && !atomic_load(&nt->stop) &&
		    pthread_cond_timedwait(&nt->cond, &nt->lock, &until) == 0)
			;
		nt->woken = false;
		pthread_mutex_unlock(&nt->lock);
	}
	free(who);
	return NULL;
}

/* daemon_notices_start - start the sender */
void
daemon_notices_start(void)
{
	atomic_store(&notices_thread.stop, false);
	if (pthread_create(&notices_thread.thread, NULL, notices_main,
	    &notices_thread) != 0)
		fatal("cannot start the notice sender thread");
	notices_thread.running = true;
}

/* daemon_notices_wake - look at the queue now */
void
daemon_notices_wake(void)
{
	pthread_mutex_lock(&notices_thread.lock);
	notices_thread.woken = true;
	pthread_cond_signal(&notices_thread.cond);
	pthread_mutex_unlock(&notices_thread.lock);
}

/* daemon_notices_stop - stop and join */
void
daemon_notices_stop(void)
{
	if (!notices_thread.running)
		return;
	pthread_mutex_lock(&notices_thread.lock);
	atomic_store(&notices_thread.stop, true);
	pthread_cond_signal(&notices_thread.cond);
	pthread_mutex_unlock(&notices_thread.lock);
	(void)pthread_join(notices_thread.thread, NULL);
	notices_thread.running = false;
}
