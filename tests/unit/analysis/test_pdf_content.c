/*
 * test_pdf_content - the content-stream scanner shows what a
 * token-by-token reading shows
 *
 * pdf_content_text() looks only at the bytes that start a token and
 * batches the strings of an array.  Its text, length and truncation
 * flag must be those of the plain reading it replaced, kept here as the
 * oracle (pdf_ws, pdf_skip_token and pdf_string per token, one
 * textbuf_put per string): on hand-written streams (every operator,
 * escapes, hex, UTF-16, control bytes, comments, dictionaries, nested
 * and unclosed arrays, stray delimiters), on the content streams of the
 * PDF fixtures, and on generated token soups, each under several text
 * caps.  Inline images, which the oracle did not know, are checked
 * against their expected text.
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
#include "analysis/pdf/pdf.h"
#include "analysis_testutil.h"
#include "util/xalloc.h"

/* oracle_show - the plain reading: append one shown string */
static void
oracle_show(const unsigned char *s, size_t n, struct textbuf *t)
{
	unsigned char high = 0;
	size_t i;

	if (n >= 2 && s[0] == 0xfe && s[1] == 0xff) {
		text_extract_utf16(s + 2, n - 2, true, t);
		return;
	}
	for (i = 0; i < n; i++) {
		if (s[i] < 0x20 && s[i] != '\t')
			return;
		high |= s[i];
	}
	if (high >= 0x80 || n == 0)
		text_extract_cp1252(s, n, t);
	else if (textbuf_full(t))
		t->truncated = true;
	else
		textbuf_put(t, (const char *)s, n);
}

/* oracle_wide_gap - the plain reading: a kerning below -200? */
static bool
oracle_wide_gap(const struct pdf *c, size_t i)
{
	long v = 0;

	if (c->d[i] != '-')
		return false;
	for (i++; i < c->len && c->d[i] >= '0' && c->d[i] <= '9' && v <= 200;
	    i++)
		v = v * 10 + (c->d[i] - '0');
	return v > 200;
}

/* oracle_array - the plain reading: the strings of an array */
static size_t
oracle_array(const struct pdf *c, size_t i, struct textbuf *t)
{
	unsigned char buf[4096];
	size_t n;

	for (i++; i < c->len;) {
		i = pdf_ws(c, i);
		if (i >= c->len || c->d[i] == ']')
			return i + 1;
		if (c->d[i] == '(' || (c->d[i] == '<' && i + 1 < c->len &&
		    c->d[i + 1] != '<')) {
			n = pdf_string_at(c, i, buf, sizeof(buf), &i);
			if (n != (size_t)-1)
				oracle_show(buf, n, t);
			continue;
		} else if (oracle_wide_gap(c, i))
			textbuf_addc(t, ' ');
		i = pdf_skip_token(c, i);
	}
	return i;
}

/* oracle_text - the plain reading of a content stream */
static void
oracle_text(const unsigned char *d, size_t len, struct textbuf *t)
{
	struct pdf c = { d, len };
	unsigned char buf[4096];
	size_t i = 0, s = 0, n;
	bool have = false;

	while (i < len && !textbuf_full(t)) {
		i = pdf_ws(&c, i);
		if (i >= len)
			break;
		if (d[i] == '(' ||
		    (d[i] == '<' && i + 1 < len && d[i + 1] != '<')) {
			s = i;
			have = true;
		} else if (d[i] == '[') {
			i = oracle_array(&c, i, t);
			have = false;
			continue;
		} else if (i + 1 < len && ((d[i] == 'T' && (d[i + 1] == 'd' ||
		    d[i + 1] == 'D' || d[i + 1] == 'm' || d[i + 1] == '*')) ||
		    (d[i] == 'E' && d[i + 1] == 'T'))) {
			textbuf_sep(t, '\n');
		} else if (have && ((d[i] == 'T' && i + 1 < len &&
		    d[i + 1] == 'j') || d[i] == '\'' || d[i] == '"')) {
			if (d[i] != 'T')
				textbuf_sep(t, '\n');
			n = pdf_string(&c, s, buf, sizeof(buf));
			if (n != (size_t)-1)
				oracle_show(buf, n, t);
			have = false;
		}
		if (d[i] == '\'' || d[i] == '"')
			i++;
		else
			i = pdf_skip_token(&c, i);
	}
}

