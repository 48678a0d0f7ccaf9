/*
 * uudecode - files uuencoded inside text
 *
 * SYNOPSIS
 *	void uudecode_children(struct actx *ctx, size_t rec,
 *	    const unsigned char *data, size_t len)
 *
 * DESCRIPTION
 *	A "begin MODE NAME" line, uuencoded lines and "end" (or
 *	"begin-base64 MODE NAME" ... "====") inside a text part or text
 *	file carry a file that no MIME header announces; old clients and
 *	malware both still write them.  Each one found becomes a record
 *	"<part>/NAME", judged like an attachment.  Lines that do not decode
 *	end the file; at most UUDECODE_FILES per record.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "analysis/analysis_int.h"
#include "util/xalloc.h"

#define UUDECODE_FILES	64
#define UUDECODE_NAME	256

/* uu_line - the next line [*p, eol) of [*p, end); false at the end */
static bool
uu_line(const unsigned char **p, const unsigned char *end,
    const unsigned char **s, size_t *n)
{
	const unsigned char *nl;

	if (*p >= end)
		return false;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	*s = *p;
	*n = (size_t)((nl != NULL ? nl : end) - *p);
	*p = nl != NULL ? nl + 1 : end;
	while (*n > 0 && ((*s)[*n - 1] == '\r' || (*s)[*n - 1] == ' '))
		(*n)--;
	return true;
}

/* uu_begin - "begin[-base64] MODE NAME": the name, or false */
static bool
uu_begin(const unsigned char *s, size_t n, bool *b64, char *name)
{
	size_t i, k = 0;

	if (n > 13 && memcmp(s, "begin-base64 ", 13) == 0) {
		*b64 = true;
		i = 13;
	} else if (n > 6 && memcmp(s, "begin ", 6) == 0) {
		*b64 = false;
		i = 6;
	} else
		return false;
	while (i < n && s[i] >= '0' && s[i] <= '7' && k++ < 4)
		i++;
	if (k < 3 || i >= n || s[i] != ' ')
		return false;
	for (i++, k = 0; i < n && k + 1 < UUDECODE_NAME; i++)
		name[k++] = (char)s[i];
	name[k] = '\0';
	return k > 0;
}

/* uu_decode_line - one uuencoded line into out; false if it is none */
static bool
uu_decode_line(const unsigned char *s, size_t n, struct blob *out)
{
	size_t want, i;
	unsigned char q[4], o[3];

	if (n == 0)
		return false;
	want = (size_t)((s[0] - ' ') & 0x3f);
	if (want == 0)
		return true;
	if ((want + 2) / 3 * 4 + 1 > n + 2)	/* trailing blanks trimmed */
		return false;
	for (i = 1; want > 0; i += 4) {
		for (int k = 0; k < 4; k++) {
			unsigned char c = i + k < n ? s[i + k] : ' ';

			if (c < ' ' || c > '`')
				return false;
			q[k] = (c - ' ') & 0x3f;
		}
		o[0] = (unsigned char)(q[0] << 2 | q[1] >> 4);
		o[1] = (unsigned char)(q[1] << 4 | q[2] >> 2);
		o[2] = (unsigned char)(q[2] << 6 | q[3]);
		if (blob_append(out, o, want < 3 ? want : 3) < 0)
			return false;
		want -= want < 3 ? want : 3;
	}
	return true;
}

/* uu_body - the lines of one file up to its end line; false if cut */
static bool
uu_body(const unsigned char **p, const unsigned char *end, bool b64,
    struct blob *out)
{
	const unsigned char *s;
	unsigned char *buf;
	uint32_t save = 0;
	int state = 0;
	size_t n, k;

	while (uu_line(p, end, &s, &n)) {
		if (b64 && n == 4 && memcmp(s, "====", 4) == 0)
			return true;
		if (!b64 && n == 3 && memcmp(s, "end", 3) == 0)
			return true;
		if (!b64) {
			if (!uu_decode_line(s, n, out))
				return false;
			continue;
		}
		buf = xmalloc(n / 4 * 3 + 3);
		k = base64_decode_step(s, n, buf, &state, &save);
		if (blob_append(out, buf, k) < 0) {
			free(buf);
			return false;
		}
		free(buf);
	}
	return false;
}

/* uudecode_children - every uuencoded file in a text, as records */
void
uudecode_children(struct actx *ctx, size_t rec, const unsigned char *data,
    size_t len)
{
	const unsigned char *p = data, *end, *s;
	char name[UUDECODE_NAME];
	unsigned files = 0;
	struct blob b;
	size_t n;
	bool b64;

	if (len < 10 || memmem(data, len, "begin", 5) == NULL)
		return;
	end = data + len;
	while (files < UUDECODE_FILES && !ctx->failed &&
	    uu_line(&p, end, &s, &n)) {
		if (!uu_begin(s, n, &b64, name))
			continue;
		blob_init(&b);
		if (uu_body(&p, end, b64, &b) || b.len > 0) {
			files++;
			if (blob_finish(&b) < 0)
				ctx->failed = true;
			else
				inspect_children(ctx, rec, name, b.data,
				    b.len);
		}
		blob_free(&b);
	}
}
