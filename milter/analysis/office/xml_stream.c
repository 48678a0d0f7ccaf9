/*
 * xml_stream - tokens of an XML part read out of its zip entry in chunks
 *
 * SYNOPSIS
 *	bool xml_stream_open(struct xml_stream *xs, struct actx *ctx,
 *	    const unsigned char *data, size_t len, const char *entry,
 *	    size_t max)
 *	enum xml_type xml_stream_next(struct xml_stream *xs,
 *	    struct xml_tok *t)			(inline, analysis_int.h)
 *	void xml_stream_close(struct xml_stream *xs)
 *
 * DESCRIPTION
 *	A worksheet can expand to tens of megabytes of XML, while the text
 *	the detectors read is capped (max_text).  Reading the part a chunk
 *	at a time lets the extractor stop at the cap without inflating, or
 *	keeping, the rest.  The window holds the unread tail of the last
 *	chunk plus the next one; a token is only returned whole (xml_scan
 *	in "more" mode), so a token's pointers stay valid until the next
 *	call and no longer.  The window grows for a token longer than
 *	itself, up to `max` bytes; the part is read to at most `max` bytes
 *	in all, as zipmem_read() would.  While a package's text is read
 *	(ctx->parts set), what comes out is hashed as well, and a part
 *	read to its end is kept there for the walk (pkg_parts.c), which
 *	then need not inflate it again.
 *
 * DIAGNOSTICS
 *	xml_stream_open() returns false when the entry is missing or
 *	encrypted.  A corrupt entry, or one over the expansion budget or
 *	the time limit, ends the tokens early (XML_EOF) and sets `failed`.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "analysis/analysis_int.h"
#include "util/xalloc.h"

#define XML_STREAM_CHUNK	(256 * 1024)

/* xml_stream_open - start reading one entry of a package */
bool
xml_stream_open(struct xml_stream *xs, struct actx *ctx,
    const unsigned char *data, size_t len, const char *entry, size_t max)
{
	unsigned index = 0;

	memset(xs, 0, sizeof(*xs));
	xs->ctx = ctx;
	xs->max = max;
	xs->ar = zipmem_entry_open(data, len, entry, &index);
	if (xs->ar == NULL)
		return false;
	if (ctx->parts != NULL) {
		xs->digest = xmalloc(sizeof(*xs->digest));
		pkg_reader_start(xs->digest, index);
		xs->entry = xstrdup(entry);
	}
	xs->cap = XML_STREAM_CHUNK;
	xs->buf = xmalloc(xs->cap);
	xml_scan_init(&xs->scan, xs->buf, 0);
	xml_scan_more(&xs->scan, true);
	return true;
}

/* xml_stream_fill - keep the unread tail, read the next chunk after it */
void
xml_stream_fill(struct xml_stream *xs)
{
	size_t keep = (size_t)(xs->scan.end - xs->scan.p), room;
	ssize_t n;

	memmove(xs->buf, xs->scan.p, keep);
	if (keep == xs->cap && xs->cap < xs->max) {
		xs->cap = xs->cap * 2 > xs->max ? xs->max : xs->cap * 2;
		xs->buf = xrealloc(xs->buf, xs->cap);
	}
	room = xs->cap - keep;
	if (room > xs->max - xs->read)
		room = xs->max - xs->read;
	n = room > 0 ? zipmem_entry_read(xs->ctx, xs->ar, xs->buf + keep,
	    room) : 0;
	if (n < 0)
		xs->failed = true;
	if (n == 0 && room > 0)
		xs->eof = true;
	if (n > 0) {
		xs->read += (size_t)n;
		if (xs->digest != NULL)
			pkg_reader_add(xs->digest, xs->buf + keep, (size_t)n);
	}
	xml_scan_init(&xs->scan, xs->buf, keep + (n > 0 ? (size_t)n : 0));
	/* the end of the entry, of the allowance, or an error: no more */
	xml_scan_more(&xs->scan, n > 0);
}

/* xml_stream_close - free the window and the reader; keep the digest of
 * a part read to its end */
void
xml_stream_close(struct xml_stream *xs)
{
	if (xs->digest != NULL && xs->eof && !xs->failed)
		pkg_parts_keep(xs->ctx->parts, xs->entry, xs->digest);
	free(xs->digest);
	free(xs->entry);
	zipmem_entry_close(xs->ar);
	free(xs->buf);
	memset(xs, 0, sizeof(*xs));
}
