/*
 * events - event rows in the shared store, written by one thread
 *
 * SYNOPSIS
 *	events_add(), events_stop()
 *
 * DESCRIPTION
 *	events_add() copies the row (time, school, reference, the event
 *	log's JSON text) into the handle's ring of [store] event_queue
 *	rows and returns; it waits only for the queue's mutex.  The
 *	writer thread wakes when EVENTS_BATCH rows wait or EVENTS_FLUSH_MS
 *	after the first row of a batch arrived, and inserts up to
 *	EVENTS_BATCH rows with one multi-row INSERT (one round trip, one
 *	commit) on a pooled connection.  Rows leave the ring only once
 *	committed, so a failed batch is tried again, after a back-off that
 *	doubles from EVENTS_RETRY_MS to EVENTS_RETRY_MAX_MS.  The event's
 *	"school" member fills the school column ("" otherwise); the JSON
 *	is stored as jsonb.  The text is the event log's own (pupil-data
 *	values withheld, no matched safeguarding phrase: SPEC 7).
 *
 * DIAGNOSTICS
 *	"events: ..." lines: a batch that failed (with the rows waiting and
 *	the next try), the store taking rows again, rows dropped because
 *	the queue was full (a count, logged when the writer next wakes
 *	and when it stops), rows not written when the writer stopped.
 *	Each dropped row is in the local event log.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "store/db_int.h"
#include "store/events.h"
#include "util/log.h"
#include "util/xalloc.h"

#define EVENTS_BATCH		200	/* rows per INSERT */
#define EVENTS_FLUSH_MS		150	/* longest wait of a queued row */
#define EVENTS_RETRY_MS		500	/* first wait after a failed batch */
#define EVENTS_RETRY_MAX_MS	30000	/* longest wait between tries */

struct events_row {
	char	 time[DB_ARG_LEN];
	char	*school;
	char	*ref;
	char	*json;
};

struct events_queue {
	struct store *st;
	pthread_mutex_t lock;		/* guards everything below */
	pthread_cond_t wake;		/* a batch is full, or stop */
	struct events_row *ring;
	size_t	 cap, head, count;
	unsigned long dropped;		/* since last logged */
	bool	 stopping;
	pthread_t thread;
};

/* events_row_clear - free a row's strings */
static void
events_row_clear(struct events_row *r)
{
	free(r->school);
	free(r->ref);
	free(r->json);
	memset(r, 0, sizeof(*r));
}

/* events_insert - one batch of n rows from the ring's head: 0 or -1 */
static int
events_insert(struct events_queue *q, size_t n, char **err)
{
	GString *sql = g_string_new("INSERT INTO events (time, school, ref, "
	    "event) VALUES ");
	const char **args = xcalloc(n * 4, sizeof(*args));
	struct db *db;
	long rc = -1;

	for (size_t i = 0; i < n; i++) {
		/* rows [head, head + n) are the writer's: no lock needed */
		struct events_row *r = &q->ring[(q->head + i) % q->cap];

		g_string_append_printf(sql, "%s($%zu, $%zu, $%zu, $%zu)",
		    i > 0 ? ", " : "", 4 * i + 1, 4 * i + 2, 4 * i + 3,
		    4 * i + 4);
		args[4 * i] = r->time;
		args[4 * i + 1] = r->school;
		args[4 * i + 2] = r->ref;
		args[4 * i + 3] = r->json;
	}
	if ((db = db_open(q->st, err)) != NULL) {
		rc = db_exec(db, sql->str, (int)(n * 4), args, err);
		db_close(db);
	}
	g_string_free(sql, TRUE);
	free(args);
	return rc < 0 ? -1 : 0;
}

/* events_wait_ms - wait on the queue's condition up to ms (lock held) */
static void
events_wait_ms(struct events_queue *q, long ms)
{
	struct timespec until;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	(void)pthread_cond_timedwait(&q->wake, &q->lock, &until);
}

/* events_report_drops - log rows dropped since last time (lock held) */
static void
events_report_drops(struct events_queue *q)
{
	if (q->dropped == 0)
		return;
	log_warnx("events: the queue of %zu rows was full: %lu event rows "
	    "not added to the shared store (they are in the local event "
	    "log)", q->cap, q->dropped);
	q->dropped = 0;
}

/* events_pop - forget the n committed rows at the head (lock held) */
static void
events_pop(struct events_queue *q, size_t n)
{
	for (size_t i = 0; i < n; i++)
		events_row_clear(&q->ring[(q->head + i) % q->cap]);
	q->head = (q->head + n) % q->cap;
	q->count -= n;
}

/*
 * events_write - one batch, the lock dropped meanwhile: 0 written, -1
 * failed (logged; the rows stay queued); *failing tracks the outage
 */
