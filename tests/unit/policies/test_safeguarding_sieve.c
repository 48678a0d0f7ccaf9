/*
 * test_safeguarding_sieve - the scanner's sieve never changes a hit
 *
 * The scanner reads ASCII words on a fast path and drops the words the
 * sieve rules out before the finisher and the matcher see them
 * (term_norm.h, term_match.c).  Every text here is scanned twice with
 * every shipped list loaded: that way (term_hits_scan), and through the
 * general path a character at a time with every word handed to the
 * matcher (term_hits_scan_every_word); the phrases found, their order
 * and their contexts must be the same.  The texts: the labelled set (each file
 * whole and line by line); every phrase of every shipped list written
 * the ways SPEC 2.6 says pupils dodge filters (upper case, leetspeak,
 * dotted, spaced, stretched, look-alike letters, chat spellings, line
 * breaks, word endings for '*'); seeded random texts built from the
 * lists' words, mangled the same ways; and the messages of ../shared's
 * corpus, corpus2 and realworld when they are checked out beside the
 * tree; a pupil list, long words and random texts at every place in the
 * scanner's blocks of bytes.  The finisher's chat spellings, which the
 * sieve must let through, are checked against term_norm_chat_words.
 *
 * Built twice: as it is, and as test_safeguarding_sieve_portable with
 * the normaliser compiled with TERM_NORM_PORTABLE, the plain C path of
 * machines without SSE2.
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

static const char *const sieve_categories[] = { "bullying", "self-harm",
    "sexual", "grooming", "extremism", "discrimination", "violence",
    "drugs", "profanity", NULL };

struct sieve_run {
	const struct term_set *ts;
	size_t	 texts, hits;	/* compared so far */
};

/* sieve_top - the source tree */
static const char *
sieve_top(void)
{
	const char *top = getenv("top_srcdir");

	return top != NULL ? top : ".";
}

/* sieve_set - every shipped list in one compiled set */
static struct term_set *
sieve_set(void)
{
	struct term_set *ts = term_set_new();
	struct errbuf eb;

	errbuf_init(&eb);
	for (unsigned c = 0; sieve_categories[c] != NULL; c++) {
		char *path = xasprintf("%s/conf/safeguarding/%s.txt",
		    sieve_top(), sieve_categories[c]);

		if (term_list_load(ts, c, path, &eb) < 0)
			fail_msg("%s", errbuf_first(&eb));
		free(path);
	}
	errbuf_clear(&eb);
	term_set_compile(ts);
	return ts;
}

/* sieve_compare - text[0..len) scanned both ways gives the same hits */
static void
sieve_compare(struct sieve_run *r, const char *text, size_t len)
{
	struct term_hits *a = term_hits_new(r->ts), *b = term_hits_new(r->ts);

	term_hits_scan(a, text, len);
	term_hits_scan_every_word(b, text, len);
	if (term_hits_count(a) != term_hits_count(b))
		fail_msg("%zu hits with the sieve, %zu without, in text %zu",
		    term_hits_count(a), term_hits_count(b), r->texts);
	for (size_t i = 0; i < term_hits_count(a); i++) {
		const struct term_hit *x = term_hits_get(a, i),
		    *y = term_hits_get(b, i);

		if (x->phrase != y->phrase || strcmp(x->context, y->context))
			fail_msg("hit %zu of text %zu differs with the sieve",
			    i, r->texts);
	}
	r->texts++;
	r->hits += term_hits_count(a);
	term_hits_free(a);
	term_hits_free(b);
}

/* sieve_compare_lines - the text whole, then each line alone */
static void
sieve_compare_lines(struct sieve_run *r, const char *text, size_t len)
{
	const char *p = text, *e = text + len, *nl;

	sieve_compare(r, text, len);
	for (; p < e; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		sieve_compare(r, p, (size_t)(nl - p));
	}
}

/* sieve_compare_file - a file's text, if it can be read */
static void
sieve_compare_file(struct sieve_run *r, const char *path)
{
	gchar *text;
	gsize len;

	if (!g_file_get_contents(path, &text, &len, NULL))
		return;
	sieve_compare_lines(r, text, len);
	g_free(text);
}

