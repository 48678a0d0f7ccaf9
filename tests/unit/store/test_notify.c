/*
 * test_notify - notices about held messages
 *
 * A notice has fixed headers and the reference, sender, recipients,
 * subject and reason in its body; a subject with CR/LF cannot add a
 * header; the DSL, an outbound sender and (when asked) school
 * recipients of an inbound message are told through sendmail(1) with an
 * argument vector (a script here records what it was given); notify =
 * digest and off are honoured; the digest lists every message; unsafe
 * addresses are refused; and a notice passes the milter's own policies
 * when it comes back through them.
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
#include <time.h>

#include <cmocka.h>
#include <glib.h>

#include "engine/engine.h"
#include "store/notify.h"
#include "store/sendmail.h"
#include "testutil.h"
#include "util/xalloc.h"

struct fixture_school {
	char	*dir;
	struct conf *cf;
};

/* fixture_open - the test school with a recording sendmail */
static void
fixture_open(struct fixture_school *s, const char *milter_extra)
{
	char *stub, *extra, *path;

	s->dir = tu_tempdir();
	stub = tu_write(s->dir, "sendmail", "#!/bin/sh\n"
	    "d=$(dirname \"$0\")\n"
	    "for a in \"$@\"; do printf '%s ' \"$a\"; done >> \"$d/calls\"\n"
	    "echo >> \"$d/calls\"\ncat >> \"$d/mail\"\n");
	assert_int_equal(chmod(stub, 0755), 0);
	/* An extra sendmail_path replaces the recording one. */
	extra = strstr(milter_extra, "sendmail_path") != NULL ?
	    xasprintf("[milter]\n%s", milter_extra) :
	    xasprintf("[milter]\nsendmail_path = %s\n%s", stub, milter_extra);
	path = tu_school(s->dir, extra);
	s->cf = tu_load(path);
	free(path);
	free(extra);
	free(stub);
}

/* fixture_file - a file the stub wrote ("" if none; new string) */
static char *
fixture_file(const struct fixture_school *s, const char *name)
{
	char *path = xasprintf("%s/%s", s->dir, name);
	gchar *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		text = g_strdup("");
	free(path);
	return text;
}

/* fixture_close - free it */
static void
fixture_close(struct fixture_school *s)
{
	conf_release(s->cf);
	tu_rmdir(s->dir);
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
	char *text, *body;

	(void)state;
	fixture_open(&s, "");
	text = notify_compose(s.cf, NOTIFY_TO_DSL, &e, "dsl@testwood.example");
	assert_non_null(text);
	body = strstr(text, "\n\n");
	assert_non_null(body);
	*body = '\0';
	assert_null(strstr(text, "Bcc:"));
	assert_null(strstr(text, "sales@supplier"));
	assert_non_null(strstr(text, "Subject: Message held for your review "
	    "(ref 7Q2WX9KD3M)"));
	assert_non_null(strstr(text, "X-AUP-Notification: quarantine; "
	    "ref=7Q2WX9KD3M"));
	assert_non_null(strstr(text, "Auto-Submitted: auto-generated"));
	body += 2;
	assert_non_null(strstr(body, "Reference:  7Q2WX9KD3M"));
	assert_non_null(strstr(body, "From:       sales@supplier.example"));
	assert_non_null(strstr(body, "office@testwood.example, "
	    "partner@college.example"));
	assert_non_null(strstr(body, "Invoice  Bcc: everyone@evil.example"));
	assert_non_null(strstr(body, "Why:        setup.exe: a Windows "
	    "program"));
	free(text);
	fixture_close(&s);
}

/* Outbound: the DSL and the sender are told, through argv. */
static void
test_outbound_tells_dsl_and_sender(void **state)
{
	struct fixture_school s;
	struct qindex_entry e = entry("outbound", "t.one@testwood.example",
	    "Tool");
	char *calls, *mail;
	int told;

	(void)state;
	fixture_open(&s, "");
	assert_int_equal(notify_quarantine(s.cf, &e, &told), 0);
	assert_int_equal(told, 1);
	calls = fixture_file(&s, "calls");
	assert_string_equal(calls, "-i -f dsl@testwood.example -- "
	    "dsl@testwood.example \n-i -f dsl@testwood.example -- "
	    "t.one@testwood.example \n");
	mail = fixture_file(&s, "mail");
	assert_non_null(strstr(mail, "Your message has not been sent yet"));
	g_free(calls);
	g_free(mail);
	fixture_close(&s);
}