/* caps under which every stream is compared (text cap in bytes) */
static const size_t caps[] = { 1 << 20, 64, 13, 5, 1 };

/* same_text - both readings of d under every cap agree */
static void
same_text(const unsigned char *d, size_t len, const char *what)
{
	struct textbuf a, b;
	size_t k;

	for (k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
		textbuf_init(&a, caps[k]);
		textbuf_init(&b, caps[k]);
		oracle_text(d, len, &a);
		pdf_content_text(d, len, &b);
		if (a.len != b.len || a.truncated != b.truncated ||
		    (a.len > 0 && memcmp(a.s, b.s, a.len) != 0))
			fail_msg("%s (cap %zu): oracle %zu bytes%s \"%.*s\", "
			    "scanner %zu bytes%s \"%.*s\"", what, caps[k],
			    a.len, a.truncated ? " cut" : "", (int)a.len,
			    a.s ? a.s : "", b.len, b.truncated ? " cut" : "",
			    (int)b.len, b.s ? b.s : "");
		textbuf_free(&a);
		textbuf_free(&b);
	}
}

/* scanner_text - the scanner's text of a C string (to be freed) */
static char *
scanner_text(const char *d)
{
	struct textbuf t;
	char *s;

	textbuf_init(&t, 1 << 20);
	pdf_content_text((const unsigned char *)d, strlen(d), &t);
	s = xstrdup(t.s ? t.s : "");
	textbuf_free(&t);
	return s;
}

static const char *const streams[] = {
	"BT /F1 10 Tf 12 TL 56 790 Td (Hello) Tj T* (World) Tj ET",
	"BT [(Spa)-20(ced)-300(out)250(x)-201(y)-200(z)] TJ ET",
	"BT (one) ' 1 2 (two) \" (three)'(four)\"(five)Tj ET",
	"(a)Tj(b)Tj()Tj(c)TjTj(d)'Tj(e)Td(f)Tm(g)T*(h)TD(i)ETTj",
	"(nested (paren) here) Tj (esc \\( \\) \\\\ \\n \\101\\7\\0101) Tj",
	"(line\\\ncont\\\r\nnued\\\rx) Tj (raw\nnewline) Tj (tab\there) Tj",
	"<48656C6C6F> Tj <4 8 6g5 6> Tj <486> Tj <> Tj <FEFF00E9D83DDE00> Tj",
	"[<FEFF0041DC000042> -300 <0048> (\\223q\\224 \\200 \\236\\201)] TJ",
	"(\\351t\\351) Tj [(caf\\351)-250(cr\\350me)] TJ (\\377\\376) Tj",
	"% a comment (with [ paren\n(after) Tj %x\r(cr) Tj",
	"/P << /MCID 0 /Alt (not shown) >> BDC (shown) Tj EMC",
	"/TT0 1 Tf /Tj 3 Tw /ET x (n) /Td Tj [/Tj (a) << /K (b) >> (c)] TJ",
	"[(a) [(b) (c)] (d) [[[ (e) ]]] (f)] TJ",
	"[(unclosed) -300 (array",
	"[(a) -300 (b)",
	"(unclosed string Tj",
	"<41424",
	") > ] } { (x) Tj } ) >> (y) Tj",
	"(x) 1 2 3 Tw Tj (y) [(z)] Tj (w) Tdx (v) ETX Tj",
	"-(a) Tj [- 300 --300 -3000 -0201 -200.9 -201.0 +-500 (q)] TJ",
	"[(a)-250(b)]TJ[(c)-250(d)]TJ<",
	"(\x01cid) Tj [(ok) (\x1f) (ok2)] TJ (\t) Tj",
	"1 0 0 1 50 800 Tm (Class list) Tj\n1 0 0 1 50 785 Tm (Reggie) Tj",
	"\"(x)\" '(y)' Tj",
	"{ (a) } Tj [ { (b) } ] TJ",
	"EI ID (x) Tj",
};

