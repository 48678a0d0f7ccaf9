/*
 * test_notices - the durable notice queue in the store's SQLite database
 *
 * A notice is queued (or refused with a reason when its recipient is not
 * one plain address), claimed by exactly one sender, marked sent, or
 * queued again with the error and a later try, and given up after five
 * days or on a 5xx; a claim cut off by a dead sender comes back; retry
 * revives failed ones; a hold and its notices are written together or
 * not at all; the message a notice becomes is proper MIME (UTF-8
 * subject as an RFC 2047 word, UTF-8 body, Date, Message-ID, CRLF);
 * and a pass over the queue with the relay down records why and when it
 * tries next, without losing the notice.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <glib.h>
#include <gmime/gmime.h>

#include "store/notices.h"
#include "store/notices_mime.h"
#include "store/notices_send.h"
#include "store/qindex.h"
#include "testutil.h"
#include "util/xalloc.h"

#define T0	1790000000

static const struct notice held = { "held", "7Q2WX9KD3M",
    "dsl@testwood.example", "Message held for your review (ref 7Q2WX9KD3M)",
    "A message has been held.\n", NULL };

/* count_state - rows of a state */
static long
count_state(const char *dir, const char *state)
{
	struct notice_row *rows;
	long n = notices_list(tu_st(dir), true, &rows, NULL), k = 0;

	assert_true(n >= 0);
	for (long i = 0; i < n; i++)
		k += strcmp(rows[i].state, state) == 0;
	notice_rows_free(rows, n);
	return k;
}

/* Queued once, claimed once, sent once. */
static void
test_claim_once(void **state)
{
	char *dir = tu_tempdir(), *err = NULL;
	struct notice_row a, b;

	(void)state;
	assert_int_equal(notices_enqueue(tu_st(dir), &held, T0, &err), 0);
	assert_int_equal(notices_claim(tu_st(dir), "one", T0, &a, &err), 1);
	assert_string_equal(a.to, "dsl@testwood.example");
	assert_string_equal(a.kind, "held");
	assert_string_equal(a.ref, "7Q2WX9KD3M");
	assert_string_equal(a.state, "sending");
	/* A second sender finds nothing to do. */
	assert_int_equal(notices_claim(tu_st(dir), "two", T0, &b, &err), 0);
	assert_int_equal(notices_mark_sent(tu_st(dir), a.id, T0 + 1, &err), 0);
	assert_int_equal(notices_claim(tu_st(dir), "two", T0 + 3600, &b, &err), 0);
	assert_int_equal(count_state(dir, "sent"), 1);
	assert_int_equal(notices_list(tu_st(dir), false, &(struct notice_row *){
	    NULL }, &err), 0);
	notice_row_clear(&a);
	tu_rmdir(dir);
}

/* An address that is not one plain address is refused, nothing queued. */
static void
test_refused(void **state)
{
	char *dir = tu_tempdir(), *err = NULL;
	struct notice bad = held;

	(void)state;
	bad.to = "dsl@testwood.example>\r\nRCPT TO:<x@y.example";
	assert_int_equal(notices_enqueue(tu_st(dir), &bad, T0, &err), -1);
	assert_non_null(strstr(err, "not a usable recipient address"));
	free(err);
	err = NULL;
	bad = held;
	bad.kind = "gossip";
	assert_int_equal(notices_enqueue(tu_st(dir), &bad, T0, &err), -1);
	assert_non_null(strstr(err, "unknown kind"));
	free(err);
	assert_int_equal(count_state(dir, "queued"), 0);
	tu_rmdir(dir);
}

