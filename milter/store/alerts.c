/*
 * alerts - the alert tables of the store's database
 *
 * SYNOPSIS
 *	alerts_add(), alerts_get(), alerts_list(), alerts_count(),
 *	alerts_update(), alerts_status_valid(), alerts_entry_clear(),
 *	alerts_entries_free()
 *
 * DESCRIPTION
 *	Three tables beside the held index, on either backend (db.h):
 *	alerts (one row per message and category; (ref, category) is
 *	unique, so adding the same alert twice keeps the first),
 *	alert_matches (the phrases and their context, for the DSL only)
 *	and alert_notes (the DSL's notes, appended, never edited).  Every
 *	value is bound, never spliced into SQL.
 *
 *	A state change is one UPDATE (and a note one INSERT) in one
 *	transaction, recording who and when; the audit event is the
 *	caller's (aupctl, the console).
 *
 * DIAGNOSTICS
 *	-1 with the driver's message in *err.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "store/alerts.h"
#include "store/db.h"
#include "util/xalloc.h"

#define ALERTS_COLUMNS "id, ref, time, policy, category, score, severity, " \
	"held, direction, sender, sender_role, recipients, status, assignee, " \
	"updated_at, updated_by, school"

const char *const alerts_statuses[] = { "open", "in progress", "closed",
    NULL };

/* alerts_status_valid - one of the three states? */
bool
alerts_status_valid(const char *s)
{
	for (size_t i = 0; s != NULL && alerts_statuses[i] != NULL; i++)
		if (strcmp(s, alerts_statuses[i]) == 0)
			return true;
	return false;
}

/* alerts_insert_row - the alert row; its id, 0 if it existed, or -1 */
static int64_t
alerts_insert_row(struct db *db, const struct alert_entry *e, char **err)
{
	char t[DB_ARG_LEN], sc[DB_ARG_LEN];
	const char *args[] = { e->ref, db_arg_int(t, (int64_t)e->time),
	    e->policy, e->category, db_arg_int(sc, e->score), e->severity,
	    e->held ? "1" : "0", e->direction, e->sender, e->sender_role,
	    e->recipients, e->status != NULL ? e->status : "open",
	    e->school != NULL ? e->school : "" };
	int64_t id = 0;
	int rc;

	rc = db_one(db, "INSERT INTO alerts (ref, time, policy, category, "
	    "score, severity, held, direction, sender, sender_role, "
	    "recipients, status, school) VALUES ($1, $2, $3, $4, $5, $6, $7, "
	    "$8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING RETURNING id",
	    13, args, &id, err);
	return rc < 0 ? -1 : rc == 1 ? id : 0;
}

/* alerts_insert_matches - the phrases of a new alert; 0 or -1 */
static int
alerts_insert_matches(struct db *db, int64_t id,
    const struct alert_entry *e, char **err)
{
	char a[DB_ARG_LEN], seq[DB_ARG_LEN], w[DB_ARG_LEN];

	for (size_t i = 0; i < e->nmatches; i++) {
		const char *args[] = { db_arg_int(a, id),
		    db_arg_int(seq, (int64_t)i), e->matches[i].phrase,
		    e->matches[i].context,
		    db_arg_int(w, e->matches[i].weight) };

		if (db_exec(db, "INSERT INTO alert_matches (alert, seq, phrase, "
		    "context, weight) VALUES ($1, $2, $3, $4, $5)", 5, args,
		    err) < 0)
			return -1;
	}
	return 0;
}

/* alerts_add - a new alert and its matches */
int
alerts_add(struct store *st, const struct alert_entry *e, int64_t *id,
    char **err)
{
	struct db *db;
	int64_t n;
	int rc = -1;

	if (e->ref == NULL || e->category == NULL || e->policy == NULL) {
		if (err != NULL && *err == NULL)
			*err = xstrdup("alerts: an alert needs a reference, a "
			    "policy and a category");
		return -1;
	}
	if ((db = db_open(st, err)) == NULL)
		return -1;
	if (db_begin(db, err) < 0)
		goto out;
	n = alerts_insert_row(db, e, err);
	if (n < 0 || (n > 0 && alerts_insert_matches(db, n, e, err) < 0)) {
		db_rollback(db);
		goto out;
	}
	if (db_commit(db, err) < 0)
		goto out;
	if (id != NULL)
		*id = n;
	rc = 0;
out:
	db_close(db);
	return rc;
}

