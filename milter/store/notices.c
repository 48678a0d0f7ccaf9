/*
 * notices - queue, claim and record notices in the store's database
 *
 * SYNOPSIS
 *	notices_enqueue(), notices_enqueue_db(), notice_valid(),
 *	notices_claim(), notices_mark_sent(), notices_mark_deferred(),
 *	notices_next_due(), notices_list(), notices_retry(),
 *	notice_row_clear(), notice_rows_free()
 *
 * DESCRIPTION
 *	A notice is sent once: a sender first claims the row with one
 *	UPDATE (queued -> sending, SQLite runs it atomically, so of two
 *	senders - the daemon and `aupctl notices send` - only one gets
 *	it), then sends, then records the outcome.  A sender that dies
 *	between the claim and the record leaves the row in `sending`;
 *	after NOTICES_CLAIM_TTL (longer than any one send may take) the
 *	next claim queues it again.  The window left: a sender killed
 *	after the relay said 250 to the message and before the row was
 *	marked sent - that notice goes out a second time (with the same
 *	Message-ID), never zero times.
 *
 *	Retries back off: the delay the caller gives doubles with each
 *	try (notices_send.c), and a notice still not sent NOTICES_LIFETIME
 *	after it was queued is marked failed, with the last error, for
 *	`aupctl notices list` to show and `retry` to revive.
 *
 *	Every value is a bound parameter; connections are per call, as in
 *	qindex.c.
 *
 * DIAGNOSTICS
 *	-1 with "index.sqlite: ..." in *err.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/notices.h"
#include "store/qindex.h"
#include "util/xalloc.h"

#define NOTICES_MAX_FIELD	(1024 * 1024)	/* bytes of a subject or body */

#define NOTICES_COLUMNS "id, kind, ref, rcpt, subject, body, state, " \
	"created, next_try, sent_at, tries, last_error, school"

/* notices_fail - set *err from the connection; returns -1 */
static int
notices_fail(sqlite3 *db, const char *what, char **err)
{
	if (err != NULL && *err == NULL)
		*err = xasprintf("index.sqlite: %s: %s", what,
		    db != NULL ? sqlite3_errmsg(db) : strerror(errno));
	return -1;
}

/* notice_address_ok - one bare address, nothing SMTP would misread */
static bool
notice_address_ok(const char *a)
{
	const char *at;

	if (a == NULL || a[0] == '\0' || a[0] == '-' ||
	    (at = strrchr(a, '@')) == NULL || at == a || at[1] == '\0')
		return false;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p <= ' ' || *p == 0x7f || strchr("<>,;\"\\()[]", *p))
			return false;
	return true;
}

/* notice_valid - what a notice must have */
const char *
notice_valid(const struct notice *n)
{
	static const char *const kinds[] = { "held", "alert", "deferred",
	    "digest", "release", "reply", NULL };
	bool known = false;

	for (size_t i = 0; n->kind != NULL && kinds[i] != NULL; i++)
		known = known || strcmp(n->kind, kinds[i]) == 0;
	if (!known)
		return "unknown kind of notice";
	if (!notice_address_ok(n->to))
		return "not a usable recipient address";
	if (n->subject == NULL || n->body == NULL)
		return "no subject or body";
	if (strlen(n->subject) > NOTICES_MAX_FIELD ||
	    strlen(n->body) > NOTICES_MAX_FIELD)
		return "subject or body too long";
	return NULL;
}

/* notices_bind_text - bind a string or NULL */
static void
notices_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* notices_enqueue_db - one INSERT on an open connection */
int
notices_enqueue_db(struct sqlite3 *db, const struct notice *n, time_t now,
    char **err)
{
	const char *why = notice_valid(n);
	sqlite3_stmt *st = NULL;
	int rc;

	if (why != NULL) {
		if (err != NULL && *err == NULL)
			*err = xasprintf("notice to %s not queued: %s",
			    n->to != NULL ? n->to : "(nobody)", why);
		return -1;
	}
	if (sqlite3_prepare_v2(db, "INSERT INTO notices (kind, ref, rcpt, "
	    "subject, body, created, expires, next_try, school) VALUES (?1, "
	    "?2, ?3, ?4, ?5, ?6, ?7, ?6, ?8)", -1, &st, NULL) != SQLITE_OK)
		return notices_fail(db, "prepare", err);
	notices_bind_text(st, 1, n->kind);
	notices_bind_text(st, 2, n->ref);
	notices_bind_text(st, 3, n->to);
	notices_bind_text(st, 4, n->subject);
	notices_bind_text(st, 5, n->body);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)now);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)now + NOTICES_LIFETIME);
	notices_bind_text(st, 8, n->school != NULL ? n->school : "");
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 :
	    notices_fail(db, "queue a notice", err);
	sqlite3_finalize(st);
	return rc;
}

