/*
 * rtf_object - files embedded in an RTF document as OLE objects
 *
 * SYNOPSIS
 *	void rtf_objects(struct actx *ctx, size_t rec,
 *	    const unsigned char *data, size_t len)
 *
 * DESCRIPTION
 *	An object in RTF is {\object ... {\*\objdata <hex>}}: the hex
 *	digits (whitespace, other control words and {\* ...} groups inside
 *	the destination are ignored the way Word ignores them, an odd digit
 *	left over is dropped, \binN gives N raw bytes) decode to an OLE1
 *	object: version, format, class name, topic, item and the native
 *	data.  A "Package" object holds a file (name and bytes, read with
 *	ole_package_native()); any other class holds its native data, an
 *	OLE2 compound file for most, which is judged whole (its own
 *	packaged files are found there, office_crypt.c).  Bytes that are no
 *	OLE1 object are judged as they are.  Each becomes a record
 *	"<document>/<name>" (inspect.c).  Decoded bytes are charged to
 *	max_expanded; more than RTF_OBJECT_MAX objects is "entries".
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "analysis/analysis_int.h"
#include "analysis/office/ole.h"
#include "util/byteorder.h"
#include "util/xalloc.h"

#define RTF_OBJECT_MAX	256	/* objects judged at most */

/* rtf_hex - value of a hex digit, or -1 */
static int
rtf_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* rtf_control - skip a control word at i ('\\'); its \binN count */
static size_t
rtf_control(const unsigned char *d, size_t n, size_t i, long *bin)
{
	size_t w = ++i, e;
	long v = 0;
	bool neg = false, num = false;

	*bin = -1;
	while (i < n && ((d[i] >= 'a' && d[i] <= 'z') ||
	    (d[i] >= 'A' && d[i] <= 'Z')))
		i++;
	if (i == w)
		return i < n ? i + 1 : i;	/* a control symbol */
	e = i;
	if (i < n && d[i] == '-') {
		neg = true;
		i++;
	}
	while (i < n && d[i] >= '0' && d[i] <= '9') {
		if (v < 100000000)
			v = v * 10 + (d[i] - '0');
		num = true;
		i++;
	}
	if (e - w == 3 && memcmp(d + w, "bin", 3) == 0 && num && !neg)
		*bin = v;
	if (i < n && d[i] == ' ')
		i++;
	return i;
}

/* rtf_skip_group - past the group at '{' (an ignorable destination) */
static size_t
rtf_skip_group(const unsigned char *d, size_t n, size_t i)
{
	size_t depth = 0;

	for (; i < n; i++) {
		if (d[i] == '\\')
			i++;
		else if (d[i] == '{')
			depth++;
		else if (d[i] == '}' && --depth == 0)
			return i + 1;
	}
	return n;
}

/* Bytes decoded from one \objdata, a chunk at a time into a blob. */
struct rtf_out {
	struct blob	*b;
	unsigned char	 buf[65536];
	size_t		 n;
	size_t		 total;
	bool		 failed;
};

/* rtf_put - append bytes */
static void
rtf_put(struct rtf_out *o, const unsigned char *p, size_t n)
{
	o->total += n;
	if (o->n + n > sizeof(o->buf)) {
		if (blob_append(o->b, o->buf, o->n) < 0)
			o->failed = true;
		o->n = 0;
	}
	if (n > sizeof(o->buf)) {
		if (blob_append(o->b, p, n) < 0)
			o->failed = true;
		return;
	}
	memcpy(o->buf + o->n, p, n);
	o->n += n;
}

/* rtf_objdata - decode the destination after \objdata; end of it */
static size_t
rtf_objdata(const unsigned char *d, size_t n, size_t i, size_t max,
    struct rtf_out *o)
{
	int depth = 0, hi = -1, v;
	long bin;
	unsigned char c;
	size_t k;