/* sieve_compare_tree - every file under dir, whole and line by line */
static void
sieve_compare_tree(struct sieve_run *r, const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	if (d == NULL)
		return;
	while ((name = g_dir_read_name(d)) != NULL) {
		char *path = g_build_filename(dir, name, NULL);

		if (g_file_test(path, G_FILE_TEST_IS_DIR))
			sieve_compare_tree(r, path);
		else
			sieve_compare_file(r, path);
		g_free(path);
	}
	g_dir_close(d);
}

/* sieve_phrases - the phrases of every shipped list, as written */
static GPtrArray *
sieve_phrases(void)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	for (unsigned c = 0; sieve_categories[c] != NULL; c++) {
		char *path = xasprintf("%s/conf/safeguarding/%s.txt",
		    sieve_top(), sieve_categories[c]);
		gchar *text, **lines;

		if (!g_file_get_contents(path, &text, NULL, NULL))
			fail_msg("cannot read %s", path);
		lines = g_strsplit(text, "\n", -1);
		for (gchar **l = lines; *l != NULL; l++) {
			const char *sp = strchr(*l, ' ');

			if (**l != '#' && sp != NULL)
				g_ptr_array_add(out, g_strstrip(g_strdup(sp)));
		}
		g_strfreev(lines);
		g_free(text);
		free(path);
	}
	return out;
}

/* A way pupils write a phrase: each character of it, in context. */
typedef void (*sieve_mangle_fn)(GString *out, const char *p, size_t i);

/* sieve_upper - upper case */
static void
sieve_upper(GString *out, const char *p, size_t i)
{
	g_string_append_c(out, g_ascii_toupper(p[i]));
}

/* sieve_leet - digits and symbols for letters */
static void
sieve_leet(GString *out, const char *p, size_t i)
{
	static const char from[] = "aeiostl", to[] = "4310$71";
	const char *f = strchr(from, p[i]);

	g_string_append_c(out, f != NULL && p[i] != '\0' ? to[f - from] :
	    p[i] == 'a' ? '@' : p[i]);
}

/* sieve_dotted - "k.i.l.l" */
static void
sieve_dotted(GString *out, const char *p, size_t i)
{
	g_string_append_c(out, p[i]);
	if (p[i] != ' ' && p[i + 1] != ' ' && p[i + 1] != '\0')
		g_string_append_c(out, '.');
}

/* sieve_spaced - "k y s" */
static void
sieve_spaced(GString *out, const char *p, size_t i)
{
	g_string_append_c(out, p[i]);
	if (p[i + 1] != '\0')
		g_string_append(out, p[i] == ' ' ? " - " : " ");
}

/* sieve_stretched - vowels and last letters three times or more */
static void
sieve_stretched(GString *out, const char *p, size_t i)
{
	int n = strchr("aeiou", p[i]) != NULL ? 4 : p[i + 1] == ' ' ||
	    p[i + 1] == '\0' ? 3 : 1;

	while (n-- > 0 && p[i] != '\0')
		g_string_append_c(out, p[i]);
}

/* sieve_lookalike - Cyrillic letters, a zero-width space, a '!' for i */
static void
sieve_lookalike(GString *out, const char *p, size_t i)
{
	switch (p[i]) {
	case 'a': g_string_append(out, "\xd0\xb0"); break;
	case 'e': g_string_append(out, "\xd0\xb5"); break;
	case 'o': g_string_append(out, "\xd0\xbe\xe2\x80\x8b"); break;
	case 'i': g_string_append_c(out, i > 0 && p[i - 1] != ' ' ? '!' : 'i');
		break;
	case 'c': g_string_append(out, "\xd1\x81"); break;
	default: g_string_append_c(out, p[i]);
	}
}

/* sieve_lines - each space a line break */
static void
sieve_lines(GString *out, const char *p, size_t i)
{
	g_string_append(out, p[i] == ' ' ? "\r\n" : (char[]){ p[i], 0 });
}

static const sieve_mangle_fn sieve_mangles[] = { sieve_upper, sieve_leet,
    sieve_dotted, sieve_spaced, sieve_stretched, sieve_lookalike,
    sieve_lines };

/* sieve_chat - "you" as "u", "your" as "ur", "are" as "r", "i am" as
 * "im" (new string) */
static gchar *
sieve_chat(const char *p)
{
	static const char *const from[] = { "your", "you", "are", "i am" },
	    *const to[] = { "ur", "u", "r", "im" };
	gchar *s = g_strdup(p);

	for (size_t k = 0; k < G_N_ELEMENTS(from); k++) {
		gchar **parts = g_strsplit(s, from[k], -1);

		g_free(s);
		s = g_strjoinv(to[k], parts);
		g_strfreev(parts);
	}
	return s;
}

