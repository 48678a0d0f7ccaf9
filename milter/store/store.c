/*
 * store - the store handle
 *
 * SYNOPSIS
 *	store_new(), store_free(), store_backend_of(), store_dir(),
 *	store_dsn(), store_shared()
 *
 * DESCRIPTION
 *	Made with the configuration snapshot and freed with it; a message
 *	in flight keeps its snapshot, so its handle outlives a reload.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>

#include "store/db_int.h"
#include "util/xalloc.h"

/* store_new - a handle */
struct store *
store_new(enum store_backend backend, const char *dir, const char *dsn)
{
	struct store *st = xcalloc(1, sizeof(*st));

	st->backend = backend;
	st->dir = xstrdup(dir != NULL ? dir : ".");
	st->dsn = dsn != NULL ? xstrdup(dsn) : NULL;
	pthread_mutex_init(&st->lock, NULL);
	return st;
}

/* store_free - close the pool */
struct store *
store_free(struct store *st)
{
	if (st == NULL)
		return NULL;
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
