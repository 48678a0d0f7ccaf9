/*
 * pkg_parts - digests of the package parts the text pass read whole
 *
 * SYNOPSIS
 *	void pkg_reader_start(struct pkg_reader *r, unsigned index)
 *	void pkg_reader_add(struct pkg_reader *r, const void *p, size_t n)
 *	void pkg_parts_keep(struct pkg_parts *parts, const char *name,
 *	    struct pkg_reader *r)
 *	const struct pkg_part *pkg_parts_find(const struct pkg_parts *parts,
 *	    unsigned index, const char *name)
 *	void pkg_parts_free(struct pkg_parts *parts)
 *
 * DESCRIPTION
 *	An Office or OpenDocument package used to be inflated twice: once
 *	for its text (xml_stream, zipmem_read: the sheets, the document,
 *	the slides, the styles) and once more by the archive walk, which
 *	expands every entry only to take its size, its SHA-256 and its
 *	first bytes (its own XML parts are typed without libmagic; see
 *	inspect_package_part).  Now the text pass hashes what it inflates
 *	(pkg_reader), and a part it read to its end, with libarchive's
 *	CRC check passed, is kept here: its position among the zip's
 *	headers, its name, size, digest and first PKG_HEAD bytes.  The
 *	walk of the same package (archive.c) takes the record of the entry
 *	at the same position with the same name instead of inflating it
 *	again; anything else (a part cut at the text cap or at a size
 *	limit, one never read for text, a name or position that differs)
 *	is read by the walk as before.
 *
 * DIAGNOSTICS
 *	None; memory comes from the xmalloc family.
 *
 * SEE ALSO
 *	xml_stream.c, archives/zipmem.c, archives/archive.c, inspect.c
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "analysis/analysis_int.h"
#include "util/xalloc.h"

/* pkg_reader_start - begin hashing the entry at header position index */
void
pkg_reader_start(struct pkg_reader *r, unsigned index)
{
	memset(r, 0, sizeof(*r));
	sha256_init(&r->sha);
	r->index = index;
	r->on = true;
}

/* pkg_reader_add - hash n more bytes of the entry, keep its first bytes */
void
pkg_reader_add(struct pkg_reader *r, const void *p, size_t n)
{
	size_t k;

	if (!r->on || n == 0)
		return;
	if (r->hlen < PKG_HEAD) {
		k = PKG_HEAD - r->hlen < n ? PKG_HEAD - r->hlen : n;
		memcpy(r->head + r->hlen, p, k);
		r->hlen += k;
	}
	sha256_update(&r->sha, n, p);
	r->size += n;
}

/* pkg_parts_keep - keep the digest of an entry read to its end */
void
pkg_parts_keep(struct pkg_parts *parts, const char *name,
    struct pkg_reader *r)
{
	struct pkg_part *p;

	if (parts == NULL || !r->on || pkg_parts_find(parts, r->index,
	    name) != NULL)
		return;
	parts->v = xreallocarray(parts->v, parts->n + 1, sizeof(*parts->v));
	p = &parts->v[parts->n++];
	p->name = xstrdup(name);
	p->index = r->index;
	p->size = r->size;
	sha256_hex(&r->sha, p->sha256);
	p->head = xmalloc(r->hlen > 0 ? r->hlen : 1);
	memcpy(p->head, r->head, r->hlen);
	p->hlen = r->hlen;
	r->on = false;
}

/* pkg_parts_find - the part kept for header position index, or NULL */
const struct pkg_part *
pkg_parts_find(const struct pkg_parts *parts, unsigned index,
    const char *name)
{
	if (parts == NULL)
		return NULL;
	for (size_t i = 0; i < parts->n; i++)
		if (parts->v[i].index == index &&
		    strcmp(parts->v[i].name, name) == 0)
			return &parts->v[i];
	return NULL;
}

/* pkg_parts_free - free the kept parts */
void
pkg_parts_free(struct pkg_parts *parts)
{
	for (size_t i = 0; i < parts->n; i++) {
		free(parts->v[i].name);
		free(parts->v[i].head);
	}
	free(parts->v);
	memset(parts, 0, sizeof(*parts));
}
