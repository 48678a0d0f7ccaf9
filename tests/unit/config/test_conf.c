/*
 * test_conf - what an administrator sees when the configuration is wrong
 *
 * conf_load() over INI files written into a temporary folder: typos,
 * unknown sections, keys set twice, bad values and missing required keys
 * are errors naming file:line; every problem is reported at once; data
 * paths are relative to the file's folder; an expired exemption is a
 * warning only; CSV and template mistakes name their own file:line;
 * inline comments are stripped; a policy's own mode overrides [milter];
 * a policy that does not declare whether it reads text is refused.
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

#include <cmocka.h>
#include <gmime/gmime.h>

#include "config/conf.h"
#include "config/directory.h"
#include "policies/registry.h"
#include "test_policy.h"
#include "testutil.h"
#include "util/xalloc.h"

/*
 * The smallest valid file: lines 1-7.  The test policies are off so no
 * templates folder is needed; text appended starts at line 8.
 */
#define BASE_INI \
	"[school]\n" \
	"domains = testwood.example\n" \
	"office = office@testwood.example\n" \
	"[test-verdict]\n" \
	"action = off\n" \
	"[test-second]\n" \
	"action = off\n"

struct load {
	char	*dir;
	char	*path;
	struct conf *cf;
	struct errbuf eb;
};

/* load_in - write `ini` as l->dir/aup.conf and load it */
static void
load_in(struct load *l, const char *ini)
{
	l->path = tu_write(l->dir, "aup.conf", ini);
	errbuf_init(&l->eb);
	l->cf = conf_load(l->path, test_registry(), &l->eb);
}

/* load_text - the same in a new folder */
static void
load_text(struct load *l, const char *ini)
{
	l->dir = tu_tempdir();
	load_in(l, ini);
}

/* load_base - BASE_INI followed by `extra` */
static void
load_base(struct load *l, const char *extra)
{
	char *ini = xasprintf("%s%s", BASE_INI, extra);

	load_text(l, ini);
	free(ini);
}

/* load_done - free everything */
static void
load_done(struct load *l)
{
	conf_release(l->cf);
	errbuf_clear(&l->eb);
	free(l->path);
	tu_rmdir(l->dir);
}

/* find_in - the first message of a list that contains every needle */
static const char *
find_in(char **list, size_t n, const char *a, const char *b)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(list[i], a) != NULL &&
		    (b == NULL || strstr(list[i], b) != NULL))
			return list[i];
	return NULL;
}

/* assert_error_at - an error at file:line saying `what` */
static void
assert_error_at(const struct load *l, const char *file, unsigned line,
    const char *what)
{
	char *where = xasprintf("%s:%u: ", file, line);
	const char *e = find_in(l->eb.errors, l->eb.nerrors, where, what);

	if (e == NULL)
		errbuf_print(&l->eb, stderr);
	assert_non_null(e);
	assert_ptr_equal(strstr(e, where), e);	/* it starts the message */
	free(where);
}

/* assert_warning_at - a warning at file:line saying `what` */
static void
assert_warning_at(const struct load *l, const char *file, unsigned line,
    const char *what)
{
	char *where = xasprintf("%s:%u: ", file, line);
	const char *e = find_in(l->eb.warnings, l->eb.nwarnings, where, what);

	if (e == NULL)
		errbuf_print(&l->eb, stderr);
	assert_non_null(e);
	assert_ptr_equal(strstr(e, where), e);
	free(where);
}

/* A bad [notify] relay or from names the line that set it. */
static void
bad_notify_relay_and_from_name_their_lines(void **state)
{
	struct load l;

	(void)state;
	load_base(&l, "[notify]\nrelay = mail.school.example\n"
	    "from = office.testwood.example\n");
	assert_null(l.cf);
	assert_error_at(&l, l.path, 9, "[notify] relay: "
	    "\"mail.school.example\" is not HOST:PORT");
	assert_error_at(&l, l.path, 10, "from: \"office.testwood.example\"");
	load_done(&l);
}

