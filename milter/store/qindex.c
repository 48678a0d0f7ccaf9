/*
 * qindex - the quarantine's SQLite index
 *
 * SYNOPSIS
 *	qindex_path(), qindex_db(), qindex_add(), qindex_add_held(),
 *	qindex_get(), qindex_list(), qindex_count(), qindex_has(),
 *	qindex_release(), qindex_unrelease(), qindex_claim_delivery(),
 *	qindex_delete(), qindex_expire(), qindex_review(),
 *	qindex_notified(), qindex_entry_clear(), qindex_entries_free()
 *
 * DESCRIPTION
 *	One connection per call.  Quarantines, releases and reviews are
 *	rare events (a handful a day in a school), so the cost of opening
 *	the file (well under a millisecond) does not matter, and per-call
 *	connections need no lock, no per-thread cache to clean up at
 *	thread exit, and no reopen after the store is moved or restored.
 *	SQLite's own locking does the rest: the database is in WAL mode,
 *	so a reviewer's reads never block the milter's writes, writers
 *	wait up to QINDEX_BUSY_MS for each other (busy_timeout), and every
 *	state change is one UPDATE whose WHERE clause checks the state it
 *	leaves, so two reviewers releasing one message at once cannot both
 *	succeed: the second sees 0 rows changed.  synchronous = FULL: a
 *	release that was reported done survives a power cut.
 *
 *	The file is created mode 0640 (SQLite gives its -wal and -shm
 *	files the same mode), in the quarantine folder the milter made
 *	0750, group [milter] group: the milter and reviewers only.
 *
 * DIAGNOSTICS
 *	-1 with a message ("index.sqlite: database is locked") in *err.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "store/notices.h"
#include "store/qindex.h"
#include "util/xalloc.h"

#define QINDEX_BUSY_MS	10000

static const char qindex_schema[] =
    "CREATE TABLE IF NOT EXISTS quarantine ("
    " ref TEXT PRIMARY KEY, time INTEGER NOT NULL, direction TEXT,"
    " sender TEXT, recipients TEXT, subject TEXT, policy TEXT,"
    " policies TEXT, reason TEXT, size INTEGER,"
    " status TEXT NOT NULL DEFAULT 'held' CHECK (status IN"
    " ('held', 'released', 'deleted', 'expired')),"
    " released_at INTEGER, released_by TEXT, released_to TEXT,"
    " delivered_at INTEGER, delivered_qid TEXT,"
    " deleted_at INTEGER, deleted_by TEXT, notified_at INTEGER,"
    " reviewed_at INTEGER, reviewed_by TEXT,"
    " school TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX IF NOT EXISTS quarantine_time ON quarantine (time);"
    "CREATE TABLE IF NOT EXISTS notices ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, ref TEXT,"
    " rcpt TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,"
    " created INTEGER NOT NULL, expires INTEGER NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN"
    " ('queued', 'sending', 'sent', 'failed')),"
    " tries INTEGER NOT NULL DEFAULT 0, next_try INTEGER NOT NULL,"
    " claimed_at INTEGER, claimed_by TEXT, sent_at INTEGER,"
    " last_error TEXT, school TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX IF NOT EXISTS notices_due ON notices (state, next_try);";

#define QINDEX_COLUMNS "ref, time, direction, sender, recipients, subject, " \
	"policy, policies, reason, size, status, released_at, released_by, " \
	"released_to, delivered_at, delivered_qid, deleted_at, deleted_by, " \
	"notified_at, reviewed_at, reviewed_by, school"

/* qindex_path - where the index lives */
char *
qindex_path(const char *dir)
{
	return xasprintf("%s/index.sqlite", dir);
}

/* qindex_fail - set *err from the connection; returns -1 */
static int
qindex_fail(sqlite3 *db, const char *what, char **err)
{
	if (err != NULL && *err == NULL)
		*err = xasprintf("index.sqlite: %s: %s", what,
		    db != NULL ? sqlite3_errmsg(db) : strerror(errno));
	return -1;
}

/* qindex_has_column - has the table this column? */
static bool
qindex_has_column(sqlite3 *db, const char *table, const char *column)
{
	sqlite3_stmt *st = NULL;
	bool has;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1) "
	    "WHERE name = ?2", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
	has = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return has;
}