/* Deferred: waits, comes back when due; five days on it is given up. */
static void
test_deferred_then_given_up(void **state)
{
	char *dir = tu_tempdir(), *err = NULL;
	struct notice_row r, *rows;

	(void)state;
	assert_int_equal(notices_enqueue(tu_st(dir), &held, T0, &err), 0);
	assert_int_equal(notices_claim(tu_st(dir), "s", T0, &r, &err), 1);
	assert_int_equal(notices_mark_deferred(tu_st(dir), r.id, T0, 60, false,
	    "relay down", &err), 1);
	notice_row_clear(&r);
	assert_int_equal(notices_claim(tu_st(dir), "s", T0 + 59, &r, &err), 0);
	assert_int_equal(notices_list(tu_st(dir), false, &rows, &err), 1);
	assert_string_equal(rows[0].state, "queued");
	assert_string_equal(rows[0].last_error, "relay down");
	assert_int_equal(rows[0].next_try, T0 + 60);
	assert_int_equal(rows[0].tries, 1);
	notice_rows_free(rows, 1);
	assert_int_equal(notices_claim(tu_st(dir), "s", T0 + 60, &r, &err), 1);
	assert_int_equal(notices_mark_deferred(tu_st(dir), r.id,
	    T0 + NOTICES_LIFETIME, 60, false, "still down", &err), 0);
	notice_row_clear(&r);
	assert_int_equal(count_state(dir, "failed"), 1);
	assert_int_equal(notices_claim(tu_st(dir), "s", T0 + NOTICES_LIFETIME + 120,
	    &r, &err), 0);
	/* retry gives it another five days, due now. */
	assert_int_equal(notices_retry(tu_st(dir), 0, T0 + NOTICES_LIFETIME + 200,
	    &err), 1);
	assert_int_equal(notices_claim(tu_st(dir), "s", T0 + NOTICES_LIFETIME + 200,
	    &r, &err), 1);
	assert_int_equal(notices_mark_deferred(tu_st(dir), r.id, T0 +
	    NOTICES_LIFETIME + 200, 60, false, "down again", &err), 1);
	notice_row_clear(&r);
	tu_rmdir(dir);
}

/* A 5xx is final at once; a claim left by a dead sender comes back. */
static void
test_permanent_and_stale(void **state)
{
	char *dir = tu_tempdir(), *err = NULL;
	struct notice_row r, *rows;

	(void)state;
	assert_int_equal(notices_enqueue(tu_st(dir), &held, T0, &err), 0);
	assert_int_equal(notices_enqueue(tu_st(dir), &held, T0, &err), 0);
	assert_int_equal(notices_claim(tu_st(dir), "s", T0, &r, &err), 1);
	assert_int_equal(notices_mark_deferred(tu_st(dir), r.id, T0, 60, true,
	    "550 no such user", &err), 0);
	notice_row_clear(&r);
	assert_int_equal(notices_claim(tu_st(dir), "dies", T0, &r, &err), 1);
	notice_row_clear(&r);
	assert_int_equal(notices_claim(tu_st(dir), "s", T0 + NOTICES_CLAIM_TTL - 1,
	    &r, &err), 0);
	assert_int_equal(notices_claim(tu_st(dir), "s", T0 + NOTICES_CLAIM_TTL + 1,
	    &r, &err), 1);
	assert_non_null(strstr(r.last_error, "stopped while sending"));
	notice_row_clear(&r);
	assert_int_equal(notices_list(tu_st(dir), false, &rows, &err), 2);
	assert_string_equal(rows[0].state, "failed");
	assert_string_equal(rows[1].state, "sending");
	notice_rows_free(rows, 2);
	tu_rmdir(dir);
}

/* A hold and its notices: both, or (one notice bad) neither. */
static void
test_hold_with_notices(void **state)
{
	char *dir = tu_tempdir(), *err = NULL;
	struct qindex_entry e = { .ref = (char *)"7Q2WX9KD3M", .time = T0,
	    .direction = (char *)"inbound", .sender = (char *)"a@x.example",
	    .recipients = (char *)"office@testwood.example",
	    .policy = (char *)"executables", .reason = (char *)"x.exe",
	    .size = 10 };
	struct notice two[2] = { held, held };

	(void)state;
	two[1].to = "not an address";
	assert_int_equal(qindex_add_held(tu_st(dir), &e, two, 2, T0, &err), -1);
	free(err);
	err = NULL;
	assert_int_equal(qindex_has(tu_st(dir), "7Q2WX9KD3M", &err), 0);
	assert_int_equal(count_state(dir, "queued"), 0);
	two[1].to = "t.one@testwood.example";
	assert_int_equal(qindex_add_held(tu_st(dir), &e, two, 2, T0, &err), 0);
	assert_int_equal(qindex_has(tu_st(dir), "7Q2WX9KD3M", &err), 1);
	assert_int_equal(count_state(dir, "queued"), 2);
	tu_rmdir(dir);
}