static void
typo_in_key_names_file_line_and_lists_the_known_keys(void **state)
{
	struct load l;
	const char *e;

	(void)state;
	load_base(&l, "[bulk-bcc]\ntreshold = 3\n");
	assert_null(l.cf);
	assert_error_at(&l, l.path, 9,
	    "unknown key \"treshold\" in [bulk-bcc]");
	e = l.eb.errors[0];
	assert_non_null(strstr(e, "known keys: action, mode, threshold, "
	    "count_external"));
	load_done(&l);
}

static void
unknown_section_names_file_line_once(void **state)
{
	struct load l;

	(void)state;
	load_base(&l, "[bulk-bc]\naction = reject\nthreshold = 3\n"
	    "[Bulk-Bc]\n[pupil-data-typo]\n");
	assert_null(l.cf);
	assert_error_at(&l, l.path, 8, "unknown section [bulk-bc]");
	/* An empty unknown section is still a mistake. */
	assert_error_at(&l, l.path, 12, "unknown section [pupil-data-typo]");
	assert_int_equal(l.eb.nerrors, 2);
	load_done(&l);
}

static void
key_set_twice_names_both_lines(void **state)
{
	struct load l;

	(void)state;
	load_base(&l, "[bulk-bcc]\nthreshold = 3\n\n; again\nthreshold = 4\n");
	assert_null(l.cf);
	assert_error_at(&l, l.path, 12, "\"threshold\" is set twice in "
	    "[bulk-bcc] (first at line 9)");
	load_done(&l);
}

static void
threshold_that_is_not_a_number_names_file_line(void **state)
{
	struct load l;

	(void)state;
	load_base(&l, "[bulk-bcc]\nthreshold = many\n");
	assert_null(l.cf);
	assert_error_at(&l, l.path, 9, "threshold: \"many\" is not a whole "
	    "number");
	load_done(&l);
}

static void
unknown_mode_names_file_line(void **state)
{
	struct load l;

	(void)state;
	load_base(&l, "[milter]\nmode = loud\n");
	assert_null(l.cf);
	assert_error_at(&l, l.path, 9, "mode: \"loud\" is not enforce or "
	    "monitor");
	load_done(&l);
}

static void
action_a_policy_does_not_offer_names_file_line_and_the_choices(void **state)
{
	struct load l;

	(void)state;
	load_base(&l, "[bulk-bcc]\naction = explode\n"
	    "[parent-contact]\naction = rewrite\n");
	assert_null(l.cf);
	assert_error_at(&l, l.path, 9, "action: \"explode\" is not one of "
	    "rewrite | reject | flag | quarantine | off");
	assert_error_at(&l, l.path, 11, "action: \"rewrite\" is not one of "
	    "reject | quarantine | flag | off");
	load_done(&l);
}

static void
missing_school_domains_and_office_are_errors(void **state)
{
	struct load l;

	(void)state;
	load_text(&l, "[school]\nname = Testwood Primary\n"
	    "[test-verdict]\naction = off\n[test-second]\naction = off\n");
	assert_null(l.cf);
	assert_non_null(find_in(l.eb.errors, l.eb.nerrors, l.path,
	    "[school] domains is required"));
	assert_non_null(find_in(l.eb.errors, l.eb.nerrors, l.path,
	    "[school] office is required"));
	load_done(&l);
}

static void
relative_data_paths_are_resolved_against_the_config_folder(void **state)
{
	char *dir = tu_tempdir(), *path, *want, cwd[4096];
	struct conf *cf;

	(void)state;
	path = tu_school(dir, NULL);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir("/"), 0);	/* not the config's folder */
	cf = tu_load(path);
	assert_int_equal(chdir(cwd), 0);
	want = xasprintf("%s/parents.csv", dir);
	assert_string_equal(cf->dirs.parents, want);
	assert_true(directory_is_parent(cf->directory, "mum.ann@gmail.com"));
	free(want);
	want = xasprintf("%s/templates", dir);
	assert_string_equal(cf->milter.templates, want);
	free(want);
	conf_release(cf);
	free(path);
	tu_rmdir(dir);
}