/* qindex_add_column - add a column an older table lacks; 0 or -1 */
int
qindex_add_column(sqlite3 *db, const char *table, const char *column,
    const char *decl)
{
	char *sql;
	int rc;

	if (qindex_has_column(db, table, column))
		return 0;
	sql = xasprintf("ALTER TABLE %s ADD COLUMN %s %s", table, column,
	    decl);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	free(sql);
	/* Another connection may have added it at the same moment. */
	return rc == SQLITE_OK || qindex_has_column(db, table, column) ? 0 :
	    -1;
}

/* qindex_migrate - columns added since the first schema; 0 or -1 */
static int
qindex_migrate(sqlite3 *db)
{
	return qindex_add_column(db, "quarantine", "reviewed_at", "INTEGER") <
	    0 || qindex_add_column(db, "quarantine", "reviewed_by", "TEXT") <
	    0 || qindex_add_column(db, "quarantine", "school",
	    QINDEX_SCHOOL_DECL) < 0 || qindex_add_column(db, "notices",
	    "school", QINDEX_SCHOOL_DECL) < 0 ? -1 : 0;
}

/* qindex_db - a connection, the schema made if missing; NULL on error */
sqlite3 *
qindex_db(const char *dir, char **err)
{
	char *path = qindex_path(dir);
	struct stat st;
	bool fresh = stat(path, &st) < 0;
	sqlite3 *db = NULL;

	/* The milter makes the folder when it first holds a message; a
	 * reviewer or a release check may come first. */
	if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
		qindex_fail(NULL, "mkdir", err);
		goto fail;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		qindex_fail(db, "open", err);
		goto fail;
	}
	sqlite3_busy_timeout(db, QINDEX_BUSY_MS);
	if (fresh && chmod(path, 0640) < 0) {
		qindex_fail(NULL, "chmod", err);
		goto fail;
	}
	if (sqlite3_exec(db, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = FULL;", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, qindex_schema, NULL, NULL, NULL) != SQLITE_OK ||
	    qindex_migrate(db) < 0) {
		qindex_fail(db, "schema", err);
		goto fail;
	}
	free(path);
	return db;
fail:
	sqlite3_close(db);
	free(path);
	return NULL;
}

/* qindex_bind_text - bind a string or NULL */
static void
qindex_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* qindex_bind_time - bind a time, 0 as NULL */
static void
qindex_bind_time(sqlite3_stmt *st, int i, time_t t)
{
	if (t != 0)
		sqlite3_bind_int64(st, i, (sqlite3_int64)t);
	else
		sqlite3_bind_null(st, i);
}

/*
 * qindex_exec - run one statement with `n` string/time arguments given
 * as a format: 's' string, 't' time.  Returns rows changed, or -1.
 */
static int
qindex_exec(const char *dir, const char *sql, const char *fmt,
    const void *const *args, char **err)
{
	sqlite3 *db = qindex_db(dir, err);
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (db == NULL)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		qindex_fail(db, "prepare", err);
		goto out;
	}
	for (int i = 0; fmt[i] != '\0'; i++) {
		if (fmt[i] == 's')
			qindex_bind_text(st, i + 1, args[i]);
		else
			qindex_bind_time(st, i + 1, *(const time_t *)args[i]);
	}
	if (sqlite3_step(st) != SQLITE_DONE)
		qindex_fail(db, "write", err);
	else
		rc = sqlite3_changes(db);
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