/* handwritten_streams_read_as_the_plain_reading_reads_them */
static void
handwritten_streams_read_as_the_plain_reading_reads_them(void **state)
{
	size_t k;

	(void)state;
	for (k = 0; k < sizeof(streams) / sizeof(streams[0]); k++)
		same_text((const unsigned char *)streams[k], strlen(streams[k]),
		    streams[k]);
}

/* long_strings_are_cut_alike - strings past 4096 bytes, arrays past the
 * batch, a control byte or high byte beyond the kept part */
static void
long_strings_are_cut_alike(void **state)
{
	size_t n = 60000, k;
	unsigned char *d = xmalloc(n);

	(void)state;
	for (k = 0; k < n; k++)
		d[k] = (unsigned char)('a' + k % 26);
	d[0] = '[';
	for (k = 1; k + 8 < n; k += 8) {
		d[k] = '(';
		d[k + 6] = ')';
		d[k + 7] = k % 3 ? ' ' : '-';
	}
	d[n - 1] = ']';
	same_text(d, n, "a 60 KB array of short strings");
	for (k = 0; k < n; k++)
		d[k] = (unsigned char)('a' + k % 26);
	d[0] = '(';
	d[5000] = '\x01';
	d[4500] = '\xe9';
	memcpy(d + n - 5, ") Tj ", 5);
	same_text(d, n, "a 60 KB string with a control byte past 4096");
	d[4000] = '\xe9';
	same_text(d, n, "a 60 KB string with a high byte");
	d[0] = '[';
	memcpy(d + n - 5, ")] TJ", 5);
	same_text(d, n, "a 60 KB string in an array");
	free(d);
}

/* repeated - `what` n times, then `tail` (to be freed) */
static unsigned char *
repeated(const char *what, size_t n, const char *tail, size_t *len)
{
	size_t w = strlen(what), t = strlen(tail), k;
	unsigned char *d = xmalloc(w * n + t);

	for (k = 0; k < n; k++)
		memcpy(d + k * w, what, w);
	memcpy(d + w * n, tail, t);
	*len = w * n + t;
	return d;
}

/* hostile_nesting_and_images_read_alike - 200,000 opening brackets,
 * parentheses or dictionaries (the depth limit of pdf_skip_token),
 * and 100,000 inline images without an EI (each searched once) */
static void
hostile_nesting_and_images_read_alike(void **state)
{
	static const char *const opens[] = { "[", "[(", "(", "<<", "[<<",
	    "[[ (x)" };
	unsigned char *d;
	size_t k, len;
	char *s;

	(void)state;
	for (k = 0; k < sizeof(opens) / sizeof(opens[0]); k++) {
		d = repeated(opens[k], 200000, " (end) Tj", &len);
		same_text(d, len, opens[k]);
		free(d);
	}
	d = repeated("BI /W 1 ID ", 100000, "(end) Tj", &len);
	d[len - 1] = '\0';	/* "Tj" -> "T": a C string, no Tj */
	s = scanner_text((const char *)d);
	assert_string_equal(s, "");
	free(s);
	memcpy(d + len - 8, "(e)Tj  ", 8);
	s = scanner_text((const char *)d);
	assert_string_equal(s, "e");
	free(s);
	free(d);
}

/* xorshift - a small deterministic generator */
static uint32_t
xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Pieces of generated streams: no "BI" can form (no B), so the oracle's
 * reading is the scanner's. */
