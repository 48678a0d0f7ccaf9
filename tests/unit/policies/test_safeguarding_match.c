/*
 * test_safeguarding_match - the safeguarding normaliser, phrase automaton
 * and term-list reader
 *
 * What a pupil types to dodge a filter still matches (case, accents,
 * Cyrillic and Greek look-alikes, fullwidth letters, digits and symbols
 * for letters, stretched letters, spaced and dotted letters, zero-width
 * characters, chat spellings); whole words only (Scunthorpe, Penistone,
 * Essex, Sussex, cocktail, therapist, assessment); a trailing '*' takes
 * word endings; phrases run across line breaks; never-count phrases mask
 * what is inside them; each phrase is found once per message with about
 * 120 characters of context; numbers stay numbers; a broken list line is
 * reported as file:line.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "policies/safeguarding/term_list.h"
#include "policies/safeguarding/term_match.h"
#include "policies/safeguarding/term_norm.h"
#include "util/errbuf.h"
#include "util/xalloc.h"

/* collect - the normalised words, space-separated */
static void
collect(void *arg, const char *word, size_t len, size_t start, size_t end)
{
	char **out = arg;
	char *prev = *out;

	(void)start;
	(void)end;
	*out = xasprintf("%s%s%.*s", prev ? prev : "", prev ? " " : "",
	    (int)len, word);
	free(prev);
}

/* norm - the normalised words of a text (new string, "" when none) */
static char *
norm(const char *text)
{
	char *out = NULL;

	term_norm_text(text, strlen(text), collect, &out);
	return out != NULL ? out : xstrdup("");
}

#define assert_norm(text, want) do { \
	char *got_ = norm(text); \
	if (strcmp(got_, want) != 0) \
		fail_msg("normalised \"%s\" to \"%s\", expected \"%s\"", \
		    text, got_, want); \
	free(got_); \
} while (0)

/* Case, accents, look-alikes, symbols and stretching all fold away. */
static void
test_normalise(void **state)
{
	(void)state;
	assert_norm("KILL Yourself", "kill yourself");
	assert_norm("k\xc3\xafll", "kill");			/* kïll */
	assert_norm("\xd1\x96" "di" "\xd0\xbe" "t", "idiot");		/* Cyrillic і, о */
	assert_norm("\xce\xbf\xce\xba", "ok");			/* Greek ο κ */
	assert_norm("\xef\xbd\x8b\xef\xbd\x99\xef\xbd\x93", "kys"); /* fullwidth */
	assert_norm("stra\xc3\x9f" "e", "strasse");
	assert_norm("k1ll y0urs3lf", "kill yourself");
	assert_norm("5t4b h1m w1th 7h3 kn1f3", "stab him with the knife");
	assert_norm("k1ll y0ur53lf", "kill yourself");
	assert_norm("l8r 2day", "l8r 2day");		/* 2, 6, 8, 9 stay */
	assert_norm("@ss h4t3", "ass hate");
	assert_norm("$lut", "slut");
	assert_norm("k!ll", "kill");
	assert_norm("stop!", "stop");
	assert_norm("fuuuuuck", "fuck");
	assert_norm("killlll", "kil");
	assert_norm("k y s", "kys");
	assert_norm("k.i.l.l yourself", "kill yourself");
	assert_norm("k - y - s", "kys");
	assert_norm("k\xe2\x80\x8by\xe2\x80\x8bs", "kys");	/* zero-width */
	assert_norm("don't tell", "dont tell");
	assert_norm("don\xe2\x80\x99t", "dont");
	assert_norm("self-harm", "self harm");
	assert_norm("u r a loser", "you are a loser");
	assert_norm("ur dead", "your dead");
	assert_norm("you're dead", "your dead");
	assert_norm("I'm fine", "i am fine");
	assert_norm("Year 6, 2026, 1488", "year 6 2026 1488");
	assert_norm("a b", "a b");
	assert_norm("\xe4\xbd\xa0\xe5\xa5\xbd", "##");		/* CJK */
	assert_norm("\xff\xfe bad", "bad");			/* bad UTF-8 */
}

