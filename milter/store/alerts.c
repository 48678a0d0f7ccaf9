/*
 * alerts - the alert table of the store's SQLite database
 *
 * SYNOPSIS
 *	alerts_add(), alerts_get(), alerts_list(), alerts_count(),
 *	alerts_update(), alerts_status_valid(), alerts_entry_clear(),
 *	alerts_entries_free()
 *
 * DESCRIPTION
 *	Three tables beside the quarantine index in DIR/index.sqlite
 *	(opened through qindex_db(), so the file, its mode and its
 *	WAL settings are the quarantine's): alerts (one row per message
 *	and category; (ref, category) is unique, so adding the same alert
 *	twice keeps the first), alert_matches (the phrases and their
 *	context, for the DSL) and alert_notes (the DSL's notes, appended,
 *	never edited).  Every value is bound, never spliced into SQL.
 *
 *	A state change is one UPDATE (and a note one INSERT) in one
 *	transaction, recording who and when; the audit event is the
 *	caller's (aupctl, the console).
 *
 * DIAGNOSTICS
 *	-1 with "index.sqlite: alerts: ...: sqlite's message" in *err.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/alerts.h"
#include "store/qindex.h"
#include "util/xalloc.h"

static const char alerts_schema[] =
    "CREATE TABLE IF NOT EXISTS alerts ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, ref TEXT NOT NULL,"
    " time INTEGER NOT NULL, policy TEXT NOT NULL, category TEXT NOT NULL,"
    " score INTEGER NOT NULL, severity TEXT, held INTEGER NOT NULL DEFAULT 0,"
    " direction TEXT, sender TEXT, sender_role TEXT, recipients TEXT,"
    " status TEXT NOT NULL DEFAULT 'open' CHECK (status IN"
    " ('open', 'in progress', 'closed')),"
    " assignee TEXT, updated_at INTEGER, updated_by TEXT,"
    " school TEXT NOT NULL DEFAULT '', UNIQUE (ref, category));"
    "CREATE INDEX IF NOT EXISTS alerts_time ON alerts (time);"
    "CREATE TABLE IF NOT EXISTS alert_matches ("
    " alert INTEGER NOT NULL REFERENCES alerts (id), seq INTEGER NOT NULL,"
    " phrase TEXT NOT NULL, context TEXT, weight INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS alert_matches_alert ON alert_matches (alert);"
    "CREATE TABLE IF NOT EXISTS alert_notes ("
    " alert INTEGER NOT NULL REFERENCES alerts (id), time INTEGER NOT NULL,"
    " by TEXT, text TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS alert_notes_alert ON alert_notes (alert);";

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

/* alerts_fail - set *err from the connection; returns -1 */
static int
alerts_fail(sqlite3 *db, const char *what, char **err)
{
	if (err != NULL && *err == NULL)
		*err = xasprintf("index.sqlite: alerts: %s: %s", what,
		    db != NULL ? sqlite3_errmsg(db) : "no database");
	return -1;
}

