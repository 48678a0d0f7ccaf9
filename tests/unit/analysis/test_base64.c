/*
 * test_base64 - the quartet-at-a-time base64 decoder gives GMime's bytes
 *
 * base64.c must decode exactly as g_mime_encoding_base64_decode_step():
 * an attachment's SHA-256 and text are compared with what other tools
 * see.  Each case is decoded whole and cut at every position (the chunks
 * of a real part end anywhere), by both decoders, and the bytes and the
 * final state must agree: standard 76-character lines, odd line lengths
 * that split quartets, junk between characters, one and two '=', data
 * after the padding, a lone '=' in the middle, and random bytes.
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
#include <gmime/gmime.h>

#include "analysis/analysis_int.h"
#include "util/xalloc.h"

/* One decoder run over in cut at `cut` (len: no cut). */
struct run {
	unsigned char *out;
	size_t	 n;
	int	 state;
	uint32_t save;
};

/* decode_ours / decode_gmime - both decoders over in[0, len) in 2 steps */
static void
decode_ours(const unsigned char *in, size_t len, size_t cut, struct run *r)
{
	r->out = xmalloc(len + 8);
	r->state = 0;
	r->save = 0;
	r->n = base64_decode_step(in, cut, r->out, &r->state, &r->save);
	r->n += base64_decode_step(in + cut, len - cut, r->out + r->n,
	    &r->state, &r->save);
}

static void
decode_gmime(const unsigned char *in, size_t len, size_t cut, struct run *r)
{
	guint32 save = 0;

	r->out = xmalloc(len + 8);
	r->state = 0;
	r->n = g_mime_encoding_base64_decode_step(in, cut, r->out, &r->state,
	    &save);
	r->n += g_mime_encoding_base64_decode_step(in + cut, len - cut,
	    r->out + r->n, &r->state, &save);
	r->save = save;
}

/* same_everywhere - both decoders agree for every cut of s */
static void
same_everywhere(const char *s, size_t len)
{
	const unsigned char *in = (const unsigned char *)s;
	struct run a, b;

	for (size_t cut = 0; cut <= len; cut++) {
		decode_ours(in, len, cut, &a);
		decode_gmime(in, len, cut, &b);
		if (a.n != b.n || memcmp(a.out, b.out, a.n) != 0 ||
		    a.state != b.state || a.save != b.save)
			fail_msg("cut %zu of \"%.*s\": %zu bytes state %d, "
			    "GMime %zu bytes state %d", cut, (int)len, s, a.n,
			    a.state, b.n, b.state);
		free(a.out);
		free(b.out);
	}
}

/* encode - GMime's base64 of data with lines of `line` characters */
static char *
encode(const unsigned char *data, size_t n, size_t line, size_t *len)
{
	char *flat = g_base64_encode(data, n), *out;
	size_t fl = strlen(flat), o = 0;

	out = xmalloc(fl + 2 * (fl / line + 2) + 1);
	for (size_t i = 0; i < fl; i++) {
		if (i > 0 && i % line == 0) {
			out[o++] = '\r';
			out[o++] = '\n';
		}
		out[o++] = flat[i];
	}
	out[o] = '\0';
	g_free(flat);
	*len = o;
	return out;
}

/* attachment_lines_of_any_length_decode_as_gmime_does */
static void
attachment_lines_of_any_length_decode_as_gmime_does(void **state)
{
	static const size_t lines[] = { 76, 64, 61, 3, 1 };
	unsigned char data[301];
	size_t len;
	char *enc;

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 37 + 11);
	for (size_t k = 0; k < sizeof(lines) / sizeof(lines[0]); k++)
		for (size_t n = 298; n <= 301; n++) {	/* 0, 1 and 2 '=' */
			enc = encode(data, n, lines[k], &len);
			same_everywhere(enc, len);
			free(enc);
		}
}

/* junk_padding_and_data_after_it_decode_as_gmime_does */
static void
junk_padding_and_data_after_it_decode_as_gmime_does(void **state)
{
	static const char *cases[] = {
		"SGVs bG8s\tIHdv*cmxk!IQ==",
		"SGVsbG8=IHdvcmxk",
		"SGVsbA==\r\nSGVsbA==",
		"S=GVsbG8",
		"SG=VsbG8",
		"=",
		"QUJD\x80\xff" "REVG",
		"",
		"Zm9v\r\n\r\nYmFy\r\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		same_everywhere(cases[i], strlen(cases[i]));
}

/* random_bytes_decode_as_gmime_does */
static void
random_bytes_decode_as_gmime_does(void **state)
{
	static const char pick[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
	    "rstuvwxyz0123456789+/====\r\n \t.-";
	char buf[96];
	uint32_t seed = 12345;

	(void)state;
	for (int round = 0; round < 400; round++) {
		size_t len = (size_t)round % sizeof(buf);

		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = pick[(seed >> 16) % (sizeof(pick) - 1)];
		}
		same_everywhere(buf, len);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    attachment_lines_of_any_length_decode_as_gmime_does),
		cmocka_unit_test(
		    junk_padding_and_data_after_it_decode_as_gmime_does),
		cmocka_unit_test(random_bytes_decode_as_gmime_does),
	};

	g_mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
