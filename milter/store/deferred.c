/*
 * deferred - the SQLite table of deferred messages
 *
 * SYNOPSIS
 *	deferred_add(), deferred_add_with_notice(), deferred_get(),
 *	deferred_list(), deferred_due(), deferred_claim(), deferred_mark_sent(),
 *	deferred_unclaim(), deferred_cancel(), deferred_claim_delivery(),
 *	deferred_entry_clear(),
 *	deferred_entries_free()
 *
 * DESCRIPTION
 *	The table `deferred` lives in DIR/index.sqlite beside the
 *	quarantine's table, opened through qindex_db() (WAL, synchronous
 *	FULL, busy timeout, file mode 0640; see qindex.c).  A new row and
 *	its sender's notice are written in one transaction
 *	(deferred_add_with_notice), like a hold and its notices.  Every change of
 *	state is one UPDATE whose WHERE clause names the state it leaves,
 *	so two threads, processes or nodes racing for one row cannot both
 *	win: the loser sees 0 rows changed.  Values go in through bind
 *	parameters only.
 *
 * DIAGNOSTICS
 *	-1 with "index.sqlite: what: SQLite's message" in *err.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/deferred.h"
#include "store/notices.h"
#include "store/qindex.h"
#include "util/xalloc.h"

static const char deferred_schema[] =
    "CREATE TABLE IF NOT EXISTS deferred ("
    " ref TEXT PRIMARY KEY, time INTEGER NOT NULL, due INTEGER NOT NULL,"
    " due_text TEXT, sender TEXT, recipients TEXT, subject TEXT,"
    " login TEXT, reason TEXT, size INTEGER,"
    " status TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN"
    " ('waiting', 'sending', 'sent', 'cancelled')),"
    " claimed_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0,"
    " last_error TEXT, sent_at INTEGER, sent_by TEXT,"
    " delivered_at INTEGER, delivered_qid TEXT,"
    " cancelled_at INTEGER, cancelled_by TEXT, notified_at INTEGER,"
    " school TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX IF NOT EXISTS deferred_due ON deferred (status, due);";

#define DEFERRED_COLUMNS "ref, time, due, due_text, sender, recipients, " \
	"subject, login, reason, size, status, claimed_at, attempts, " \
	"last_error, sent_at, sent_by, delivered_at, delivered_qid, " \
	"cancelled_at, cancelled_by, notified_at, school"

/* deferred_fail - set *err from the connection; returns -1 */
static int
deferred_fail(sqlite3 *db, const char *what, char **err)
{
	if (err != NULL && *err == NULL)
		*err = xasprintf("index.sqlite: %s: %s", what,
		    db != NULL ? sqlite3_errmsg(db) : strerror(errno));
	return -1;
}