/* set - a compiled set from list text; fails the test on a list error */
static struct term_set *
set(const char *list)
{
	struct term_set *ts = term_set_new();
	struct errbuf eb;

	errbuf_init(&eb);
	if (term_list_parse(ts, 0, list, "test.txt", &eb) < 0)
		fail_msg("list error: %s", errbuf_first(&eb));
	errbuf_clear(&eb);
	term_set_compile(ts);
	return ts;
}

/* found - the phrases found in text, as "phrase|phrase" in order */
static char *
found(const struct term_set *ts, const char *text)
{
	struct term_hits *h = term_hits_new(ts);
	GString *s = g_string_new(NULL);

	term_hits_scan(h, text, strlen(text));
	for (size_t i = 0; i < term_hits_count(h); i++)
		g_string_append_printf(s, "%s%s", i ? "|" : "",
		    term_set_phrase(ts, term_hits_get(h, i)->phrase)->text);
	term_hits_free(h);
	return g_string_free(s, FALSE);
}

#define assert_found(ts, text, want) do { \
	char *got_ = found(ts, text); \
	if (strcmp(got_, want) != 0) \
		fail_msg("in \"%s\" found \"%s\", expected \"%s\"", text, \
		    got_, want); \
	free(got_); \
} while (0)

/* Whole words only: the place names and ordinary words never match. */
static void
test_whole_words(void **state)
{
	struct term_set *ts = set("5 sex\n5 cunt\n5 penis\n5 cock\n5 rapist\n"
	    "5 ass\n5 tit\n");

	(void)state;
	assert_found(ts, "Scunthorpe United won", "");
	assert_found(ts, "the Penistone line", "");
	assert_found(ts, "Essex, Sussex, Middlesex and Wessex", "");
	assert_found(ts, "a fruit cocktail", "");
	assert_found(ts, "the therapist and the assessment", "");
	assert_found(ts, "a titanic class", "");
	assert_found(ts, "sex", "sex");
	assert_found(ts, "S E X", "sex");
	term_set_free(ts);
}

/* A trailing star takes endings; phrases cross lines and punctuation;
 * stretched and spaced spellings match the list word. */
static void
test_phrases(void **state)
{
	struct term_set *ts = set("# comment\n\n6 fuck*\n10 kill yourself\n"
	    "8 nobody likes you\n12 kys\n4 kill\n");

	(void)state;
	assert_found(ts, "FUCKING hell", "fuck*");
	assert_found(ts, "fuuuuck", "fuck*");
	assert_found(ts, "go and kill\n  yourself.", "kill|kill yourself");
	assert_found(ts, "nobody,\r\nlikes you!", "nobody likes you");
	assert_found(ts, "k y s", "kys");
	assert_found(ts, "kiiilllll yourself", "kill|kill yourself");
	assert_found(ts, "skill yourselves", "");
	term_set_free(ts);
}

/* A never-count phrase masks what is inside it, and nothing else. */
static void
test_never_count(void **state)
{
	struct term_set *ts = set("3 sex\n6 kill\n! relationships and sex "
	    "education\n! kill the lights\n");

	(void)state;
	assert_found(ts, "Relationships and Sex Education starts", "");
	assert_found(ts, "Kill the lights!", "");
	assert_found(ts, "Kill the lights! then kill him", "kill");
	assert_found(ts, "relationships and sex education; sex", "sex");
	term_set_free(ts);
}

/* A phrase is found wherever its first word stands: after words no
 * phrase uses (names and numbers of a pupil list), after a word of
 * another phrase, at the start of a text; a never-count phrase still
 * masks a name in a list of names. */
static void
test_after_other_words(void **state)
{
	struct term_set *ts = set("10 white power\n4 power\n8 go die\n"
	    "5 dick\n! dick king smith\n6 add me on snap\n");

	(void)state;
	assert_found(ts, "A1234,Smith,King,White,2014,power", "power");
	assert_found(ts, "Ella White, 2014-05-14, white power", "white power|power");
	assert_found(ts, "white white power", "white power|power");
	assert_found(ts, "go die", "go die");
	assert_found(ts, "Year 6, Smith: go, go die", "go die");
	assert_found(ts, "King, Smith, Dick King-Smith, White", "");
	assert_found(ts, "Smith, King, Dick", "dick");
	assert_found(ts, "me on snap, add me on snap", "add me on snap");
	term_set_free(ts);
}