/* Inbound recipients only when asked, and only the school's. */
static void
test_inbound_recipients_when_asked(void **state)
{
	struct fixture_school s;
	struct qindex_entry e = entry("inbound", "sales@supplier.example",
	    "Invoice");
	char *calls;
	int told;

	(void)state;
	fixture_open(&s, "notify_recipients = yes\nnotify = digest\n");
	assert_int_equal(notify_quarantine(s.cf, &e, &told), 0);
	assert_int_equal(told, 0);
	calls = fixture_file(&s, "calls");
	assert_string_equal(calls, "-i -f dsl@testwood.example -- "
	    "office@testwood.example \n");
	g_free(calls);
	fixture_close(&s);
	fixture_open(&s, "notify = off\nnotify_recipients = yes\n");
	assert_int_equal(notify_quarantine(s.cf, &e, &told), 0);
	calls = fixture_file(&s, "calls");
	assert_string_equal(calls, "");
	g_free(calls);
	fixture_close(&s);
}

/* The digest lists every held message; a failing sendmail is reported. */
static void
test_digest_and_failures(void **state)
{
	struct fixture_school s;
	struct qindex_entry e[2] = { entry("inbound", "a@x.example", "One"),
	    entry("outbound", "t.one@testwood.example", "Two") };
	char *text, *err = NULL;
	int told;

	(void)state;
	e[1].ref = (char *)"8R3XY0ME4N";
	fixture_open(&s, "");
	text = notify_compose_digest(s.cf, e, 2);
	assert_non_null(strstr(text, "2 message(s) have been held"));
	assert_non_null(strstr(text, "  7Q2WX9KD3M  "));
	assert_non_null(strstr(text, "  8R3XY0ME4N  "));
	assert_non_null(strstr(text, "from a@x.example: One"));
	free(text);
	fixture_close(&s);
	fixture_open(&s, "sendmail_path = /bin/false\n");
	assert_int_equal(notify_quarantine(s.cf, &e[1], &told), 2);
	assert_int_equal(notify_send(s.cf, "-oQ/tmp", "x", &err), -1);
	free(err);
	fixture_close(&s);
}

/* Only plain addresses become sendmail arguments. */
static void
test_address_check(void **state)
{
	(void)state;
	assert_true(sendmail_address_ok("a.b@school.example"));
	assert_true(sendmail_address_ok(""));
	assert_false(sendmail_address_ok("-oQ/tmp/x"));
	assert_false(sendmail_address_ok("a b@x"));
	assert_false(sendmail_address_ok("a@x\nRCPT TO:<b@y>"));
	assert_false(sendmail_address_ok("<a@x>"));
	assert_false(sendmail_address_ok("a@x,b@y"));
}

/* A notice coming back through the milter passes every policy. */
static void
test_notice_passes_the_policies(void **state)
{
	struct fixture_school s;
	struct qindex_entry e = entry("inbound", "sales@supplier.example",
	    "Invoice");
	struct verdict v;
	struct msg *m;
	char *text;

	(void)state;
	fixture_open(&s, "");
	text = notify_compose(s.cf, NOTIFY_TO_DSL, &e, "dsl@testwood.example");
	m = tu_msg(text, "dsl@testwood.example", "dsl@testwood.example", NULL,
	    "127.0.0.1");
	engine_evaluate(s.cf, m, time(NULL), &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	verdict_clear(&v);
	msg_free(m);
	free(text);
	fixture_close(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dsl_notice_text),
		cmocka_unit_test(test_outbound_tells_dsl_and_sender),
		cmocka_unit_test(test_inbound_recipients_when_asked),
		cmocka_unit_test(test_digest_and_failures),
		cmocka_unit_test(test_address_check),
		cmocka_unit_test(test_notice_passes_the_policies),
	};

	g_mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
