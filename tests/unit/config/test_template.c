/*
 * test_template - the reply texts a refused sender reads
 *
 * Rendering substitutes {variables}, drops '#' comment lines, wraps at
 * 76 columns at word boundaries, transliterates UTF-8 to ASCII, keeps '%'
 * (escaping is the milter's job) and stops at 30 lines with a last line
 * saying so.  The built-in texts exist without any folder, and a school
 * folder replaces only the texts it has.  Syntax mistakes name the
 * template's file:line.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>
#include <gmime/gmime.h>

#include "config/template.h"
#include "testutil.h"
#include "util/xalloc.h"

struct folder {
	char	*dir;
	struct template_set *ts;
	struct errbuf eb;
};

/* folder_with - a templates folder holding NAME.txt = text */
static void
folder_with(struct folder *f, const char *name, const char *text)
{
	char *file = xasprintf("%s.txt", name);

	f->dir = tu_tempdir();
	free(tu_write(f->dir, file, text));
	free(file);
	errbuf_init(&f->eb);
	f->ts = template_set_load(f->dir, &f->eb);
}

/* folder_done - free it all */
static void
folder_done(struct folder *f)
{
	template_set_free(f->ts);
	errbuf_clear(&f->eb);
	tu_rmdir(f->dir);
}

/* count_lines - entries of a rendered array */
static size_t
count_lines(char **lines)
{
	size_t n = 0;

	while (lines[n] != NULL)
		n++;
	return n;
}

static void
variables_are_substituted_and_missing_ones_are_empty(void **state)
{
	static const struct template_var vars[] = {
		{ "parents", "ann@gmail.com and ben@outlook.com" },
		{ "office", "office@testwood.example" },
	};
	struct folder f;
	char **lines;

	(void)state;
	folder_with(&f, "note", "To {parents}: ask {office}.{missing}\n");
	assert_int_equal(f.eb.nerrors, 0);
	lines = template_render(f.ts, "note", vars, 2);
	assert_string_equal(lines[0], "To ann@gmail.com and ben@outlook.com: "
	    "ask office@testwood.example.");
	assert_null(lines[1]);
	template_lines_free(lines);
	folder_done(&f);
}

static void
article_follows_the_word_after_it(void **state)
{
	static const struct template_var oak[] = {
		{ "school", "Oakfield Primary School" } };
	static const struct template_var test[] = {
		{ "school", "Testwood Primary" } };
	static const struct template_var uni[] = {
		{ "school", "University Technical College" } };
	struct folder f;
	char **lines;

	(void)state;
	folder_with(&f, "note", "Use a {school} address; via{school}.\n");
	lines = template_render(f.ts, "note", oak, 1);
	assert_string_equal(lines[0], "Use an Oakfield Primary School address; "
	    "viaOakfield Primary School.");
	template_lines_free(lines);
	lines = template_render(f.ts, "note", test, 1);
	assert_string_equal(lines[0], "Use a Testwood Primary address; "
	    "viaTestwood Primary.");
	template_lines_free(lines);
	lines = template_render(f.ts, "note", uni, 1);
	assert_string_equal(lines[0], "Use a University Technical College "
	    "address; viaUniversity Technical College.");
	template_lines_free(lines);
	folder_done(&f);
}

static void
comment_lines_are_dropped_and_blank_lines_kept(void **state)
{
	struct folder f;
	char **lines;

	(void)state;
	folder_with(&f, "note", "# for the office: {not a variable}\n"
	    "First.\n\n# another\nSecond.\n\n\n");
	assert_int_equal(f.eb.nerrors, 0);
	lines = template_render(f.ts, "note", NULL, 0);
	assert_int_equal(count_lines(lines), 3);
	assert_string_equal(lines[0], "First.");
	assert_string_equal(lines[1], " ");
	assert_string_equal(lines[2], "Second.");
	template_lines_free(lines);
	folder_done(&f);
}

