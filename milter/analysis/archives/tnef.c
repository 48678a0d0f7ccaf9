/*
 * tnef - the attachments of Outlook's winmail.dat (TNEF)
 *
 * SYNOPSIS
 *	bool tnef_inspect(struct actx *ctx, size_t rec,
 *	    const unsigned char *data, size_t len)
 *
 * DESCRIPTION
 *	Outlook with rich text on wraps a message's attachments in one
 *	application/ms-tnef part [MS-OXTNEF].  The stream is a signature, a
 *	key, then attributes: level, id, length, data, checksum.  An
 *	attAttachRendData attribute starts an attachment; attAttachTitle
 *	names it, attAttachData carries its bytes, and attAttachment (MAPI
 *	properties) may carry the long file name (PR_ATTACH_LONG_FILENAME)
 *	and an embedded object or message (PR_ATTACH_DATA_OBJ).  Each
 *	attachment becomes a record one level down, judged like an
 *	archive entry; a winmail.dat with only the rich-text body has none
 *	and passes.  An attribute that runs past the data is "corrupt".
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "analysis/analysis_int.h"
#include "util/byteorder.h"
#include "util/xalloc.h"

#define TNEF_SIGNATURE		0x223e9f78U
#define TNEF_ATT_RENDDATA	0x00069002U
#define TNEF_ATT_TITLE		0x00018010U
#define TNEF_ATT_DATA		0x0006800fU
#define TNEF_ATT_MAPI		0x00069005U
#define TNEF_PR_LONG_FILENAME	0x3707
#define TNEF_PR_DATA_OBJ	0x3701
#define TNEF_NAME_MAX		260

/* One attachment being collected. */
struct tnef_att {
	char			 name[TNEF_NAME_MAX];
	const unsigned char	*data;
	size_t			 len;
	const unsigned char	*obj;	/* PR_ATTACH_DATA_OBJ */
	size_t			 olen;
	bool			 open;
};

/* tnef_fixed - bytes of a fixed-size MAPI value type, 0 if variable */
static size_t
tnef_fixed(unsigned type)
{
	switch (type & 0x0fff) {
	case 0x0002: case 0x0003: case 0x0004: case 0x000a: case 0x000b:
		return 4;
	case 0x0005: case 0x0006: case 0x0007: case 0x0014: case 0x0040:
		return 8;
	case 0x0048:
		return 16;
	default:
		return 0;
	}
}

/* tnef_name_utf8 - copy a MAPI string value (8-bit or UTF-16LE) */
static void
tnef_name_utf8(char *out, const unsigned char *p, size_t n, bool wide)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 4 < TNEF_NAME_MAX;
	    i += wide ? 2 : 1) {
		unsigned c = wide ? (i + 1 < n ? le16(p + i) : 0) : p[i];

		if (c == 0)
			break;
		if (c < 0x80)
			out[o++] = (char)c;
		else if (c < 0x800) {
			out[o++] = (char)(0xc0 | c >> 6);
			out[o++] = (char)(0x80 | (c & 0x3f));
		} else {
			out[o++] = (char)(0xe0 | c >> 12);
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (c & 0x3f));
		}
	}
	out[o] = '\0';
}

/* tnef_value - one variable MAPI value at p[0..n): what it is, its size */
static bool
tnef_value(const unsigned char *p, size_t n, size_t *used,
    const unsigned char **v, size_t *vlen)
{
	size_t len;

	if (n < 4)
		return false;
	len = le32(p);
	if (len > n - 4)
		return false;
	*v = p + 4;
	*vlen = len;
	*used = 4 + ((len + 3) & ~(size_t)3);
	if (*used > n)
		*used = n;
	return true;
}

