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
 *	macros, text for the content detectors (none when no policy that
 *	reads it applies: analysis_limits.skip_text), and the entries of archives
 *	(which come back here, one level deeper).  Body text parts keep
 *	their text even when libmagic calls them binary (NUL bytes).
 *	The digest of a big (mapped) blob gives its pages back as it goes,
 *	so hashing a 20 MB attachment does not keep 20 MB resident.
 *	Outlook's TNEF (winmail.dat) is unpacked (tnef.c); a container
 *	nothing here opens is "cannot be inspected (format)"; a zip is
 *	checked for directories that disagree (zipdir.c); every entry of an
 *	Office package is judged (the parts its text pass read whole from
 *	their digests, pkg_parts.c, not inflated again); bytes that are a
 *	message are walked as
 *	one whatever the part was declared as; uuencoded files inside text
 *	become records of their own, and so do the OLE objects of an RTF
 *	document (rtf_object.c); a nameless inline part that is not
 *	text (a program) is no message text.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <strings.h>
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

	if (ctx->lim.skip_text)
		return;
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

/*
 * inspect_text_lookalike - text libmagic names otherwise: clear text
 * between PGP armour lines (not encrypted, see encryption.c) and UTF-16
 * without a BOM are text, typed again as such
 */
static void
inspect_text_lookalike(struct attachment *a, const unsigned char *data,
    size_t len)
{
	size_t n = len < 8192 ? len : 8192;
	bool armour = strncasecmp(a->detected_type, "application/pgp", 15) ==
	    0 && memchr(data, 0, n) == NULL;

	if (strcmp(a->kind, "other") != 0 ||
	    (!armour && text_utf16_guess(data, len) == NULL))
		return;
	free(a->detected_type);
	a->detected_type = xstrdup("text/plain");
	a->kind = filetype_kind(a->detected_type, data, len, a->name);
}

/* inspect_zip - check a zip's directories, then walk its entries (those
 * of an Office package with the parts its text pass read whole) */
static void
inspect_zip(struct actx *ctx, size_t rec, const struct blob *b,
    const struct pkg_parts *package)
{
	struct attachment *a = actx_rec(ctx, rec);
	const char *detail = NULL, *why;

	if ((why = zipdir_check(b->data, b->len, &detail)) != NULL &&
	    a->uninspectable == NULL) {
		a->uninspectable = why;
		a->detail = detail;
	}
	a->is_archive = true;
	archive_walk(ctx, rec, b, package);
}

/*
 * inspect_package - an Office or OpenDocument package: its kind, macros
 * and text, then every entry judged.  Named as something Office does not
 * open (or typed as a zip by its sender), it is a zip that happens to
 * look like a document, and its entries are read like any zip's.
 */
static bool
inspect_package(struct actx *ctx, size_t rec, const struct blob *b)
{
	struct pkg_parts parts = { NULL, 0 }, *outer = ctx->parts;
	struct attachment *a;
	bool package = true, found;

	/* the parts the text pass reads whole are not inflated again */
	ctx->parts = &parts;
	found = ooxml_inspect(ctx, rec, b->data, b->len) ||
	    odf_inspect(ctx, rec, b->data, b->len);
	ctx->parts = outer;
	if (!found) {
		pkg_parts_free(&parts);
		return false;
	}
	a = actx_rec(ctx, rec);
	if (a->name != NULL && !filetype_name_is_office(a->name)) {
		a->kind = "zip";
		free(a->detected_type);
		a->detected_type = xstrdup("application/zip");
		package = false;
	}
	inspect_zip(ctx, rec, b, package ? &parts : NULL);
	pkg_parts_free(&parts);
	return true;
}