static void
several_errors_are_all_reported_at_once(void **state)
{
	struct load l;

	(void)state;
	l.dir = tu_tempdir();
	free(tu_write(l.dir, "parents.csv",
	    "Pupil,Email\nAnn,not-an-address\n"));
	load_in(&l, "[school]\n"			/* 1 */
	    "domains = testwood.example\n"		/* 2 */
	    "ofice = office@testwood.example\n"	/* 3 */
	    "[test-verdict]\naction = off\n"		/* 4, 5 */
	    "[test-second]\naction = off\n"		/* 6, 7 */
	    "[bulk-bcc]\ntreshold = 3\n"		/* 8, 9 */
	    "[milter]\nmode = loud\n"			/* 10, 11 */
	    "[bulk-bc]\n"				/* 12 */
	    "[directory]\nparents = parents.csv\n");	/* 13, 14 */
	assert_null(l.cf);
	assert_error_at(&l, l.path, 3, "unknown key \"ofice\" in [school]");
	assert_error_at(&l, l.path, 9, "unknown key \"treshold\"");
	assert_error_at(&l, l.path, 11, "mode: \"loud\"");
	assert_error_at(&l, l.path, 12, "unknown section [bulk-bc]");
	/* What the typo left out, and the data file, are checked too. */
	assert_non_null(find_in(l.eb.errors, l.eb.nerrors, l.path,
	    "[school] office is required"));
	assert_non_null(find_in(l.eb.warnings, l.eb.nwarnings,
	    "parents.csv:2: ", "not-an-address"));
	assert_non_null(find_in(l.eb.errors, l.eb.nerrors, "parents.csv: ",
	    "1 of 1 rows have no usable e-mail address"));
	load_done(&l);
}

static void
expired_exemption_is_a_warning_and_the_config_loads(void **state)
{
	char *dir = tu_tempdir(), *path, *where;
	struct errbuf eb;
	struct conf *cf;
	size_t n;

	(void)state;
	path = tu_school(dir, NULL);
	where = xasprintf("%s/parents.csv", dir);
	assert_int_equal(chmod(where, 0640), 0);
	free(where);
	errbuf_init(&eb);
	cf = conf_load(path, test_registry(), &eb);
	if (cf == NULL)
		errbuf_print(&eb, stderr);
	assert_non_null(cf);
	assert_int_equal(eb.nerrors, 0);
	/* one warning about exemptions; the test school has no
	 * safeguarding term lists, which is a warning of its own */
	n = 0;
	for (size_t i = 0; i < eb.nwarnings; i++)
		n += strstr(eb.warnings[i], "exemptions.csv") != NULL;
	assert_int_equal(n, 1);
	assert_int_equal(eb.nwarnings, 2);
	where = xasprintf("%s/exemptions.csv:3: ", dir);
	assert_non_null(find_in(eb.warnings, eb.nwarnings, where,
	    "old@testwood.example"));
	assert_non_null(find_in(eb.warnings, eb.nwarnings, where,
	    "expired on 2020-07-19"));
	free(where);
	errbuf_clear(&eb);
	conf_release(cf);
	free(path);
	tu_rmdir(dir);
}

/* load_school_with_parents - tu_school with another parents.csv */
static void
load_school_with_parents(struct load *l, const char *csv)
{
	l->dir = tu_tempdir();
	l->path = tu_school(l->dir, NULL);
	free(tu_write(l->dir, "parents.csv", csv));
	errbuf_init(&l->eb);
	l->cf = conf_load(l->path, test_registry(), &l->eb);
}

