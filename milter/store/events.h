/*
 * events - each message's event in the shared store (SPEC 7 and 11)
 *
 * With [store] backend = postgresql every judged message's event line
 * (the JSON object of the event log) is also a row of the table
 * `events` (its time, school and reference beside it), so reports for
 * the whole service can be made from one place.  The local JSON-lines
 * file stays the record of each node (SPEC 7); with sqlite nothing is
 * added.
 */
#ifndef AUP_EVENTS_H
#define AUP_EVENTS_H

#include <time.h>

#include <json-c/json.h>

struct store;

/*
 * events_add - one event row (shared store only; 0 and nothing done
 * otherwise): 0, or -1 with *err (the caller logs it: the event is in
 * the local file already, the message is not held back for it)
 */
int	events_add(struct store *st, json_object *event, const char *ref,
	    time_t when, char **err);

#endif
