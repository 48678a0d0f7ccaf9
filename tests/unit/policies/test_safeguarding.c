/*
 * test_safeguarding - the safeguarding policy through the engine
 *
 * With the shipped term lists: scope (a pupil sender, a pupil in Bcc,
 * staff-only mail out of scope unless scope = all); an alert flags, a
 * hold category at hold_score quarantines, self-harm alerts but is never
 * held; the reason, the JSON and the header edits name categories and
 * scores, never a phrase; the evidence carries the phrase and its
 * context; a Subject with a phrase is withheld; text in an attachment
 * counts; a category in monitor_categories only raises a would-be alert
 * and an X-AUP-Monitor header; monitor mode for the policy likewise.
 * Configuration: missing default lists warn and the policy judges
 * nothing, a named folder that is missing or a broken list line is an
 * error with file:line, an unknown hold category is an error.  And each
 * trap the issue names is its own test: none alerts.
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
#include <gmime/gmime.h>

#include "engine/engine.h"
#include "engine/report_json.h"
#include "store/alert_notice.h"
#include "store/notify.h"
#include "test_policy.h"
#include "testutil.h"
#include "util/xalloc.h"

#define PUPIL	"amy21@pupils.testwood.example"
#define PUPIL2	"ben21@pupils.testwood.example"
#define STAFF	"t.jones@testwood.example"
#define STAFF2	"k.smith@testwood.example"

/* school - the test school with the shipped lists and `extra` keys */
static struct tu_fixture *
school(const char *extra)
{
	const char *top = getenv("top_srcdir");
	char *ini = xasprintf("[sender-auth]\naction = off\n[safeguarding]\n"
	    "lists = %s/conf/safeguarding\n%s", top ? top : ".",
	    extra ? extra : "");
	struct tu_fixture *f = tu_fixture_new(ini, NULL);

	free(ini);
	return f;
}

/* judge - evaluate a message (subject, body) from one address to
 * others (comma-separated), sent from inside the school */
static void
judge(struct tu_fixture *f, const char *from, const char *to,
    const char *subject, const char *body, struct verdict *v,
    struct msg **m)
{
	char *text = xasprintf("From: <%s>\nTo: <%s>\nSubject: %s\n"
	    "Content-Type: text/plain; charset=utf-8\n\n%s\n", from, to,
	    subject, body);

	*m = tu_msg(text, from, to, from, "10.9.0.5");
	engine_evaluate(f->cf, *m, time(NULL), v);
	assert_null(v->error);
	free(text);
}

/* alerted - the raised alert of a category, or NULL */
static const struct verdict_alert *
alerted(const struct verdict *v, const char *category)
{
	for (size_t i = 0; i < v->alerts.count; i++)
		if (strcmp(v->alerts.items[i].category, category) == 0 &&
		    !v->alerts.items[i].monitored)
			return &v->alerts.items[i];
	return NULL;
}

/* exposed - the verdict as aupctl test prints it, plus the reasons */
static char *
exposed(const struct verdict *v, const struct conf *cf)
{
	json_object *j = report_json_verdict(cf, v);
	char *s = xstrdup(json_object_to_json_string(j));

	json_object_put(j);
	return s;
}

/* A pupil's self-harm message to a friend: flagged, alerted, not held;
 * nothing of the words outside the evidence. */
static void
test_self_harm_alerts_never_held(void **state)
{
	struct tu_fixture *f = school(NULL);
	const struct policy_report *r;
	struct verdict v;
	struct msg *m;
	char *out;

	(void)state;
	judge(f, PUPIL, PUPIL2, "sorry", "i want to kill myself and i have "
	    "been cutting myself. everyone would be better off without me",
	    &v, &m);
	assert_int_equal(v.action, ACTION_FLAG);
	assert_non_null(alerted(&v, "self-harm"));
	assert_true(alerted(&v, "self-harm")->score >= 30);
	assert_string_equal(alerted(&v, "self-harm")->severity, "high");
	r = tu_report(&v, "safeguarding");
	assert_non_null(strstr(r->reason, "alert: self-harm"));
	out = exposed(&v, f->cf);
	assert_null(strstr(out, "kill myself"));
	assert_null(strstr(out, "cutting"));
	assert_non_null(strstr(out, "self-harm"));
	free(out);
	assert_true(v.alerts.nevidence >= 3);
	assert_non_null(strstr(v.alerts.evidence[0].context, "myself"));
	assert_false(v.alerts.withhold_subject);
	verdict_clear(&v);
	msg_free(m);
	tu_fixture_free(f);
}

