/*
 * zipmem - named entries of a ZIP package in memory (OOXML, ODF)
 *
 * SYNOPSIS
 *	int zipmem_read(struct actx *ctx, const unsigned char *data,
 *	    size_t len, const char *entry, size_t max, struct blob *out)
 *	bool zipmem_names(const unsigned char *data, size_t len,
 *	    bool (*fn)(const char *name, void *arg), void *arg)
 *	struct archive *zipmem_entry_open(const unsigned char *data,
 *	    size_t len, const char *entry, unsigned *index)
 *	ssize_t zipmem_entry_read(struct actx *ctx, struct archive *ar,
 *	    void *buf, size_t n)
 *	void zipmem_entry_close(struct archive *ar)
 *
 * DESCRIPTION
 *	Document formats need a few parts by name, in their own order
 *	(shared strings before sheets), so each call opens the package
 *	again with libarchive's seekable ZIP reader, which uses the central
 *	directory.  zipmem_read() expands at most `max` bytes of one entry
 *	into `out`, charged to the message's max_expanded budget.
 *	zipmem_names() calls fn for every entry name until fn returns false.
 *	zipmem_entry_open() gives a reader positioned at one entry, for
 *	parts read a chunk at a time (xml_stream); zipmem_entry_read()
 *	charges what it expands to the budget like zipmem_read().  The
 *	entry's position among the headers goes to *index (pkg_parts.c);
 *	while a package's text is read (ctx->parts), zipmem_read() keeps
 *	the digest of an entry it read to its end there.
 *
 * DIAGNOSTICS
 *	zipmem_read() returns 0 when the entry was read (possibly cut at
 *	max), -1 when it is missing, encrypted, corrupt or over budget.
 *	zipmem_names() returns false when the package cannot be read.
 *	zipmem_entry_open() returns NULL when the entry is missing or
 *	encrypted; zipmem_entry_read() returns the bytes expanded, 0 at the
 *	end, -1 when the entry is corrupt, over budget or out of time.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <sys/types.h>

#include <archive.h>
#include <archive_entry.h>

#include "analysis/analysis_int.h"
#include "util/xalloc.h"

/* zipmem_open - a ZIP-only reader over memory */
static struct archive *
zipmem_open(const unsigned char *data, size_t len)
{
	struct archive *ar = archive_read_new();

	archive_read_support_format_zip_seekable(ar);
	if (archive_read_open_memory(ar, data, len) != ARCHIVE_OK) {
		archive_read_free(ar);
		return NULL;
	}
	return ar;
}

/* zipmem_entry_open - a reader at one entry's data, its header position
 * in *index; NULL if none/encrypted */
struct archive *
zipmem_entry_open(const unsigned char *data, size_t len, const char *entry,
    unsigned *index)
{
	struct archive *ar = zipmem_open(data, len);
	struct archive_entry *e;
	const char *name;
	unsigned i = 0;
	int r;

	if (ar == NULL)
		return NULL;
	while ((r = archive_read_next_header(ar, &e)) == ARCHIVE_OK ||
	    r == ARCHIVE_WARN) {
		name = archive_entry_pathname(e);
		*index = i++;
		if (name == NULL || strcmp(name, entry) != 0)
			continue;
		if (archive_entry_is_encrypted(e))
			break;
		return ar;
	}
	archive_read_free(ar);
	return NULL;
}

/* zipmem_entry_read - the next expanded bytes, charged to the budget */
ssize_t
zipmem_entry_read(struct actx *ctx, struct archive *ar, void *buf, size_t n)
{
	la_ssize_t got = archive_read_data(ar, buf, n);

	if (got < 0)
		return -1;
	if (!actx_expand(ctx, (size_t)got) || actx_late(ctx))
		return -1;
	return (ssize_t)got;
}

/* zipmem_entry_close - done with an entry reader */
void
zipmem_entry_close(struct archive *ar)
{
	if (ar != NULL)
		archive_read_free(ar);
}

/* zipmem_copy - expand the current entry into a blob, at most max bytes;
 * *eof when it was read to its end */
static int
zipmem_copy(struct actx *ctx, struct archive *ar, size_t max,
    struct blob *out, bool *eof)
{
	unsigned char buf[65536];
	ssize_t n = -1;
	size_t k;

	while (out->len < max &&
	    (n = zipmem_entry_read(ctx, ar, buf, sizeof(buf))) != 0) {
		if (n < 0)
			return -1;
		k = (size_t)n > max - out->len ? max - out->len : (size_t)n;
		if (blob_append(out, buf, k) < 0) {
			ctx->failed = true;
			return -1;
		}
	}
	*eof = n == 0;
	return blob_finish(out);
}

/* zipmem_keep - keep the digest of an entry read whole (pkg_parts.c) */
static void
zipmem_keep(struct actx *ctx, const char *entry, unsigned index,
    const struct blob *b)
{
	struct pkg_reader *r = xmalloc(sizeof(*r));

	pkg_reader_start(r, index);
	pkg_reader_add(r, b->data, b->len);
	pkg_parts_keep(ctx->parts, entry, r);
	free(r);
}

/* zipmem_read - one entry by exact name */
int
zipmem_read(struct actx *ctx, const unsigned char *data, size_t len,
    const char *entry, size_t max, struct blob *out)
{
	unsigned index = 0;
	struct archive *ar = zipmem_entry_open(data, len, entry, &index);
	bool eof = false;
	int rc;

	if (ar == NULL)
		return -1;
	rc = zipmem_copy(ctx, ar, max, out, &eof);
	zipmem_entry_close(ar);
	if (rc < 0)
		blob_free(out);
	else if (eof && ctx->parts != NULL)
		zipmem_keep(ctx, entry, index, out);
	return rc;
}

/* zipmem_names - call fn for each entry name */
bool
zipmem_names(const unsigned char *data, size_t len,
    bool (*fn)(const char *name, void *arg), void *arg)
{
	struct archive *ar = zipmem_open(data, len);
	struct archive_entry *e;
	const char *name;
	int r;

	if (ar == NULL)
		return false;
	while ((r = archive_read_next_header(ar, &e)) == ARCHIVE_OK ||
	    r == ARCHIVE_WARN) {
		name = archive_entry_pathname(e);
		if (name != NULL && !fn(name, arg))
			break;
	}
	archive_read_free(ar);
	return r != ARCHIVE_FATAL;
}
