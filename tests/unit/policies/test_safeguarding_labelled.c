/*
 * test_safeguarding_labelled - precision and recall of the safeguarding
 * policy with the shipped term lists on the labelled set
 *
 * tests/safeguarding/labelled-concerning.txt and labelled-benign.txt
 * hold short messages written for this project, each with the
 * categories that must alert (none for benign ones), the sender and
 * recipient roles and, for staff mail, scope = all.  Every message goes
 * through the engine exactly as the milter judges it; the alerts raised
 * are compared with the labels.  Per category: precision = alerts of c
 * on messages labelled c / all alerts of c; recall = messages labelled c
 * that alert c / messages labelled c ("a|b" labels count for whichever
 * alerts).  The figures are printed (TAP diagnostics); the test requires
 * 0.9 overall on both and no category below 0.8, at least 60 concerning
 * and 90 benign messages, and that no benign message alerts at all.
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

#include "engine/engine.h"
#include "testutil.h"
#include "util/xalloc.h"

#define NCAT 9

static const char *const categories[NCAT] = { "bullying", "self-harm",
    "sexual", "grooming", "extremism", "discrimination", "violence",
    "drugs", "profanity" };

struct counts {
	unsigned tp, fp, fn;
};

struct labelled {
	struct tu_fixture *pupils, *all;	/* scope = pupils / all */
	struct counts cat[NCAT];
	unsigned concerning, benign, detected, false_alarms;
};

/* role_address - the test school's address of a role */
static const char *
role_address(const char *role)
{
	if (strcmp(role, "pupil") == 0)
		return "amy21@pupils.testwood.example";
	if (strcmp(role, "pupil2") == 0)
		return "ben21@pupils.testwood.example";
	if (strcmp(role, "staff") == 0)
		return "t.jones@testwood.example";
	return "stranger99@gmail.com";
}

/* cat_index - a category's number, or -1 */
static int
cat_index(const char *name)
{
	for (int i = 0; i < NCAT; i++)
		if (strcmp(categories[i], name) == 0)
			return i;
	return -1;
}

/* fixture - the test school with the shipped lists */
static struct tu_fixture *
fixture(const char *scope)
{
	const char *top = getenv("top_srcdir");
	char *extra = xasprintf("[sender-auth]\naction = off\n"
	    "[safeguarding]\nlists = %s/conf/safeguarding\nscope = %s\n",
	    top != NULL ? top : ".", scope);
	struct tu_fixture *f = tu_fixture_new(extra, NULL);

	free(extra);
	return f;
}

/* judge - evaluate one message; the categories that alerted */
static unsigned
judge(struct labelled *l, const char *head, const char *subject,
    const char *body)
{
	gchar **w = g_strsplit(head, " ", -1);
	gchar **roles = g_strsplit(w[0], ">", 2);
	bool all = w[1] != NULL && strcmp(w[1], "scope=all") == 0;
	const char *from = role_address(roles[0]);
	const char *to = strcmp(roles[1], "pupil") == 0 ?
	    role_address("pupil2") : strcmp(roles[1], "staff") == 0 &&
	    strcmp(roles[0], "staff") == 0 ? "k.smith@testwood.example" :
	    role_address(roles[1]);
	bool inside = strstr(from, "testwood.example") != NULL;
	char *text = xasprintf("From: <%s>\nTo: <%s>\nSubject: %s\n"
	    "Content-Type: text/plain; charset=utf-8\n\n%s\n", from, to,
	    subject, body);
	struct msg *m = tu_msg(text, from, to, inside ? from : NULL,
	    inside ? "10.9.0.5" : "203.0.113.9");
	struct verdict v;
	unsigned got = 0;

	engine_evaluate((all ? l->all : l->pupils)->cf, m, time(NULL), &v);
	assert_null(v.error);
	for (size_t i = 0; i < v.alerts.count; i++)
		if (!v.alerts.items[i].monitored &&
		    cat_index(v.alerts.items[i].category) >= 0)
			got |= 1u << cat_index(v.alerts.items[i].category);
	verdict_clear(&v);
	msg_free(m);
	free(text);
	g_strfreev(roles);
	g_strfreev(w);
	return got;
}