/* deferred_open - the index's connection (qindex_db) with the table */
static sqlite3 *
deferred_open(const char *dir, char **err)
{
	sqlite3 *db = qindex_db(dir, err);

	if (db != NULL && (sqlite3_exec(db, deferred_schema, NULL, NULL,
	    NULL) != SQLITE_OK || qindex_add_column(db, "deferred", "school",
	    QINDEX_SCHOOL_DECL) < 0)) {
		deferred_fail(db, "schema", err);
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/*
 * deferred_bind - bind arguments by a format: 's' string (NULL ok),
 * 't' time_t (0 as NULL), 'i' int64_t
 */
static void
deferred_bind(sqlite3_stmt *st, const char *fmt, va_list ap)
{
	for (int i = 0; fmt[i] != '\0'; i++) {
		const char *s;
		time_t t;

		switch (fmt[i]) {
		case 's':
			s = va_arg(ap, const char *);
			if (s != NULL)
				sqlite3_bind_text(st, i + 1, s, -1,
				    SQLITE_TRANSIENT);
			else
				sqlite3_bind_null(st, i + 1);
			break;
		case 't':
			t = va_arg(ap, time_t);
			if (t != 0)
				sqlite3_bind_int64(st, i + 1, (sqlite3_int64)t);
			else
				sqlite3_bind_null(st, i + 1);
			break;
		default:
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
		}
	}
}

/* deferred_bind_args - deferred_bind() with the arguments given here */
static void
deferred_bind_args(sqlite3_stmt *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	deferred_bind(st, fmt, ap);
	va_end(ap);
}

/* deferred_exec - one statement; rows changed, or -1 */
static int
deferred_exec(const char *dir, char **err, const char *sql,
    const char *fmt, ...)
{
	sqlite3 *db = deferred_open(dir, err);
	sqlite3_stmt *st = NULL;
	va_list ap;
	int rc = -1;

	if (db == NULL)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		deferred_fail(db, "prepare", err);
	else {
		va_start(ap, fmt);
		deferred_bind(st, fmt, ap);
		va_end(ap);
		if (sqlite3_step(st) != SQLITE_DONE)
			deferred_fail(db, "write", err);
		else
			rc = sqlite3_changes(db);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

/* deferred_insert - the INSERT of a new row on an open connection */
static int
deferred_insert(sqlite3 *db, const struct deferred_entry *e, char **err)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO deferred (ref, "
	    "time, due, due_text, sender, recipients, subject, login, reason, "
	    "size, notified_at, school) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?)", -1, &st, NULL) != SQLITE_OK)
		return deferred_fail(db, "prepare", err);
	deferred_bind_args(st, "sttssssssits", e->ref, e->time, e->due,
	    e->due_text, e->sender, e->recipients, e->subject, e->login,
	    e->reason, (int64_t)e->size, e->notified_at,
	    e->school != NULL ? e->school : "");
	if (sqlite3_step(st) == SQLITE_DONE)
		rc = 0;
	else
		deferred_fail(db, "insert", err);
	sqlite3_finalize(st);
	return rc;
}

/* deferred_add_with_notice - the row and its notice, all or nothing */
int
deferred_add_with_notice(const char *dir, const struct deferred_entry *e,
    const struct notice *n, time_t now, char **err)
{
	sqlite3 *db = deferred_open(dir, err);
	int rc = -1;

	if (db == NULL)
		return -1;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		deferred_fail(db, "begin", err);
		sqlite3_close(db);
		return -1;
	}
	rc = deferred_insert(db, e, err);
	if (rc == 0 && n != NULL)
		rc = notices_enqueue_db(db, n, now, err);
	if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) !=
	    SQLITE_OK)
		rc = deferred_fail(db, "commit", err);
	if (rc < 0)
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

/* deferred_add - a new row */
int
deferred_add(const char *dir, const struct deferred_entry *e, char **err)
{
	return deferred_add_with_notice(dir, e, NULL, 0, err);
}

/* deferred_row - fill an entry from the current row */
static void
deferred_row(sqlite3_stmt *st, struct deferred_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->ref = qindex_col_text(st, 0);
	e->time = (time_t)sqlite3_column_int64(st, 1);
	e->due = (time_t)sqlite3_column_int64(st, 2);
	e->due_text = qindex_col_text(st, 3);
	e->sender = qindex_col_text(st, 4);
	e->recipients = qindex_col_text(st, 5);
	e->subject = qindex_col_text(st, 6);
	e->login = qindex_col_text(st, 7);
	e->reason = qindex_col_text(st, 8);
	e->size = sqlite3_column_int64(st, 9);
	e->status = qindex_col_text(st, 10);
	e->claimed_at = (time_t)sqlite3_column_int64(st, 11);
	e->attempts = sqlite3_column_int(st, 12);
	e->last_error = qindex_col_text(st, 13);
	e->sent_at = (time_t)sqlite3_column_int64(st, 14);
	e->sent_by = qindex_col_text(st, 15);
	e->delivered_at = (time_t)sqlite3_column_int64(st, 16);
	e->delivered_qid = qindex_col_text(st, 17);
	e->cancelled_at = (time_t)sqlite3_column_int64(st, 18);
	e->cancelled_by = qindex_col_text(st, 19);
	e->notified_at = (time_t)sqlite3_column_int64(st, 20);
	e->school = qindex_col_text(st, 21);
}