	while (i < n && o->total < max && !o->failed) {
		if (d[i] == '{' && i + 2 < n && d[i + 1] == '\\' &&
		    d[i + 2] == '*') {
			i = rtf_skip_group(d, n, i);
		} else if (d[i] == '{') {
			depth++;
			i++;
		} else if (d[i] == '}') {
			if (depth-- == 0)
				return i + 1;
			i++;
		} else if (d[i] == '\\') {
			i = rtf_control(d, n, i, &bin);
			if (bin > 0) {
				k = (size_t)bin < n - i ? (size_t)bin : n - i;
				k = k < max - o->total ? k : max - o->total;
				rtf_put(o, d + i, k);
				i += k;
			}
		} else if ((v = rtf_hex(d[i++])) >= 0) {
			if (hi < 0)
				hi = v;
			else {
				c = (unsigned char)(hi << 4 | v);
				hi = -1;
				rtf_put(o, &c, 1);
			}
		}
	}
	return i;
}

/* rtf_ole1_str - a length-prefixed string of an OLE1 header */
static bool
rtf_ole1_str(const unsigned char *b, size_t n, size_t *off,
    const unsigned char **s, uint32_t *len)
{
	if (n - *off < 4)
		return false;
	*len = le32(b + *off);
	*off += 4;
	if (*len > n - *off)
		return false;
	*s = b + *off;
	*off += *len;
	return true;
}

/* rtf_judge - an OLE1 object (or what stands for one) as a record */
static void
rtf_judge(struct actx *ctx, size_t rec, const unsigned char *b, size_t n,
    unsigned count)
{
	const unsigned char *cls, *s, *data = b;
	char name[OLE_PACKAGE_NAME];
	size_t off = 8, dlen = n;
	uint32_t cl, l;

	snprintf(name, sizeof(name), "object-%u", count);
	if (n >= 12 && rtf_ole1_str(b, n, &off, &cls, &cl) &&
	    rtf_ole1_str(b, n, &off, &s, &l) &&
	    rtf_ole1_str(b, n, &off, &s, &l) &&
	    rtf_ole1_str(b, n, &off, &data, &l)) {
		dlen = l;
		if (cl >= 7 && memcmp(cls, "Package", 7) == 0 &&
		    ole_package_native(data, dlen, name, &data, &dlen) &&
		    name[0] == '\0')
			snprintf(name, sizeof(name), "object-%u", count);
	} else
		data = b;
	inspect_children(ctx, rec, name, data, dlen);
}

/* rtf_objects - every \objdata of an RTF document, judged */
void
rtf_objects(struct actx *ctx, size_t rec, const unsigned char *d,
    size_t n)
{
	const unsigned char *q;
	size_t off = 0, max;
	unsigned count = 0;
	struct rtf_out *o = xmalloc(sizeof(*o));
	struct blob b;

	while (off < n && !ctx->failed && !actx_late(ctx) &&
	    (q = memmem(d + off, n - off, "\\objdata", 8)) != NULL) {
		if (count == RTF_OBJECT_MAX) {
			actx_rec(ctx, rec)->is_archive = true;
			if (actx_rec(ctx, rec)->uninspectable == NULL)
				actx_rec(ctx, rec)->uninspectable = "entries";
			break;
		}
		max = ctx->lim.max_expanded > ctx->expanded ?
		    (size_t)(ctx->lim.max_expanded - ctx->expanded) : 0;
		blob_init(&b);
		o->b = &b;
		o->n = o->total = 0;
		o->failed = false;
		off = rtf_objdata(d, n, (size_t)(q - d) + 8, max, o);
		if (o->failed || blob_append(&b, o->buf, o->n) < 0 ||
		    blob_finish(&b) < 0) {
			ctx->failed = true;
			blob_free(&b);
			break;
		}
		if (b.len >= max) {
			actx_rec(ctx, rec)->is_archive = true;
			if (actx_rec(ctx, rec)->uninspectable == NULL)
				actx_rec(ctx, rec)->uninspectable =
				    "expanded-size";
			blob_free(&b);
			break;
		}
		if (b.len > 0)
			rtf_judge(ctx, rec, b.data, b.len, ++count);
		blob_free(&b);
	}
	free(o);
}