static void
broken_row_in_parents_csv_names_the_csv_file_and_line(void **state)
{
	struct load l;
	char *csv;

	(void)state;
	load_school_with_parents(&l, "Pupil,Email\n"
	    "Ann,mum.ann@gmail.com\n"
	    "Ben,ben.dad@btinternet.com,spare cell\n"
	    "Cat,cats.carer.homemail.example\n"
	    "Dan,dan.mum@yahoo.co.uk\n"
	    "Eve,eve.dad@outlook.com\n");
	/* Two junk rows of five: warnings, and the school still loads. */
	assert_non_null(l.cf);
	csv = xasprintf("%s/parents.csv", l.dir);
	assert_warning_at(&l, csv, 3, "row has 3 cells but the header has 2");
	assert_warning_at(&l, csv, 4, "\"cats.carer.homemail.example\" is "
	    "not an e-mail address (no @); skipped");
	assert_true(directory_is_parent(l.cf->directory, "eve.dad@outlook.com"));
	free(csv);
	load_done(&l);
}

static void
line_without_equals_sign_is_a_syntax_error_at_its_line(void **state)
{
	struct load l;

	(void)state;
	load_base(&l, "[bulk-bcc]\nthreshold 3\n");
	assert_null(l.cf);
	assert_error_at(&l, l.path, 9, "not a [section] or a key = value line");
	load_done(&l);
}

static void
overlong_line_is_an_error_and_later_lines_keep_their_numbers(void **state)
{
	struct load l;
	GString *extra = g_string_new("[school]\noffice_senders = ");

	(void)state;
	/* Line 9: a list of 300 characters, longer than inih's buffer. */
	while (extra->len < 300)
		g_string_append(extra, "head@testwood.example, ");
	g_string_append(extra, "dsl@testwood.example\n[bulk-bcc]\n"
	    "threshold = many\n");
	load_base(&l, extra->str);
	assert_null(l.cf);
	assert_error_at(&l, l.path, 9, "line is longer than");
	assert_error_at(&l, l.path, 11, "threshold: \"many\"");
	assert_int_equal(l.eb.nerrors, 2);
	g_string_free(extra, TRUE);
	load_done(&l);
}

static void
inline_comments_are_not_part_of_the_value(void **state)
{
	struct load l;

	(void)state;
	load_text(&l, "[school]\n"
	    "domains = testwood.example, pupils.testwood.example ; both\n"
	    "office = office@testwood.example   ; the office account\n"
	    "[milter]\nmode = monitor ; for the first week\n"
	    "[test-verdict]\naction = off\n[test-second]\naction = off\n");
	if (l.cf == NULL)
		errbuf_print(&l.eb, stderr);
	assert_non_null(l.cf);
	assert_int_equal(l.cf->school.domains.count, 2);
	assert_string_equal(l.cf->school.domains.items[1],
	    "pupils.testwood.example");
	assert_string_equal(school_office_address(&l.cf->view),
	    "office@testwood.example");
	assert_int_equal(l.cf->milter.mode, MODE_MONITOR);
	load_done(&l);
}

static void
policy_mode_overrides_milter_mode_both_ways(void **state)
{
	struct load l;

	(void)state;
	load_base(&l, "[milter]\nmode = monitor\n[bulk-bcc]\nmode = enforce\n");
	assert_non_null(l.cf);
	assert_int_equal(conf_policy_mode(l.cf, conf_slot(l.cf, "bulk-bcc")),
	    MODE_ENFORCE);
	assert_int_equal(conf_policy_mode(l.cf,
	    conf_slot(l.cf, "parent-contact")), MODE_MONITOR);
	load_done(&l);
	load_base(&l, "[parent-contact]\nmode = monitor\n");
	assert_non_null(l.cf);
	assert_int_equal(conf_policy_mode(l.cf,
	    conf_slot(l.cf, "parent-contact")), MODE_MONITOR);
	assert_int_equal(conf_policy_mode(l.cf, conf_slot(l.cf, "bulk-bcc")),
	    MODE_ENFORCE);
	load_done(&l);
}

