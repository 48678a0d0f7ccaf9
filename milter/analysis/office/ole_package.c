/*
 * ole_package - files packaged as OLE objects in Word, Excel and
 * PowerPoint binaries (and any compound file)
 *
 * SYNOPSIS
 *	void ole_packages(struct actx *ctx, size_t rec, const struct ole *o)
 *	bool ole_package_native(const unsigned char *b, size_t n, char *name,
 *	    const unsigned char **data, size_t *dlen)
 *
 * DESCRIPTION
 *	An object inserted with "Object > Create from file" is stored in
 *	ObjectPool/_NNN (Word), MBD... (Excel) or an ExOleObjStg (PowerPoint,
 *	as its own compound file) as an "\001Ole10Native" stream: a 32-bit
 *	size, then for the Package server a 16-bit type, the label and the
 *	original path (NUL-terminated), two 16-bit words, the temporary
 *	path (32-bit length and bytes), a 32-bit data size and the file.
 *	Each packaged file becomes a record "<document>/<label>" judged by
 *	its content (inspect.c).  A native stream that is not a Package
 *	(another OLE1 server) is judged whole, as "embedded-N".  A stream
 *	larger than what is left of max_expanded is "expanded-size".
 *	ole_package_native() reads the Package layout for RTF objects too
 *	(rtf_object.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "analysis/analysis_int.h"
#include "analysis/office/ole.h"
#include "util/byteorder.h"
#include "util/xalloc.h"

#define OLE_PACKAGE_MAX		256	/* native streams judged at most */

/* ole_package_cstr - a NUL-terminated string at *off; false if none */
static bool
ole_package_cstr(const unsigned char *b, size_t n, size_t *off,
    const unsigned char **s, size_t *len)
{
	const unsigned char *z;

	if (*off >= n || (z = memchr(b + *off, 0, n - *off)) == NULL)
		return false;
	*s = b + *off;
	*len = (size_t)(z - *s);
	*off = (size_t)(z - b) + 1;
	return true;
}

/*
 * ole_package_native - the label and file of a Package's native data
 * (b after its 32-bit size; name has OLE_PACKAGE_NAME bytes); false when
 * it is no Package
 */
bool
ole_package_native(const unsigned char *b, size_t n, char *name,
    const unsigned char **data, size_t *dlen)
{
	const unsigned char *label, *path;
	size_t off = 2, ln, pn, k;
	uint32_t tl, dl;

	if (n < 2 || le16(b) != 2 ||
	    !ole_package_cstr(b, n, &off, &label, &ln) ||
	    !ole_package_cstr(b, n, &off, &path, &pn) ||
	    n - off < 8)
		return false;
	off += 4;
	tl = le32(b + off);
	off += 4;
	if (tl > n - off || n - off - tl < 4)
		return false;
	off += tl;
	dl = le32(b + off);
	off += 4;
	if (dl > n - off)
		return false;
	if (ln == 0) {
		/* no label: the last component of the original path */
		for (k = pn; k > 0 && path[k - 1] != '\\' && path[k - 1] != '/';
		    k--)
			;
		label = path + k;
		ln = pn - k;
	}
	ln = ln < OLE_PACKAGE_NAME - 1 ? ln : OLE_PACKAGE_NAME - 1;
	memcpy(name, label, ln);
	name[ln] = '\0';
	for (k = 0; k < ln; k++)
		if (name[k] == '/' || name[k] == '\\')
			name[k] = '_';
	*data = b + off;
	*dlen = dl;
	return true;
}

/* ole_package_one - read one native stream and judge what it holds */
static void
ole_package_one(struct actx *ctx, size_t rec, const struct ole *o, int e,
    unsigned count)
{
	size_t size = ole_size(o, e), left, got, dlen;
	char name[OLE_PACKAGE_NAME];
	const unsigned char *data;
	unsigned char *b;

	left = ctx->lim.max_expanded > ctx->expanded ?
	    (size_t)(ctx->lim.max_expanded - ctx->expanded) : 0;
	if (size > left || size > o->nsect * o->ssz) {
		actx_rec(ctx, rec)->is_archive = true;
		if (actx_rec(ctx, rec)->uninspectable == NULL)
			actx_rec(ctx, rec)->uninspectable = size > left ?
			    "expanded-size" : "corrupt";
		return;
	}
	b = xmalloc(size ? size : 1);
	got = ole_read(o, e, b, size);
	if (got < 4 || !ole_package_native(b + 4, got - 4, name, &data,
	    &dlen) || name[0] == '\0') {
		if (got >= 4 && ole_package_native(b + 4, got - 4, name, &data,
		    &dlen))
			snprintf(name, sizeof(name), "embedded-%u", count);
		else {
			snprintf(name, sizeof(name), "embedded-%u", count);
			data = got >= 4 ? b + 4 : b;
			dlen = got >= 4 ? got - 4 : got;
		}
	}
	inspect_children(ctx, rec, name, data, dlen);
	free(b);
}

/* ole_packages - every Ole10Native stream of the compound file */
void
ole_packages(struct actx *ctx, size_t rec, const struct ole *o)
{
	unsigned count = 0;
	int e = -1;

	while (!ctx->failed && !actx_late(ctx) &&
	    (e = ole_find_next(o, "\001Ole10Native", e)) >= 0) {
		if (count == OLE_PACKAGE_MAX) {
			actx_rec(ctx, rec)->is_archive = true;
			if (actx_rec(ctx, rec)->uninspectable == NULL)
				actx_rec(ctx, rec)->uninspectable = "entries";
			return;
		}
		ole_package_one(ctx, rec, o, e, ++count);
	}
}