/* alerts_open - the database with the alert tables; NULL on error */
static sqlite3 *
alerts_open(const char *dir, char **err)
{
	sqlite3 *db = qindex_db(dir, err);

	if (db == NULL)
		return NULL;
	if (sqlite3_exec(db, alerts_schema, NULL, NULL, NULL) != SQLITE_OK ||
	    qindex_add_column(db, "alerts", "school", QINDEX_SCHOOL_DECL) <
	    0) {
		alerts_fail(db, "schema", err);
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* alerts_bind_text - bind a string or NULL */
static void
alerts_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* alerts_run - run one statement without values; 0 or -1 */
static int
alerts_run(sqlite3 *db, const char *sql, char **err)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return alerts_fail(db, sql, err);
	return 0;
}

/* alerts_insert_row - the alert row; its id, 0 if it existed, or -1 */
static int64_t
alerts_insert_row(sqlite3 *db, const struct alert_entry *e, char **err)
{
	sqlite3_stmt *st = NULL;
	int64_t id = -1;

	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO alerts (ref, time, "
	    "policy, category, score, severity, held, direction, sender, "
	    "sender_role, recipients, status, school) VALUES (?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return alerts_fail(db, "prepare", err);
	alerts_bind_text(st, 1, e->ref);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)e->time);
	alerts_bind_text(st, 3, e->policy);
	alerts_bind_text(st, 4, e->category);
	sqlite3_bind_int64(st, 5, e->score);
	alerts_bind_text(st, 6, e->severity);
	sqlite3_bind_int(st, 7, e->held ? 1 : 0);
	alerts_bind_text(st, 8, e->direction);
	alerts_bind_text(st, 9, e->sender);
	alerts_bind_text(st, 10, e->sender_role);
	alerts_bind_text(st, 11, e->recipients);
	alerts_bind_text(st, 12, e->status != NULL ? e->status : "open");
	alerts_bind_text(st, 13, e->school != NULL ? e->school : "");
	if (sqlite3_step(st) != SQLITE_DONE)
		alerts_fail(db, "insert", err);
	else
		id = sqlite3_changes(db) == 1 ? sqlite3_last_insert_rowid(db) :
		    0;
	sqlite3_finalize(st);
	return id;
}

/* alerts_insert_matches - the phrases of a new alert; 0 or -1 */
static int
alerts_insert_matches(sqlite3 *db, int64_t id, const struct alert_entry *e,
    char **err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(db, "INSERT INTO alert_matches (alert, seq, "
	    "phrase, context, weight) VALUES (?, ?, ?, ?, ?)", -1, &st,
	    NULL) != SQLITE_OK)
		return alerts_fail(db, "prepare", err);
	for (size_t i = 0; i < e->nmatches && rc == 0; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		alerts_bind_text(st, 3, e->matches[i].phrase);
		alerts_bind_text(st, 4, e->matches[i].context);
		sqlite3_bind_int64(st, 5, e->matches[i].weight);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = alerts_fail(db, "insert match", err);
	}
	sqlite3_finalize(st);
	return rc;
}

/* alerts_add - a new alert and its matches */
int
alerts_add(const char *dir, const struct alert_entry *e, int64_t *id,
    char **err)
{
	sqlite3 *db;
	int64_t n;
	int rc = -1;

	if (e->ref == NULL || e->category == NULL || e->policy == NULL) {
		if (err != NULL && *err == NULL)
			*err = xstrdup("index.sqlite: alerts: an alert needs a "
			    "reference, a policy and a category");
		return -1;
	}
	if ((db = alerts_open(dir, err)) == NULL)
		return -1;
	if (alerts_run(db, "BEGIN IMMEDIATE", err) < 0)
		goto out;
	n = alerts_insert_row(db, e, err);
	if (n < 0 || (n > 0 && alerts_insert_matches(db, n, e, err) < 0)) {
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		goto out;
	}
	if (alerts_run(db, "COMMIT", err) < 0)
		goto out;
	if (id != NULL)
		*id = n;
	rc = 0;
out:
	sqlite3_close(db);
	return rc;
}

/* alerts_row - fill an entry from the current row */
static void
alerts_row(sqlite3_stmt *st, struct alert_entry *e)
{
	e->id = sqlite3_column_int64(st, 0);
	e->ref = qindex_col_text(st, 1);
	e->time = (time_t)sqlite3_column_int64(st, 2);
	e->policy = qindex_col_text(st, 3);
	e->category = qindex_col_text(st, 4);
	e->score = (long)sqlite3_column_int64(st, 5);
	e->severity = qindex_col_text(st, 6);
	e->held = sqlite3_column_int(st, 7) != 0;
	e->direction = qindex_col_text(st, 8);
	e->sender = qindex_col_text(st, 9);
	e->sender_role = qindex_col_text(st, 10);
	e->recipients = qindex_col_text(st, 11);
	e->status = qindex_col_text(st, 12);
	e->assignee = qindex_col_text(st, 13);
	e->updated_at = (time_t)sqlite3_column_int64(st, 14);
	e->updated_by = qindex_col_text(st, 15);
	e->school = qindex_col_text(st, 16);
}

