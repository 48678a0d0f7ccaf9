/*
 * test_release - the tamper-proof mark of a released message
 *
 * The secret is made once (0640) and never replaced; the body digest
 * ignores line-end style, trailing line ends and headers but not a
 * changed byte; the MAC binds reference, body and key.  Through the
 * engine: a valid mark for a released reference lets the message past
 * executables ("released REF by USER") exactly once when the MTA queued
 * it; a replay, a forged MAC, another body or an unreleased reference is
 * judged normally and held; `aupctl test` (no queue id) never uses a
 * release up.
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
#include "store/qindex.h"
#include "store/release.h"
#include "testutil.h"
#include "util/xalloc.h"

#define REF	"7Q2WX9KD3M"

static const char body_crlf[] = "From: a@x\r\nSubject: s\r\n\r\nline 1\r\n"
    "line 2\r\n\r\n";
static const char body_lf[] = "Received: by pickup\nFrom: a@x\n"
    "Subject: s\nX-AUP-Release: whatever\n\nline 1\nline 2\n";

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

/* The body digest survives re-injection but not a changed byte. */
static void
test_body_digest_is_canonical(void **state)
{
	char a[65], b[65], c[65];
	GMimeStream *st;

	(void)state;
	release_body_digest_mem(body_crlf, strlen(body_crlf), a);
	release_body_digest_mem(body_lf, strlen(body_lf), b);
	assert_string_equal(a, b);
	release_body_digest_mem("H: v\n\nline 1\nline 3\n", 20, c);
	assert_string_not_equal(a, c);
	st = g_mime_stream_mem_new_with_buffer(body_crlf, strlen(body_crlf));
	assert_int_equal(release_body_digest(st, c), 0);
	g_object_unref(st);
	assert_string_equal(a, c);
}

/* The MAC depends on the reference, the body and the key. */
static void
test_mac_binds_ref_body_and_key(void **state)
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
	m2 = release_mark("k1", REF, "00ff");
	assert_true(strncmp(m2, REF "; mac=", 16) == 0);
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
	assert_int_equal(qindex_add(s->cf->milter.quarantine_dir, &e, &err),
	    0);
	if (released)
		assert_int_equal(qindex_release(s->cf->milter.quarantine_dir,
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

/* eicar_message - an inbound message executables holds, with a mark */
static char *
eicar_message(const char *key, const char *ref)
{
	static const char body[] = "--B\nContent-Type: text/plain; name=a.txt\n"
	    "Content-Disposition: attachment; filename=a.txt\n\n"
	    "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!"
	    "$H+H*\n--B--\n";
	char *head = xstrdup("From: <s@supplier.example>\nSubject: x\n"
	    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=B\n\n");
	char *whole = xasprintf("%s%s", head, body), *mark, hex[65], *msg;

	release_body_digest_mem(whole, strlen(whole), hex);
	mark = key != NULL ? release_mark(key, ref, hex) :
	    xasprintf("%s; mac=%064d", ref, 0);
	msg = xasprintf("X-AUP-Release: %s\n%s", mark, whole);
	free(mark);
	free(whole);
	free(head);
	return msg;
}

/* evaluate - the verdict of a message with an optional queue id */
static void
evaluate(struct fixture_school *s, const char *text, const char *qid,
    struct verdict *v)
{
	struct msg *m = tu_msg(text, "s@supplier.example",
	    "office@testwood.example", NULL, "127.0.0.1");

	if (qid != NULL)
		msg_set_queue_id(m, qid);
	engine_evaluate(s->cf, m, time(NULL), v);
	msg_free(m);
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
	assert_int_equal(rename(index, aside), 0);
	assert_int_equal(mkdir(index, 0700), 0);
	evaluate(&s, text, "QID1", &v);
	assert_int_equal(v.action, ACTION_TEMPFAIL);
	assert_string_equal(v.reply_code, "451");
	assert_non_null(strstr(v.error, "release mark could not be checked"));
	verdict_clear(&v);
	assert_int_equal(rmdir(index), 0);
	assert_int_equal(rename(aside, index), 0);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secret_is_made_once),
		cmocka_unit_test(test_body_digest_is_canonical),
		cmocka_unit_test(test_mac_binds_ref_body_and_key),
		cmocka_unit_test(test_release_passes_until_claimed),
		cmocka_unit_test(test_unreadable_index_tempfails),
		cmocka_unit_test(test_forged_or_unreleased_marks_are_ignored),
	};

	g_mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