/* The DSL's alert notice links to each alert in the console when
 * [console] base_url is set, and to nothing when it is not. */
static void
test_alert_notice_console_link(void **state)
{
	struct tu_fixture *f = school("[console]\nbase_url = "
	    "https://console.testwood.example/\n"), *plain = school(NULL);
	const int64_t ids[] = { 41, 42, 43, 44, 45, 46, 47, 48 };
	struct notice n;
	struct verdict v;
	struct msg *m;

	(void)state;
	judge(f, PUPIL, PUPIL2, "sorry", "i want to kill myself and i have "
	    "been cutting myself", &v, &m);
	assert_true(v.alerts.count >= 1 && v.alerts.count <= 8);
	assert_int_equal(alert_notice_compose(f->cf, m, &v, ids, time(NULL),
	    "dsl@testwood.example", &n), 0);
	assert_non_null(strstr(n.body, "Open it in the console: "
	    "https://console.testwood.example/alerts/41"));
	notify_notice_clear(&n);
	assert_int_equal(alert_notice_compose(plain->cf, m, &v, ids,
	    time(NULL), "dsl@testwood.example", &n), 0);
	assert_null(strstr(n.body, "/alerts/"));
	assert_null(strstr(n.body, "in the console:"));
	notify_notice_clear(&n);
	verdict_clear(&v);
	msg_free(m);
	tu_fixture_free(f);
	tu_fixture_free(plain);
}

/* Grooming from outside to a pupil at hold_score: quarantined. */
static void
test_grooming_held(void **state)
{
	struct tu_fixture *f = school(NULL);
	char *text = xstrdup("From: <stranger99@gmail.com>\nTo: <" PUPIL ">\n"
	    "Subject: hi\n\nhow old are you? you are so mature for your age. "
	    "dont tell your parents, its our little secret. add me on "
	    "snapchat and delete this message\n");
	struct msg *m = tu_msg(text, "stranger99@gmail.com", PUPIL, NULL,
	    "203.0.113.9");
	struct verdict v;

	(void)state;
	engine_evaluate(f->cf, m, time(NULL), &v);
	assert_int_equal(v.action, ACTION_QUARANTINE);
	assert_non_null(alerted(&v, "grooming"));
	assert_non_null(strstr(tu_report(&v, "safeguarding")->reason,
	    "held: grooming"));
	verdict_clear(&v);
	msg_free(m);
	free(text);
	tu_fixture_free(f);
}

/* Below hold_score a hold category only flags; one mild word nothing. */
static void
test_thresholds(void **state)
{
	struct tu_fixture *f = school(NULL);
	struct verdict v;
	struct msg *m;

	(void)state;
	judge(f, PUPIL, PUPIL2, "hi", "got any nudes?", &v, &m);
	assert_int_equal(v.action, ACTION_FLAG);
	assert_non_null(alerted(&v, "sexual"));
	verdict_clear(&v);
	msg_free(m);
	judge(f, PUPIL, PUPIL2, "hi", "that film was shit", &v, &m);
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_int_equal(v.alerts.count, 0);
	assert_non_null(strstr(tu_report(&v, "safeguarding")->reason,
	    "below alert_score: profanity 4"));
	verdict_clear(&v);
	msg_free(m);
	tu_fixture_free(f);
}

/* Scope: staff to staff is not read unless scope = all; a pupil in the
 * recipients (Bcc included) brings a message into scope. */
static void
test_scope(void **state)
{
	struct tu_fixture *f = school(NULL), *all = school("scope = all\n");
	const char *body = "what a fucking shit meeting, total wanker";
	struct verdict v;
	struct msg *m;

	(void)state;
	judge(f, STAFF, STAFF2, "meeting", body, &v, &m);
	assert_int_equal(v.alerts.count, 0);
	verdict_clear(&v);
	msg_free(m);
	judge(f, STAFF, STAFF2 "," PUPIL, "meeting", body, &v, &m);
	assert_non_null(alerted(&v, "profanity"));
	verdict_clear(&v);
	msg_free(m);
	judge(all, STAFF, STAFF2, "meeting", body, &v, &m);
	assert_non_null(alerted(&v, "profanity"));
	verdict_clear(&v);
	msg_free(m);
	tu_fixture_free(f);
	tu_fixture_free(all);
}