/* tnef_props - the long name and embedded object of an attachment */
static bool
tnef_props(const unsigned char *p, size_t n, struct tnef_att *t)
{
	size_t off = 4, count, k, used, vlen, values;
	const unsigned char *v;
	unsigned type, id;

	if (n < 4)
		return false;
	count = le32(p);
	for (size_t i = 0; i < count; i++) {
		if (n - off < 4)
			return false;
		type = le16(p + off);
		id = le16(p + off + 2);
		off += 4;
		if (id >= 0x8000) {		/* named property */
			if (n - off < 20)
				return false;
			k = le32(p + off + 16);
			off += 20;
			if (k == 0)
				off += 4;
			else {
				if (n - off < 4 || le32(p + off) > n - off - 4)
					return false;
				off += 4 + ((le32(p + off) + 3) & ~3U);
			}
			if (off > n)
				return false;
		}
		values = 1;
		if ((type & 0x1000) || (tnef_fixed(type) == 0 &&
		    type != 0x0001)) {
			if (n - off < 4)
				return false;
			values = le32(p + off);
			off += 4;
		}
		for (size_t j = 0; j < values; j++) {
			if (tnef_fixed(type) > 0) {
				if (n - off < tnef_fixed(type))
					return false;
				off += tnef_fixed(type);
				continue;
			}
			if ((type & 0x0fff) == 0x0001)	/* null */
				continue;
			if (!tnef_value(p + off, n - off, &used, &v, &vlen))
				return false;
			off += used;
			if (id == TNEF_PR_LONG_FILENAME && vlen > 0)
				tnef_name_utf8(t->name, v, vlen,
				    (type & 0x0fff) == 0x001f);
			else if (id == TNEF_PR_DATA_OBJ && vlen > 16) {
				t->obj = v + 16;	/* after the IID */
				t->olen = vlen - 16;
			}
		}
	}
	return true;
}

/* tnef_flush - the collected attachment as a record */
static void
tnef_flush(struct actx *ctx, size_t rec, struct tnef_att *t, unsigned *n)
{
	char fallback[32];

	if (!t->open)
		return;
	snprintf(fallback, sizeof(fallback), "attachment-%u", ++*n);
	if (t->data != NULL || t->obj != NULL)
		inspect_children(ctx, rec, t->name[0] ? t->name : fallback,
		    t->data != NULL ? t->data : t->obj,
		    t->data != NULL ? t->len : t->olen);
	if (t->data != NULL && t->obj != NULL && !ctx->failed)
		inspect_children(ctx, rec, fallback, t->obj, t->olen);
	memset(t, 0, sizeof(*t));
}

/* tnef_attribute - one attribute of the attachment being collected */
static bool
tnef_attribute(struct tnef_att *t, uint32_t id, const unsigned char *v,
    size_t n)
{
	switch (id) {
	case TNEF_ATT_TITLE:
		if (t->name[0] == '\0')
			tnef_name_utf8(t->name, v, n, false);
		return true;
	case TNEF_ATT_DATA:
		t->data = v;
		t->len = n;
		return true;
	case TNEF_ATT_MAPI:
		return tnef_props(v, n, t);
	default:
		return true;
	}
}

/* tnef_inspect - a winmail.dat: its attachments; false if not TNEF */
bool
tnef_inspect(struct actx *ctx, size_t rec, const unsigned char *d,
    size_t len)
{
	struct tnef_att t;
	struct attachment *a;
	size_t off = 6, n;
	uint32_t id;
	unsigned count = 0;
	bool ok = true;

	if (len < 6 || le32(d) != TNEF_SIGNATURE)
		return false;
	a = actx_rec(ctx, rec);
	a->kind = "tnef";
	free(a->detected_type);
	a->detected_type = xstrdup("application/vnd.ms-tnef");
	a->is_archive = true;
	memset(&t, 0, sizeof(t));
	while (ok && off < len && !ctx->failed) {
		if (len - off < 9 || (n = le32(d + off + 5)) > len - off - 11) {
			ok = false;
			break;
		}
		id = le32(d + off + 1);
		if (id == TNEF_ATT_RENDDATA) {
			tnef_flush(ctx, rec, &t, &count);
			t.open = true;
		} else if (t.open && d[off] == 2)
			ok = tnef_attribute(&t, id, d + off + 9, n);
		off += 9 + n + 2;
	}
	if (ok)
		tnef_flush(ctx, rec, &t, &count);
	else if (actx_rec(ctx, rec)->uninspectable == NULL)
		actx_rec(ctx, rec)->uninspectable = "corrupt";
	return true;
}
