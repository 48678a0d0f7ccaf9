/*
 * deferred - the table of deferred messages, on either backend
 *
 * SYNOPSIS
 *	deferred_add(), deferred_add_with_notice(), deferred_get(),
 *	deferred_list(), deferred_due(), deferred_claim(), deferred_mark_sent(),
 *	deferred_unclaim(), deferred_cancel(), deferred_claim_delivery(),
 *	deferred_entry_clear(),
 *	deferred_entries_free()
 *
 * DESCRIPTION
 *	The table `deferred` lives beside the held index in the store's
 *	database (db.h).  A new row and its sender's notice are written in
 *	one transaction (deferred_add_with_notice), like a hold and its
 *	notices.  Every change of state is one UPDATE whose WHERE clause
 *	names the state it leaves, so two threads, processes or nodes
 *	racing for one row cannot both win: the loser sees 0 rows
 *	changed.  Values go in through bind parameters only.
 *
 * DIAGNOSTICS
 *	-1 with the driver's message in *err.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/deferred.h"
#include "store/notices.h"
#include "util/xalloc.h"

#define DEFERRED_COLUMNS "ref, time, due, due_text, sender, recipients, " \
	"subject, login, reason, size, status, claimed_at, attempts, " \
	"last_error, sent_at, sent_by, delivered_at, delivered_qid, " \
	"cancelled_at, cancelled_by, notified_at, school"

/* deferred_change - one state change: rows changed, or -1 */
static int
deferred_change(struct store *st, const char *sql, int n,
    const char *const *args, char **err)
{
	return (int)db_store_exec(st, sql, n, args, err);
}

/* deferred_insert - the INSERT of a new row on an open connection */
static int
deferred_insert(struct db *db, const struct deferred_entry *e, char **err)
{
	char t[DB_ARG_LEN], due[DB_ARG_LEN], sz[DB_ARG_LEN], nt[DB_ARG_LEN];
	const char *args[] = { e->ref, db_arg_time(t, e->time),
	    db_arg_time(due, e->due), e->due_text, e->sender, e->recipients,
	    e->subject, e->login, e->reason, db_arg_int(sz, (int64_t)e->size),
	    db_arg_time(nt, e->notified_at),
	    e->school != NULL ? e->school : "" };

	return db_exec(db, "INSERT INTO deferred (ref, time, due, due_text, "
	    "sender, recipients, subject, login, reason, size, notified_at, "
	    "school) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
	    "$12) ON CONFLICT DO NOTHING", 12, args, err) < 0 ? -1 : 0;
}

/* deferred_add_with_notice - the row and its notice, all or nothing */
int
deferred_add_with_notice(struct store *st, const struct deferred_entry *e,
    const struct notice *n, time_t now, char **err)
{
	struct db *db = db_open(st, err);
	int rc = -1;

	if (db == NULL)
		return -1;
	if (db_begin(db, err) == 0) {
		rc = deferred_insert(db, e, err);
		if (rc == 0 && n != NULL)
			rc = notices_enqueue_db(db, n, now, err);
		if (rc == 0)
			rc = db_commit(db, err);
		else
			db_rollback(db);
	}
	db_close(db);
	return rc;
}

/* deferred_add - a new row */
int
deferred_add(struct store *st, const struct deferred_entry *e, char **err)
{
	return deferred_add_with_notice(st, e, NULL, 0, err);
}

/* deferred_row - fill an entry from the current row */
static void
deferred_row(struct db_rows *r, struct deferred_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->ref = db_dup(r, 0);
	e->time = (time_t)db_int(r, 1);
	e->due = (time_t)db_int(r, 2);
	e->due_text = db_dup(r, 3);
	e->sender = db_dup(r, 4);
	e->recipients = db_dup(r, 5);
	e->subject = db_dup(r, 6);
	e->login = db_dup(r, 7);
	e->reason = db_dup(r, 8);
	e->size = db_int(r, 9);
	e->status = db_dup(r, 10);
	e->claimed_at = (time_t)db_int(r, 11);
	e->attempts = (int)db_int(r, 12);
	e->last_error = db_dup(r, 13);
	e->sent_at = (time_t)db_int(r, 14);
	e->sent_by = db_dup(r, 15);
	e->delivered_at = (time_t)db_int(r, 16);
	e->delivered_qid = db_dup(r, 17);
	e->cancelled_at = (time_t)db_int(r, 18);
	e->cancelled_by = db_dup(r, 19);
	e->notified_at = (time_t)db_int(r, 20);
	e->school = db_dup(r, 21);
}

/* deferred_fill, deferred_clear - db_store_list's callbacks */
static void
deferred_fill(struct db_rows *r, void *e)
{
	deferred_row(r, e);
}

static void
deferred_clear(void *e)
{
	deferred_entry_clear(e);
}