/* A phrase in the Subject: the Subject is withheld from logs. */
static void
test_subject_withheld(void **state)
{
	struct tu_fixture *f = school(NULL);
	struct verdict v;
	struct msg *m;

	(void)state;
	judge(f, PUPIL, PUPIL2, "kys loser", "see you tomorrow", &v, &m);
	assert_true(v.alerts.withhold_subject);
	assert_non_null(alerted(&v, "self-harm"));
	verdict_clear(&v);
	msg_free(m);
	tu_fixture_free(f);
}

/* Text of an attachment counts like the body. */
static void
test_attachment_text(void **state)
{
	struct tu_fixture *f = school(NULL);
	const char *text = "From: <" PUPIL ">\nTo: <" PUPIL2 ">\n"
	    "Subject: notes\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	    "Content-Type: text/plain\n\nsee attached\n--b\n"
	    "Content-Type: text/plain; name=notes.txt\n"
	    "Content-Disposition: attachment; filename=notes.txt\n"
	    "Content-Transfer-Encoding: base64\n\n"
	    "ZXZlcnlvbmUgaGF0ZXMgeW91LCBub2JvZHkgbGlrZXMgeW91Cg==\n--b--\n";
	struct msg *m = tu_msg(text, PUPIL, PUPIL2, PUPIL, "10.9.0.5");
	struct verdict v;

	(void)state;
	engine_evaluate(f->cf, m, time(NULL), &v);
	assert_non_null(alerted(&v, "bullying"));
	verdict_clear(&v);
	msg_free(m);
	tu_fixture_free(f);
}

/* A monitored category raises a would-be alert and a monitor header
 * only; the whole policy in monitor mode likewise. */
static void
test_monitor(void **state)
{
	struct tu_fixture *f = school("monitor_categories = profanity\n");
	struct tu_fixture *g = school("mode = monitor\n");
	const char *body = "fuck this shit, you twat";
	struct verdict v;
	struct msg *m;

	(void)state;
	judge(f, PUPIL, PUPIL2, "x", body, &v, &m);
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_int_equal(verdict_alert_raised(&v.alerts), 0);
	assert_int_equal(v.alerts.count, 1);
	assert_true(v.alerts.items[0].monitored);
	assert_non_null(tu_edit_value(&v, "X-AUP-Monitor"));
	verdict_clear(&v);
	msg_free(m);
	judge(g, PUPIL, PUPIL2, "x", "send nudes now, naked pic", &v, &m);
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_int_equal(verdict_alert_raised(&v.alerts), 0);
	assert_non_null(tu_edit_value(&v, "X-AUP-Monitor"));
	verdict_clear(&v);
	msg_free(m);
	tu_fixture_free(f);
	tu_fixture_free(g);
}

/* load_errors - the first error of loading a school with `extra`, or
 * NULL (the lists as given in extra, not the shipped ones) */
static char *
load_errors(const char *extra, const char *broken_list, char **warning)
{
	char *dir = tu_tempdir(), *path = tu_school(dir, extra), *e = NULL;
	struct errbuf eb;
	struct conf *cf;

	if (broken_list != NULL) {
		char *sub = xasprintf("%s/lists", dir);

		assert_int_equal(mkdir(sub, 0700), 0);
		const char *cats[] = { "bullying", "self-harm", "sexual",
		    "grooming", "extremism", "discrimination", "violence",
		    "drugs", "profanity" };

		for (size_t i = 0; i < 9; i++) {
			char *n = xasprintf("%s.txt", cats[i]);

			if (strcmp(cats[i], "drugs") == 0)
				free(tu_write(sub, n, broken_list));
			else
				free(tu_write(sub, n, "5 fine\n"));
			free(n);
		}
		free(sub);
	}
	errbuf_init(&eb);
	cf = conf_load(path, test_registry(), &eb);
	if (cf == NULL)
		e = xstrdup(errbuf_first(&eb));
	for (size_t i = 0; warning != NULL && i < eb.nwarnings; i++)
		if (strstr(eb.warnings[i], "safeguarding") != NULL)
			*warning = xstrdup(eb.warnings[i]);
	errbuf_clear(&eb);
	if (cf != NULL)
		conf_release(cf);
	free(path);
	tu_rmdir(dir);
	return e;
}

/* Configuration errors name the file and line; missing default lists
 * only warn. */
