/*
 * store - the store handle: which backend keeps what is kept after the
 * decision, and where (SPEC 5, 11)
 *
 * One handle per configuration snapshot ([store] backend, dsn, and
 * [milter] quarantine_dir); every store module takes it instead of a
 * folder.  With backend sqlite the held and deferred messages are files
 * under the folder and the tables are DIR/index.sqlite; with backend
 * postgresql everything, message content included, is in the database
 * the dsn names, so several nodes share it.  The handle's settings never
 * change; its mutable parts are the pool of idle PostgreSQL connections
 * (db.c) and the queue of event rows with its writer thread (events.c),
 * each behind its own mutex.  A configuration's schools share one
 * handle, and so do successive snapshots of the same [store].
 */
#ifndef AUP_STORE_H
#define AUP_STORE_H

#include <stdbool.h>

enum store_backend {
	STORE_SQLITE = 0,
	STORE_POSTGRESQL = 1,
};

struct store;
struct conf;

/*
 * store_of - the handle of a configuration snapshot, made on first use
 * from [store] and [milter] quarantine_dir and freed with the snapshot
 */
struct store *store_of(const struct conf *cf);
/*
 * store_check - can the store be opened, with a current schema?  For
 * `aup-milter -t` and start-up: 0, or -1 with *err.
 */
int	store_check(const struct conf *cf, char **err);

/* store_new - a handle; dsn is needed for postgresql only */
struct store *store_new(enum store_backend backend, const char *dir,
	    const char *dsn);
/* the event queue's rows when not set ([store] event_queue) */
#define STORE_EVENT_QUEUE	20000

/*
 * store_set_event_queue - how many event rows may wait for the shared
 * store (events.h); set before the first event
 */
void	store_set_event_queue(struct store *st, long rows);
/*
 * store_free - write the queued events, close the pooled connections
 * and free; returns NULL
 */
struct store *store_free(struct store *st);
/* store_backend_of - the backend */
enum store_backend store_backend_of(const struct store *st);
/* store_dir - the folder of files (quarantine_dir) */
const char *store_dir(const struct store *st);
/* store_dsn - the PostgreSQL connection string, or NULL */
const char *store_dsn(const struct store *st);
/* store_shared - is the content in the database (postgresql)? */
bool	store_shared(const struct store *st);

#endif
