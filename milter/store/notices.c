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
 *	UPDATE ... WHERE state = 'queued' RETURNING (queued -> sending;
 *	both backends run it atomically, so of two senders - the daemon
 *	and `aupctl notices send`, or the daemons of two nodes sharing
 *	PostgreSQL - only one gets it; PostgreSQL picks the row with FOR
 *	UPDATE SKIP LOCKED, so two nodes claim two different rows rather
 *	than wait for each other), then sends, then records the outcome.  A sender that dies
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
 *	Every value is a bound parameter; connections come from the store
 *	per call (db.h).
 *
 * DIAGNOSTICS
 *	-1 with the driver's message in *err.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/notices.h"
#include "util/xalloc.h"

#define NOTICES_MAX_FIELD	(1024 * 1024)	/* bytes of a subject or body */

#define NOTICES_COLUMNS "id, kind, ref, rcpt, subject, body, state, " \
	"created, next_try, sent_at, tries, last_error, school"

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

/* notices_enqueue_db - one INSERT on an open connection */
int
notices_enqueue_db(struct db *db, const struct notice *n, time_t now,
    char **err)
{
	const char *why = notice_valid(n);
	char t[DB_ARG_LEN], exp[DB_ARG_LEN];
	const char *args[] = { n->kind, n->ref, n->to, n->subject, n->body,
	    db_arg_int(t, (int64_t)now),
	    db_arg_int(exp, (int64_t)now + NOTICES_LIFETIME),
	    n->school != NULL ? n->school : "" };

	if (why != NULL) {
		if (err != NULL && *err == NULL)
			*err = xasprintf("notice to %s not queued: %s",
			    n->to != NULL ? n->to : "(nobody)", why);
		return -1;
	}
	return db_exec(db, "INSERT INTO notices (kind, ref, rcpt, subject, "
	    "body, created, expires, next_try, school) VALUES ($1, $2, $3, "
	    "$4, $5, $6, $7, $6, $8)", 8, args, err) < 0 ? -1 : 0;
}

/* notices_enqueue - one notice, its own transaction */
int
notices_enqueue(struct store *st, const struct notice *n, time_t now,
    char **err)
{
	struct db *db = db_open(st, err);
	int rc;

	if (db == NULL)
		return -1;
	rc = notices_enqueue_db(db, n, now, err);
	db_close(db);
	return rc;
}

/* notices_row - fill a row from NOTICES_COLUMNS */
static void
notices_row(struct db_rows *r, struct notice_row *n)
{
	memset(n, 0, sizeof(*n));
	n->id = db_int(r, 0);
	n->kind = db_dup(r, 1);
	n->ref = db_dup(r, 2);
	n->to = db_dup(r, 3);
	n->subject = db_dup(r, 4);
	n->body = db_dup(r, 5);
	n->state = db_dup(r, 6);
	n->created = (time_t)db_int(r, 7);
	n->next_try = (time_t)db_int(r, 8);
	n->sent_at = (time_t)db_int(r, 9);
	n->tries = (long)db_int(r, 10);
	n->last_error = db_dup(r, 11);
	n->school = db_dup(r, 12);
}

/* notices_fill, notices_clear - db_store_list's callbacks */
static void
notices_fill(struct db_rows *r, void *n)
{
	notices_row(r, n);
}

static void
notices_clear(void *n)
{
	notice_row_clear(n);
}

/*
 * notices_one - run a statement that returns at most one row of
 * NOTICES_COLUMNS: 1 with *row filled, 0 none, -1 error
 */
static int
notices_one(struct store *st, const char *sql, int n,
    const char *const *args, struct notice_row *row, char **err)
{
	struct db *db = db_open(st, err);
	struct db_rows *r;
	int rc = -1;

	memset(row, 0, sizeof(*row));
	if (db == NULL)
		return -1;
	if ((r = db_query(db, sql, n, args, err)) != NULL &&
	    (rc = db_next(r, err)) == 1)
		notices_row(r, row);
	db_rows_free(r);
	db_close(db);
	return rc;
}

/* notices_claim - the oldest due notice, now ours */
int
notices_claim(struct store *st, const char *who, time_t now,
    struct notice_row *row, char **err)
{
	char t[DB_ARG_LEN], stale[DB_ARG_LEN];
	const char *sargs[] = { db_arg_int(stale,
	    (int64_t)now - NOTICES_CLAIM_TTL) };
	const char *args[] = { db_arg_int(t, (int64_t)now), who };