/* sieve_mangle - phrase p written with fn, a word ending when the phrase
 * ends in '*' */
static gchar *
sieve_mangle(const char *p, sieve_mangle_fn fn, const char *ending)
{
	GString *out = g_string_new(NULL);
	size_t len = strlen(p);

	if (len > 0 && p[len - 1] == '*')
		len--;
	for (size_t i = 0; i < len; i++)
		fn(out, p, i);
	g_string_append(out, ending);
	return g_string_free(out, FALSE);
}

/* sieve_compare_phrase - one phrase, every way, alone and in a line */
static void
sieve_compare_phrase(struct sieve_run *r, const char *p)
{
	static const char *const endings[] = { "", "s", "ing" };
	gchar *chat = sieve_chat(p);

	for (size_t m = 0; m < G_N_ELEMENTS(sieve_mangles); m++)
		for (size_t e = 0; e < G_N_ELEMENTS(endings); e++) {
			gchar *v = sieve_mangle(e % 2 ? chat : p,
			    sieve_mangles[m], endings[e]);
			gchar *line = g_strdup_printf("Hi Sam, %s, ok?! "
			    "see you at 3.30 x", v);

			sieve_compare(r, v, strlen(v));
			sieve_compare(r, line, strlen(line));
			g_free(line);
			g_free(v);
		}
	g_free(chat);
}

static const char *const sieve_ordinary[] = { "the", "homework", "class",
    "tomorrow", "Essex", "Scunthorpe", "therapist", "assessment", "Dick",
    "Whittington", "shoot", "netball", "lights", "Macbeth", "xxx", "lol",
    "year", "11", "2024", "A123456789012", "rse", "biology", "4ever",
    "2day", "1488", "88", "b4", "kiiilll", "Q201625023636",
    "supercalifragilisticexpialidociousandthensomemorelettersstill",
    "killkillkillkillkillkillkillkillkillkillkillkillkill", NULL };

/* sieve_token - a word of a random text: a list word, an ordinary
 * word, a single letter or letters and digits, written one of the
 * dodging ways */
static gchar *
sieve_token(GRand *rnd, const GPtrArray *words)
{
	int kind = g_rand_int_range(rnd, 0, 10);
	gchar *w, *v;

	if (kind < 5)
		w = g_strdup(g_ptr_array_index(words, g_rand_int_range(rnd,
		    0, (gint32)words->len)));
	else if (kind < 7)
		w = g_strdup(sieve_ordinary[g_rand_int_range(rnd, 0,
		    G_N_ELEMENTS(sieve_ordinary) - 1)]);
	else if (kind < 8)	/* single letters, which may join: "k y s" */
		w = g_strndup(&"kysuriaxKYS"[g_rand_int_range(rnd, 0, 11)], 1);
	else {
		w = g_strnfill((gsize)g_rand_int_range(rnd, 1, 7), 'a');
		for (char *c = w; *c != '\0'; c++)
			*c = "abcdeiklmnorstuy0134578"[g_rand_int_range(rnd,
			    0, 23)];
	}
	if (g_rand_int_range(rnd, 0, 3) > 0)
		return w;
	v = sieve_mangle(w, sieve_mangles[g_rand_int_range(rnd, 0,
	    G_N_ELEMENTS(sieve_mangles))], "");
	g_free(w);
	return v;
}

/* sieve_random_text - n tokens with separators between them */
static gchar *
sieve_random_text(GRand *rnd, const GPtrArray *words, int n)
{
	static const char *const seps[] = { " ", " ", " ", " ", ", ", ". ",
	    "\n", " - ", "/", "_", "'", "!", "*", "  ", "\t", "@", "$", "-",
	    ".", "... " };
	GString *out = g_string_new(NULL);

	for (int i = 0; i < n; i++) {
		gchar *t = sieve_token(rnd, words);

		g_string_append(out, t);
		g_string_append(out, seps[g_rand_int_range(rnd, 0,
		    G_N_ELEMENTS(seps))]);
		g_free(t);
	}
	return g_string_free(out, FALSE);
}