/* alerts_row - fill an entry from the current row */
static void
alerts_row(struct db_rows *r, struct alert_entry *e)
{
	e->id = db_int(r, 0);
	e->ref = db_dup(r, 1);
	e->time = (time_t)db_int(r, 2);
	e->policy = db_dup(r, 3);
	e->category = db_dup(r, 4);
	e->score = (long)db_int(r, 5);
	e->severity = db_dup(r, 6);
	e->held = db_int(r, 7) != 0;
	e->direction = db_dup(r, 8);
	e->sender = db_dup(r, 9);
	e->sender_role = db_dup(r, 10);
	e->recipients = db_dup(r, 11);
	e->status = db_dup(r, 12);
	e->assignee = db_dup(r, 13);
	e->updated_at = (time_t)db_int(r, 14);
	e->updated_by = db_dup(r, 15);
	e->school = db_dup(r, 16);
}

/* alerts_fill, alerts_clear - db_store_list's callbacks */
static void
alerts_fill(struct db_rows *r, void *e)
{
	alerts_row(r, e);
}

static void
alerts_clear(void *e)
{
	alerts_entry_clear(e);
}

/* alerts_read_matches - the phrases of one alert; 0 or -1 */
static int
alerts_read_matches(struct db *db, struct alert_entry *e, char **err)
{
	char id[DB_ARG_LEN];
	const char *args[] = { db_arg_int(id, e->id) };
	struct db_rows *r = db_query(db, "SELECT phrase, context, weight FROM "
	    "alert_matches WHERE alert = $1 ORDER BY seq", 1, args, err);
	int rc = -1;

	while (r != NULL && (rc = db_next(r, err)) == 1) {
		struct alert_match *m;

		e->matches = xreallocarray(e->matches, e->nmatches + 1,
		    sizeof(*e->matches));
		m = &e->matches[e->nmatches++];
		m->phrase = db_dup(r, 0);
		m->context = db_dup(r, 1);
		m->weight = (long)db_int(r, 2);
	}
	db_rows_free(r);
	return rc;
}

/* alerts_read_notes - the notes of one alert, oldest first; 0 or -1 */
static int
alerts_read_notes(struct db *db, struct alert_entry *e, char **err)
{
	char id[DB_ARG_LEN];
	const char *args[] = { db_arg_int(id, e->id) };
	/* SQLite: rowid (an index made before notes had an id has one) */
	struct db_rows *r = db_query(db, db_backend(db) == STORE_POSTGRESQL ?
	    "SELECT time, \"by\", text FROM alert_notes WHERE alert = $1 "
	    "ORDER BY id" : "SELECT time, \"by\", text FROM alert_notes WHERE "
	    "alert = $1 ORDER BY rowid", 1, args, err);
	int rc = -1;

	while (r != NULL && (rc = db_next(r, err)) == 1) {
		struct alert_note *n;

		e->notes = xreallocarray(e->notes, e->nnotes + 1,
		    sizeof(*e->notes));
		n = &e->notes[e->nnotes++];
		n->time = (time_t)db_int(r, 0);
		n->by = db_dup(r, 1);
		n->text = db_dup(r, 2);
	}
	db_rows_free(r);
	return rc;
}

/* alerts_get - one alert with everything the DSL sees */
int
alerts_get(struct store *st, int64_t id, struct alert_entry *e, char **err)
{
	char a[DB_ARG_LEN];
	const char *args[] = { db_arg_int(a, id) };
	struct db *db = db_open(st, err);
	struct db_rows *r;
	int rc = -1;

	memset(e, 0, sizeof(*e));
	if (db == NULL)
		return -1;
	r = db_query(db, "SELECT " ALERTS_COLUMNS " FROM alerts WHERE id = $1",
	    1, args, err);
	if (r != NULL && (rc = db_next(r, err)) == 1) {
		alerts_row(r, e);
		if (alerts_read_matches(db, e, err) < 0 ||
		    alerts_read_notes(db, e, err) < 0) {
			alerts_entry_clear(e);
			rc = -1;
		}
	}
	db_rows_free(r);
	db_close(db);
	return rc;
}

/* alerts_where - the WHERE clause of a filter (static text) */
static char *
alerts_where(const struct alert_filter *f)
{
	return xasprintf(" WHERE 1 = 1%s%s%s%s%s%s",
	    f->status ? " AND status = $1" : "",
	    f->category ? " AND category = $2" : "",
	    f->ref ? " AND ref = $3" : "",
	    f->since ? " AND time >= $4" : "",
	    f->not_closed ? " AND status <> 'closed'" : "",
	    f->school ? " AND school = $5" : "");
}

#define ALERTS_FILTER_ARGS	5