/* qindex_insert - one new row on an open connection: 0 or -1 */
static int
qindex_insert(sqlite3 *db, const struct qindex_entry *e, char **err)
{
	const char *status = e->status != NULL ? e->status : "held";
	const void *args[] = { e->ref, &e->time, e->direction, e->sender,
	    e->recipients, e->subject, e->policy, e->policies, e->reason,
	    &e->size, status, &e->notified_at,
	    e->school != NULL ? e->school : "" };
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO quarantine (ref, "
	    "time, direction, sender, recipients, subject, policy, policies, "
	    "reason, size, status, notified_at, school) VALUES (?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return qindex_fail(db, "prepare", err);
	for (int i = 0; i < 13; i++) {
		if (i == 1 || i == 11)
			qindex_bind_time(st, i + 1, *(const time_t *)args[i]);
		else if (i == 9)
			sqlite3_bind_int64(st, i + 1, e->size);
		else
			qindex_bind_text(st, i + 1, args[i]);
	}
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : qindex_fail(db, "insert",
	    err);
	sqlite3_finalize(st);
	return rc;
}

/* qindex_add - one new row */
int
qindex_add(const char *dir, const struct qindex_entry *e, char **err)
{
	sqlite3 *db = qindex_db(dir, err);
	int rc;

	if (db == NULL)
		return -1;
	rc = qindex_insert(db, e, err);
	sqlite3_close(db);
	return rc;
}

/* qindex_add_held - the row and its notices, all or nothing */
int
qindex_add_held(const char *dir, const struct qindex_entry *e,
    const struct notice *notices, size_t n, time_t now, char **err)
{
	sqlite3 *db = qindex_db(dir, err);
	int rc = -1;

	if (db == NULL)
		return -1;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		qindex_fail(db, "begin", err);
		goto out;
	}
	rc = qindex_insert(db, e, err);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = notices_enqueue_db(db, &notices[i], now, err);
	if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) !=
	    SQLITE_OK)
		rc = qindex_fail(db, "commit", err);
	if (rc < 0)
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
	sqlite3_close(db);
	return rc;
}

/* qindex_col_text - a column as a new string, or NULL */
char *
qindex_col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? xstrdup((const char *)t) : NULL;
}

/* qindex_row - fill an entry from the current row */
static void
qindex_row(sqlite3_stmt *st, struct qindex_entry *e)
{
	e->ref = qindex_col_text(st, 0);
	e->time = (time_t)sqlite3_column_int64(st, 1);
	e->direction = qindex_col_text(st, 2);
	e->sender = qindex_col_text(st, 3);
	e->recipients = qindex_col_text(st, 4);
	e->subject = qindex_col_text(st, 5);
	e->policy = qindex_col_text(st, 6);
	e->policies = qindex_col_text(st, 7);
	e->reason = qindex_col_text(st, 8);
	e->size = sqlite3_column_int64(st, 9);
	e->status = qindex_col_text(st, 10);
	e->released_at = (time_t)sqlite3_column_int64(st, 11);
	e->released_by = qindex_col_text(st, 12);
	e->released_to = qindex_col_text(st, 13);
	e->delivered_at = (time_t)sqlite3_column_int64(st, 14);
	e->delivered_qid = qindex_col_text(st, 15);
	e->deleted_at = (time_t)sqlite3_column_int64(st, 16);
	e->deleted_by = qindex_col_text(st, 17);
	e->notified_at = (time_t)sqlite3_column_int64(st, 18);
	e->reviewed_at = (time_t)sqlite3_column_int64(st, 19);
	e->reviewed_by = qindex_col_text(st, 20);
	e->school = qindex_col_text(st, 21);
}

/* qindex_scope_sql - " AND (held by ?10 OR ... ?13)" for a scope */
static void
qindex_scope_sql(const struct qindex_filter *f, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	if (f->scope[0] == NULL)
		return;
	n += (size_t)snprintf(buf, size, " AND (0");
	for (int i = 0; i < QINDEX_MAX_SCOPE && f->scope[i] != NULL; i++)
		n += (size_t)snprintf(buf + n, size - n, " OR instr(',' || "
		    "policies || ',', ',' || ?%d || ',') > 0", 10 + i);
	snprintf(buf + n, size - n, ")");
}

/* qindex_filter_sql - the query of a filter (new string); only fixed
 * fragments go into the text, every value is a bound parameter */
