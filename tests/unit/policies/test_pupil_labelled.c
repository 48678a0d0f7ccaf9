/*
 * test_pupil_labelled - precision and recall on the labelled set
 *
 * tests/pupil-data/positive/NAME.eml carry pupil data of the fictional
 * Larchfield Primary (tests/pupil-data/pupils.csv); negative/NAME.eml are
 * ordinary school mail (a newsletter praising one pupil, a timetable,
 * invoices with 13-character order numbers, phone lists, dates...).
 * Each is sent by a member of staff to an outside address through the
 * engine; pupil-data must refuse the positives and pass every negative.
 * Precision and recall are printed as TAP diagnostics, with each miss
 * named; the test fails on any false positive, on recall below 0.9, and
 * if any roster name or UPN appears in a reply or a reason.  The set is
 * written by tests/pupil-data/make-set.py.
 *
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
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
#include "policies/policy.h"
#include "testutil.h"
#include "util/xalloc.h"

struct tally {
	unsigned tp, fn, fp, tn;
	GPtrArray *values;	/* roster surnames and UPNs */
};

/* set_dir - tests/pupil-data under the source tree */
static char *
set_dir(void)
{
	const char *top = getenv("top_srcdir");

	return xasprintf("%s/tests/pupil-data", top ? top : ".");
}

/* roster_values - the words that must never be printed */
static GPtrArray *
roster_values(const char *csv)
{
	GPtrArray *v = g_ptr_array_new_with_free_func(g_free);
	gchar **lines = g_strsplit(csv, "\n", -1);

	for (size_t i = 1; lines[i] != NULL; i++) {
		gchar **cells = g_strsplit(lines[i], ",", -1);

		if (g_strv_length(cells) >= 4) {
			g_ptr_array_add(v, g_strdup(cells[0]));
			g_ptr_array_add(v, g_strdup(cells[3]));
		}
		g_strfreev(cells);
	}
	g_strfreev(lines);
	return v;
}

/* school - Larchfield Primary with the set's roster */
static struct conf *
school(const char *dir, const char *setdir, GPtrArray **values)
{
	char *roster = xasprintf("%s/pupils.csv", setdir), *csv = NULL, *path;
	struct errbuf eb;
	struct conf *cf;

	assert_true(g_file_get_contents(roster, &csv, NULL, NULL));
	free(tu_write(dir, "pupils.csv", csv));
	*values = roster_values(csv);
	path = tu_write(dir, "aup-milter.conf", "[milter]\n"
	    "quarantine_dir = /nonexistent\n[school]\n"
	    "name = Larchfield Primary School\ndomains = larchfield.example\n"
	    "office = office@larchfield.example\ndsl = dsl@larchfield.example\n"
	    "policy_url = https://larchfield.example/aup\n[directory]\n"
	    "pupils = pupils.csv\n");
	errbuf_init(&eb);
	cf = conf_load(path, policy_registry, &eb);
	if (cf == NULL)
		errbuf_print(&eb, stderr);
	errbuf_clear(&eb);
	assert_non_null(cf);
	g_free(csv);
	free(roster);
	free(path);
	return cf;
}

/* judge_file - pupil-data's result for one message; checks no value
 * is printed */
static enum result
judge_file(const struct conf *cf, const char *file, const struct tally *t)
{
	struct tm tm = { .tm_year = 2026 - 1900, .tm_mon = 10, .tm_mday = 20,
	    .tm_hour = 12 };
	gchar *text = NULL;
	struct msg *m;
	struct verdict v;
	const struct policy_report *r;
	enum result res;

	assert_true(g_file_get_contents(file, &text, NULL, NULL));
	m = tu_msg(text, "s.teacher@larchfield.example",
	    "someone@partner.example", "s.teacher@larchfield.example",
	    "192.0.2.10");
	engine_evaluate(cf, m, mktime(&tm), &v);
	r = tu_report(&v, "pupil-data");
	assert_non_null(r);
	res = r->result;
	for (size_t k = 0; k < t->values->len; k++) {
		const char *val = g_ptr_array_index(t->values, k);

		for (size_t i = 0; v.reply_lines && v.reply_lines[i]; i++)
			assert_null(strstr(v.reply_lines[i], val));
		assert_true(r->reason == NULL ||
		    strstr(r->reason, val) == NULL);
	}
	verdict_clear(&v);
	msg_free(m);
	g_free(text);
	return res;
}

/* run_half - every .eml of one folder */
static void
run_half(const struct conf *cf, const char *dir, bool positive,
    struct tally *t)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		char *file;
		bool refused;

		if (strstr(de->d_name, ".eml") == NULL)
			continue;
		file = xasprintf("%s/%s", dir, de->d_name);
		refused = judge_file(cf, file, t) == RESULT_REJECT;
		if (positive && refused)
			t->tp++;
		else if (positive) {
			t->fn++;
			printf("# missed (positive passed): %s\n", de->d_name);
		} else if (refused) {
			t->fp++;
			printf("# FALSE POSITIVE: %s\n", de->d_name);
		} else
			t->tn++;
		free(file);
	}
	closedir(d);
}

/* labelled_set_has_no_false_positives_and_high_recall */
static void
labelled_set_has_no_false_positives_and_high_recall(void **state)
{
	char *dir = tu_tempdir(), *setdir = set_dir(), *pos, *neg;
	struct tally t = { 0 };
	struct conf *cf = school(dir, setdir, &t.values);
	double precision, recall;

	pos = xasprintf("%s/positive", setdir);
	neg = xasprintf("%s/negative", setdir);
	run_half(cf, pos, true, &t);
	run_half(cf, neg, false, &t);
	precision = t.tp + t.fp > 0 ? (double)t.tp / (t.tp + t.fp) : 1.0;
	recall = t.tp + t.fn > 0 ? (double)t.tp / (t.tp + t.fn) : 1.0;
	printf("# pupil-data labelled set: %u positives, %u negatives\n",
	    t.tp + t.fn, t.fp + t.tn);
	printf("# true positives %u, false negatives %u, false positives %u, "
	    "true negatives %u\n", t.tp, t.fn, t.fp, t.tn);
	printf("# precision %.3f recall %.3f\n", precision, recall);
	fflush(stdout);
	assert_true(t.tp + t.fn >= 10 && t.fp + t.tn >= 10);
	assert_int_equal(t.fp, 0);
	assert_true(recall >= 0.9);
	g_ptr_array_free(t.values, TRUE);
	conf_release(cf);
	free(pos);
	free(neg);
	free(setdir);
	tu_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    labelled_set_has_no_false_positives_and_high_recall),
	};

	g_mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