/* alerts_filter_args - the filter's values */
static void
alerts_filter_args(const struct alert_filter *f, const char **a, char *buf)
{
	a[0] = f->status;
	a[1] = f->category;
	a[2] = f->ref;
	a[3] = db_arg_int(buf, (int64_t)f->since);
	a[4] = f->school;
}

/* alerts_list - the alerts of a filter, newest first */
long
alerts_list(struct store *st, const struct alert_filter *f,
    struct alert_entry **out, char **err)
{
	const char *a[ALERTS_FILTER_ARGS];
	char buf[DB_ARG_LEN];
	char *where = alerts_where(f);
	char *sql = xasprintf("SELECT " ALERTS_COLUMNS " FROM alerts%s "
	    "ORDER BY time DESC, id DESC", where);
	long n;

	alerts_filter_args(f, a, buf);
	n = db_store_list(st, sql, ALERTS_FILTER_ARGS, a, sizeof(**out),
	    alerts_fill, alerts_clear, (void **)out, err);
	free(sql);
	free(where);
	return n;
}

/* alerts_count - how many alerts a filter selects */
long
alerts_count(struct store *st, const struct alert_filter *f, char **err)
{
	const char *a[ALERTS_FILTER_ARGS];
	char buf[DB_ARG_LEN];
	struct db *db = db_open(st, err);
	char *where = alerts_where(f);
	char *sql = xasprintf("SELECT count(*) FROM alerts%s", where);
	int64_t v = 0;
	long n = -1;

	alerts_filter_args(f, a, buf);
	if (db != NULL && db_one(db, sql, ALERTS_FILTER_ARGS, a, &v, err) == 1)
		n = (long)v;
	db_close(db);
	free(sql);
	free(where);
	return n;
}

/* alerts_apply - the UPDATE and the note of one change; rows, or -1 */
static long
alerts_apply(struct db *db, int64_t id, const struct alert_update *u,
    const char *by, time_t now, char **err)
{
	char t[DB_ARG_LEN], i[DB_ARG_LEN];
	const char *args[] = { u->status, u->assignee,
	    db_arg_int(t, (int64_t)now), by, db_arg_int(i, id) };
	const char *nargs[] = { args[4], args[2], by, u->note };
	long changed;

	changed = db_exec(db, "UPDATE alerts SET status = coalesce($1, "
	    "status), assignee = CASE WHEN CAST($2 AS TEXT) IS NULL THEN "
	    "assignee WHEN CAST($2 AS TEXT) = '' THEN NULL ELSE "
	    "CAST($2 AS TEXT) END, updated_at = $3, updated_by = $4 WHERE "
	    "id = $5", 5, args, err);
	if (changed != 1 || u->note == NULL)
		return changed;
	if (db_exec(db, "INSERT INTO alert_notes (alert, time, \"by\", text) "
	    "VALUES ($1, $2, $3, $4)", 4, nargs, err) < 0)
		return -1;
	return changed;
}

/* alerts_update - the DSL's change to one alert */
int
alerts_update(struct store *st, int64_t id, const struct alert_update *u,
    const char *by, time_t now, char **err)
{
	struct db *db;
	long rc = -1;

	if (u->status != NULL && !alerts_status_valid(u->status)) {
		if (err != NULL && *err == NULL)
			*err = xasprintf("unknown alert status \"%s\" (open, "
			    "in progress or closed)", u->status);
		return -1;
	}
	if ((db = db_open(st, err)) == NULL)
		return -1;
	if (db_begin(db, err) == 0) {
		rc = alerts_apply(db, id, u, by, now, err);
		if (rc == 1)
			rc = db_commit(db, err) < 0 ? -1 : 1;
		else
			db_rollback(db);
	}
	db_close(db);
	return (int)rc;
}

/* alerts_entry_clear - free one entry */
void
alerts_entry_clear(struct alert_entry *e)
{
	free(e->ref);
	free(e->policy);
	free(e->category);
	free(e->severity);
	free(e->direction);
	free(e->sender);
	free(e->sender_role);
	free(e->recipients);
	free(e->status);
	free(e->assignee);
	free(e->updated_by);
	free(e->school);
	for (size_t i = 0; i < e->nmatches; i++) {
		free(e->matches[i].phrase);
		free(e->matches[i].context);
	}
	free(e->matches);
	for (size_t i = 0; i < e->nnotes; i++) {
		free(e->notes[i].by);
		free(e->notes[i].text);
	}
	free(e->notes);
	memset(e, 0, sizeof(*e));
}

/* alerts_entries_free - free a list */
struct alert_entry *
alerts_entries_free(struct alert_entry *e, long n)
{
	for (long i = 0; i < n; i++)
		alerts_entry_clear(&e[i]);
	free(e);
	return NULL;
}