/* load_with_template - BASE_INI with a templates folder holding one text */
static void
load_with_template(struct load *l, const char *name, const char *text)
{
	char *tpl;

	l->dir = tu_tempdir();
	tpl = xasprintf("%s/tpl", l->dir);
	assert_int_equal(mkdir(tpl, 0700), 0);
	free(tu_write(tpl, name, text));
	free(tpl);
	l->path = tu_write(l->dir, "aup.conf", BASE_INI
	    "[milter]\ntemplates = tpl\n");
	errbuf_init(&l->eb);
	l->cf = conf_load(l->path, test_registry(), &l->eb);
}

static void
template_with_unknown_variable_is_an_error_at_its_line(void **state)
{
	struct load l;
	char *file;

	(void)state;
	load_with_template(&l, "parent-contact.txt", "# our text\n"
	    "Not sent.\nYou wrote to {parnets}; ask {office}.\n");
	assert_null(l.cf);
	file = xasprintf("%s/tpl/parent-contact.txt", l.dir);
	assert_error_at(&l, file, 3, "{parnets} is not a variable");
	assert_int_equal(l.eb.nerrors, 1);
	free(file);
	load_done(&l);
}

static void
template_with_unclosed_brace_is_an_error_at_its_line(void **state)
{
	struct load l;
	char *file;

	(void)state;
	load_with_template(&l, "bulk-bcc.txt", "Not sent.\n"
	    "Put {count parents in Bcc.\nRef: {ref}\n");
	assert_null(l.cf);
	file = xasprintf("%s/tpl/bulk-bcc.txt", l.dir);
	assert_error_at(&l, file, 2, "'{' is never closed");
	free(file);
	load_done(&l);
}

/* The [school] lines of a file whose list values are under test. */
#define SCHOOL_TAIL \
	"office = office@testwood.example\n" \
	"[test-verdict]\naction = off\n[test-second]\naction = off\n"

static void
semicolon_separated_domains_are_an_error_at_their_line(void **state)
{
	struct load l;

	(void)state;
	load_text(&l, "[school]\n"
	    "domains = testwood.example; pupils.testwood.example\n"
	    SCHOOL_TAIL);
	assert_null(l.cf);
	assert_error_at(&l, l.path, 2, "domains: \"testwood.example; "
	    "pupils.testwood.example\" has a ';' in it: separate list items "
	    "with ','");
	load_done(&l);
}

static void
spaced_semicolon_that_hides_a_domain_as_a_comment_is_an_error(void **state)
{
	struct load l;

	(void)state;
	/* inih reads " ; pupils..." as a comment: one domain would load. */
	load_text(&l, "[school]\n"
	    "domains = testwood.example ; pupils.testwood.example\n"
	    SCHOOL_TAIL);
	assert_null(l.cf);
	assert_error_at(&l, l.path, 2, "domains: \"pupils.testwood.example\" "
	    "comes after \" ;\", which starts a comment, so it was not read");
	load_done(&l);
	/* A real comment after a list is fine. */
	load_text(&l, "[school]\n"
	    "domains = testwood.example  ; and the pupils' one later\n"
	    SCHOOL_TAIL);
	assert_non_null(l.cf);
	assert_int_equal(l.cf->school.domains.count, 1);
	load_done(&l);
}