/* score - compare one message's alerts with its label */
static void
score(struct labelled *l, const char *label, unsigned got, const char *subj)
{
	gchar **alts = NULL;
	unsigned want = 0, credited = 0;

	if (strcmp(label, "-") == 0) {
		l->benign++;
		if (got != 0)
			print_message("# false alert on benign \"%s\"\n", subj);
		l->false_alarms += got != 0;
	} else {
		gchar **groups = g_strsplit(label, ",", -1);

		l->concerning++;
		l->detected += got != 0;
		for (size_t i = 0; groups[i] != NULL; i++) {
			unsigned any = 0;

			alts = g_strsplit(groups[i], "|", -1);
			for (size_t j = 0; alts[j] != NULL; j++) {
				assert_true(cat_index(alts[j]) >= 0);
				any |= 1u << cat_index(alts[j]);
			}
			g_strfreev(alts);
			want |= any;
			if (got & any)
				credited |= got & any;
			else {
				l->cat[__builtin_ctz(any)].fn++;
				print_message("# missed %s in \"%s\"\n",
				    groups[i], subj);
			}
		}
		g_strfreev(groups);
	}
	for (int c = 0; c < NCAT; c++) {
		if (credited & (1u << c))
			l->cat[c].tp++;
		else if ((got & (1u << c)) && !(want & (1u << c))) {
			l->cat[c].fp++;
			print_message("# %s alert on \"%s\" (labelled %s)\n",
			    categories[c], subj, label);
		}
	}
}

/* run_file - every message of one labelled file */
static void
run_file(struct labelled *l, const char *name)
{
	const char *top = getenv("top_srcdir");
	char *path = xasprintf("%s/tests/safeguarding/%s", top ? top : ".",
	    name), *text = NULL;
	gchar **blocks;

	assert_true(g_file_get_contents(path, &text, NULL, NULL));
	blocks = g_strsplit(text, "\n=== ", -1);
	for (size_t i = 1; blocks[i] != NULL; i++) {
		gchar **lines = g_strsplit(blocks[i], "\n", 3);
		char label[128];

		assert_non_null(lines[1]);
		assert_int_equal(strncmp(lines[1], "Subject: ", 9), 0);
		assert_int_equal(sscanf(lines[0], "%127s", label), 1);
		score(l, label, judge(l, lines[0] + strlen(label) + 1,
		    lines[1] + 9, lines[2] ? lines[2] : ""), lines[1] + 9);
		g_strfreev(lines);
	}
	g_strfreev(blocks);
	g_free(text);
	free(path);
}

/* ratio - a / (a + b), 1 when both are 0 */
static double
ratio(unsigned a, unsigned b)
{
	return a + b == 0 ? 1.0 : (double)a / (a + b);
}

/* The whole set meets the bars; the figures are printed. */
static void
test_precision_and_recall(void **state)
{
	struct labelled l = { 0 };
	struct counts sum = { 0 };

	(void)state;
	l.pupils = fixture("pupils");
	l.all = fixture("all");
	run_file(&l, "labelled-concerning.txt");
	run_file(&l, "labelled-benign.txt");
	for (int c = 0; c < NCAT; c++) {
		double p = ratio(l.cat[c].tp, l.cat[c].fp);
		double r = ratio(l.cat[c].tp, l.cat[c].fn);

		print_message("# %-14s precision %.2f recall %.2f (tp %u fp %u "
		    "fn %u)\n", categories[c], p, r, l.cat[c].tp, l.cat[c].fp,
		    l.cat[c].fn);
		assert_true(p >= 0.8);
		assert_true(r >= 0.8);
		sum.tp += l.cat[c].tp;
		sum.fp += l.cat[c].fp;
		sum.fn += l.cat[c].fn;
	}
	print_message("# overall precision %.2f recall %.2f; %u concerning "
	    "(%u alerted), %u benign (%u alerted)\n", ratio(sum.tp, sum.fp),
	    ratio(sum.tp, sum.fn), l.concerning, l.detected, l.benign,
	    l.false_alarms);
	assert_true(ratio(sum.tp, sum.fp) >= 0.9);
	assert_true(ratio(sum.tp, sum.fn) >= 0.9);
	assert_true(l.concerning >= 60);
	assert_true(l.benign >= 90);
	assert_int_equal(l.false_alarms, 0);
	tu_fixture_free(l.pupils);
	tu_fixture_free(l.all);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_precision_and_recall),
	};

	g_mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
