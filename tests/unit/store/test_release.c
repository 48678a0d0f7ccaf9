/*
 * test_release - the tamper-proof mark of a released message
 *
 * The secret is made once (0640) and never replaced; the digest a mark
 * covers ignores line-end style, folding, trailing line ends and trace
 * headers but not a changed body byte, Subject, From, Cc, Message-ID,
 * Content-Type, envelope sender or recipient, and ignores the Date and
 * Message-ID the MTA adds to a message that had none; the MAC binds
 * reference, digest and key.  Through the engine: a valid mark for a
 * released reference lets the message past executables ("released REF
 * by USER") exactly once when the MTA queued it; a replay, a forged
 * MAC, another body, a mark moved to another Subject, From, sender or
 * recipient list, or an unreleased reference is judged normally and
 * held; `aupctl test` (no queue id) never uses a release up, and a
 * claim without a queue id is made by reference.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>

#include <cmocka.h>
#include <glib.h>

#include "engine/engine.h"
#include "store/db.h"
#include "store/qindex.h"
#include "store/release.h"
#include "store/release_digest.h"
#include "testutil.h"
#include "util/xalloc.h"

#define REF	"7Q2WX9KD3M"

#define HLIST	"from:to:cc:subject:date:message-id:content-type"

/* One message three ways: as Postfix gives it to the milter (CRLF), as
 * sendmail(1) is fed it (LF, the mark in front), and back through the
 * MTA (Received added, Subject folded another way). */
static const char msg_crlf[] = "From: A <a@x>\r\nTo: b@y\r\n"
    "Subject: the  trip\r\n letter\r\nDate: Mon, 23 Nov 2026 09:00 +0000"
    "\r\nMessage-ID: <1@x>\r\n\r\nline 1\r\nline 2\r\n\r\n";
static const char msg_lf[] = "Received: by pickup\nFrom: A <a@x>\n"
    "X-AUP-Release: whatever\nTo: b@y\nSubject: the trip\n\tletter\n"
    "Date: Mon, 23 Nov 2026 09:00 +0000\nMessage-ID: <1@x>\n\n"
    "line 1\nline 2\n";
static const char *const env_rcpts[] = { "b@y", "C@Z" };

