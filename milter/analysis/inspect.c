/*
 * inspect - everything known about one decoded part or archive entry
 *
 * SYNOPSIS
 *	void inspect_content(struct actx *ctx, size_t rec,
 *	    const struct blob *b, const char *charset)
 *	void inspect_digest(struct attachment *a, const struct blob *b)
 *
 * DESCRIPTION
 *	The pipeline shared by MIME leaves and archive entries: size and
 *	SHA-256, type by content (libmagic, then format checks: ZIP-based
 *	OOXML/ODF documents, OLE compound files, PDF), EICAR, encryption,
 *	macros, text for the content detectors, and the entries of archives
 *	(which come back here, one level deeper).  Body text parts keep
 *	their text even when libmagic calls them binary (NUL bytes).
 *	The digest of a big (mapped) blob gives its pages back as it goes,
 *	so hashing a 20 MB attachment does not keep 20 MB resident.
 *	Outlook's TNEF (winmail.dat) is not unpacked: it is "unsupported",
 *	so the attachments it hides are never taken for inspected.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <sys/mman.h>

#include "analysis/analysis_int.h"
#include "util/xalloc.h"

/*
 * inspect_digest - size and SHA-256 of the decoded content: the one the
 * blob took while it was filled, or one pass now.  Nettle's SHA-256 uses
 * the CPU's SHA instructions where it has them (about four times GLib's
 * speed on a 10 MB attachment).
 */
void
inspect_digest(struct attachment *a, const struct blob *b)
{
	struct sha256_ctx ck;
	size_t off = 0, n;

	a->size = b->len;
	if (b->digest && b->sha256[0] != '\0') {
		memcpy(a->sha256, b->sha256, sizeof(a->sha256));
		return;
	}
	sha256_init(&ck);
	while (off < b->len) {
		n = b->len - off > BLOB_MEM_MAX ? BLOB_MEM_MAX : b->len - off;
		sha256_update(&ck, n, b->data + off);
		if (b->mapped && n == BLOB_MEM_MAX)
			(void)madvise(b->data + off, n, MADV_DONTNEED);
		off += n;
	}
	sha256_hex(&ck, a->sha256);
}

/*
 * inspect_body_is_text - is this the message text as declared?  libmagic
 * costs 8-13 M instructions a call whatever the size (most of the time in
 * its regex rules), and most messages are only text.  A body part
 * (text/plain or text/html, no file name, not an attachment) whose first
 * 8 KiB hold no NUL or other control bytes and no "#!" script line is
 * what its Content-Type says; anything else still goes to libmagic, so a
 * program or archive declared as text is typed by its content.
 */
static bool
inspect_body_is_text(const struct attachment *a, const unsigned char *data,
    size_t len)
{
	size_t n = len < 8192 ? len : 8192;

	if (!a->is_body || a->declared_type == NULL)
		return false;
	if (n >= 2 && data[0] == '#' && data[1] == '!')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = data[i];

		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' &&
		    c != '\f' && c != 0x1b)
			return false;
		if (c == 0x7f)
			return false;
	}
	return true;
}

/* inspect_text - text of plain, HTML, CSV and RTF content */
static void
inspect_text(struct actx *ctx, size_t rec, const unsigned char *data,
    size_t len, const char *charset)
{
	struct attachment *a = actx_rec(ctx, rec);
	const char *kind = a->kind;
	bool html = strcmp(kind, "html") == 0;
	struct textbuf t;

	if (a->is_body && a->declared_type != NULL)
		html = strcmp(a->declared_type, "text/html") == 0;
	else if (strcmp(kind, "text") != 0 && strcmp(kind, "csv") != 0 &&
	    !html && strcmp(kind, "rtf") != 0)
		return;
	textbuf_init(&t, ctx->lim.max_text);
	if (strcmp(kind, "rtf") == 0 && !a->is_body)
		rtf_text(data, len, &t);
	else if (html)
		text_extract_html(data, len, charset, &t);
	else
		text_extract_plain(data, len, charset, &t);
	textbuf_store(&t, actx_rec(ctx, rec));
}

/* inspect_formats - format checks libmagic cannot do; true if handled */
static bool
inspect_formats(struct actx *ctx, size_t rec, const unsigned char *data,
    size_t len)
{
	if (len >= 4 && memcmp(data, "PK\003\004", 4) == 0 &&
	    (ooxml_inspect(ctx, rec, data, len) ||
	    odf_inspect(ctx, rec, data, len)))
		return true;
	if (len >= 8 && memcmp(data, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0
	    && ole_inspect(ctx, rec, data, len))
		return true;
	if (strcmp(actx_rec(ctx, rec)->kind, "pdf") == 0 ||
	    (len >= 5 && memmem(data, len < 1024 ? len : 1024, "%PDF-", 5)
	    != NULL))
		return pdf_inspect(ctx, rec, data, len);
	return false;
}

/* inspect_content - fill a record from its decoded content */
void
inspect_content(struct actx *ctx, size_t rec, const struct blob *b,
    const char *charset)
{
	struct attachment *a = actx_rec(ctx, rec);
	const unsigned char *data = b->data;
	size_t len = b->len;
	const char *mime;

	inspect_digest(a, b);
	mime = inspect_body_is_text(a, data, len) ? a->declared_type :
	    magic_thread_type(data, len);
	free(a->detected_type);
	a->detected_type = xstrdup(mime != NULL ? mime :
	    "application/octet-stream");
	a->kind = filetype_kind(a->detected_type, data, len, a->name);
	if (filetype_is_eicar(data, len)) {
		a->is_eicar = true;
		a->kind = "eicar";
	}
	if ((strcmp(a->kind, "other") == 0 || strcmp(a->kind, "text") == 0) &&
	    encryption_is_pgp_message(data, len)) {
		analysis_set_encrypted(a, ENCRYPTION_STRONG, "pgp");
		a->kind = "pgp";
		return;
	}
	if (len >= 4 && memcmp(data, "\x78\x9f\x3e\x22", 4) == 0) {
		/* winmail.dat hides its attachments from a MIME scan */
		free(a->detected_type);
		a->detected_type = xstrdup("application/vnd.ms-tnef");
		a->kind = "other";
		a->uninspectable = "unsupported";
		return;
	}
	if (inspect_formats(ctx, rec, data, len))
		return;
	inspect_text(ctx, rec, data, len, charset);
	a = actx_rec(ctx, rec);
	if (filetype_is_archive_kind(a->kind) ||
	    strcmp(a->detected_type, "application/java-archive") == 0) {
		a->is_archive = true;
		archive_walk(ctx, rec, b, NULL);
	}
}
