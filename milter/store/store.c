/*
 * store - the store handle
 *
 * SYNOPSIS
 *	store_of(), store_check(), store_new(), store_free(),
 *	store_set_event_queue(), store_backend_of(), store_dir(),
 *	store_dsn(), store_shared()
 *
 * DESCRIPTION
 *	Made for a configuration snapshot on first use and freed with it
 *	(conf_destroy calls store_drop); a message in flight keeps its
 *	snapshot, so its handle outlives a reload.  Two threads asking at
 *	once may both make one: the first published wins (compare and
 *	swap), the other is freed unused, so no lock is needed.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>

#include "config/conf.h"
#include "store/db_int.h"
#include "store/events.h"
#include "util/xalloc.h"

/* store_new - a handle */
struct store *
store_new(enum store_backend backend, const char *dir, const char *dsn)
{
	struct store *st = xcalloc(1, sizeof(*st));

	st->backend = backend;
	st->dir = xstrdup(dir != NULL ? dir : ".");
	st->dsn = dsn != NULL ? xstrdup(dsn) : NULL;
	st->event_queue = STORE_EVENT_QUEUE;
	pthread_mutex_init(&st->lock, NULL);
	return st;
}

/* store_free - close the pool */
struct store *
store_free(struct store *st)
{
	if (st == NULL)
		return NULL;
	/* the writer uses the pool: stop it first */
	events_stop(st->events);
	for (int i = 0; i < st->nidle; i++) {
		db_pg_disconnect(st->idle[i]);
		free(st->idle[i]);
	}
	pthread_mutex_destroy(&st->lock);
	free(st->dir);
	free(st->dsn);
	free(st);
	return NULL;
}

/* store_set_event_queue - rows the event queue holds (before first use) */
void
store_set_event_queue(struct store *st, long rows)
{
	st->event_queue = rows > 0 ? rows : 1;
}

/* store_backend_of - the backend */
enum store_backend
store_backend_of(const struct store *st)
{
	return st->backend;
}

/* store_dir - the folder */
const char *
store_dir(const struct store *st)
{
	return st->dir;
}

/* store_dsn - the connection string */
const char *
store_dsn(const struct store *st)
{
	return st->dsn;
}

/* store_shared - content in the database? */
bool
store_shared(const struct store *st)
{
	return st->backend == STORE_POSTGRESQL;
}

/* store_drop - conf_destroy's hook */
static void
store_drop(struct store *st)
{
	(void)store_free(st);
}

/* store_of - the snapshot's handle (shared: config/conf_store.c) */
struct store *
store_of(const struct conf *cf)
{
	struct conf_store_slot *slot = cf->store_slot;	/* its mutable part */
	struct store *st = __atomic_load_n(&slot->handle, __ATOMIC_ACQUIRE);
	struct store *none = NULL;

	if (st != NULL)
		return st;
	st = store_new(cf->store.backend == STORE_BACKEND_POSTGRESQL ?
	    STORE_POSTGRESQL : STORE_SQLITE, cf->milter.quarantine_dir,
	    cf->store.dsn);
	store_set_event_queue(st, cf->store.event_queue);
	__atomic_store_n(&slot->drop, store_drop, __ATOMIC_RELEASE);
	if (!__atomic_compare_exchange_n(&slot->handle, &none, st, false,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		store_free(st);
		return none;
	}
	return st;
}

/* store_check - open and give back one connection */
int
store_check(const struct conf *cf, char **err)
{
	struct db *db = db_open(store_of(cf), err);

	if (db == NULL)
		return -1;
	db_close(db);
	return 0;
}