	memset(row, 0, sizeof(*row));
	if (db_store_exec(st, "UPDATE notices SET state = 'queued', "
	    "last_error = 'the sender stopped while sending it (it may have "
	    "reached the relay)' WHERE state = 'sending' AND claimed_at < $1",
	    1, sargs, err) < 0)
		return -1;
	return notices_one(st, store_backend_of(st) == STORE_POSTGRESQL ?
	    "UPDATE notices SET state = 'sending', claimed_at = $1, "
	    "claimed_by = $2 WHERE id = (SELECT id FROM notices WHERE state = "
	    "'queued' AND next_try <= $1 ORDER BY next_try, id LIMIT 1 FOR "
	    "UPDATE SKIP LOCKED) AND state = 'queued' RETURNING "
	    NOTICES_COLUMNS :
	    "UPDATE notices SET state = 'sending', claimed_at = $1, "
	    "claimed_by = $2 WHERE id = (SELECT id FROM notices WHERE state = "
	    "'queued' AND next_try <= $1 ORDER BY next_try, id LIMIT 1) AND "
	    "state = 'queued' RETURNING " NOTICES_COLUMNS, 2, args, row, err);
}

/* notices_mark_sent - the relay took it */
int
notices_mark_sent(struct store *st, int64_t id, time_t now, char **err)
{
	char t[DB_ARG_LEN], i[DB_ARG_LEN];
	const char *args[] = { db_arg_int(t, (int64_t)now), db_arg_int(i, id) };

	return db_store_exec(st, "UPDATE notices SET state = 'sent', "
	    "sent_at = $1, tries = tries + 1, last_error = NULL, claimed_at = "
	    "NULL WHERE id = $2 AND state = 'sending'", 2, args, err) < 0 ?
	    -1 : 0;
}

/* notices_mark_deferred - back in the queue, or failed */
int
notices_mark_deferred(struct store *st, int64_t id, time_t now,
    long delay, bool permanent, const char *why, char **err)
{
	char t[DB_ARG_LEN], next[DB_ARG_LEN], i[DB_ARG_LEN];
	const char *args[] = { db_arg_int(t, (int64_t)now),
	    db_arg_int(next, (int64_t)now + delay), why, db_arg_int(i, id),
	    permanent ? "1" : "0" };
	struct notice_row row;
	int rc;

	rc = notices_one(st, "UPDATE notices SET tries = tries + 1, "
	    "last_error = $3, claimed_at = NULL, next_try = $2, state = CASE "
	    "WHEN $5 = 1 OR expires <= $1 THEN 'failed' ELSE 'queued' END "
	    "WHERE id = $4 AND state = 'sending' RETURNING " NOTICES_COLUMNS,
	    5, args, &row, err);
	if (rc <= 0)
		return rc;
	rc = strcmp(row.state, "queued") == 0;
	notice_row_clear(&row);
	return rc;
}

/* notices_next_due - when the next queued notice is due */
int
notices_next_due(struct store *st, time_t *when, char **err)
{
	struct notice_row row;
	int rc;

	rc = notices_one(st, "SELECT " NOTICES_COLUMNS " FROM notices "
	    "WHERE state = 'queued' ORDER BY next_try LIMIT 1", 0, NULL, &row,
	    err);
	if (rc == 1) {
		*when = row.next_try;
		notice_row_clear(&row);
	}
	return rc;
}

/* notices_list - rows for `aupctl notices list` */
long
notices_list(struct store *st, bool all, struct notice_row **out,
    char **err)
{
	return db_store_list(st, all ? "SELECT " NOTICES_COLUMNS " FROM "
	    "notices ORDER BY id" : "SELECT " NOTICES_COLUMNS " FROM notices "
	    "WHERE state <> 'sent' ORDER BY id", 0, NULL, sizeof(**out),
	    notices_fill, notices_clear, (void **)out, err);
}

/* notices_retry - due now, and a failed one gets another lifetime */
long
notices_retry(struct store *st, int64_t id, time_t now, char **err)
{
	char t[DB_ARG_LEN], life[DB_ARG_LEN], i[DB_ARG_LEN];
	const char *args[] = { db_arg_int(t, (int64_t)now),
	    db_arg_int(life, (int64_t)now + NOTICES_LIFETIME),
	    db_arg_int(i, id) };

	return db_store_exec(st, "UPDATE notices SET next_try = $1, "
	    "expires = CASE WHEN state = 'failed' THEN $2 ELSE expires END, "
	    "state = 'queued' WHERE state IN ('queued', 'failed') AND "
	    "($3 = 0 OR id = $3)", 3, args, err);
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