static void
every_list_item_is_checked_against_its_kind(void **state)
{
	struct load l;

	(void)state;
	load_text(&l, "[school]\n"				/* 1 */
	    "domains = testwood.example, testwood\n"		/* 2 */
	    "office = office@testwood\n"			/* 3 */
	    "office_senders = head@testwood.example head2@testwood.example\n"
	    "pupils = *@pupils.testwood.example, *\n"		/* 5 */
	    "dsl = dsl at testwood.example\n"			/* 6 */
	    "policy_url = testwood.example/aup\n"		/* 7 */
	    "[milter]\n"					/* 8 */
	    "trusted_networks = 127.0.0.0/8, 10.9.0.0/33, 10.9.0\n" /* 9 */
	    "[directory]\n"					/* 10 */
	    "personal_domains = gmail.com, @hotmail.co.uk\n"	/* 11 */
	    "[test-verdict]\naction = off\n[test-second]\naction = off\n");
	assert_null(l.cf);
	assert_error_at(&l, l.path, 2, "domains: \"testwood\" has no dot");
	assert_error_at(&l, l.path, 3, "office: \"office@testwood\" has no "
	    "dot in its domain");
	assert_error_at(&l, l.path, 4, "office_senders: \"head@testwood.example "
	    "head2@testwood.example\" has a space");
	/* Set but refused: not also reported as missing. */
	assert_null(find_in(l.eb.errors, l.eb.nerrors, "is required", NULL));
	assert_error_at(&l, l.path, 5, "pupils: \"*\" would match everyone");
	assert_error_at(&l, l.path, 6, "dsl: \"dsl at testwood.example\" has "
	    "a space in it");
	assert_error_at(&l, l.path, 7, "policy_url: \"testwood.example/aup\" "
	    "is not a web address");
	assert_error_at(&l, l.path, 9, "trusted_networks: \"10.9.0.0/33\" has "
	    "a prefix length");
	assert_error_at(&l, l.path, 9, "trusted_networks: \"10.9.0\" is not an "
	    "IPv4 or IPv6 address or network");
	assert_error_at(&l, l.path, 11, "personal_domains: \"@hotmail.co.uk\" "
	    "is an address, not a domain");
	load_done(&l);
}

static void
list_continued_on_an_indented_line_is_checked_there(void **state)
{
	struct load l;

	(void)state;
	load_text(&l, "[school]\n"
	    "domains = testwood.example,\n"
	    "  pupils.testwood.example,\n"
	    "  staff.testwood.example; other.example\n"
	    SCHOOL_TAIL);
	assert_null(l.cf);
	assert_error_at(&l, l.path, 4, "domains: \"staff.testwood.example; "
	    "other.example\" has a ';' in it");
	load_done(&l);
	load_text(&l, "[school]\n"
	    "domains = testwood.example,\n"
	    "  pupils.testwood.example\n"
	    "office = Office@Testwood.Example\n"
	    "[test-verdict]\naction = off\n[test-second]\naction = off\n");
	assert_non_null(l.cf);
	assert_int_equal(l.cf->school.domains.count, 2);
	/* Addresses are kept normalised. */
	assert_string_equal(l.cf->school.office.items[0],
	    "office@testwood.example");
	load_done(&l);
}

static void
column_names_for_the_parents_file_come_from_directory(void **state)
{
	struct load l;
	char *csv, *ini;

	(void)state;
	l.dir = tu_tempdir();
	free(tu_write(l.dir, "parents.csv", "Contact Name,Priority 1 Contact "
	    "Email\nMrs Ahmed,sara.ahmed@gmail.com\n"));
	ini = xasprintf("%s[directory]\nparents = parents.csv\n", BASE_INI);
	load_in(&l, ini);
	assert_null(l.cf);
	csv = xasprintf("%s/parents.csv", l.dir);
	assert_error_at(&l, csv, 1, "no e-mail column: the header has none of "
	    "the names in [directory] parent_email_columns (email, e-mail,");
	conf_release(l.cf);
	errbuf_clear(&l.eb);
	free(l.path);
	free(ini);
	ini = xasprintf("%s[directory]\nparents = parents.csv\n"
	    "parent_email_columns = Contact Email Address, E-mail, "
	    "Priority 1 Contact Email\n", BASE_INI);
	load_in(&l, ini);
	assert_non_null(l.cf);
	assert_true(directory_is_parent(l.cf->directory,
	    "sara.ahmed@gmail.com"));
	free(ini);
	free(csv);
	load_done(&l);
}

