/*
 * events - event rows in the shared store
 *
 * SYNOPSIS
 *	events_add()
 *
 * DESCRIPTION
 *	One INSERT on a pooled connection per judged message, after the
 *	line went to the local event log.  The event's "school" member,
 *	when there is one, fills the school column ("" otherwise); the
 *	JSON is stored as jsonb, so reports can select on its members.
 *	The text is the event log's own (pupil-data values withheld, no
 *	matched safeguarding phrase: SPEC 7).
 *
 * SPDX-License-Identifier: MIT
 */
#include "store/db.h"
#include "store/events.h"
#include "store/store.h"

/* events_add - one row */
int
events_add(struct store *st, json_object *event, const char *ref,
    time_t when, char **err)
{
	char t[DB_ARG_LEN];
	json_object *school = NULL;
	const char *args[] = { db_arg_int(t, (int64_t)when),
	    json_object_object_get_ex(event, "school", &school) &&
	    json_object_is_type(school, json_type_string) ?
	    json_object_get_string(school) : "", ref,
	    json_object_to_json_string_ext(event, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE) };

	if (!store_shared(st))
		return 0;
	return db_store_exec(st, "INSERT INTO events (time, school, ref, "
	    "event) VALUES ($1, $2, $3, $4)", 4, args, err) < 0 ? -1 : 0;
}