/* inspect_formats - format checks libmagic cannot do; true if handled */
static bool
inspect_formats(struct actx *ctx, size_t rec, const struct blob *b)
{
	const unsigned char *data = b->data;
	size_t len = b->len;

	if (len >= 4 && memcmp(data, "PK\003\004", 4) == 0 &&
	    inspect_package(ctx, rec, b))
		return true;
	if (len >= 8 && memcmp(data, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0
	    && ole_inspect(ctx, rec, data, len))
		return true;
	if (strcmp(actx_rec(ctx, rec)->kind, "pdf") == 0 ||
	    (len >= 5 && memmem(data, len < 1024 ? len : 1024, "%PDF-", 5)
	    != NULL))
		return pdf_inspect(ctx, rec, data, len);
	return hazard_onenote(ctx, rec, data, len);
}

/* inspect_is_package_xml - an XML part by name (.xml, .rels, .vml) and
 * by its first PKG_HEAD bytes: '<' first after a BOM and blanks, no NUL */
static bool
inspect_is_package_xml(const char *name, const unsigned char *data,
    size_t len)
{
	const char *ext = filetype_ext(name);
	size_t i = 0, n = len < PKG_HEAD ? len : PKG_HEAD;

	if (strcasecmp(ext, "xml") != 0 && strcasecmp(ext, "rels") != 0 &&
	    strcasecmp(ext, "vml") != 0)
		return false;
	if (n >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n && (data[i] == ' ' || data[i] == '\r' ||
	    data[i] == '\n' || data[i] == '\t'))
		i++;
	return i < n && data[i] == '<' && memchr(data, 0, n) == NULL;
}

/*
 * inspect_package_part - an entry of an Office package that is one of
 * its own XML parts: typed without libmagic and without text (the
 * document's text is on the package).  False when it is anything else,
 * which is then inspected like any entry.
 */
bool
inspect_package_part(struct actx *ctx, size_t rec, const struct blob *b)
{
	struct attachment *a = actx_rec(ctx, rec);

	if (a->name != NULL && strcasecmp(a->name, "vbaProject.bin") == 0) {
		/* the macros of the package: reported on the package */
		inspect_digest(a, b);
		a->detected_type = xstrdup("application/vnd.ms-office."
		    "vbaProject");
		a->kind = "other";
		return true;
	}
	if (!inspect_is_package_xml(a->name, b->data, b->len))
		return false;
	inspect_digest(a, b);
	a->detected_type = xstrdup("application/xml");
	a->kind = "text";
	return true;
}

/*
 * inspect_package_kept - inspect_package_part for a part the package's
 * text pass read whole (pkg_parts.c): the same judgement from its size,
 * digest and first PKG_HEAD bytes.  False when it is not one of the
 * package's XML parts; the walk then reads it like any entry.
 */
bool
inspect_package_kept(struct actx *ctx, size_t rec, const struct pkg_part *p)
{
	struct attachment *a = actx_rec(ctx, rec);

	if (!inspect_is_package_xml(a->name, p->head,
	    p->size < p->hlen ? p->size : p->hlen))
		return false;
	a->size = p->size;
	memcpy(a->sha256, p->sha256, sizeof(a->sha256));
	a->detected_type = xstrdup("application/xml");
	a->kind = "text";
	return true;
}

/*
 * inspect_container - a container: walked when libarchive reads it, else
 * (ARJ, SZDD, InstallShield...) "cannot be inspected (format)"
 */
static bool
inspect_container(struct actx *ctx, size_t rec, const struct blob *b)
{
	struct attachment *a = actx_rec(ctx, rec);
	const char *label;

	if (strcmp(a->kind, "zip") == 0) {
		inspect_zip(ctx, rec, b, NULL);
		return true;
	}
	if (filetype_is_archive_kind(a->kind) ||
	    strcmp(a->detected_type, "application/java-archive") == 0) {
		a->is_archive = true;
		archive_walk(ctx, rec, b, NULL);
		return true;
	}
	if (strcmp(a->kind, "other") == 0 && zipdir_has_end(b->data, b->len)) {
		/* a zip behind other bytes: unzip and Windows still open it */
		a->kind = "zip";
		inspect_zip(ctx, rec, b, NULL);
		return true;
	}
	if (strcmp(a->kind, "other") != 0 ||
	    (label = filetype_container_label(a->detected_type)) == NULL)
		return false;
	a->kind = "archive";
	a->is_archive = true;
	a->uninspectable = "format";
	a->detail = label;
	return true;
}

/* inspect_message - bytes that are a message (or an mbox) are walked as
 * one, whatever the part was declared as */
static bool
inspect_message(struct actx *ctx, size_t rec, const struct blob *b)
{
	struct attachment *a = actx_rec(ctx, rec);
	bool mbox = strcmp(a->detected_type, "application/mbox") == 0;

	if (a->is_body || (!mbox &&
	    strcmp(a->detected_type, "message/rfc822") != 0 &&
	    strcmp(a->detected_type, "message/news") != 0))
		return false;
	a->kind = "other";
	a->is_archive = true;
	walk_embedded_message(ctx, rec, b->data, b->len, mbox);
	return true;
}

/*
 * inspect_children - one file found inside a record (an attachment of
 * winmail.dat, a uuencoded file, an object in a notebook): a record one
 * level down, path "<parent>/<name>", inspected like an archive entry
 * and charged to the same limits
 */
void
inspect_children(struct actx *ctx, size_t rec, const char *name,
    const unsigned char *data, size_t len)
{
	struct attachment *p = actx_rec(ctx, rec);
	char *safe = analysis_name_safe(name), *path;
	size_t child;
	struct blob b;

	p->is_archive = true;
	if (p->depth + 1 > ctx->lim.max_depth) {
		p->uninspectable = "depth";
		free(safe);
		return;
	}
	if (++ctx->entries > ctx->lim.max_entries || !actx_expand(ctx, len)) {
		p->uninspectable = ctx->entries > ctx->lim.max_entries ?
		    "entries" : "expanded-size";
		free(safe);
		return;
	}
	path = strchr(p->path, '/') != NULL ? xasprintf("%s/%s", p->path,
	    safe) : xasprintf("%s/%s/%s", p->path, p->name_safe != NULL ?
	    p->name_safe : "-", safe);
	child = actx_add(ctx, path, p->depth + 1);
	actx_rec(ctx, child)->name = xstrdup(name);
	actx_rec(ctx, child)->name_safe = safe;
	free(path);
	blob_init(&b);
	if (blob_append(&b, data, len) < 0 || blob_finish(&b) < 0)
		ctx->failed = true;
	else
		inspect_content(ctx, child, &b, NULL);
	blob_free(&b);
}

/* inspect_content - fill a record from its decoded content */
void
inspect_content(struct actx *ctx, size_t rec, const struct blob *b,
    const char *charset)
{
	struct attachment *a = actx_rec(ctx, rec);
	const unsigned char *data = b->data;
	size_t len = b->len;
	char *mime;

	inspect_digest(a, b);
	mime = inspect_body_is_text(a, data, len) ?
	    xstrdup(a->declared_type) : magic_pool_type(data, len);
	free(a->detected_type);
	a->detected_type = mime != NULL ? mime :
	    xstrdup("application/octet-stream");
	a->kind = filetype_kind(a->detected_type, data, len, a->name);
	if (filetype_is_eicar(data, len)) {
		a->is_eicar = true;
		a->kind = "eicar";
	}
	/* a program sent as a nameless inline "text" part is no text */
	if (a->is_body && strcmp(a->kind, "other") != 0 &&
	    !analysis_kind_is(a->kind, KIND_TEXT) &&
	    strncasecmp(a->detected_type, "text/", 5) != 0)
		a->is_body = false;
	if ((strcmp(a->kind, "other") == 0 || strcmp(a->kind, "text") == 0) &&
	    encryption_is_pgp_message(data, len)) {
		analysis_set_encrypted(a, ENCRYPTION_STRONG, "pgp");
		a->kind = "pgp";
		return;
	}
	inspect_text_lookalike(a, data, len);
	if (tnef_inspect(ctx, rec, data, len) ||
	    inspect_formats(ctx, rec, b) || inspect_message(ctx, rec, b) ||
	    inspect_container(ctx, rec, b))
		return;
	inspect_text(ctx, rec, data, len, charset);
	a = actx_rec(ctx, rec);
	if (!a->is_body && (strcmp(a->kind, "rtf") == 0 ||
	    (len >= 4 && memcmp(data, "{\\rt", 4) == 0))) {
		rtf_objects(ctx, rec, data, len);
		a = actx_rec(ctx, rec);
	}
	if (strcmp(a->kind, "html") == 0 && !a->is_body)
		a->hazard = hazard_html(data, len);
	if (analysis_kind_is(a->kind, KIND_TEXT))
		uudecode_children(ctx, rec, data, len);
}