static void
world_readable_parents_file_is_a_warning(void **state)
{
	char *dir = tu_tempdir(), *path, *csv;
	struct errbuf eb;
	struct conf *cf;

	(void)state;
	path = tu_school(dir, NULL);
	csv = xasprintf("%s/parents.csv", dir);
	assert_int_equal(chmod(csv, 0644), 0);
	errbuf_init(&eb);
	cf = conf_load(path, test_registry(), &eb);
	assert_non_null(cf);
	assert_non_null(find_in(eb.warnings, eb.nwarnings, csv, "every user "
	    "of this server can read the parents' addresses (mode 0644): "
	    "chmod o-r"));
	conf_release(cf);
	errbuf_clear(&eb);
	assert_int_equal(chmod(csv, 0640), 0);
	errbuf_init(&eb);
	cf = conf_load(path, test_registry(), &eb);
	assert_null(find_in(eb.warnings, eb.nwarnings, "every user", NULL));
	conf_release(cf);
	errbuf_clear(&eb);
	free(csv);
	free(path);
	tu_rmdir(dir);
}

/*
 * A policy that does not say whether it reads text would have its
 * attachments judged without their text: the registry is refused at
 * load time, naming the policy; every shipped policy declares it.
 */
static void
policy_without_reads_text_is_refused_at_load(void **state)
{
	struct policy forgetful = policy_test_verdict;
	const struct policy *registry[] = { &forgetful, &policy_test_second,
	    NULL };
	struct load l = { 0 };

	(void)state;
	forgetful.reads_text = NULL;
	l.dir = tu_tempdir();
	l.path = tu_write(l.dir, "aup.conf", BASE_INI);
	errbuf_init(&l.eb);
	l.cf = conf_load(l.path, registry, &l.eb);
	assert_null(l.cf);
	assert_non_null(find_in(l.eb.errors, l.eb.nerrors,
	    "policy test-verdict does not declare whether it reads text",
	    NULL));
	assert_null(find_in(l.eb.errors, l.eb.nerrors, "test-second", NULL));
	load_done(&l);
	for (size_t i = 0; policy_registry[i] != NULL; i++)
		assert_non_null(policy_registry[i]->reads_text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    typo_in_key_names_file_line_and_lists_the_known_keys),
		cmocka_unit_test(unknown_section_names_file_line_once),
		cmocka_unit_test(bad_notify_relay_and_from_name_their_lines),
		cmocka_unit_test(key_set_twice_names_both_lines),
		cmocka_unit_test(
		    threshold_that_is_not_a_number_names_file_line),
		cmocka_unit_test(unknown_mode_names_file_line),
		cmocka_unit_test(
		    action_a_policy_does_not_offer_names_file_line_and_the_choices),
		cmocka_unit_test(missing_school_domains_and_office_are_errors),
		cmocka_unit_test(
		    relative_data_paths_are_resolved_against_the_config_folder),
		cmocka_unit_test(several_errors_are_all_reported_at_once),
		cmocka_unit_test(
		    expired_exemption_is_a_warning_and_the_config_loads),
		cmocka_unit_test(
		    broken_row_in_parents_csv_names_the_csv_file_and_line),
		cmocka_unit_test(
		    line_without_equals_sign_is_a_syntax_error_at_its_line),
		cmocka_unit_test(
		    overlong_line_is_an_error_and_later_lines_keep_their_numbers),
		cmocka_unit_test(inline_comments_are_not_part_of_the_value),
		cmocka_unit_test(policy_mode_overrides_milter_mode_both_ways),
		cmocka_unit_test(
		    template_with_unknown_variable_is_an_error_at_its_line),
		cmocka_unit_test(
		    template_with_unclosed_brace_is_an_error_at_its_line),
		cmocka_unit_test(
		    semicolon_separated_domains_are_an_error_at_their_line),
		cmocka_unit_test(
		    spaced_semicolon_that_hides_a_domain_as_a_comment_is_an_error),
		cmocka_unit_test(every_list_item_is_checked_against_its_kind),
		cmocka_unit_test(
		    list_continued_on_an_indented_line_is_checked_there),
		cmocka_unit_test(
		    column_names_for_the_parents_file_come_from_directory),
		cmocka_unit_test(world_readable_parents_file_is_a_warning),
		cmocka_unit_test(policy_without_reads_text_is_refused_at_load),
	};

	g_mime_init();
	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
