/*
 * pdf_text - best-effort text of a PDF: FlateDecode streams, Tj/TJ
 *
 * SYNOPSIS
 *	void pdf_text(const struct pdf *p, const struct pdf_crypt *c,
 *	    struct textbuf *t, uint64_t *budget)
 *
 * DESCRIPTION
 *	Every "N G obj << ... >> stream" is considered (the search for the
 *	next one resumes after the "endstream" of a stream whose length
 *	leads to one, not inside its data); images, fonts,
 *	XMP metadata, object and xref streams are skipped.  The data is
 *	decrypted when the file opens with an empty user password (c not
 *	NULL), inflated with zlib when its only filter is FlateDecode (at
 *	most PDF_STREAM_MAX bytes per stream, and `budget` bytes in all,
 *	which the caller charges to max_expanded; one decoder and one
 *	output buffer, grown as needed, serve all the document's streams),
 *	and scanned for text operators by pdf_content_text()
 *	(pdf_content.c); fonts with custom encodings give no useful text.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include <libdeflate.h>
#include <zlib.h>

#include "analysis/analysis_int.h"
#include "analysis/pdf/pdf.h"
#include "util/xalloc.h"

#define PDF_STREAM_MAX	(8 * 1024 * 1024)
/* the largest output libdeflate decodes into (else zlib decodes it) */
#define PDF_DEFLATE_MAX	(64 * 1024 * 1024)
/* libdeflate's first output buffer at least (grown by doubling) */
#define PDF_INFLATE_FIRST	(64 * 1024)

/* pdf_inflate_zlib - zlib's streaming decoder: what decodes before an
 * error, a truncation or max bytes */
static unsigned char *
pdf_inflate_zlib(const unsigned char *in, size_t n, size_t max,
    size_t *out_len, bool *whole)
{
	unsigned char *out = NULL;
	size_t cap = 0, len = 0;
	z_stream z;
	int r = Z_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return NULL;
	z.next_in = (unsigned char *)in;
	z.avail_in = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
	while (r == Z_OK && len < max) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			cap = cap > max ? max : cap;
			out = xrealloc(out, cap);
		}
		z.next_out = out + len;
		z.avail_out = (uInt)(cap - len);
		r = inflate(&z, Z_NO_FLUSH);
		len = cap - z.avail_out;
		if (r == Z_BUF_ERROR && z.avail_in == 0)
			break;
		if (r == Z_BUF_ERROR)
			r = Z_OK;
	}
	inflateEnd(&z);
	if (whole != NULL)
		*whole = r == Z_STREAM_END;
	*out_len = len;
	return out;
}

/* A document's libdeflate decoder and output buffer, reused by every
 * stream (a buffer of the largest size allowed for each stream cost a
 * fresh allocation and its page faults per stream). */
struct pdf_inflater {
	struct libdeflate_decompressor *dc;
	unsigned char	*buf;
	size_t		 cap;
};

/* pdf_inflater_free - release the decoder and the buffer */
static void
pdf_inflater_free(struct pdf_inflater *f)
{
	if (f->dc != NULL)
		libdeflate_free_decompressor(f->dc);
	free(f->buf);
	memset(f, 0, sizeof(*f));
}

/*
 * pdf_inflate_fast - libdeflate-decode a sound zlib stream of at most max
 * bytes into f->buf; false when it is not that (corrupt, truncated, a
 * checksum that differs, more than max).  The output is tried in a
 * buffer of eight times the input (64 KiB at least), doubled up to max
 * while it is too small, so a stream of a few kilobytes touches a few
 * pages, not max bytes.
 */
static bool
pdf_inflate_fast(struct pdf_inflater *f, const unsigned char *in, size_t n,
    size_t max, size_t *len)
{
	size_t avail = n < max / 8 ? n * 8 : max, used = 0;
	enum libdeflate_result r;

	if (avail < PDF_INFLATE_FIRST)
		avail = max < PDF_INFLATE_FIRST ? max : PDF_INFLATE_FIRST;
	if (f->dc == NULL && (f->dc = libdeflate_alloc_decompressor()) == NULL)
		return false;
	for (;;) {
		if (f->cap < avail) {
			free(f->buf);
			f->buf = xmalloc(avail);
			f->cap = avail;
		}
		r = libdeflate_zlib_decompress_ex(f->dc, in, n, f->buf, avail,
		    &used, len);
		if (r != LIBDEFLATE_INSUFFICIENT_SPACE || avail == max)
			return r == LIBDEFLATE_SUCCESS;
		avail = avail > max / 2 ? max : avail * 2;
	}
}

/*
 * pdf_inflate - zlib-decode at most max bytes into a new buffer; *whole
 * (when not NULL) tells whether the zlib stream ended within them.
 * A sound stream that fits (the common case) is decoded by libdeflate
 * in one call, 2.5 times as fast as zlib; anything else (corrupt,
 * truncated, a checksum that differs, more than max, or max beyond
 * PDF_DEFLATE_MAX) by zlib, so the result is zlib's in every case.
 */