/* notices_enqueue - one notice, its own transaction */
int
notices_enqueue(const char *store_dir, const struct notice *n, time_t now,
    char **err)
{
	sqlite3 *db = qindex_db(store_dir, err);
	int rc;

	if (db == NULL)
		return -1;
	rc = notices_enqueue_db(db, n, now, err);
	sqlite3_close(db);
	return rc;
}

/* notices_row - fill a row from NOTICES_COLUMNS */
static void
notices_row(sqlite3_stmt *st, struct notice_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	r->kind = qindex_col_text(st, 1);
	r->ref = qindex_col_text(st, 2);
	r->to = qindex_col_text(st, 3);
	r->subject = qindex_col_text(st, 4);
	r->body = qindex_col_text(st, 5);
	r->state = qindex_col_text(st, 6);
	r->created = (time_t)sqlite3_column_int64(st, 7);
	r->next_try = (time_t)sqlite3_column_int64(st, 8);
	r->sent_at = (time_t)sqlite3_column_int64(st, 9);
	r->tries = (long)sqlite3_column_int64(st, 10);
	r->last_error = qindex_col_text(st, 11);
	r->school = qindex_col_text(st, 12);
}

/*
 * notices_run - prepare `sql`, bind int64 arguments (fmt 'i') and text
 * (fmt 's') from args, step once; with `row` fill it from a returned
 * row.  Returns rows changed (or 1/0 for a row returned), or -1.
 */
static int
notices_run(const char *dir, const char *sql, const char *fmt,
    const void *const *args, struct notice_row *row, char **err)
{
	sqlite3 *db = qindex_db(dir, err);
	sqlite3_stmt *st = NULL;
	int rc = -1, step;

	if (db == NULL)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		notices_fail(db, "prepare", err);
		goto out;
	}
	for (int i = 0; fmt[i] != '\0'; i++) {
		if (fmt[i] == 's')
			notices_bind_text(st, i + 1, args[i]);
		else
			sqlite3_bind_int64(st, i + 1,
			    *(const int64_t *)args[i]);
	}
	step = sqlite3_step(st);
	if (step == SQLITE_ROW && row != NULL) {
		notices_row(st, row);
		rc = 1;
	} else if (step == SQLITE_DONE)
		rc = row != NULL ? 0 : sqlite3_changes(db);
	else
		notices_fail(db, "write", err);
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

/* notices_claim - the oldest due notice, now ours */
int
notices_claim(const char *store_dir, const char *who, time_t now,
    struct notice_row *row, char **err)
{
	int64_t t = (int64_t)now, stale = (int64_t)now - NOTICES_CLAIM_TTL;
	const void *sargs[] = { &stale };
	const void *args[] = { &t, who };

	memset(row, 0, sizeof(*row));
	if (notices_run(store_dir, "UPDATE notices SET state = 'queued', "
	    "last_error = 'the sender stopped while sending it (it may have "
	    "reached the relay)' WHERE state = 'sending' AND claimed_at < ?1",
	    "i", sargs, NULL, err) < 0)
		return -1;
	return notices_run(store_dir, "UPDATE notices SET state = 'sending', "
	    "claimed_at = ?1, claimed_by = ?2 WHERE id = (SELECT id FROM "
	    "notices WHERE state = 'queued' AND next_try <= ?1 ORDER BY "
	    "next_try, id LIMIT 1) AND state = 'queued' RETURNING "
	    NOTICES_COLUMNS, "is", args, row, err);
}

