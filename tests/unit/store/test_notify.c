/*
 * test_notify - the notices about held messages
 *
 * A notice's subject holds fixed words and the reference only; its body
 * names the reference, sender, recipients, subject and reason; a subject
 * with CR/LF cannot add a header to the message the sender builds; the
 * DSL, an outbound sender and (when asked) school recipients of an
 * inbound message get one each; notify = digest and off are honoured;
 * the digest lists every message; and a notice passes the milter's own
 * policies when it comes back through them.
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

#include "engine/engine.h"
#include "store/notices_mime.h"
#include "store/notify.h"
#include "testutil.h"
#include "util/xalloc.h"

struct fixture_school {
	char	*dir;
	struct conf *cf;
};

/* fixture_open - the test school with extra [milter] lines */
static void
fixture_open(struct fixture_school *s, const char *milter_extra)
{
	char *extra = xasprintf("[milter]\n%s", milter_extra), *path;

	s->dir = tu_tempdir();
	path = tu_school(s->dir, extra);
	s->cf = tu_load(path);
	free(path);
	free(extra);
}

/* fixture_close - free it */
static void
fixture_close(struct fixture_school *s)
{
	conf_release(s->cf);
	tu_rmdir(s->dir);
}

/* row_of - a queued row made of a composed notice (strings borrowed) */
static struct notice_row
row_of(const struct notice *n)
{
	return (struct notice_row){ .id = 7, .kind = (char *)n->kind,
	    .ref = (char *)n->ref, .to = (char *)n->to,
	    .subject = (char *)n->subject, .body = (char *)n->body,
	    .created = 1790000000 };
}

/* entry - a held message (strings borrowed) */
static struct qindex_entry
entry(const char *direction, const char *sender, const char *subject)
{
	return (struct qindex_entry){ .ref = (char *)"7Q2WX9KD3M",
	    .time = 1790000000, .direction = (char *)direction,
	    .sender = (char *)sender,
	    .recipients = (char *)"office@testwood.example, "
	    "partner@college.example", .subject = (char *)subject,
	    .policy = (char *)"executables",
	    .reason = (char *)"setup.exe: a Windows program", .size = 4096 };
}

/* The DSL notice names everything and no message data is a header. */
static void
test_dsl_notice_text(void **state)
{
	struct fixture_school s;
	struct qindex_entry e = entry("inbound", "sales@supplier.example",
	    "Invoice\r\nBcc: everyone@evil.example");
	struct notice n;
	struct notice_row r;
	char *text, *body;

	(void)state;
	fixture_open(&s, "");
	assert_int_equal(notify_compose(s.cf, NOTIFY_TO_DSL, &e,
	    "dsl@testwood.example", &n), 0);
	assert_string_equal(n.kind, "held");
	assert_string_equal(n.ref, "7Q2WX9KD3M");
	assert_string_equal(n.to, "dsl@testwood.example");
	assert_string_equal(n.subject, "Message held for your review "
	    "(ref 7Q2WX9KD3M)");
	r = row_of(&n);
	text = notices_mime(&r, "aup-milter@testwood.example",
	    s.cf->school.name);
	body = strstr(text, "\r\n\r\n");
	assert_non_null(body);
	*body = '\0';
	assert_null(strstr(text, "Bcc:"));
	assert_null(strstr(text, "sales@supplier"));
	assert_non_null(strstr(text, "X-AUP-Notification: held; "
	    "ref=7Q2WX9KD3M"));
	body += 4;
	assert_non_null(strstr(body, "Reference:  7Q2WX9KD3M"));
	assert_non_null(strstr(body, "From:       sales@supplier.example"));
	assert_non_null(strstr(body, "office@testwood.example, "
	    "partner@college.example"));
	assert_non_null(strstr(body, "Invoice  Bcc: everyone@evil.example"));
	assert_non_null(strstr(body, "Why:        setup.exe: a Windows "
	    "program"));
	assert_null(strstr(body, "in the console"));
	free(text);
	notify_notice_clear(&n);
	fixture_close(&s);
}

/* notices_to - the recipients of a list, " "-joined (new) */
static char *
notices_to(const struct notify_list *l)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < l->count; i++)
		g_string_append_printf(s, "%s%s", i ? " " : "", l->items[i].to);
	return g_string_free(s, FALSE);
}

/* Outbound: the DSL and the sender are told. */
static void
test_outbound_tells_dsl_and_sender(void **state)
{
	struct fixture_school s;
	struct qindex_entry e = entry("outbound", "t.one@testwood.example",
	    "Tool");
	struct notify_list l;
	char *to;

	(void)state;
	fixture_open(&s, "");
	notify_held(s.cf, &e, &l);
	assert_true(l.dsl_told);
	to = notices_to(&l);
	assert_string_equal(to, "dsl@testwood.example t.one@testwood.example");
	assert_non_null(strstr(l.items[1].body,
	    "Your message has not been sent yet"));
	assert_string_equal(l.items[1].subject, "Your message has been held "
	    "for review (ref 7Q2WX9KD3M)");
	free(to);
	notify_list_clear(&l);
	fixture_close(&s);
}

