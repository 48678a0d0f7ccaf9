/*
 * test_schools - `[milter] schools`: one file per school
 *
 * conf_load() over a main file and a folder of two school files
 * (tu_schools): both schools load with their own domains and parents;
 * a mistake in a school file names that file and line; a shared setting
 * in a school file is refused there; a warning about a folder every
 * school shares is given once; the main file's policy settings are every
 * school's defaults unless the school sets its own; a domain claimed by
 * two schools names both files; a schools folder without school files,
 * and domains in the main file, are errors at the main file's line; a
 * message's school is its sender's for outbound mail and its first
 * school recipient's inbound, and a recipient of a second school is
 * refused; a reload rebuilds only the school whose files changed and
 * shares the other with the previous snapshot.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/conf.h"
#include "config/directory.h"
#include "config/school_pick.h"
#include "test_policy.h"
#include "testutil.h"
#include "util/xalloc.h"

struct load {
	char	*dir;
	struct conf *cf;
	struct errbuf eb;
};

/* load - the two schools with extra text in each file */
static void
load(struct load *l, const char *main_extra, const char *a_extra,
    const char *b_extra)
{
	char *path;

	l->dir = tu_tempdir();
	path = tu_schools(l->dir, main_extra, a_extra, b_extra);
	errbuf_init(&l->eb);
	l->cf = conf_load(path, test_registry(), &l->eb);
	free(path);
}

/* reload - the same folder loaded again, after a test changed a file */
static void
reload(struct load *l)
{
	char *path = xasprintf("%s/aup-milter.conf", l->dir);

	conf_release(l->cf);
	errbuf_clear(&l->eb);
	errbuf_init(&l->eb);
	l->cf = conf_load(path, test_registry(), &l->eb);
	free(path);
}

/* load_done - free everything */
static void
load_done(struct load *l)
{
	conf_release(l->cf);
	errbuf_clear(&l->eb);
	tu_rmdir(l->dir);
}

/* assert_error - an error starting "DIR/FILE:LINE: " that says `what` */
static void
assert_error(const struct load *l, const char *file, unsigned line,
    const char *what)
{
	char *where = xasprintf("%s/%s:%u: ", l->dir, file, line);
	bool found = false;

	for (size_t i = 0; i < l->eb.nerrors; i++)
		if (strncmp(l->eb.errors[i], where, strlen(where)) == 0 &&
		    strstr(l->eb.errors[i], what) != NULL)
			found = true;
	if (!found)
		errbuf_print(&l->eb, stderr);
	assert_true(found);
	free(where);
}

static void
two_schools_load_each_with_its_own_domains_and_parents(void **state)
{
	struct load l;
	const struct conf *a, *b;

	(void)state;
	load(&l, NULL, NULL, NULL);
	assert_non_null(l.cf);
	assert_int_equal(l.cf->nschools, 2);
	a = l.cf->schools[0];
	b = l.cf->schools[1];
	assert_string_equal(conf_school_name(a), "a");
	assert_string_equal(a->school.name, "Ashfield");
	assert_string_equal(conf_school_name(b), "b");
	assert_ptr_equal(conf_school_of(l.cf, "Head@A.Example"), a);
	assert_ptr_equal(conf_school_of(l.cf, "<office@b.example>"), b);
	assert_null(conf_school_of(l.cf, "someone@gmail.com"));
	/* parents = a-parents.csv: read from the school file's folder */
	assert_true(directory_is_parent(a->directory, "mum.a@gmail.com"));
	assert_false(directory_is_parent(a->directory, "dad.b@gmail.com"));
	assert_true(directory_is_parent(b->directory, "dad.b@gmail.com"));
	assert_false(directory_is_parent(b->directory, "mum.a@gmail.com"));
	load_done(&l);
}

static void
a_warning_about_a_shared_folder_is_given_once_not_per_school(void **state)
{
	struct load l;
	size_t n = 0;

	(void)state;
	/* no safeguarding lists beside the main file: both schools' */
	/* safeguarding policy would say so */
	load(&l, NULL, NULL, NULL);
	assert_non_null(l.cf);
	for (size_t i = 0; i < l.eb.nwarnings; i++)
		if (strstr(l.eb.warnings[i], "no safeguarding term lists"))
			n++;
	assert_int_equal(n, 1);
	load_done(&l);
}

static void
a_mistake_in_a_school_file_names_that_file_and_line(void **state)
{
	struct load l;

	(void)state;
	/* b.conf has 7 lines of its own; the typo is line 8. */
	load(&l, NULL, NULL, "ofice = office2@b.example\n");
	assert_null(l.cf);
	assert_error(&l, "schools/b.conf", 8, "unknown key \"ofice\"");
	load_done(&l);
}

static void
a_shared_setting_in_a_school_file_is_refused_there(void **state)
{
	struct load l;

	(void)state;
	load(&l, NULL, "[notify]\nrelay = 127.0.0.1:25\n", NULL);
	assert_null(l.cf);
	assert_error(&l, "schools/a.conf", 9, "shared by every school");
	load_done(&l);
}

static void
the_main_file_gives_defaults_a_school_may_override(void **state)
{
	struct load l;
	const struct conf *a, *b;

	(void)state;
	load(&l, "[parent-contact]\nmode = monitor\n",
	    "[parent-contact]\nmode = enforce\n", NULL);
	assert_non_null(l.cf);
	a = l.cf->schools[0];
	b = l.cf->schools[1];
	assert_int_equal(conf_policy_mode(a, conf_slot(a, "parent-contact")),
	    MODE_ENFORCE);
	assert_int_equal(conf_policy_mode(b, conf_slot(b, "parent-contact")),
	    MODE_MONITOR);
	load_done(&l);
}