/* The message: encoded-word subject, UTF-8 body, Date, Message-ID, CRLF. */
static void
test_mime(void **state)
{
	struct notice_row r = { .id = 42, .kind = (char *)"reply",
	    .ref = (char *)"7Q2WX9KD3M", .to = (char *)"t.one@testwood.example",
	    .subject = (char *)"Caf\xc3\xa9 \xe2\x80\x93 not sent\r\nBcc: x@y.example",
	    .body = (char *)"Dear Ms O\xe2\x80\x99Neill,\nLine two.",
	    .created = T0 };
	char *text = notices_mime(&r, "aup-milter@testwood.example",
	    "\xc3\x89" "cole Testwood");
	char *again = notices_mime(&r, "aup-milter@testwood.example",
	    "\xc3\x89" "cole Testwood");
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(text, strlen(text));
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
	GMimeObject *part;
	char *body;

	(void)state;
	assert_non_null(m);
	assert_non_null(strstr(text, "Subject: =?"));
	assert_null(strstr(text, "\nBcc:"));
	assert_string_equal(g_mime_message_get_subject(m),
	    "Caf\xc3\xa9 \xe2\x80\x93 not sent  Bcc: x@y.example");
	assert_string_equal(g_mime_message_get_message_id(m),
	    "aup-notice.42.1790000000@testwood.example");
	assert_non_null(g_mime_message_get_date(m));
	assert_non_null(strstr(text, "\r\nAuto-Submitted: auto-generated\r\n"));
	assert_non_null(strstr(text, "\r\nX-AUP-Notification: reply; "
	    "ref=7Q2WX9KD3M\r\n"));
	for (const char *c = text; *c != '\0'; c++)
		if (*c == '\n')
			assert_int_equal(c[-1], '\r');
	for (const char *c = text; *c != '\0'; c++)
		assert_true((unsigned char)*c < 0x80);
	part = g_mime_message_get_mime_part(m);
	assert_string_equal(g_mime_object_get_content_type_parameter(part,
	    "charset"), "utf-8");
	body = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
	assert_non_null(strstr(body, "Dear Ms O\xe2\x80\x99Neill,"));
	assert_string_equal(text, again);	/* the same at every try */
	g_free(body);
	g_object_unref(m);
	g_object_unref(p);
	g_object_unref(st);
	free(text);
	free(again);
}

/* Relay down: the notice stays queued with the error and a next try. */
static void
test_relay_down(void **state)
{
	struct tu_fixture *f = tu_fixture_new("[notify]\nrelay = 127.0.0.1:9\n"
	    "retry = 30\nretry_max = 100\n", NULL);
	struct notices_tally t;
	struct notice_row *rows;
	char *err = NULL;
	time_t before = time(NULL);

	(void)state;
	assert_int_equal(notices_enqueue(tu_st(f->cf->milter.quarantine_dir), &held,
	    before, &err), 0);
	assert_int_equal(notices_send_due(f->cf, "test", NULL, &t, &err), 0);
	assert_int_equal(t.sent, 0);
	assert_int_equal(t.deferred, 1);
	assert_int_equal(notices_list(tu_st(f->cf->milter.quarantine_dir), false,
	    &rows, &err), 1);
	assert_string_equal(rows[0].state, "queued");
	assert_non_null(strstr(rows[0].last_error, "relay 127.0.0.1:9: "));
	assert_true(rows[0].next_try >= before + 30);
	assert_int_equal(t.next_due, rows[0].next_try);
	notice_rows_free(rows, 1);
	/* The backoff doubles and stops at retry_max. */
	assert_int_equal(notices_backoff(f->cf, 1), 30);
	assert_int_equal(notices_backoff(f->cf, 2), 60);
	assert_int_equal(notices_backoff(f->cf, 3), 100);
	assert_int_equal(notices_backoff(f->cf, 40), 100);
	tu_fixture_free(f);
}

/* The default sender is aup-milter@ the first school domain. */
static void
test_from(void **state)
{
	struct tu_fixture *f = tu_fixture_new(NULL, NULL);
	char *from = notices_from(f->cf);

	(void)state;
	assert_string_equal(from, "aup-milter@testwood.example");
	free(from);
	tu_fixture_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_claim_once),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_deferred_then_given_up),
		cmocka_unit_test(test_permanent_and_stale),
		cmocka_unit_test(test_hold_with_notices),
		cmocka_unit_test(test_mime),
		cmocka_unit_test(test_relay_down),
		cmocka_unit_test(test_from),
	};

	g_mime_init();
	if (notices_send_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