/* The secret is made 0640 with 64 hex digits and never replaced. */
static void
test_secret_is_made_once(void **state)
{
	char *dir = tu_tempdir(), *path = xasprintf("%s/release.key", dir);
	char *key1 = NULL, *key2 = NULL, *err = NULL;
	struct stat st;

	(void)state;
	assert_int_equal(release_secret_ensure(path, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(release_secret_load(path, &key1, &err), 0);
	assert_int_equal(strlen(key1), 64);
	assert_int_equal(release_secret_ensure(path, &err), 0);
	assert_int_equal(release_secret_load(path, &key2, &err), 0);
	assert_string_equal(key1, key2);
	free(key2);
	free(tu_write(dir, "short.key", "abc\n"));
	free(path);
	path = xasprintf("%s/short.key", dir);
	assert_int_equal(release_secret_load(path, &key2, &err), -1);
	assert_non_null(strstr(err, "too short"));
	free(err);
	free(key1);
	free(key2);
	free(path);
	tu_rmdir(dir);
}

/* digest_of - the digest of a message for an envelope; HLIST chosen */
static void
digest_of(const char *text, const char *sender, const char *const *rcpts,
    size_t n, char hex[65])
{
	char *hlist = NULL;

	assert_int_equal(release_digest_mem(text, strlen(text), sender, rcpts,
	    n, &hlist, hex), 0);
	free(hlist);
}

/* with - the message with one string replaced (new string) */
static char *
with(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);

	assert_non_null(at);
	return xasprintf("%.*s%s%s", (int)(at - text), text, to,
	    at + strlen(from));
}

/* The digest survives the trip through the MTA: line ends, folding,
 * trace headers, a byte at a time, recipients in another order. */
static void
test_digest_is_canonical(void **state)
{
	static const char *const swapped[] = { "c@z", "<b@y>", "b@y" };
	const char *hlist = HLIST;
	char a[65], b[65], c[65];
	struct release_canon *canon = release_canon_new();
	char *chosen;

	(void)state;
	digest_of(msg_crlf, "s@x", env_rcpts, 2, a);
	digest_of(msg_lf, "<S@x>", swapped, 3, b);
	assert_string_equal(a, b);
	for (const char *p = msg_lf; *p != '\0'; p++)
		release_canon_feed(canon, p, 1);
	release_canon_end(canon);
	chosen = release_canon_hlist(canon);
	assert_string_equal(chosen, hlist);
	assert_int_equal(release_canon_digest(canon, "s@x", env_rcpts, 2,
	    hlist, c), 0);
	assert_string_equal(a, c);
	/* An h= list must bind Cc, Subject and Content-Type. */
	assert_int_equal(release_canon_digest(canon, "s@x", env_rcpts, 2,
	    "from:to:cc:content-type", c), -1);
	assert_int_equal(release_canon_digest(canon, "s@x", env_rcpts, 2,
	    "cc:subject:content-type:received", c), -1);
	free(chosen);
	release_canon_free(canon);
}

/* digest_differs - the digest of `text` is not `want`'s */
static void
digest_differs(const char *want, const char *text, const char *sender,
    const char *const *rcpts, size_t n)
{
	char hex[65], *hlist = xstrdup(HLIST);

	assert_int_equal(release_digest_mem(text, strlen(text), sender, rcpts,
	    n, &hlist, hex), 0);
	assert_string_not_equal(want, hex);
	free(hlist);
}

/* Another body, Subject, From, Cc, sender or recipient: another digest. */
static void
test_digest_binds_envelope_headers_and_body(void **state)
{
	static const char *const more[] = { "b@y", "c@z", "d@w" };
	struct { const char *from, *to; } edits[] = {
		{ "line 2", "line 3" }, { "the  trip", "the pay" },
		{ "From: A <a@x>", "From: A <head@x>" },
		{ "To: b@y", "To: b@y\r\nCc: d@w" },
		{ "To: b@y", "To: b@y\r\nFrom: head@x" },
		{ "Message-ID: <1@x>", "Message-ID: <2@x>" },
		{ "\r\n\r\nline", "\r\nContent-Type: text/html\r\n\r\nline" },
	};
	char a[65], *text;

	(void)state;
	digest_of(msg_crlf, "s@x", env_rcpts, 2, a);
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		text = with(msg_crlf, edits[i].from, edits[i].to);
		digest_differs(a, text, "s@x", env_rcpts, 2);
		free(text);
	}
	digest_differs(a, msg_crlf, "t@x", env_rcpts, 2);
	digest_differs(a, msg_crlf, "", env_rcpts, 2);
	digest_differs(a, msg_crlf, "s@x", more, 3);
	digest_differs(a, msg_crlf, "s@x", env_rcpts, 1);
}

/* A message without Date or Message-ID: the ones Postfix adds on the
 * way back do not matter, a Cc added does. */
static void
test_headers_the_mta_adds_do_not_matter(void **state)
{
	char *bare = with(msg_crlf, "Date: Mon, 23 Nov 2026 09:00 +0000\r\n"
	    "Message-ID: <1@x>\r\n", ""), *hlist = NULL, *back, *cc;
	char a[65], b[65];

	(void)state;
	assert_int_equal(release_digest_mem(bare, strlen(bare), "s@x",
	    env_rcpts, 2, &hlist, a), 0);
	assert_string_equal(hlist, "from:to:cc:subject:content-type");
	back = with(bare, "\r\n\r\n", "\r\nDate: Tue, 24 Nov 2026 "
	    "07:30 +0000\r\nMessage-Id: <99@mx>\r\n\r\n");
	assert_int_equal(release_digest_mem(back, strlen(back), "s@x",
	    env_rcpts, 2, &hlist, b), 0);
	assert_string_equal(a, b);
	cc = with(bare, "\r\n\r\n", "\r\nCc: x@evil\r\n\r\n");
	assert_int_equal(release_digest_mem(cc, strlen(cc), "s@x",
	    env_rcpts, 2, &hlist, b), 0);
	assert_string_not_equal(a, b);
	free(cc);
	free(back);
	free(hlist);
	free(bare);
}