static void
a_domain_claimed_by_two_schools_names_both_files(void **state)
{
	struct load l;
	char *want;

	(void)state;
	load(&l, NULL, NULL, NULL);
	assert_non_null(l.cf);
	/* b.conf claims a.example as well as its own domain */
	free(tu_write(l.dir, "schools/b.conf", "[school]\nname = Beech\n"
	    "domains = b.example, a.example\noffice = office@b.example\n"));
	reload(&l);
	assert_null(l.cf);
	want = xasprintf("a.example is claimed by two schools: %s/schools/"
	    "a.conf and %s/schools/b.conf", l.dir, l.dir);
	assert_error(&l, "schools/b.conf", 3, want);
	free(want);
	load_done(&l);
}

static void
the_sender_picks_outbound_the_first_recipient_inbound(void **state)
{
	struct load l;
	struct school_pick pk;

	(void)state;
	load(&l, NULL, NULL, NULL);
	assert_non_null(l.cf);
	/* outbound from A: every recipient is A's message, B's too */
	school_pick_sender(&pk, l.cf, "teacher@a.example");
	assert_true(school_pick_rcpt(&pk, l.cf, "x@b.example"));
	assert_ptr_equal(school_pick_done(&pk, l.cf), l.cf->schools[0]);
	/* inbound to B then A: A's recipient must come again separately */
	school_pick_sender(&pk, l.cf, "someone@gmail.com");
	assert_true(school_pick_rcpt(&pk, l.cf, "<x@b.example>"));
	assert_true(school_pick_rcpt(&pk, l.cf, "y@b.example"));
	assert_true(school_pick_rcpt(&pk, l.cf, "friend@gmail.com"));
	assert_false(school_pick_rcpt(&pk, l.cf, "z@a.example"));
	assert_ptr_equal(school_pick_done(&pk, l.cf), l.cf->schools[1]);
	load_done(&l);
}

static void
a_folder_without_school_files_is_an_error_at_the_main_files_line(void **state)
{
	struct load l;
	char *a, *b;

	(void)state;
	load(&l, NULL, NULL, NULL);
	a = xasprintf("%s/schools/a.conf", l.dir);
	b = xasprintf("%s/schools/b.conf", l.dir);
	assert_int_equal(unlink(a), 0);
	assert_int_equal(unlink(b), 0);
	reload(&l);
	assert_null(l.cf);
	/* schools = schools is line 7 of the main file */
	assert_error(&l, "aup-milter.conf", 7, "no school file (*.conf)");
	free(a);
	free(b);
	load_done(&l);
}

static void
school_domains_in_the_main_file_are_an_error_there(void **state)
{
	struct load l;

	(void)state;
	load(&l, "[school]\ndomains = main.example\n", NULL, NULL);
	assert_null(l.cf);
	assert_error(&l, "aup-milter.conf", 9, "each school file names its "
	    "own domains");
	load_done(&l);
}

/* reload_from - load the folder again, sharing with prev; prev kept */
static struct conf *
reload_from(struct load *l, const struct conf *prev)
{
	char *path = xasprintf("%s/aup-milter.conf", l->dir);
	struct conf *cf;

	errbuf_clear(&l->eb);
	errbuf_init(&l->eb);
	cf = conf_reload(path, test_registry(), prev, &l->eb);
	free(path);
	assert_non_null(cf);
	return cf;
}

static void
a_reload_rebuilds_only_the_school_whose_files_changed(void **state)
{
	struct load l;
	struct conf *next, *last;

	(void)state;
	load(&l, NULL, NULL, NULL);
	assert_non_null(l.cf);
	/* Beech's parents file gains a parent */
	free(tu_write(l.dir, "schools/b-parents.csv",
	    "Pupil,Email\nPip,dad.b@gmail.com\nKit,new.b@gmail.com\n"));
	next = reload_from(&l, l.cf);
	assert_int_equal(next->nreused, 1);
	assert_ptr_equal(next->schools[0], l.cf->schools[0]);
	assert_ptr_not_equal(next->schools[1], l.cf->schools[1]);
	assert_true(directory_is_parent(next->schools[1]->directory,
	    "new.b@gmail.com"));
	assert_false(directory_is_parent(l.cf->schools[1]->directory,
	    "new.b@gmail.com"));
	/* the old snapshot goes; the shared school stays with the new */
	conf_release(l.cf);
	l.cf = next;
	assert_ptr_equal(conf_school_of(l.cf, "x@a.example"),
	    l.cf->schools[0]);
	/* a new file beside the main file (shared data) rebuilds every school */
	free(tu_write(l.dir, "aup-milter.conf.extra", ""));
	last = reload_from(&l, l.cf);
	assert_int_equal(last->nreused, 0);
	conf_release(l.cf);
	l.cf = last;
	load_done(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    two_schools_load_each_with_its_own_domains_and_parents),
		cmocka_unit_test(
		    a_warning_about_a_shared_folder_is_given_once_not_per_school),
		cmocka_unit_test(
		    a_mistake_in_a_school_file_names_that_file_and_line),
		cmocka_unit_test(
		    a_shared_setting_in_a_school_file_is_refused_there),
		cmocka_unit_test(
		    the_main_file_gives_defaults_a_school_may_override),
		cmocka_unit_test(
		    a_domain_claimed_by_two_schools_names_both_files),
		cmocka_unit_test(
		    the_sender_picks_outbound_the_first_recipient_inbound),
		cmocka_unit_test(
		    a_folder_without_school_files_is_an_error_at_the_main_files_line),
		cmocka_unit_test(
		    school_domains_in_the_main_file_are_an_error_there),
		cmocka_unit_test(
		    a_reload_rebuilds_only_the_school_whose_files_changed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