/* deferred_query - rows of a SELECT: count, or -1 */
static long
deferred_query(struct store *st, struct deferred_entry **out, char **err,
    const char *sql, int nargs, const char *const *args)
{
	return db_store_list(st, sql, nargs, args, sizeof(**out), deferred_fill,
	    deferred_clear, (void **)out, err);
}

/* deferred_get - one row */
int
deferred_get(struct store *st, const char *ref, struct deferred_entry *e,
    char **err)
{
	const char *args[] = { ref };
	struct deferred_entry *rows;
	long n = deferred_query(st, &rows, err, "SELECT " DEFERRED_COLUMNS
	    " FROM deferred WHERE ref = $1", 1, args);

	memset(e, 0, sizeof(*e));
	if (n <= 0)
		return n < 0 ? -1 : 0;
	*e = rows[0];
	for (long i = 1; i < n; i++)
		deferred_entry_clear(&rows[i]);
	free(rows);
	return 1;
}

/* deferred_list - rows of a filter, by due time */
long
deferred_list(struct store *st, const struct deferred_filter *f,
    struct deferred_entry **out, char **err)
{
	char due[DB_ARG_LEN];
	const char *args[] = { f->status, f->sender,
	    db_arg_time(due, f->due_before), f->school };

	return deferred_query(st, out, err, "SELECT " DEFERRED_COLUMNS
	    " FROM deferred WHERE (CAST($1 AS TEXT) IS NULL OR status = $1)"
	    " AND (CAST($2 AS TEXT) IS NULL OR"
	    " strpos(lower(sender), lower($2)) > 0) AND"
	    " (CAST($3 AS BIGINT) IS NULL OR due <= $3) AND"
	    " (CAST($4 AS TEXT) IS NULL OR school = $4)"
	    " ORDER BY due, ref", 4, args);
}

/* deferred_due - what the sender thread should send now */
long
deferred_due(struct store *st, time_t now, time_t retry,
    struct deferred_entry **out, char **err)
{
	char t[DB_ARG_LEN], r[DB_ARG_LEN];
	const char *args[] = { db_arg_int(t, (int64_t)now),
	    db_arg_int(r, (int64_t)(now - retry)) };

	return deferred_query(st, out, err, "SELECT " DEFERRED_COLUMNS
	    " FROM deferred WHERE (status = 'waiting' AND due <= $1) OR"
	    " (status = 'sending' AND claimed_at <= $2) ORDER BY due, ref",
	    2, args);
}

/* deferred_claim - take a row for sending */
int
deferred_claim(struct store *st, const char *ref, time_t now, time_t stale,
    char **err)
{
	char t[DB_ARG_LEN], s[DB_ARG_LEN];
	const char *args[] = { db_arg_time(t, now), ref,
	    db_arg_int(s, (int64_t)stale) };

	return deferred_change(st, "UPDATE deferred SET status = 'sending', "
	    "claimed_at = $1, attempts = attempts + 1 WHERE ref = $2 AND "
	    "(status = 'waiting' OR (status = 'sending' AND claimed_at <= "
	    "$3))", 3, args, err);
}

/* deferred_mark_sent - the re-injection is done */
int
deferred_mark_sent(struct store *st, const char *ref, const char *by,
    time_t now, char **err)
{
	char t[DB_ARG_LEN];
	const char *args[] = { db_arg_time(t, now), by, ref };

	return deferred_change(st, "UPDATE deferred SET status = 'sent', "
	    "sent_at = $1, sent_by = $2, last_error = NULL WHERE ref = $3 AND "
	    "status = 'sending'", 3, args, err);
}

/* deferred_unclaim - sendmail failed: waiting again */
int
deferred_unclaim(struct store *st, const char *ref, const char *why,
    char **err)
{
	const char *args[] = { why, ref };

	return deferred_change(st, "UPDATE deferred SET status = 'waiting', "
	    "last_error = $1 WHERE ref = $2 AND status = 'sending'", 2, args,
	    err);
}

/* deferred_cancel - the sender, office or DSL cancels it */
int
deferred_cancel(struct store *st, const char *ref, const char *by,
    time_t now, char **err)
{
	char t[DB_ARG_LEN];
	const char *args[] = { db_arg_time(t, now), by, ref };

	return deferred_change(st, "UPDATE deferred SET status = 'cancelled', "
	    "cancelled_at = $1, cancelled_by = $2 WHERE ref = $3 AND status = "
	    "'waiting'", 3, args, err);
}

/* deferred_claim_delivery - the first marked copy wins */
int
deferred_claim_delivery(struct store *st, const char *ref, const char *qid,
    time_t now, char **err)
{
	char t[DB_ARG_LEN];
	const char *args[] = { db_arg_time(t, now), qid, ref };

	return deferred_change(st, "UPDATE deferred SET delivered_at = $1, "
	    "delivered_qid = $2 WHERE ref = $3 AND status IN ('sending', "
	    "'sent') AND delivered_at IS NULL", 3, args, err);
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