/* The MAC depends on the reference, the digest and the key. */
static void
test_mac_binds_ref_digest_and_key(void **state)
{
	char *m1 = release_mac("k1", REF, "00ff"), *m2;

	(void)state;
	assert_int_equal(strlen(m1), 64);
	m2 = release_mac("k1", REF, "00ff");
	assert_string_equal(m1, m2);
	free(m2);
	m2 = release_mac("k2", REF, "00ff");
	assert_string_not_equal(m1, m2);
	free(m2);
	m2 = release_mac("k1", "7Q2WX9KD3N", "00ff");
	assert_string_not_equal(m1, m2);
	free(m2);
	m2 = release_mac("k1", REF, "00fe");
	assert_string_not_equal(m1, m2);
	free(m2);
	m2 = release_mark("k1", REF, "cc:subject:content-type", "00ff");
	assert_true(strncmp(m2, REF "; h=cc:subject:content-type; mac=",
	    40) == 0);
	free(m2);
	free(m1);
}

struct fixture_school {
	char	*dir;
	struct conf *cf;
	char	*key;
};

/* fixture_open - the test school with a released message REF */
static void
fixture_open(struct fixture_school *s, bool released)
{
	char *extra, *path, *err = NULL;
	struct qindex_entry e = { .ref = (char *)REF, .time = 1,
	    .policy = (char *)"executables",
	    .policies = (char *)"executables" };

	s->dir = tu_tempdir();
	extra = xasprintf("[milter]\nrelease_secret = %s/release.key\n",
	    s->dir);
	path = tu_school(s->dir, extra);
	s->cf = tu_load(path);
	free(path);
	free(extra);
	assert_int_equal(release_secret_ensure(s->cf->milter.release_secret,
	    &err), 0);
	assert_int_equal(release_secret_load(s->cf->milter.release_secret,
	    &s->key, &err), 0);
	assert_int_equal(qindex_add(tu_st(s->cf->milter.quarantine_dir), &e, &err),
	    0);
	if (released)
		assert_int_equal(qindex_release(tu_st(s->cf->milter.quarantine_dir),
		    REF, "jane", NULL, 2, &err), 1);
}

/* fixture_close - free it all */
static void
fixture_close(struct fixture_school *s)
{
	conf_release(s->cf);
	free(s->key);
	tu_rmdir(s->dir);
}

#define SENDER	"s@supplier.example"
#define RCPT	"office@testwood.example"

/* eicar_message - an inbound message executables holds, with a mark
 * made for SENDER to RCPT (a zero MAC when key is NULL) */
static char *
eicar_message(const char *key, const char *ref)
{
	static const char text[] = "From: <s@supplier.example>\nSubject: x\n"
	    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n"
	    "--B\nContent-Type: text/plain; name=a.txt\n"
	    "Content-Disposition: attachment; filename=a.txt\n\n"
	    "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!"
	    "$H+H*\n--B--\n";
	static const char *const rcpts[] = { RCPT };
	size_t len;

	if (key == NULL)
		return xasprintf("X-AUP-Release: %s; h=cc:subject:content-type; "
		    "mac=%064d\n%s", ref, 0, text);
	return release_marked_copy(key, ref, text, strlen(text), SENDER,
	    rcpts, 1, &len);
}

/* evaluate_as - the verdict for an envelope, with an optional queue id */
static void
evaluate_as(struct fixture_school *s, const char *text, const char *sender,
    const char *rcpts, const char *qid, struct verdict *v)
{
	struct msg *m = tu_msg(text, sender, rcpts, NULL, "127.0.0.1");

	if (qid != NULL)
		msg_set_queue_id(m, qid);
	engine_evaluate(s->cf, m, time(NULL), v);
	msg_free(m);
}

/* evaluate - the verdict from SENDER to RCPT */
static void
evaluate(struct fixture_school *s, const char *text, const char *qid,
    struct verdict *v)
{
	evaluate_as(s, text, SENDER, RCPT, qid, v);
}

/* run - the executables result of a message, with or without queue id */
static enum result
run(struct fixture_school *s, const char *text, const char *qid, char **reason)
{
	struct verdict v;
	enum result r;

	evaluate(s, text, qid, &v);
	r = tu_report(&v, "executables")->result;
	if (reason != NULL)
		*reason = xstrdup(tu_report(&v, "executables")->reason);
	verdict_clear(&v);
	return r;
}

/*
 * The engine only verifies: a valid mark passes as often as it is
 * judged, until the front end claims the release; then a copy is held
 * again.  The delivered copy loses its mark.
 */