static int
events_write(struct events_queue *q, bool *failing, long retry_ms)
{
	size_t n = q->count < EVENTS_BATCH ? q->count : EVENTS_BATCH;
	char *err = NULL;
	int rc;

	pthread_mutex_unlock(&q->lock);
	rc = events_insert(q, n, &err);
	pthread_mutex_lock(&q->lock);
	if (rc == 0) {
		events_pop(q, n);
		if (*failing)
			log_warnx("events: the shared store takes event rows "
			    "again (%zu waiting)", q->count);
		*failing = false;
	} else {
		log_warnx("events: %zu event rows not added to the shared "
		    "store yet: %s; trying again in %.1f s (%zu waiting)", n,
		    err, retry_ms / 1000.0, q->count);
		*failing = true;
	}
	free(err);
	return rc;
}

/* events_main - the writer thread */
static void *
events_main(void *arg)
{
	struct events_queue *q = arg;
	long retry_ms = EVENTS_RETRY_MS;
	bool failing = false;

	pthread_mutex_lock(&q->lock);
	for (;;) {
		events_report_drops(q);
		if (q->count == 0) {
			if (q->stopping)
				break;
			(void)pthread_cond_wait(&q->wake, &q->lock);
			continue;
		}
		/* let a batch gather, unless it is full or we stop */
		if (q->count < EVENTS_BATCH && !q->stopping)
			events_wait_ms(q, EVENTS_FLUSH_MS);
		if (events_write(q, &failing, retry_ms) == 0) {
			retry_ms = EVENTS_RETRY_MS;
			continue;
		}
		if (q->stopping)
			break;
		events_wait_ms(q, retry_ms);
		retry_ms = retry_ms * 2 > EVENTS_RETRY_MAX_MS ?
		    EVENTS_RETRY_MAX_MS : retry_ms * 2;
	}
	events_report_drops(q);	/* rows dropped since the writer last woke */
	if (q->count > 0)
		log_warnx("events: %zu event rows not added to the shared "
		    "store at stop (they are in the local event log)",
		    q->count);
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

/* events_queue_new - the ring and its writer; NULL if no thread */
static struct events_queue *
events_queue_new(struct store *st)
{
	struct events_queue *q = xcalloc(1, sizeof(*q));
	int rc;

	q->st = st;
	q->cap = st->event_queue > 0 ? (size_t)st->event_queue : 1;
	q->ring = xcalloc(q->cap, sizeof(*q->ring));
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->wake, NULL);
	if ((rc = pthread_create(&q->thread, NULL, events_main, q)) != 0) {
		log_warnx("events: cannot start the writer thread: %s",
		    strerror(rc));
		pthread_cond_destroy(&q->wake);
		pthread_mutex_destroy(&q->lock);
		free(q->ring);
		free(q);
		return NULL;
	}
	return q;
}

/* events_queue_of - the handle's queue, made on first use */
static struct events_queue *
events_queue_of(struct store *st)
{
	struct events_queue *q;

	pthread_mutex_lock(&st->lock);
	if (st->events == NULL)
		st->events = events_queue_new(st);
	q = st->events;
	pthread_mutex_unlock(&st->lock);
	return q;
}

/* events_school - the event's school member, or "" */
static const char *
events_school(json_object *event)
{
	json_object *school = NULL;

	return json_object_object_get_ex(event, "school", &school) &&
	    json_object_is_type(school, json_type_string) ?
	    json_object_get_string(school) : "";
}

/* events_add - queue one row */
int
events_add(struct store *st, json_object *event, const char *ref,
    time_t when)
{
	struct events_queue *q;
	struct events_row *r;

	if (!store_shared(st))
		return 0;
	if ((q = events_queue_of(st)) == NULL)
		return -1;
	pthread_mutex_lock(&q->lock);
	if (q->count == q->cap) {
		q->dropped++;
		pthread_mutex_unlock(&q->lock);
		return -1;
	}
	r = &q->ring[(q->head + q->count) % q->cap];
	db_arg_int(r->time, (int64_t)when);
	r->school = xstrdup(events_school(event));
	r->ref = ref != NULL ? xstrdup(ref) : NULL;
	r->json = xstrdup(json_object_to_json_string_ext(event,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	if (++q->count == 1 || q->count == EVENTS_BATCH)
		pthread_cond_signal(&q->wake);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

/* events_stop - flush, stop, free */
void
events_stop(struct events_queue *q)
{
	if (q == NULL)
		return;
	pthread_mutex_lock(&q->lock);
	q->stopping = true;
	pthread_cond_signal(&q->wake);
	pthread_mutex_unlock(&q->lock);
	(void)pthread_join(q->thread, NULL);
	while (q->count > 0)
		events_pop(q, 1);
	pthread_cond_destroy(&q->wake);
	pthread_mutex_destroy(&q->lock);
	free(q->ring);
	free(q);
}