/* Inbound recipients only when asked, and only the school's. */
static void
test_inbound_recipients_when_asked(void **state)
{
	struct fixture_school s;
	struct qindex_entry e = entry("inbound", "sales@supplier.example",
	    "Invoice");
	struct notify_list l;
	char *to;

	(void)state;
	fixture_open(&s, "notify_recipients = yes\nnotify = digest\n");
	notify_held(s.cf, &e, &l);
	assert_false(l.dsl_told);
	to = notices_to(&l);
	assert_string_equal(to, "office@testwood.example");
	free(to);
	notify_list_clear(&l);
	fixture_close(&s);
	fixture_open(&s, "notify = off\nnotify_recipients = yes\n");
	notify_held(s.cf, &e, &l);
	assert_int_equal(l.count, 0);
	notify_list_clear(&l);
	fixture_close(&s);
}

/* The digest lists every held message, UTF-8 kept whole. */
static void
test_digest(void **state)
{
	struct fixture_school s;
	struct qindex_entry e[2] = { entry("inbound", "a@x.example",
	    "Caf\xc3\xa9 trip"), entry("outbound", "t.one@testwood.example",
	    "Two") };
	struct notice n;

	(void)state;
	e[1].ref = (char *)"8R3XY0ME4N";
	fixture_open(&s, "");
	assert_int_equal(notify_compose_digest(s.cf, e, 2, &n), 0);
	assert_string_equal(n.kind, "digest");
	assert_string_equal(n.to, "dsl@testwood.example");
	assert_string_equal(n.subject, "Held messages for your review: 2");
	assert_non_null(strstr(n.body, "2 message(s) have been held"));
	assert_non_null(strstr(n.body, "  7Q2WX9KD3M  "));
	assert_non_null(strstr(n.body, "  8R3XY0ME4N  "));
	assert_non_null(strstr(n.body, "from a@x.example: Caf\xc3\xa9 trip"));
	notify_notice_clear(&n);
	fixture_close(&s);
}

/* With [console] base_url the held notice and the digest link to it. */
static void
test_console_links(void **state)
{
	struct fixture_school s;
	struct qindex_entry e = entry("inbound", "sales@supplier.example",
	    "Invoice");
	struct notice n;

	(void)state;
	fixture_open(&s, "[console]\nbase_url = "
	    "https://console.testwood.example/\n");
	assert_int_equal(notify_compose(s.cf, NOTIFY_TO_DSL, &e,
	    "dsl@testwood.example", &n), 0);
	assert_non_null(strstr(n.body, "Review it in the console: "
	    "https://console.testwood.example/held/7Q2WX9KD3M\n"));
	notify_notice_clear(&n);
	assert_int_equal(notify_compose_digest(s.cf, &e, 1, &n), 0);
	assert_non_null(strstr(n.body, "Review them in the console: "
	    "https://console.testwood.example/held\n"));
	notify_notice_clear(&n);
	fixture_close(&s);
}

/* A notice coming back through the milter passes every policy. */
static void
test_notice_passes_the_policies(void **state)
{
	struct fixture_school s;
	struct qindex_entry e = entry("inbound", "sales@supplier.example",
	    "Invoice");
	struct notice n;
	struct notice_row r;
	struct verdict v;
	struct msg *m;
	char *text;

	(void)state;
	fixture_open(&s, "");
	assert_int_equal(notify_compose(s.cf, NOTIFY_TO_DSL, &e,
	    "dsl@testwood.example", &n), 0);
	r = row_of(&n);
	text = notices_mime(&r, "aup-milter@testwood.example", "Testwood");
	m = tu_msg(text, "aup-milter@testwood.example", "dsl@testwood.example",
	    NULL, "127.0.0.1");
	engine_evaluate(s.cf, m, time(NULL), &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	verdict_clear(&v);
	msg_free(m);
	free(text);
	notify_notice_clear(&n);
	fixture_close(&s);
}

/* A held message's accented, curly-quoted subject reaches the DSL as
 * UTF-8 (quoted-printable), not as '?' or ASCII. */
static void
test_notice_keeps_utf8(void **state)
{
	struct fixture_school s;
	struct qindex_entry e = entry("outbound", "j.patel@testwood.example",
	    "Zo\xc3\xab\xe2\x80\x99s caf\xc3\xa9 trip \xe2\x80\x93 forms");
	struct notice n;
	struct notice_row r;
	char *text;

	(void)state;
	fixture_open(&s, "");
	assert_int_equal(notify_compose(s.cf, NOTIFY_TO_DSL, &e,
	    "dsl@testwood.example", &n), 0);
	assert_non_null(strstr(n.body, "Zo\xc3\xab\xe2\x80\x99s caf\xc3\xa9 "
	    "trip \xe2\x80\x93 forms"));
	r = row_of(&n);
	text = notices_mime(&r, "aup-milter@testwood.example",
	    s.cf->school.name);
	assert_non_null(strstr(text, "charset=utf-8"));
	assert_non_null(strstr(text, "quoted-printable"));
	free(text);
	notify_notice_clear(&n);
	fixture_close(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dsl_notice_text),
		cmocka_unit_test(test_notice_keeps_utf8),
		cmocka_unit_test(test_outbound_tells_dsl_and_sender),
		cmocka_unit_test(test_inbound_recipients_when_asked),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_console_links),
		cmocka_unit_test(test_notice_passes_the_policies),
	};

	g_mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