unsigned char *
pdf_inflate(const unsigned char *in, size_t n, size_t max, size_t *out_len,
    bool *whole)
{
	struct pdf_inflater f = { 0 };
	unsigned char *out;
	size_t len = 0;

	if (max == 0 || max > PDF_DEFLATE_MAX ||
	    !pdf_inflate_fast(&f, in, n, max, &len)) {
		pdf_inflater_free(&f);
		return pdf_inflate_zlib(in, n, max, out_len, whole);
	}
	out = f.buf;
	f.buf = NULL;
	pdf_inflater_free(&f);
	if (whole != NULL)
		*whole = true;
	*out_len = len;
	return len < max ? xrealloc(out, len > 0 ? len : 1) : out;
}

/* pdf_stream_wanted - is this a stream that may hold page text? */
static bool
pdf_stream_wanted(const struct pdf *p, size_t dict, bool *flate)
{
	char name[32];
	size_t v;

	*flate = false;
	if ((pdf_dict_get(p, dict, "Subtype", &v) && pdf_name(p, v, name,
	    sizeof(name)) && (strcmp(name, "Image") == 0 ||
	    strcmp(name, "XML") == 0)) || pdf_dict_get(p, dict, "Length1", &v)
	    || pdf_dict_get(p, dict, "Length2", &v))
		return false;
	if (pdf_dict_get(p, dict, "Type", &v) && pdf_name(p, v, name,
	    sizeof(name)) && (strcmp(name, "ObjStm") == 0 ||
	    strcmp(name, "XRef") == 0 || strcmp(name, "Metadata") == 0))
		return false;
	if (!pdf_dict_get(p, dict, "Filter", &v))
		return true;
	if (p->d[v] == '[') {
		v = pdf_ws(p, v + 1);
		if (pdf_ws(p, pdf_skip_value(p, v)) < p->len &&
		    p->d[pdf_ws(p, pdf_skip_value(p, v))] != ']')
			return false;
	}
	*flate = pdf_name(p, v, name, sizeof(name)) &&
	    (strcmp(name, "FlateDecode") == 0 || strcmp(name, "Fl") == 0);
	return *flate;
}

/* pdf_stream_data - where the data of the stream after a dict lies */
bool
pdf_stream_data(const struct pdf *p, size_t dict, size_t *start,
    size_t *n)
{
	size_t i = pdf_ws(p, pdf_skip_value(p, dict)), v;
	const unsigned char *end;
	long len;

	if (i + 6 > p->len || memcmp(p->d + i, "stream", 6) != 0)
		return false;
	i += 6;
	if (i < p->len && p->d[i] == '\r')
		i++;
	if (i < p->len && p->d[i] == '\n')
		i++;
	*start = i;
	if (pdf_dict_get(p, dict, "Length", &v) && pdf_resolve(p, &v) &&
	    pdf_int(p, v, &len) && len >= 0 && (size_t)len <= p->len - i) {
		*n = (size_t)len;
		return true;
	}
	end = memmem(p->d + i, p->len - i, "endstream", 9);
	*n = end ? (size_t)(end - p->d) - i : p->len - i;
	return true;
}

/* pdf_text_stream - decrypt, inflate and scan the stream of the object
 * whose dictionary is at dict, if it may hold page text; where its
 * "endstream" ends (0: no stream, or no endstream where its length
 * says), so that the search for the next object skips its data */
static size_t
pdf_text_stream(const struct pdf *p, const struct pdf_crypt *c, long num,
    long gen, size_t dict, struct textbuf *t, uint64_t *budget,
    struct pdf_inflater *f)
{
	unsigned char *plain = NULL, *text;
	const unsigned char *data;
	size_t start, n, tn, max, end;
	bool flate;

	if (!pdf_stream_data(p, dict, &start, &n))
		return 0;
	end = pdf_ws(p, start + n);
	end = end + 9 <= p->len && memcmp(p->d + end, "endstream", 9) == 0 ?
	    end + 9 : 0;
	if (!pdf_stream_wanted(p, dict, &flate))
		return end;
	data = p->d + start;
	if (c != NULL) {
		plain = xmalloc(n + 16);
		n = pdf_crypt_stream(c, num, gen, data, n, plain);
		data = plain;
	}
	max = *budget < PDF_STREAM_MAX ? (size_t)*budget : PDF_STREAM_MAX;
	if (flate && max > 0 && max <= PDF_DEFLATE_MAX &&
	    pdf_inflate_fast(f, data, n, max, &tn)) {
		*budget -= tn;
		pdf_content_text(f->buf, tn, t);
	} else if (flate && (text = pdf_inflate_zlib(data, n, max, &tn,
	    NULL)) != NULL) {
		*budget -= tn;
		pdf_content_text(text, tn, t);
		free(text);
	} else if (!flate)
		pdf_content_text(data, n, t);
	free(plain);
	return end;
}

/* pdf_text - text of every content stream, in file order */
void
pdf_text(const struct pdf *p, const struct pdf_crypt *c, struct textbuf *t,
    uint64_t *budget)
{
	struct pdf_inflater f = { 0 };
	size_t off = 0, dict, end;
	long num, gen;

	while (!textbuf_full(t) && *budget > 0 &&
	    pdf_next_obj(p, &off, &num, &gen, &dict))
		if ((end = pdf_text_stream(p, c, num, gen, dict, t, budget,
		    &f)) > off)
			off = end;
	pdf_inflater_free(&f);
}