/* alerts_read_matches - the phrases of one alert; 0 or -1 */
static int
alerts_read_matches(sqlite3 *db, struct alert_entry *e, char **err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT phrase, context, weight FROM "
	    "alert_matches WHERE alert = ? ORDER BY seq", -1, &st, NULL) !=
	    SQLITE_OK)
		return alerts_fail(db, "prepare", err);
	sqlite3_bind_int64(st, 1, e->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct alert_match *m;

		e->matches = xreallocarray(e->matches, e->nmatches + 1,
		    sizeof(*e->matches));
		m = &e->matches[e->nmatches++];
		m->phrase = qindex_col_text(st, 0);
		m->context = qindex_col_text(st, 1);
		m->weight = (long)sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : alerts_fail(db, "read matches", err);
}

/* alerts_read_notes - the notes of one alert, oldest first; 0 or -1 */
static int
alerts_read_notes(sqlite3 *db, struct alert_entry *e, char **err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT time, by, text FROM alert_notes "
	    "WHERE alert = ? ORDER BY rowid", -1, &st, NULL) != SQLITE_OK)
		return alerts_fail(db, "prepare", err);
	sqlite3_bind_int64(st, 1, e->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct alert_note *n;

		e->notes = xreallocarray(e->notes, e->nnotes + 1,
		    sizeof(*e->notes));
		n = &e->notes[e->nnotes++];
		n->time = (time_t)sqlite3_column_int64(st, 0);
		n->by = qindex_col_text(st, 1);
		n->text = qindex_col_text(st, 2);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : alerts_fail(db, "read notes", err);
}

/* alerts_get - one alert with everything the DSL sees */
int
alerts_get(const char *dir, int64_t id, struct alert_entry *e, char **err)
{
	sqlite3 *db = alerts_open(dir, err);
	sqlite3_stmt *st = NULL;
	int rc = -1;

	memset(e, 0, sizeof(*e));
	if (db == NULL)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT " ALERTS_COLUMNS " FROM alerts "
	    "WHERE id = ?", -1, &st, NULL) != SQLITE_OK) {
		alerts_fail(db, "prepare", err);
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		alerts_row(st, e);
		rc = alerts_read_matches(db, e, err) < 0 ||
		    alerts_read_notes(db, e, err) < 0 ? -1 : 1;
		if (rc < 0)
			alerts_entry_clear(e);
		break;
	case SQLITE_DONE:
		rc = 0;
		break;
	default:
		alerts_fail(db, "read", err);
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

/* alerts_where - the WHERE clause of a filter (static text) */
static char *
alerts_where(const struct alert_filter *f)
{
	return xasprintf(" WHERE 1%s%s%s%s%s%s",
	    f->status ? " AND status = ?1" : "",
	    f->category ? " AND category = ?2" : "",
	    f->ref ? " AND ref = ?3" : "",
	    f->since ? " AND time >= ?4" : "",
	    f->not_closed ? " AND status <> 'closed'" : "",
	    f->school ? " AND school = ?5" : "");
}

/* alerts_bind_filter - the filter's values */
static void
alerts_bind_filter(sqlite3_stmt *st, const struct alert_filter *f)
{
	alerts_bind_text(st, 1, f->status);
	alerts_bind_text(st, 2, f->category);
	alerts_bind_text(st, 3, f->ref);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)f->since);
	alerts_bind_text(st, 5, f->school);
}

/* alerts_list - the alerts of a filter, newest first */
long
alerts_list(const char *dir, const struct alert_filter *f,
    struct alert_entry **out, char **err)
{
	sqlite3 *db = alerts_open(dir, err);
	sqlite3_stmt *st = NULL;
	char *where = alerts_where(f);
	char *sql = xasprintf("SELECT " ALERTS_COLUMNS " FROM alerts%s "
	    "ORDER BY time DESC, id DESC", where);
	long n = 0;
	int rc;