/* sieve_words - every word of the phrases ('*' dropped) */
static GPtrArray *
sieve_words(const GPtrArray *phrases)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < phrases->len; i++) {
		gchar **w = g_strsplit_set(g_ptr_array_index(phrases, i),
		    " *", -1);

		for (gchar **p = w; *p != NULL; p++)
			if (**p != '\0')
				g_ptr_array_add(out, g_strdup(*p));
		g_strfreev(w);
	}
	return out;
}

/* The labelled set, whole and line by line. */
static void
test_labelled_set(void **state)
{
	struct sieve_run r = { .ts = sieve_set() };

	(void)state;
	for (int i = 0; i < 2; i++) {
		char *path = xasprintf("%s/tests/safeguarding/labelled-%s.txt",
		    sieve_top(), i ? "benign" : "concerning");

		sieve_compare_file(&r, path);
		free(path);
	}
	print_message("labelled set: %zu texts, %zu hits, the same both "
	    "ways\n", r.texts, r.hits);
	assert_true(r.hits >= 60);
	term_set_free((struct term_set *)r.ts);
}

/* The messages of ../shared's corpus, corpus2 and realworld (when it
 * is checked out beside the tree or its worktree folder). */
static void
test_shared_messages(void **state)
{
	static const char *const dirs[] = { "corpus", "corpus2",
	    "realworld" };
	struct sieve_run r = { .ts = sieve_set() };
	const char *env = getenv("AUP_SHARED_DIR");
	char *shared = env != NULL && *env != '\0' ? xstrdup(env) :
	    xasprintf("%s/../shared", sieve_top());

	(void)state;
	if (!g_file_test(shared, G_FILE_TEST_IS_DIR)) {
		free(shared);
		shared = xasprintf("%s/../../shared", sieve_top());
	}
	for (size_t i = 0; i < G_N_ELEMENTS(dirs); i++) {
		char *dir = xasprintf("%s/%s", shared, dirs[i]);

		sieve_compare_tree(&r, dir);
		free(dir);
	}
	print_message("%s: %zu texts, %zu hits, the same both ways\n",
	    shared, r.texts, r.hits);
	free(shared);
	term_set_free((struct term_set *)r.ts);
}

/* Every phrase of the shipped lists, every way pupils write it. */
static void
test_phrases_dodged(void **state)
{
	struct sieve_run r = { .ts = sieve_set() };
	GPtrArray *phrases = sieve_phrases();

	(void)state;
	for (guint i = 0; i < phrases->len; i++)
		sieve_compare_phrase(&r, g_ptr_array_index(phrases, i));
	print_message("%u phrases: %zu texts, %zu hits, the same both "
	    "ways\n", phrases->len, r.texts, r.hits);
	assert_true(r.hits >= phrases->len);
	g_ptr_array_free(phrases, TRUE);
	term_set_free((struct term_set *)r.ts);
}

/* sieve_at - text after `at` bytes of separators, letters and digits,
 * so that its words fall at another place in the scanner's blocks */
static void
sieve_at(struct sieve_run *r, const char *text, int at)
{
	static const char fill[] = " ,\n-.'x9";
	GString *s = g_string_new(NULL);

	for (int i = 0; i < at; i++)
		g_string_append_c(s, fill[(i + at) % (sizeof(fill) - 1)]);
	g_string_append(s, text);
	sieve_compare(r, s->str, s->len);
	g_string_free(s, TRUE);
}

/* sieve_random - n seeded random texts of `tokens` words each, text i
 * after i % spread bytes (sieve_at) */
static void
sieve_random(struct sieve_run *r, guint32 seed, int n, int tokens,
    int spread)
{
	GPtrArray *phrases = sieve_phrases(), *words = sieve_words(phrases);
	GRand *rnd = g_rand_new_with_seed(seed);

	for (int i = 0; i < n; i++) {
		gchar *t = sieve_random_text(rnd, words, tokens);

		sieve_at(r, t, i % spread);
		g_free(t);
	}
	g_rand_free(rnd);
	g_ptr_array_free(words, TRUE);
	g_ptr_array_free(phrases, TRUE);
}

/* Seeded random texts of the lists' words, ordinary words and junk. */
static void
test_random_texts(void **state)
{
	struct sieve_run r = { .ts = sieve_set() };

	(void)state;
	sieve_random(&r, 16, 3000, 24, 1);
	print_message("random: %zu texts, %zu hits, the same both ways\n",
	    r.texts, r.hits);
	assert_true(r.hits >= 3000);
	term_set_free((struct term_set *)r.ts);
}