/* deferred_query - rows of a SELECT: count, or -1 */
static long
deferred_query(const char *dir, struct deferred_entry **out, char **err,
    const char *sql, const char *fmt, ...)
{
	sqlite3 *db = deferred_open(dir, err);
	sqlite3_stmt *st = NULL;
	va_list ap;
	long n = 0;
	int rc;

	*out = NULL;
	if (db == NULL)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		n = deferred_fail(db, "prepare", err);
		goto out;
	}
	va_start(ap, fmt);
	deferred_bind(st, fmt, ap);
	va_end(ap);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xreallocarray(*out, (size_t)n + 1, sizeof(**out));
		deferred_row(st, &(*out)[n++]);
	}
	if (rc != SQLITE_DONE) {
		*out = deferred_entries_free(*out, n);
		n = deferred_fail(db, "read", err);
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* deferred_get - one row */
int
deferred_get(const char *dir, const char *ref, struct deferred_entry *e,
    char **err)
{
	struct deferred_entry *rows;
	long n = deferred_query(dir, &rows, err, "SELECT " DEFERRED_COLUMNS
	    " FROM deferred WHERE ref = ?1", "s", ref);

	memset(e, 0, sizeof(*e));
	if (n <= 0)
		return n < 0 ? -1 : 0;
	*e = rows[0];
	free(rows);
	return 1;
}

/* deferred_list - rows of a filter, by due time */
long
deferred_list(const char *dir, const struct deferred_filter *f,
    struct deferred_entry **out, char **err)
{
	return deferred_query(dir, out, err, "SELECT " DEFERRED_COLUMNS
	    " FROM deferred WHERE (?1 IS NULL OR status = ?1) AND"
	    " (?2 IS NULL OR instr(lower(sender), lower(?2)) > 0) AND"
	    " (?3 IS NULL OR due <= ?3) AND (?4 IS NULL OR school = ?4)"
	    " ORDER BY due, ref", "ssts", f->status, f->sender, f->due_before,
	    f->school);
}

/* deferred_due - what the sender thread should send now */
long
deferred_due(const char *dir, time_t now, time_t retry,
    struct deferred_entry **out, char **err)
{
	return deferred_query(dir, out, err, "SELECT " DEFERRED_COLUMNS
	    " FROM deferred WHERE (status = 'waiting' AND due <= ?1) OR"
	    " (status = 'sending' AND claimed_at <= ?2) ORDER BY due, ref",
	    "tt", now, now - retry);
}

/* deferred_claim - take a row for sending */
int
deferred_claim(const char *dir, const char *ref, time_t now, time_t stale,
    char **err)
{
	return deferred_exec(dir, err, "UPDATE deferred SET status = "
	    "'sending', claimed_at = ?1, attempts = attempts + 1 WHERE "
	    "ref = ?2 AND (status = 'waiting' OR (status = 'sending' AND "
	    "claimed_at <= ?3))", "tst", now, ref, stale);
}

/* deferred_mark_sent - the re-injection is done */
int
deferred_mark_sent(const char *dir, const char *ref, const char *by,
    time_t now, char **err)
{
	return deferred_exec(dir, err, "UPDATE deferred SET status = 'sent', "
	    "sent_at = ?1, sent_by = ?2, last_error = NULL WHERE ref = ?3 AND "
	    "status = 'sending'", "tss", now, by, ref);
}

/* deferred_unclaim - sendmail failed: waiting again */
int
deferred_unclaim(const char *dir, const char *ref, const char *why,
    char **err)
{
	return deferred_exec(dir, err, "UPDATE deferred SET status = "
	    "'waiting', last_error = ?1 WHERE ref = ?2 AND status = "
	    "'sending'", "ss", why, ref);
}

/* deferred_cancel - the sender, office or DSL cancels it */
int
deferred_cancel(const char *dir, const char *ref, const char *by,
    time_t now, char **err)
{
	return deferred_exec(dir, err, "UPDATE deferred SET status = "
	    "'cancelled', cancelled_at = ?1, cancelled_by = ?2 WHERE "
	    "ref = ?3 AND status = 'waiting'", "tss", now, by, ref);
}

/* deferred_claim_delivery - the first marked copy wins */
int
deferred_claim_delivery(const char *dir, const char *ref, const char *qid,
    time_t now, char **err)
{
	return deferred_exec(dir, err, "UPDATE deferred SET delivered_at = "
	    "?1, delivered_qid = ?2 WHERE ref = ?3 AND status IN ('sending', "
	    "'sent') AND delivered_at IS NULL", "tss", now, qid, ref);
}

/* deferred_entry_clear - free a row */
void
deferred_entry_clear(struct deferred_entry *e)
{
	free(e->ref);
	free(e->due_text);
	free(e->sender);
	free(e->recipients);
	free(e->subject);
	free(e->login);
	free(e->reason);
	free(e->status);
	free(e->last_error);
	free(e->sent_by);
	free(e->delivered_qid);
	free(e->cancelled_by);
	free(e->school);
	memset(e, 0, sizeof(*e));
}

/* deferred_entries_free - free a list */
struct deferred_entry *
deferred_entries_free(struct deferred_entry *e, long n)
{
	for (long i = 0; i < n; i++)
		deferred_entry_clear(&e[i]);
	free(e);
	return NULL;
}