/* Each phrase is found once however often it occurs, across texts of
 * one message; the context is about 120 characters of one line. */
static void
test_once_with_context(void **state)
{
	struct term_set *ts = set("4 knife\n");
	struct term_hits *h = term_hits_new(ts);
	char *big = NULL;
	const char *ctx;
	GString *s = g_string_new(NULL);

	(void)state;
	for (int i = 0; i < 200; i++)
		g_string_append(s, "a long line of nothing\n");
	g_string_append(s, "he has a knife\tin his bag\n");
	for (int i = 0; i < 200; i++)
		g_string_append(s, "more lines after it and knife again ");
	big = g_string_free(s, FALSE);
	term_hits_scan(h, big, strlen(big));
	term_hits_scan(h, "knife", 5);
	assert_int_equal(term_hits_count(h), 1);
	ctx = term_hits_get(h, 0)->context;
	assert_non_null(strstr(ctx, "he has a knife in his bag"));
	assert_true(strlen(ctx) <= TERM_CONTEXT + 8);
	assert_true(strlen(ctx) >= 100);
	assert_null(strchr(ctx, '\n'));
	assert_null(strchr(ctx, '\t'));
	term_hits_free(h);
	term_set_free(ts);
	free(big);
}

/* error_of - the first error of a list text, or NULL */
static char *
error_of(const char *list)
{
	struct term_set *ts = term_set_new();
	struct errbuf eb;
	char *e = NULL;

	errbuf_init(&eb);
	if (term_list_parse(ts, 0, list, "bullying.txt", &eb) < 0)
		e = xstrdup(errbuf_first(&eb));
	errbuf_clear(&eb);
	term_set_free(ts);
	return e;
}

#define assert_list_error(list, want) do { \
	char *e_ = error_of(list); \
	assert_non_null(e_); \
	if (strstr(e_, want) == NULL) \
		fail_msg("error \"%s\" lacks \"%s\"", e_, want); \
	free(e_); \
} while (0)

/* A broken line is an error naming the file and the line. */
static void
test_list_errors(void **state)
{
	char *ok;

	(void)state;
	assert_list_error("5 fine\nloser\n", "bullying.txt:2: expected");
	assert_list_error("0 nothing\n", "bullying.txt:1: weight must be 1 to");
	assert_list_error("\n\n101 too much\n", "bullying.txt:3: weight");
	assert_list_error("5\n", "bullying.txt:1: expected");
	assert_list_error("5 fu*ck\n", "bullying.txt:1: '*' may only end");
	assert_list_error("5 ...\n", "bullying.txt:1: the phrase has no");
	assert_list_error("!\n", "bullying.txt:1: the phrase is missing");
	assert_list_error("5 one two three four five six seven eight nine "
	    "ten eleven twelve thirteen\n",
	    "bullying.txt:1: a phrase has at most 12 words");
	assert_list_error("5 \xe4\xbd\xa0\xe5\xa5\xbd\n", "bullying.txt:1: "
	    "letters outside");
	ok = error_of("\xef\xbb\xbf# bom\r\n5 fine\r\n! not this\r\n");
	assert_null(ok);
}

/* A missing list file is an error naming it. */
static void
test_missing_file(void **state)
{
	struct term_set *ts = term_set_new();
	struct errbuf eb;

	(void)state;
	errbuf_init(&eb);
	assert_int_equal(term_list_load(ts, 0, "/nonexistent/drugs.txt", &eb),
	    -1);
	assert_non_null(strstr(errbuf_first(&eb), "/nonexistent/drugs.txt"));
	errbuf_clear(&eb);
	term_set_free(ts);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalise),
		cmocka_unit_test(test_whole_words),
		cmocka_unit_test(test_phrases),
		cmocka_unit_test(test_never_count),
		cmocka_unit_test(test_after_other_words),
		cmocka_unit_test(test_once_with_context),
		cmocka_unit_test(test_list_errors),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