static const char *const pieces[] = {
	"(", ")", "<", ">", "<<", ">>", "[", "]", "{", "}", "/", "%", "\\",
	"(ab)", "(c d)", "(\\351)", "(\\(x)", "<4142>", "<FEFF0041>",
	"(\x01)", "\xe9", "\x80", "Tj", "TJ", "'", "\"", "Td", "TD", "Tm",
	"T*", "ET", "EI", "ID", "T", "E", "j", "-300", "-201", "-200", "12",
	"0.5", "-", "/F1", "/Tj", "Tf", "q", "Q", "re", "f", "\n", "\r", "\t",
	"\f", "\0", " ", " ", " ", "% c\n", "\\\n", "\\(", "\\)", "\\1",
};

/* generated_token_soups_read_alike - 4,000 random streams of pieces */
static void
generated_token_soups_read_alike(void **state)
{
	size_t np = sizeof(pieces) / sizeof(pieces[0]), k, j, n, len, pl;
	unsigned char d[1024];
	uint32_t seed = 2026;
	char what[64];

	(void)state;
	for (k = 0; k < 4000; k++) {
		len = 0;
		n = 1 + xorshift(&seed) % 80;
		for (j = 0; j < n; j++) {
			const char *p = pieces[xorshift(&seed) % np];

			pl = p[0] == '\0' ? 1 : strlen(p);
			if (len + pl > sizeof(d))
				break;
			memcpy(d + len, p, pl);
			len += pl;
		}
		snprintf(what, sizeof(what), "generated stream %zu", k);
		same_text(d, len, what);
	}
}

/* fixture_streams_read_alike - every content stream of the unencrypted
 * PDF fixtures, inflated */
static void
fixture_streams_read_alike(void **state)
{
	static const char *const names[] = { "plain.pdf", "unicode.pdf",
	    "fake-encrypt.pdf" };
	size_t k, off, dict, start, n, tn, streams_seen = 0;
	unsigned char *data, *text;
	struct pdf p;
	long num, gen;
	char *path;

	(void)state;
	for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		path = at_fixture_or_skip(names[k]);
		data = at_read(path, &p.len);
		p.d = data;
		for (off = 0; pdf_next_obj(&p, &off, &num, &gen, &dict);) {
			if (!pdf_stream_data(&p, dict, &start, &n))
				continue;
			text = pdf_inflate(p.d + start, n, 1 << 20, &tn, NULL);
			if (text == NULL)
				continue;
			same_text(text, tn, names[k]);
			streams_seen++;
			free(text);
		}
		free(data);
		free(path);
	}
	assert_true(streams_seen >= 3);
}

/* inline_image_data_is_stepped_over - binary data cannot open a string
 * or an array, and the text after EI is read */
static void
inline_image_data_is_stepped_over(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "BI /W 4 /H 1 /BPC 8 /CS /G ID (\x01[(junk) EI (Shown) Tj",
		    "Shown" },
		{ "BI /W 1 ID [(x)EIy EI\n(a) Tj", "a" },
		{ "BI ID EI (b) Tj", "b" },
		{ "(c) Tj BI /W 1 ID x(EI (d) Tj", "c" },
		{ "BI /W 1 ID no end (e) Tj BI ID (f) Tj", "ef" },
		{ "ID (g) Tj EI (h) Tj", "gh" },
	};
	size_t k;
	char *s;

	(void)state;
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		s = scanner_text(cases[k].in);
		assert_string_equal(s, cases[k].want);
		free(s);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    handwritten_streams_read_as_the_plain_reading_reads_them),
		cmocka_unit_test(long_strings_are_cut_alike),
		cmocka_unit_test(hostile_nesting_and_images_read_alike),
		cmocka_unit_test(generated_token_soups_read_alike),
		cmocka_unit_test(fixture_streams_read_alike),
		cmocka_unit_test(inline_image_data_is_stepped_over),
	};

	return cmocka_run_group_tests(tests, at_setup, at_teardown);
}