static void
test_release_passes_until_claimed(void **state)
{
	struct fixture_school s;
	struct verdict v;
	char *text, *reason = NULL, *err = NULL;

	(void)state;
	fixture_open(&s, true);
	text = eicar_message(s.key, REF);
	assert_int_equal(run(&s, text, NULL, NULL), RESULT_PASS);
	assert_int_equal(run(&s, text, "QID1", &reason), RESULT_PASS);
	assert_string_equal(reason, "released " REF " by jane");
	evaluate(&s, text, "QID2", &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_string_equal(v.release_ref, REF);
	assert_int_equal(v.edits.count, 1);
	assert_int_equal(v.edits.items[0].op, HEADER_DELETE);
	assert_string_equal(v.edits.items[0].name, "X-AUP-Release");
	assert_int_equal(v.edits.items[0].index, 1);
	verdict_clear(&v);
	/* The act step claims it once; a second claim finds it used. */
	assert_int_equal(release_claim(s.cf, REF, "QID2", time(NULL), &err), 1);
	assert_int_equal(release_claim(s.cf, REF, "QID3", time(NULL), &err), 0);
	assert_int_equal(run(&s, text, "QID4", NULL), RESULT_QUARANTINE);
	evaluate(&s, text, "QID5", &v);
	assert_string_equal(v.release_ref, "");
	verdict_clear(&v);
	free(reason);
	free(text);
	fixture_close(&s);
}

/*
 * A released message over the spool threshold (1 MiB here) is read back
 * from its spool file to check the mark, and passes like a small one.
 */
static void
test_release_of_a_spooled_message_passes(void **state)
{
	static const char *const rcpts[] = { RCPT };
	struct fixture_school s;
	GString *big = g_string_new("From: <s@supplier.example>\nSubject: x\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=B\n\n"
	    "--B\nContent-Type: text/plain\n\n");
	char *text, *reason = NULL;
	size_t len;

	(void)state;
	fixture_open(&s, true);
	for (int i = 0; i < 20000; i++)
		g_string_append(big, "The minutes of the governors' meeting, "
		    "item by item, line by line.\n");
	g_string_append(big, "--B\nContent-Type: text/plain; name=a.txt\n"
	    "Content-Disposition: attachment; filename=a.txt\n\n"
	    "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!"
	    "$H+H*\n--B--\n");
	assert_true(big->len > (1u << 20));
	text = release_marked_copy(s.key, REF, big->str, big->len, SENDER,
	    rcpts, 1, &len);
	assert_int_equal(run(&s, text, "QID1", &reason), RESULT_PASS);
	assert_string_equal(reason, "released " REF " by jane");
	free(reason);
	free(text);
	g_string_free(big, TRUE);
	fixture_close(&s);
}

/* index_table - PostgreSQL: rename a table (the index out of reach) */
static void
index_table(struct fixture_school *s, const char *from, const char *to)
{
	char *err = NULL, *sql = xasprintf("ALTER TABLE %s RENAME TO %s",
	    from, to);
	struct db *db = db_open(store_of(s->cf), &err);

	if (db == NULL || db_exec(db, sql, 0, NULL, &err) < 0)
		fail_msg("%s: %s", sql, err);
	db_close(db);
	free(sql);
}

/* A mark that verifies but cannot be checked in the index: tempfail. */
static void
test_unreadable_index_tempfails(void **state)
{
	struct fixture_school s;
	struct verdict v;
	char *text, *index, *aside;

	(void)state;
	fixture_open(&s, true);
	text = eicar_message(s.key, REF);
	index = xasprintf("%s/quarantine/index.sqlite", s.dir);
	aside = xasprintf("%s.aside", index);
	if (tu_store_pg())
		index_table(&s, "quarantine", "quarantine_aside");
	else {
		assert_int_equal(rename(index, aside), 0);
		assert_int_equal(mkdir(index, 0700), 0);
	}
	evaluate(&s, text, "QID1", &v);
	assert_int_equal(v.action, ACTION_TEMPFAIL);
	assert_string_equal(v.reply_code, "451");
	assert_non_null(strstr(v.error, "release mark could not be checked"));
	verdict_clear(&v);
	if (tu_store_pg())
		index_table(&s, "quarantine_aside", "quarantine");
	else {
		assert_int_equal(rmdir(index), 0);
		assert_int_equal(rename(aside, index), 0);
	}
	assert_int_equal(run(&s, text, "QID2", NULL), RESULT_PASS);
	free(index);
	free(aside);
	free(text);
	fixture_close(&s);
}

/* A forged MAC, another key or an unreleased ref are judged normally. */
static void
test_forged_or_unreleased_marks_are_ignored(void **state)
{
	struct fixture_school s;
	char *text;

	(void)state;
	fixture_open(&s, false);
	text = eicar_message(s.key, REF);
	assert_int_equal(run(&s, text, "QID1", NULL), RESULT_QUARANTINE);
	free(text);
	fixture_close(&s);
	fixture_open(&s, true);
	text = eicar_message(NULL, REF);
	assert_int_equal(run(&s, text, "QID1", NULL), RESULT_QUARANTINE);
	free(text);
	text = eicar_message("an attacker's key guessed at random, 32+",
	    REF);
	assert_int_equal(run(&s, text, "QID1", NULL), RESULT_QUARANTINE);
	free(text);
	text = eicar_message(s.key, REF);
	/* The body changed after the release (another file name). */
	strstr(text, "filename=a.txt")[9] = 'b';
	assert_int_equal(run(&s, text, "QID1", NULL), RESULT_QUARANTINE);
	free(text);
	fixture_close(&s);
}

/* run_as - the executables result for another envelope */
static enum result
run_as(struct fixture_school *s, const char *text, const char *sender,
    const char *rcpts)
{
	struct verdict v;
	enum result r;

	evaluate_as(s, text, sender, rcpts, "QID1", &v);
	r = tu_report(&v, "executables")->result;
	verdict_clear(&v);
	return r;
}

/*
 * A genuine mark moved onto a message with another Subject or From, or
 * sent with another envelope sender or one more recipient, is judged
 * normally and held again; the genuine release still goes through.
 */
static void
test_moved_mark_is_judged_normally(void **state)
{
	struct fixture_school s;
	char *text, *moved;

	(void)state;
	fixture_open(&s, true);
	text = eicar_message(s.key, REF);
	moved = with(text, "Subject: x", "Subject: Invoice");
	assert_int_equal(run_as(&s, moved, SENDER, RCPT), RESULT_QUARANTINE);
	free(moved);
	moved = with(text, "From: <s@supplier.example>",
	    "From: <head@testwood.example>");
	assert_int_equal(run_as(&s, moved, SENDER, RCPT), RESULT_QUARANTINE);
	free(moved);
	assert_int_equal(run_as(&s, text, SENDER, RCPT ",t.one@testwood.example"),
	    RESULT_QUARANTINE);
	assert_int_equal(run_as(&s, text, "evil@attacker.example", RCPT),
	    RESULT_QUARANTINE);
	assert_int_equal(run_as(&s, text, "<" SENDER ">", "<" RCPT ">"),
	    RESULT_PASS);
	free(text);
	fixture_close(&s);
}

/* With no queue id from the MTA the release is claimed by reference
 * ("NOQUEUE"): a second copy is held again all the same. */
static void
test_claim_without_queue_id(void **state)
{
	struct fixture_school s;
	struct qindex_entry e;
	char *text, *err = NULL;

	(void)state;
	fixture_open(&s, true);
	text = eicar_message(s.key, REF);
	assert_int_equal(release_claim(s.cf, REF, NULL, time(NULL), &err), 1);
	assert_int_equal(qindex_get(tu_st(s.cf->milter.quarantine_dir), REF, &e,
	    &err), 1);
	assert_string_equal(e.delivered_qid, "NOQUEUE");
	qindex_entry_clear(&e);
	assert_int_equal(release_claim(s.cf, REF, NULL, time(NULL), &err), 0);
	assert_int_equal(run(&s, text, NULL, NULL), RESULT_QUARANTINE);
	free(text);
	fixture_close(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secret_is_made_once),
		cmocka_unit_test(test_digest_is_canonical),
		cmocka_unit_test(test_digest_binds_envelope_headers_and_body),
		cmocka_unit_test(test_headers_the_mta_adds_do_not_matter),
		cmocka_unit_test(test_mac_binds_ref_digest_and_key),
		cmocka_unit_test(test_release_passes_until_claimed),
		cmocka_unit_test(test_release_of_a_spooled_message_passes),
		cmocka_unit_test(test_unreadable_index_tempfails),
		cmocka_unit_test(test_forged_or_unreleased_marks_are_ignored),
		cmocka_unit_test(test_moved_mark_is_judged_normally),
		cmocka_unit_test(test_claim_without_queue_id),
	};

	g_mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
