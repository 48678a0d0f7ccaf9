/*
 * test_xml_scan - the document XML tokenizer, whole and in pieces
 *
 * Big parts are read a chunk at a time (xml_stream): a token cut by the
 * end of a chunk must never be returned half.  For every place a sample
 * part can be cut, the tokens read in two pieces must be the tokens read
 * whole, so a spreadsheet's cells come out the same wherever its chunks
 * happen to end.
 *
 * SPDX-License-Identifier: MIT
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/analysis_int.h"
#include "util/xalloc.h"

/* Part text the extractors meet: prolog, namespaces, comments, CDATA. */
static const char SAMPLE[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<!DOCTYPE x><x:sst xmlns:x=\"urn:x\" count='2'>"
    "<!-- a comment with <tags> inside -->"
    "<x:si><x:t xml:space=\"preserve\">Ava &amp; Noor &#233;</x:t></x:si>"
    "<si><t><![CDATA[a < b & c]]></t><br/><rPh sb=\"0\"><t>X</t></rPh></si>"
    "text at the end";

#define TOKS_MAX	64

/* One token, copied out of the buffer it pointed into. */
struct tok {
	enum xml_type type;
	char	 name[32];
	char	 local[32];
	char	 attrs[64];
	char	 text[64];
	bool	 cdata;
};

/* tok_copy - keep a token beyond the next call */
static void
tok_copy(struct tok *d, const struct xml_tok *t)
{
	memset(d, 0, sizeof(*d));
	d->type = t->type;
	d->cdata = t->cdata;
	assert_true(t->nlen < sizeof(d->name) && t->llen < sizeof(d->local) &&
	    t->alen < sizeof(d->attrs) && t->tlen < sizeof(d->text));
	if (t->name != NULL)
		memcpy(d->name, t->name, t->nlen);
	if (t->local != NULL)
		memcpy(d->local, t->local, t->llen);
	if (t->attrs != NULL)
		memcpy(d->attrs, t->attrs, t->alen);
	if (t->text != NULL)
		memcpy(d->text, t->text, t->tlen);
}

/* scan_whole - the tokens of the whole sample */
static size_t
scan_whole(struct tok *out)
{
	struct xml_scan s;
	struct xml_tok t;
	size_t n = 0;

	xml_scan_init(&s, SAMPLE, strlen(SAMPLE));
	while (xml_next(&s, &t) != XML_EOF) {
		assert_true(n < TOKS_MAX);
		tok_copy(&out[n++], &t);
	}
	return n;
}

/* scan_split - the tokens when the sample arrives as [0, cut) + rest */
static size_t
scan_split(size_t cut, struct tok *out)
{
	size_t len = strlen(SAMPLE), n = 0, kept;
	char *buf = xmalloc(len + 1);
	struct xml_scan s;
	struct xml_tok t;
	enum xml_type r;

	memcpy(buf, SAMPLE, cut);
	xml_scan_init(&s, buf, cut);
	xml_scan_more(&s, true);
	while ((r = xml_next(&s, &t)) != XML_EOF) {
		if (r == XML_MORE) {
			assert_true(s.more);
			/* what xml_stream does: keep the tail, add the rest */
			kept = (size_t)(s.end - s.p);
			memmove(buf, s.p, kept);
			memcpy(buf + kept, SAMPLE + cut, len - cut);
			xml_scan_init(&s, buf, kept + len - cut);
			cut = len;
			continue;
		}
		assert_true(n < TOKS_MAX);
		tok_copy(&out[n++], &t);
	}
	free(buf);
	return n;
}

/* tokens_cut_anywhere_come_out_whole */
static void
tokens_cut_anywhere_come_out_whole(void **state)
{
	struct tok whole[TOKS_MAX], split[TOKS_MAX];
	size_t nw = scan_whole(whole), ns, cut, i;

	(void)state;
	assert_true(nw > 15);
	for (cut = 0; cut <= strlen(SAMPLE); cut++) {
		ns = scan_split(cut, split);
		if (ns != nw)
			fail_msg("cut at %zu: %zu tokens, whole %zu", cut, ns,
			    nw);
		for (i = 0; i < nw; i++)
			if (memcmp(&whole[i], &split[i], sizeof(whole[i])) != 0)
				fail_msg("cut at %zu: token %zu is \"%s%s\", "
				    "whole \"%s%s\"", cut, i, split[i].name,
				    split[i].text, whole[i].name, whole[i].text);
	}
}

/* names_compare_by_local_name_and_text_is_decoded */
static void
names_compare_by_local_name_and_text_is_decoded(void **state)
{
	struct xml_scan s;
	struct xml_tok t;
	struct textbuf tb;
	const char *v;
	size_t vn;
	bool seen_t = false;

	(void)state;
	textbuf_init(&tb, 1024);
	xml_scan_init(&s, SAMPLE, strlen(SAMPLE));
	while (xml_next(&s, &t) != XML_EOF) {
		if (xml_is(&t, "t") && t.type == XML_OPEN && !seen_t) {
			seen_t = true;
			assert_true(xml_attr(&t, "space", &v, &vn));
			assert_int_equal(vn, 8);
			assert_memory_equal(v, "preserve", 8);
			assert_true(xml_next(&s, &t) == XML_TEXT);
			xml_text(&tb, &t);
		}
		if (xml_is(&t, "sst")) {
			assert_true(xml_attr(&t, "count", &v, &vn));
			assert_memory_equal(v, "2", 1);
			assert_false(xml_is(&t, "ss"));
			assert_false(xml_is(&t, "sstx"));
		}
	}
	assert_true(seen_t);
	assert_string_equal(tb.s, "Ava & Noor \xc3\xa9");
	textbuf_free(&tb);
}

/* broken_markup_ends_the_scan_without_a_token */
static void
broken_markup_ends_the_scan_without_a_token(void **state)
{
	static const char *broken[] = { "<a", "<worksheet xmlns=\"urn:x\"",
	    "<!-- open", "<![CDATA[ x", "<?pi" };
	struct xml_scan s;
	struct xml_tok t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		xml_scan_init(&s, broken[i], strlen(broken[i]));
		assert_int_equal(xml_next(&s, &t), XML_EOF);
		/* while more may follow, the same input asks for more */
		xml_scan_init(&s, broken[i], strlen(broken[i]));
		xml_scan_more(&s, true);
		assert_int_equal(xml_next(&s, &t), XML_MORE);
		assert_ptr_equal(s.p, broken[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tokens_cut_anywhere_come_out_whole),
		cmocka_unit_test(
		    names_compare_by_local_name_and_text_is_decoded),
		cmocka_unit_test(broken_markup_ends_the_scan_without_a_token),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
