/*
 * events - each message's event in the shared store (SPEC 7 and 11)
 *
 * With [store] backend = postgresql every judged message's event line
 * (the JSON object of the event log) is also a row of the table
 * `events` (its time, school and reference beside it), so reports for
 * the whole service can be made from one place.  The local JSON-lines
 * file stays the complete record of each node (SPEC 7); with sqlite
 * nothing is added.
 *
 * No libmilter worker waits on the database for an event: events_add()
 * puts a copy of the row in the store handle's bounded queue and one
 * writer thread of the handle (started on first use) inserts the rows
 * in batches, one statement and one commit per batch.  While PostgreSQL
 * is down the writer keeps the queue and tries again with back-off; a
 * row that finds the queue full is counted, and the count is logged.
 * store_free() writes what is queued before it returns (or logs how
 * many rows it could not write).
 */
#ifndef AUP_EVENTS_H
#define AUP_EVENTS_H

#include <time.h>

#include <json-c/json.h>

struct store;
struct events_queue;

/*
 * events_add - queue one event row (shared store only; nothing done
 * otherwise): 0, or -1 when the queue was full and the row is dropped
 * (counted and logged by the writer; the event is in the local file)
 */
int	events_add(struct store *st, json_object *event, const char *ref,
	    time_t when);

/* events_stop - write what is queued, stop the writer, free (NULL ok) */
void	events_stop(struct events_queue *q);

#endif