/* notices_mark_sent - the relay took it */
int
notices_mark_sent(const char *store_dir, int64_t id, time_t now, char **err)
{
	int64_t t = (int64_t)now;
	const void *args[] = { &t, &id };

	return notices_run(store_dir, "UPDATE notices SET state = 'sent', "
	    "sent_at = ?1, tries = tries + 1, last_error = NULL, claimed_at = "
	    "NULL WHERE id = ?2 AND state = 'sending'", "ii", args, NULL,
	    err) < 0 ? -1 : 0;
}

/* notices_mark_deferred - back in the queue, or failed */
int
notices_mark_deferred(const char *store_dir, int64_t id, time_t now,
    long delay, bool permanent, const char *why, char **err)
{
	int64_t t = (int64_t)now, next = (int64_t)now + delay;
	int64_t perm = permanent;
	const void *args[] = { &t, &next, why, &id, &perm };
	struct notice_row row;
	int rc;

	rc = notices_run(store_dir, "UPDATE notices SET tries = tries + 1, "
	    "last_error = ?3, claimed_at = NULL, next_try = ?2, state = CASE "
	    "WHEN ?5 OR expires <= ?1 THEN 'failed' ELSE 'queued' END "
	    "WHERE id = ?4 AND state = 'sending' RETURNING " NOTICES_COLUMNS,
	    "iisii", args, &row, err);
	if (rc <= 0)
		return rc;
	rc = strcmp(row.state, "queued") == 0;
	notice_row_clear(&row);
	return rc;
}

/* notices_next_due - when the next queued notice is due */
int
notices_next_due(const char *store_dir, time_t *when, char **err)
{
	const void *args[] = { NULL };
	struct notice_row row;
	int rc;

	rc = notices_run(store_dir, "SELECT " NOTICES_COLUMNS " FROM notices "
	    "WHERE state = 'queued' ORDER BY next_try LIMIT 1", "", args, &row,
	    err);
	if (rc == 1) {
		*when = row.next_try;
		notice_row_clear(&row);
	}
	return rc;
}

/* notices_list - rows for `aupctl notices list` */
long
notices_list(const char *store_dir, bool all, struct notice_row **out,
    char **err)
{
	sqlite3 *db = qindex_db(store_dir, err);
	sqlite3_stmt *st = NULL;
	long n = 0;
	int rc;

	*out = NULL;
	if (db == NULL)
		return -1;
	if (sqlite3_prepare_v2(db, all ? "SELECT " NOTICES_COLUMNS " FROM "
	    "notices ORDER BY id" : "SELECT " NOTICES_COLUMNS " FROM notices "
	    "WHERE state <> 'sent' ORDER BY id", -1, &st, NULL) != SQLITE_OK) {
		n = notices_fail(db, "prepare", err);
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xreallocarray(*out, (size_t)n + 1, sizeof(**out));
		notices_row(st, &(*out)[n++]);
	}
	if (rc != SQLITE_DONE) {
		*out = notice_rows_free(*out, n);
		n = notices_fail(db, "read", err);
	}
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* notices_retry - due now, and a failed one gets another lifetime */
long
notices_retry(const char *store_dir, int64_t id, time_t now, char **err)
{
	int64_t t = (int64_t)now, life = (int64_t)now + NOTICES_LIFETIME;
	const void *args[] = { &t, &life, &id };

	return notices_run(store_dir, "UPDATE notices SET next_try = ?1, "
	    "expires = CASE WHEN state = 'failed' THEN ?2 ELSE expires END, "
	    "state = 'queued' WHERE state IN ('queued', 'failed') AND "
	    "(?3 = 0 OR id = ?3)", "iii", args, NULL, err);
}

/* notice_row_clear - free the strings of a row */
void
notice_row_clear(struct notice_row *r)
{
	free(r->kind);
	free(r->ref);
	free(r->to);
	free(r->subject);
	free(r->body);
	free(r->state);
	free(r->last_error);
	free(r->school);
	memset(r, 0, sizeof(*r));
}

/* notice_rows_free - free a list */
struct notice_row *
notice_rows_free(struct notice_row *r, long n)
{
	for (long i = 0; i < n; i++)
		notice_row_clear(&r[i]);
	free(r);
	return NULL;
}