static char *
qindex_filter_sql(const struct qindex_filter *f, bool count)
{
	char scope[512];

	qindex_scope_sql(f, scope, sizeof(scope));
	return xasprintf("SELECT %s FROM quarantine WHERE 1"
	    "%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s",
	    count ? "count(*)" : QINDEX_COLUMNS,
	    f->policy ? " AND instr(',' || policies || ',', ',' || ?1 || ',')"
	    " > 0" : "",
	    f->since ? " AND time >= ?2" : "",
	    f->before ? " AND time < ?3" : "",
	    f->sender ? " AND instr(lower(sender), lower(?4)) > 0" : "",
	    f->recipient ? " AND instr(lower(recipients), lower(?5)) > 0" : "",
	    f->status ? " AND status = ?6" : "",
	    f->with_files ? " AND status IN ('held', 'released')" : "",
	    f->unnotified ? " AND notified_at IS NULL" : "",
	    f->until ? " AND time < ?7" : "",
	    f->direction ? " AND direction = ?8" : "",
	    f->search ? " AND (instr(lower(sender), lower(?9)) > 0 OR "
	    "instr(lower(recipients), lower(?9)) > 0 OR "
	    "instr(lower(coalesce(subject, '')), lower(?9)) > 0)" : "",
	    f->reviewed > 0 ? " AND reviewed_at IS NOT NULL" :
	    f->reviewed < 0 ? " AND reviewed_at IS NULL" : "", scope,
	    f->exclude ? " AND instr(',' || policies || ',', ',' || ?16 || "
	    "',') = 0" : "",
	    f->school ? " AND school = ?17" : "",
	    count ? "" : f->newest_first ? " ORDER BY time DESC, ref DESC" :
	    " ORDER BY time, ref",
	    !count && f->limit > 0 ? " LIMIT ?14 OFFSET ?15" : "");
}

/* qindex_filter_bind - the values of a filter's parameters */
static void
qindex_filter_bind(sqlite3_stmt *st, const struct qindex_filter *f,
    bool count)
{
	qindex_bind_text(st, 1, f->policy);
	qindex_bind_time(st, 2, f->since);
	qindex_bind_time(st, 3, f->before);
	qindex_bind_text(st, 4, f->sender);
	qindex_bind_text(st, 5, f->recipient);
	qindex_bind_text(st, 6, f->status);
	qindex_bind_time(st, 7, f->until);
	qindex_bind_text(st, 8, f->direction);
	qindex_bind_text(st, 9, f->search);
	for (int i = 0; i < QINDEX_MAX_SCOPE && f->scope[i] != NULL; i++)
		qindex_bind_text(st, 10 + i, f->scope[i]);
	qindex_bind_text(st, 16, f->exclude);
	qindex_bind_text(st, 17, f->school);
	if (!count && f->limit > 0) {
		sqlite3_bind_int64(st, 14, f->limit);
		sqlite3_bind_int64(st, 15, f->offset);
	}
}

/* qindex_list - rows of a filter */
long
qindex_list(const char *dir, const struct qindex_filter *f,
    struct qindex_entry **out, char **err)
{
	sqlite3 *db = qindex_db(dir, err);
	sqlite3_stmt *st = NULL;
	char *sql = qindex_filter_sql(f, false);
	long n = 0;
	int rc;