	*out = NULL;
	if (db == NULL || sqlite3_prepare_v2(db, sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		n = db != NULL ? alerts_fail(db, "prepare", err) : -1;
		goto out;
	}
	alerts_bind_filter(st, f);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xreallocarray(*out, (size_t)n + 1, sizeof(**out));
		memset(&(*out)[n], 0, sizeof(**out));
		alerts_row(st, &(*out)[n++]);
	}
	if (rc != SQLITE_DONE) {
		*out = alerts_entries_free(*out, n);
		n = alerts_fail(db, "read", err);
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(sql);
	free(where);
	return n;
}

/* alerts_count - how many alerts a filter selects */
long
alerts_count(const char *dir, const struct alert_filter *f, char **err)
{
	sqlite3 *db = alerts_open(dir, err);
	sqlite3_stmt *st = NULL;
	char *where = alerts_where(f);
	char *sql = xasprintf("SELECT count(*) FROM alerts%s", where);
	long n = -1;

	if (db == NULL || sqlite3_prepare_v2(db, sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		if (db != NULL)
			alerts_fail(db, "prepare", err);
		goto out;
	}
	alerts_bind_filter(st, f);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	else
		alerts_fail(db, "read", err);
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(sql);
	free(where);
	return n;
}

/* alerts_apply - the UPDATE and the note of one change; rows, or -1 */
static int
alerts_apply(sqlite3 *db, int64_t id, const struct alert_update *u,
    const char *by, time_t now, char **err)
{
	sqlite3_stmt *st = NULL;
	int changed = -1;

	if (sqlite3_prepare_v2(db, "UPDATE alerts SET status = coalesce(?1, "
	    "status), assignee = CASE WHEN ?2 IS NULL THEN assignee WHEN ?2 = "
	    "'' THEN NULL ELSE ?2 END, updated_at = ?3, updated_by = ?4 WHERE "
	    "id = ?5", -1, &st, NULL) != SQLITE_OK)
		return alerts_fail(db, "prepare", err);
	alerts_bind_text(st, 1, u->status);
	alerts_bind_text(st, 2, u->assignee);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)now);
	alerts_bind_text(st, 4, by);
	sqlite3_bind_int64(st, 5, id);
	if (sqlite3_step(st) == SQLITE_DONE)
		changed = sqlite3_changes(db);
	else
		alerts_fail(db, "update", err);
	sqlite3_finalize(st);
	if (changed != 1 || u->note == NULL)
		return changed;
	if (sqlite3_prepare_v2(db, "INSERT INTO alert_notes (alert, time, by, "
	    "text) VALUES (?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return alerts_fail(db, "prepare", err);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)now);
	alerts_bind_text(st, 3, by);
	alerts_bind_text(st, 4, u->note);
	if (sqlite3_step(st) != SQLITE_DONE)
		changed = alerts_fail(db, "insert note", err);
	sqlite3_finalize(st);
	return changed;
}

/* alerts_update - the DSL's change to one alert */
int
alerts_update(const char *dir, int64_t id, const struct alert_update *u,
    const char *by, time_t now, char **err)
{
	sqlite3 *db;
	int rc = -1;

	if (u->status != NULL && !alerts_status_valid(u->status)) {
		if (err != NULL && *err == NULL)
			*err = xasprintf("unknown alert status \"%s\" (open, "
			    "in progress or closed)", u->status);
		return -1;
	}
	if ((db = alerts_open(dir, err)) == NULL)
		return -1;
	if (alerts_run(db, "BEGIN IMMEDIATE", err) < 0)
		goto out;
	rc = alerts_apply(db, id, u, by, now, err);
	if (rc < 0 || alerts_run(db, rc == 1 ? "COMMIT" : "ROLLBACK",
	    err) < 0) {
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		rc = -1;
	}
out:
	sqlite3_close(db);
	return rc;
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