static void
long_line_wraps_at_76_columns_between_words(void **state)
{
	GString *text = g_string_new(NULL);
	char **lines;

	(void)state;
	/* word01 .. word30: eleven words make exactly 76 columns */
	for (int i = 1; i <= 30; i++)
		g_string_append_printf(text, "%sword%02d", i > 1 ? " " : "", i);
	lines = template_wrap_text(text->str);
	assert_int_equal(strlen(lines[0]), 76);
	assert_int_equal(strncmp(lines[0], "word01 ", 7), 0);
	assert_string_equal(lines[0] + 70, "word11");
	assert_int_equal(strncmp(lines[1], "word12 ", 7), 0);
	for (size_t i = 0; lines[i] != NULL; i++) {
		assert_true(strlen(lines[i]) <= TEMPLATE_WRAP);
		assert_true(lines[i][0] != ' ');
	}
	assert_string_equal(lines[2] + strlen(lines[2]) - 6, "word30");
	template_lines_free(lines);
	g_string_free(text, TRUE);
}

static void
word_longer_than_a_line_is_cut(void **state)
{
	char long_word[201];
	char **lines;

	(void)state;
	memset(long_word, 'x', 200);
	long_word[200] = '\0';
	lines = template_wrap_text(long_word);
	assert_int_equal(count_lines(lines), 3);
	assert_int_equal(strlen(lines[0]), 76);
	assert_int_equal(strlen(lines[2]), 200 - 2 * 76);
	template_lines_free(lines);
}

static void
utf8_templates_reach_the_reply_as_plain_ascii(void **state)
{
	static const struct template_var vars[] = {
		{ "name", "Sin\xc3\xa9" "ad \xc3\x93 Bri\xc3\xa1in" },
	};
	struct folder f;
	char **lines;
	char *text;

	(void)state;
	/* Curly quotes, an en and an em dash, an ellipsis, a pound sign,
	 * accented names, an emoji: what Word puts in a school's text. */
	folder_with(&f, "note",
	    "\xe2\x80\x98" "Caf\xc3\xa9\xe2\x80\x99 for {name}\tnow "
	    "\xe2\x80\x94 \xe2\x80\x9cok\xe2\x80\x9d \xe2\x80\x93 "
	    "\xc2\xa3" "5\xe2\x80\xa6 \xf0\x9f\x98\x80\n");
	assert_int_equal(f.eb.nerrors, 0);
	lines = template_render(f.ts, "note", vars, 1);
	assert_string_equal(lines[0], "'Cafe' for Sinead O Briain now -- "
	    "\"ok\" - GBP5... ?");
	template_lines_free(lines);
	/* Notices keep the UTF-8 (they are MIME). */
	text = template_render_text(f.ts, "note", vars, 1);
	assert_non_null(strstr(text, "Sin\xc3\xa9" "ad"));
	assert_non_null(strstr(text, "\xe2\x80\x94"));
	free(text);
	folder_done(&f);
}

static void
template_that_is_not_utf8_is_an_error_at_its_line(void **state)
{
	struct folder f;

	(void)state;
	/* Line 2 saved as Windows-1252 ("Caf\xe9"); a BOM on line 1. */
	folder_with(&f, "note", "\xef\xbb\xbfHello {ref}\nCaf\xe9 closed\n");
	assert_int_equal(f.eb.nerrors, 1);
	assert_non_null(strstr(f.eb.errors[0], "note.txt:2: template: the "
	    "line is not UTF-8 text (save the file as UTF-8)"));
	folder_done(&f);
}

static void
percent_signs_are_kept_for_the_milter_to_escape(void **state)
{
	static const struct template_var vars[] = { { "word", "50%s" } };
	struct folder f;
	char **lines;

	(void)state;
	folder_with(&f, "note", "100% of {word} %d\n");
	lines = template_render(f.ts, "note", vars, 1);
	assert_string_equal(lines[0], "100% of 50%s %d");
	template_lines_free(lines);
	folder_done(&f);
}

static void
reply_is_cut_at_30_lines_and_says_so(void **state)
{
	GString *text = g_string_new(NULL);
	struct folder f;
	char **lines;

	(void)state;
	for (int i = 1; i <= 45; i++)
		g_string_append_printf(text, "Line %d.\n", i);
	folder_with(&f, "long", text->str);
	lines = template_render(f.ts, "long", NULL, 0);
	assert_int_equal(count_lines(lines), TEMPLATE_MAX_LINES);
	assert_string_equal(lines[28], "Line 29.");
	assert_non_null(strstr(lines[29], "was cut"));
	template_lines_free(lines);
	folder_done(&f);
	g_string_free(text, TRUE);
}

