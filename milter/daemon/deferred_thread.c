/*
 * deferred_thread - send deferred mail when it is due
 *
 * SYNOPSIS
 *	deferred_thread_start(), deferred_thread_stop()
 *
 * DESCRIPTION
 *	One thread of the daemon, not a libmilter worker: it may wait for
 *	sendmail(1) without holding up any message.  Every
 *	[milter] deferred_interval seconds it takes the current
 *	configuration snapshot and
 *	sends every deferred message whose due time has come (and any
 *	left `sending` by a crash or a failed sendmail), through
 *	deferred_send(): claim, re-inject with the release mark, record.
 *	(The sender's notice was queued with the message: the notice
 *	sender thread sends it.)  Each step is recorded in the store, so a restart carries on where the
 *	last run stopped; the milter drops a second copy of a message that
 *	was delivered (release.c), so a message goes out once.  "Now" is
 *	clock_now(): [milter] clock_file lets a test move it.
 *
 * DIAGNOSTICS
 *	"REF: deferred message sent at its due time", "REF: deferred
 *	message not sent: why (tried again later)".
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config/conf.h"
#include "daemon/deferred_thread.h"
#include "store/store.h"
#include "store/deferred.h"
#include "util/clock.h"
#include "util/log.h"

#define DEFERRED_THREAD_RETRY	300	/* seconds before `sending` is retried */

static pthread_mutex_t deferred_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t deferred_wake = PTHREAD_COND_INITIALIZER;
static bool deferred_stopping;
static bool deferred_running;
static pthread_t deferred_tid;

/* deferred_thread_send - every message that is due */
static void
deferred_thread_send(const struct conf *cf, time_t now)
{
	struct store *dir = store_of(cf);
	struct deferred_entry *rows;
	char *err = NULL;
	long n = deferred_due(dir, now, DEFERRED_THREAD_RETRY, &rows, &err);

	if (n < 0) {
		log_warnx("deferred mail: %s", err);
		free(err);
		return;
	}
	for (long i = 0; i < n; i++) {
		int rc = deferred_send(cf, rows[i].ref, DEFERRED_RELEASE_BY,
		    now, &err);

		if (rc > 0)
			log_info("%s: deferred message sent at its due time",
			    rows[i].ref);
		else if (rc < 0)
			log_warnx("%s: deferred message not sent: %s (tried "
			    "again later)", rows[i].ref, err);
		free(err);
		err = NULL;
	}
	deferred_entries_free(rows, n);
}

/* deferred_thread_main - the loop */
static void *
deferred_thread_main(void *arg)
{
	struct timespec until;
	long interval = 30;

	(void)arg;
	pthread_mutex_lock(&deferred_lock);
	while (!deferred_stopping) {
		struct conf *cf;

		pthread_mutex_unlock(&deferred_lock);
		if ((cf = conf_current()) != NULL) {
			deferred_thread_send(cf, clock_now(cf->milter.clock_file));
			interval = cf->milter.deferred_interval;
			conf_release(cf);
		}
		pthread_mutex_lock(&deferred_lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += interval;
		while (!deferred_stopping && pthread_cond_timedwait(
		    &deferred_wake, &deferred_lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&deferred_lock);
	return NULL;
}

/* deferred_thread_start - start it */
void
deferred_thread_start(void)
{
	int rc = pthread_create(&deferred_tid, NULL, deferred_thread_main,
	    NULL);

	if (rc != 0)
		fatalx("cannot start the deferred-mail thread: %s",
		    strerror(rc));
	deferred_running = true;
}

/* deferred_thread_stop - stop it and wait */
void
deferred_thread_stop(void)
{
	if (!deferred_running)
		return;
	pthread_mutex_lock(&deferred_lock);
	deferred_stopping = true;
	pthread_cond_signal(&deferred_wake);
	pthread_mutex_unlock(&deferred_lock);
	(void)pthread_join(deferred_tid, NULL);
	deferred_running = false;
}