static void
test_configuration(void **state)
{
	char *e, *w = NULL;

	(void)state;
	e = load_errors(NULL, NULL, &w);
	assert_null(e);
	assert_non_null(w);
	assert_non_null(strstr(w, "no safeguarding term lists"));
	free(w);
	e = load_errors("[safeguarding]\nlists = /nonexistent/sg\n", NULL,
	    NULL);
	assert_non_null(e);
	assert_non_null(strstr(e, "/nonexistent/sg/bullying.txt"));
	free(e);
	e = load_errors("[safeguarding]\nlists = lists\n", "5 weed\nweed\n",
	    NULL);
	assert_non_null(e);
	assert_non_null(strstr(e, "lists/drugs.txt:2: expected"));
	free(e);
	e = load_errors("[safeguarding]\nlists = lists\nhold_categories = "
	    "sexual, gromming\n", "5 weed\n", NULL);
	assert_non_null(e);
	assert_non_null(strstr(e, "gromming"));
	free(e);
	e = load_errors("[safeguarding]\nlists = lists\n", "5 weed\n", NULL);
	assert_null(e);
}

/* Each named trap, judged as mail to pupils: no alert at all. */
struct trap {
	const char *subject, *body;
};

static const struct trap traps[] = {
	{ "Scunthorpe", "My nan lives in Scunthorpe, famous for steel." },
	{ "Penistone", "We took the train to Penistone on Saturday." },
	{ "Essex", "We went to the beach in Essex at half term." },
	{ "Sussex", "The South Saxons gave their name to Sussex." },
	{ "cocktail", "For the party we made a fruit cocktail." },
	{ "therapist", "The speech therapist will see you on Monday." },
	{ "assessment", "Your reading assessment is on Friday." },
	{ "Dick Whittington", "We are going to see Dick Whittington, and "
	    "next term we read Dick King-Smith." },
	{ "netball", "Great netball match: Mia had a brilliant shoot at goal "
	    "and we won. Keep shooting like that!" },
	{ "kill the lights", "Scene 3: Harry shouts 'Kill the lights!' and "
	    "everything goes dark. Break a leg!" },
	{ "Holocaust", "This week in history: the Holocaust. The Nazis, led "
	    "by Hitler, murdered six million Jews in concentration camps. "
	    "We will read survivors' testimony." },
	{ "slavery", "The transatlantic slave trade: enslaved Africans were "
	    "chained, sold and many were killed on the Middle Passage. "
	    "Write about abolition." },
	{ "biology", "Label the reproductive system: penis, testes, vagina, "
	    "uterus. Then explain sexual reproduction and fertilisation." },
	{ "RSE", "Next week in Relationships and Sex Education we talk about "
	    "puberty, consent and staying safe online." },
	{ "Macbeth", "Macbeth sees a dagger, goes to murder Duncan, then has "
	    "Banquo killed. Blood will have blood. Who does he kill next?" },
};

/* test_trap - one trap (state is its index) */
static void
test_trap(void **state)
{
	const struct trap *t = *state;
	struct tu_fixture *f = school(NULL);
	struct verdict v;
	struct msg *m;

	judge(f, STAFF, PUPIL "," PUPIL2, t->subject, t->body, &v, &m);
	if (v.alerts.count > 0)
		fail_msg("trap \"%s\" alerted %s %ld", t->subject,
		    v.alerts.items[0].category, v.alerts.items[0].score);
	assert_int_equal(v.action, ACTION_ACCEPT);
	verdict_clear(&v);
	msg_free(m);
	tu_fixture_free(f);
}

#define TRAP(i, name) { "trap: " name, test_trap, NULL, NULL, \
	(void *)&traps[i] }

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_self_harm_alerts_never_held),
		cmocka_unit_test(test_alert_notice_console_link),
		cmocka_unit_test(test_grooming_held),
		cmocka_unit_test(test_thresholds),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_subject_withheld),
		cmocka_unit_test(test_attachment_text),
		cmocka_unit_test(test_monitor),
		cmocka_unit_test(test_configuration),
		TRAP(0, "Scunthorpe"), TRAP(1, "Penistone"),
		TRAP(2, "Essex"), TRAP(3, "Sussex"), TRAP(4, "cocktail"),
		TRAP(5, "therapist"), TRAP(6, "assessment"),
		TRAP(7, "Dick as a name with a surname"),
		TRAP(8, "shoot in a netball report"),
		TRAP(9, "kill the lights"),
		TRAP(10, "a history lesson on the Holocaust"),
		TRAP(11, "a history lesson on slavery"),
		TRAP(12, "a biology lesson plan"),
		TRAP(13, "an RSE lesson plan"), TRAP(14, "Macbeth"),
	};

	g_mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