	*out = NULL;
	if (db == NULL || sqlite3_prepare_v2(db, sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		n = db != NULL ? qindex_fail(db, "prepare", err) : -1;
		goto out;
	}
	qindex_filter_bind(st, f, false);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xreallocarray(*out, (size_t)n + 1, sizeof(**out));
		memset(&(*out)[n], 0, sizeof(**out));
		qindex_row(st, &(*out)[n++]);
	}
	if (rc != SQLITE_DONE) {
		*out = qindex_entries_free(*out, n);
		n = qindex_fail(db, "read", err);
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(sql);
	return n;
}

/* qindex_count - how many rows a filter matches */
long
qindex_count(const char *dir, const struct qindex_filter *f, char **err)
{
	sqlite3 *db = qindex_db(dir, err);
	sqlite3_stmt *st = NULL;
	char *sql = qindex_filter_sql(f, true);
	long n = -1;

	if (db == NULL || sqlite3_prepare_v2(db, sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		if (db != NULL)
			qindex_fail(db, "prepare", err);
		goto out;
	}
	qindex_filter_bind(st, f, true);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	else
		qindex_fail(db, "read", err);
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(sql);
	return n;
}

/* qindex_get - one row by reference */
int
qindex_get(const char *dir, const char *ref, struct qindex_entry *e,
    char **err)
{
	sqlite3 *db = qindex_db(dir, err);
	sqlite3_stmt *st = NULL;
	int rc = -1;

	memset(e, 0, sizeof(*e));
	if (db == NULL)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT " QINDEX_COLUMNS " FROM quarantine "
	    "WHERE ref = ?", -1, &st, NULL) != SQLITE_OK) {
		qindex_fail(db, "prepare", err);
		goto out;
	}
	qindex_bind_text(st, 1, ref);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		qindex_row(st, e);
		rc = 1;
		break;
	case SQLITE_DONE:
		rc = 0;
		break;
	default:
		qindex_fail(db, "read", err);
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

/* qindex_has - is a reference indexed? */
int
qindex_has(const char *dir, const char *ref, char **err)
{
	struct qindex_entry e;
	int rc = qindex_get(dir, ref, &e, err);

	qindex_entry_clear(&e);
	return rc;
}

/* qindex_release - record a release */
int
qindex_release(const char *dir, const char *ref, const char *by,
    const char *to, time_t now, char **err)
{
	const void *args[] = { &now, by, to, ref };

	return qindex_exec(dir, "UPDATE quarantine SET status = 'released', "
	    "released_at = ?1, released_by = ?2, released_to = ?3 WHERE "
	    "ref = ?4 AND status = 'held' AND released_at IS NULL", "tsss",
	    args, err);
}

/* qindex_unrelease - the re-injection failed: held again */
int
qindex_unrelease(const char *dir, const char *ref, char **err)
{
	const void *args[] = { ref };

	return qindex_exec(dir, "UPDATE quarantine SET status = 'held', "
	    "released_at = NULL, released_by = NULL, released_to = NULL "
	    "WHERE ref = ?1 AND status = 'released' AND delivered_at IS NULL",
	    "s", args, err);
}

/* qindex_claim_delivery - first use of a release */
int
qindex_claim_delivery(const char *dir, const char *ref, const char *qid,
    time_t now, char **err)
{
	const void *args[] = { &now, qid, ref };

	return qindex_exec(dir, "UPDATE quarantine SET delivered_at = ?1, "
	    "delivered_qid = ?2 WHERE ref = ?3 AND released_at IS NOT NULL "
	    "AND delivered_at IS NULL", "tss", args, err);
}

/* qindex_delete - record a deletion */
int
qindex_delete(const char *dir, const char *ref, const char *by,
    time_t now, char **err)
{
	const void *args[] = { &now, by, ref };

	return qindex_exec(dir, "UPDATE quarantine SET status = 'deleted', "
	    "deleted_at = ?1, deleted_by = ?2 WHERE ref = ?3 AND status IN "
	    "('held', 'released')", "tss", args, err);
}

/* qindex_expire - record an expiry */
int
qindex_expire(const char *dir, const char *ref, char **err)
{
	const void *args[] = { ref };

	return qindex_exec(dir, "UPDATE quarantine SET status = 'expired' "
	    "WHERE ref = ?1 AND status IN ('held', 'released')", "s", args,
	    err);
}

/* qindex_review - record a review; the message stays held */
int
qindex_review(const char *dir, const char *ref, const char *by,
    time_t now, char **err)
{
	const void *args[] = { &now, by, ref };

	return qindex_exec(dir, "UPDATE quarantine SET reviewed_at = ?1, "
	    "reviewed_by = ?2 WHERE ref = ?3 AND status = 'held' AND "
	    "reviewed_at IS NULL", "tss", args, err);
}

/* qindex_notified - the DSL has been told */
int
qindex_notified(const char *dir, const char *ref, time_t now, char **err)
{
	const void *args[] = { &now, ref };

	return qindex_exec(dir, "UPDATE quarantine SET notified_at = ?1 "
	    "WHERE ref = ?2", "ts", args, err) < 0 ? -1 : 0;
}

/* qindex_entry_clear - free the strings of a row */
void
qindex_entry_clear(struct qindex_entry *e)
{
	free(e->ref);
	free(e->direction);
	free(e->sender);
	free(e->recipients);
	free(e->subject);
	free(e->policy);
	free(e->policies);
	free(e->reason);
	free(e->status);
	free(e->released_by);
	free(e->released_to);
	free(e->delivered_qid);
	free(e->deleted_by);
	free(e->reviewed_by);
	free(e->school);
	memset(e, 0, sizeof(*e));
}

/* qindex_entries_free - free a list */
struct qindex_entry *
qindex_entries_free(struct qindex_entry *e, long n)
{
	for (long i = 0; i < n; i++)
		qindex_entry_clear(&e[i]);
	free(e);
	return NULL;
}