/* A pupil list as the analysis extracts it from a CSV or XLSX file:
 * UPNs, names, dates, single letters ("N", "SEN K") */
static const char sieve_pupil_list[] =
    "UPN,Surname,Forename,DOB,Year,SEN,FSM,Attendance\r\n"
    "A855579216136,Wilkinson,William,2019-07-12,Year 1,,N,91%\r\n"
    "Z301528321424,Green,Kofi,2011-01-24,Year 10,SEN K,N,85%\r\n"
    "Q201625023636\tKnight\tAva\t2013-02-08\tYear 6\t\tY\t83%\n"
    "H201697523920,Barnes,James,2018-05-07,Year 9,EHCP,Y,100%\r\n";

/* Words that run on past the scanner's blocks of 64 bytes: base64, and
 * words longer than the normaliser keeps (48 bytes) */
static const char sieve_long_words[] =
    "UEsDBBQAAAAIAIBJcF0HA5ZoPQEAAB4EAAATAAAAW0NvbnRlbnRfVHlwZXNdLnhtbK1T"
    "S08CMRC+\n+yuaXsm24MEYw8LBx1FJxB9Q21m2oa90CsK/d3ZBYgxCjJwm7XyvNjPj6c "
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv "
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvw, "
    "1234567890123456789012345678901234567890123456789 end.";

/* The scanner reads long texts a block of bytes at a time: a pupil
 * list, long words and random texts of the lists' words, each at every
 * place in a block and across two, give the same hits both ways. */
static void
test_block_offsets(void **state)
{
	struct sieve_run r = { .ts = sieve_set() };

	(void)state;
	for (int at = 0; at < 140; at++) {
		sieve_at(&r, sieve_pupil_list, at);
		sieve_at(&r, sieve_long_words, at);
	}
	sieve_random(&r, 64, 140, 60, 140);
	print_message("blocks: %zu texts, %zu hits, the same both ways\n",
	    r.texts, r.hits);
	assert_true(r.hits >= 140);
	term_set_free((struct term_set *)r.ts);
}

/* chat_collect - the normalised words, space-separated */
static void
chat_collect(void *arg, const char *word, size_t len, size_t start,
    size_t end)
{
	GString *out = arg;

	(void)start;
	(void)end;
	if (out->len > 0)
		g_string_append_c(out, ' ');
	g_string_append_len(out, word, (gssize)len);
}

/* chat_listed - is w one of term_norm_chat_words? */
static bool
chat_listed(const char *w)
{
	for (size_t i = 0; term_norm_chat_words[i] != NULL; i++)
		if (strcmp(term_norm_chat_words[i], w) == 0)
			return true;
	return false;
}

/* chat_stretched - a letter three times in a row (the finisher
 * collapses those, chat spelling or not) */
static bool
chat_stretched(const char *w)
{
	for (size_t i = 2; w[i - 1] != '\0' && w[i] != '\0'; i++)
		if (w[i] == w[i - 1] && w[i] == w[i - 2])
			return true;
	return false;
}

/* The finisher turns exactly the listed chat spellings into other
 * words: every word of up to five of the letters they use. */
static void
test_chat_words_listed(void **state)
{
	static const char letters[] = "aeimoruy";
	char w[6];
	unsigned changed = 0;

	(void)state;
	for (unsigned n = 1; n <= 5; n++)
		for (unsigned k = 0, all = 1u << (3 * n); k < all; k++) {
			GString *out = g_string_new(NULL);

			for (unsigned i = 0; i < n; i++)
				w[i] = letters[(k >> (3 * i)) & 7];
			w[n] = '\0';
			term_norm_text(w, n, chat_collect, out);
			if (strcmp(out->str, w) != 0 && !chat_stretched(w)) {
				changed++;
				if (!chat_listed(w))
					fail_msg("\"%s\" became \"%s\" but is "
					    "not in term_norm_chat_words", w,
					    out->str);
			}
			g_string_free(out, TRUE);
		}
	/* and every listed spelling was among them */
	assert_int_equal(changed, 9);
	for (size_t i = 0; term_norm_chat_words[i] != NULL; i++)
		assert_true(i < 9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labelled_set),
		cmocka_unit_test(test_shared_messages),
		cmocka_unit_test(test_phrases_dodged),
		cmocka_unit_test(test_random_texts),
		cmocka_unit_test(test_block_offsets),
		cmocka_unit_test(test_chat_words_listed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