static void
built_in_texts_exist_without_a_folder(void **state)
{
	static const struct template_var vars[] = {
		{ "parents", "mum.ann@gmail.com" },
		{ "office", "office@testwood.example" },
		{ "count", "3" },
	};
	struct errbuf eb;
	struct template_set *ts;
	char **lines;

	(void)state;
	errbuf_init(&eb);
	ts = template_set_load(NULL, &eb);
	assert_int_equal(eb.nerrors, 0);
	assert_true(template_set_has(ts, "parent-contact"));
	assert_true(template_set_has(ts, "parent-contact-personal"));
	assert_true(template_set_has(ts, "bulk-bcc"));
	assert_false(template_set_has(ts, "no-such-policy"));
	assert_null(template_render(ts, "no-such-policy", vars, 3));
	lines = template_render(ts, "parent-contact", vars, 3);
	assert_string_equal(lines[0], "Not sent: staff may not email parents "
	    "or carers directly.");
	for (size_t i = 0; lines[i] != NULL; i++)
		assert_true(strlen(lines[i]) <= TEMPLATE_WRAP);
	template_lines_free(lines);
	lines = template_render(ts, "bulk-bcc", vars, 3);
	assert_non_null(strstr(lines[0], "3 parents"));
	template_lines_free(lines);
	template_set_free(ts);
}

static void
school_folder_replaces_one_text_and_keeps_the_others(void **state)
{
	static const struct template_var vars[] = {
		{ "office", "office@testwood.example" }, { "count", "4" },
	};
	struct folder f;
	char **lines;

	(void)state;
	folder_with(&f, "parent-contact", "Please send it to {office}.\n");
	assert_int_equal(f.eb.nerrors, 0);
	lines = template_render(f.ts, "parent-contact", vars, 2);
	assert_string_equal(lines[0], "Please send it to "
	    "office@testwood.example.");
	assert_null(lines[1]);
	template_lines_free(lines);
	lines = template_render(f.ts, "bulk-bcc", vars, 2);
	assert_non_null(strstr(lines[0], "4 parents"));
	template_lines_free(lines);
	assert_true(template_set_has(f.ts, "parent-contact-personal"));
	folder_done(&f);
}

static void
syntax_mistakes_name_the_template_file_and_line(void **state)
{
	struct folder f;
	char *where;

	(void)state;
	folder_with(&f, "note", "# comment\nFine {office}.\nBad {Office}.\n"
	    "Stray } here.\nOpen {office here.\n");
	assert_int_equal(f.eb.nerrors, 3);
	where = xasprintf("%s/note.txt:3: ", f.dir);
	assert_ptr_equal(strstr(f.eb.errors[0], where), f.eb.errors[0]);
	assert_non_null(strstr(f.eb.errors[0], "{Office}"));
	free(where);
	where = xasprintf("%s/note.txt:4: ", f.dir);
	assert_ptr_equal(strstr(f.eb.errors[1], where), f.eb.errors[1]);
	free(where);
	where = xasprintf("%s/note.txt:5: ", f.dir);
	assert_ptr_equal(strstr(f.eb.errors[2], where), f.eb.errors[2]);
	assert_non_null(strstr(f.eb.errors[2], "never closed"));
	free(where);
	folder_done(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    variables_are_substituted_and_missing_ones_are_empty),
		cmocka_unit_test(article_follows_the_word_after_it),
		cmocka_unit_test(comment_lines_are_dropped_and_blank_lines_kept),
		cmocka_unit_test(long_line_wraps_at_76_columns_between_words),
		cmocka_unit_test(word_longer_than_a_line_is_cut),
		cmocka_unit_test(
		    utf8_templates_reach_the_reply_as_plain_ascii),
		cmocka_unit_test(
		    template_that_is_not_utf8_is_an_error_at_its_line),
		cmocka_unit_test(percent_signs_are_kept_for_the_milter_to_escape),
		cmocka_unit_test(reply_is_cut_at_30_lines_and_says_so),
		cmocka_unit_test(built_in_texts_exist_without_a_folder),
		cmocka_unit_test(
		    school_folder_replaces_one_text_and_keeps_the_others),
		cmocka_unit_test(
		    syntax_mistakes_name_the_template_file_and_line),
	};

	g_mime_init();
	return cmocka_run_group_tests_name("template", tests, NULL, NULL);
}
