/*
 * walk - parse a message with GMime and visit every part
 *
 * SYNOPSIS
 *	struct analysis *analysis_run(GMimeStream *raw,
 *	    const struct analysis_limits *lim)
 *
 * DESCRIPTION
 *	The message is parsed once with per-message parser options (the
 *	shared default options are never touched) and a warning callback.
 *	Every GMIME_CRIT_* warning is counted in parser_warnings; those that
 *	can hide or reinterpret parts make the whole message uninspectable
 *	(TECH-NOTES 6.3): a nesting overflow ("nesting"), a multipart
 *	without boundary, a part without headers or content, conflicting
 *	parameters and conflicting Content-* headers ("corrupt": different
 *	clients read them differently).  An invalid header name (an mbox
 *	"From " line at the top of a forwarded message, seen in real mail)
 *	and conflicting non-MIME headers (two Subjects) are only counted.
 *
 *	The tree is walked by hand, so message/rfc822 parts are entered
 *	too (one depth level, like an archive): leaves get
 *	paths "1", "2.1"..., an attached message at "3" has its parts at
 *	"3.1", "3.2".  Multiparts nested deeper than ANALYSIS_MIME_NESTING_MAX
 *	and attached messages deeper than max_depth are not entered; the
 *	part where the walk stopped is recorded as uninspectable.
 *
 *	Each leaf is decoded (base64/QP undone) into a blob and handed to
 *	inspect_content().  S/MIME enveloped data (smime-type, or the CMS
 *	OID when smime-type is missing) and PGP/MIME multipart/encrypted
 *	make the message encrypted; their content is not inspected.
 *
 * DIAGNOSTICS
 *	analysis_run() returns NULL only when a temporary file cannot be
 *	written or mapped.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "analysis/analysis_int.h"
#include "util/xalloc.h"

/* encoded bytes decoded per step (and written per step once spilled) */
#define WALK_DECODE_CHUNK	(256 * 1024)

static void walk_object(struct actx *, GMimeObject *, const char *, unsigned,
    unsigned);

/* walk_warning - parser warning callback: critical ones fail closed */
static void
walk_warning(gint64 offset, GMimeParserWarning code, const gchar *item,
    gpointer arg)
{
	struct actx *ctx = arg;
	struct analysis *an = ctx->an;

	(void)offset;
	switch (code) {
	case GMIME_CRIT_NESTING_OVERFLOW:
		an->parser_warnings++;
		an->uninspectable = "nesting";
		break;
	case GMIME_CRIT_CONFLICTING_HEADER:
		an->parser_warnings++;
		/* two Subjects are harmless; two Content-Types are not */
		if (item != NULL &&
		    g_ascii_strcasecmp(item, "Content-Type") == 0) {
			ctx->ct_conflicts++;
			an->uninspectable = "ambiguous";
		} else if (item == NULL ||
		    g_ascii_strncasecmp(item, "Content-", 8) == 0) {
			ctx->other_conflicts++;
			an->uninspectable = "ambiguous";
		}
		break;
	case GMIME_CRIT_CONFLICTING_PARAMETER:
		/* two boundaries, two charsets, two names: readers differ */
		an->parser_warnings++;
		ctx->other_conflicts++;
		an->uninspectable = "ambiguous";
		break;
	case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
	case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
		an->parser_warnings++;
		if (an->uninspectable == NULL)
			an->uninspectable = "corrupt";
		break;
	case GMIME_CRIT_INVALID_HEADER_NAME:
		/* an mbox "From " line or a folded line gone wrong: counted */
		an->parser_warnings++;
		break;
	default:
		break;
	}
}

/* walk_child_path - "N" under the root, "P.N" below */
static char *
walk_child_path(const char *path, int i)
{
	if (*path == '\0')
		return xasprintf("%d", i + 1);
	return xasprintf("%s.%d", path, i + 1);
}

/* walk_decode_stream - GMime's own stream copy (uuencode's begin line) */
static int
walk_decode_stream(GMimeDataWrapper *w, struct blob *b)
{
	GMimeStream *out = g_mime_stream_mem_new();
	GByteArray *arr;
	int rc;

	(void)g_mime_data_wrapper_write_to_stream(w, out);
	arr = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out));
	rc = blob_append(b, arr->data, arr->len);
	g_object_unref(out);
	return rc < 0 ? -1 : blob_finish(b);
}

/* walk_decode_step - one chunk: base64 by base64.c, the rest by GMime */
static size_t
walk_decode_step(GMimeEncoding *st, const char *in, size_t n, char *out)
{
	if (st->encoding == GMIME_CONTENT_ENCODING_BASE64)
		return base64_decode_step((const unsigned char *)in, n,
		    (unsigned char *)out, &st->state, &st->save);
	return g_mime_encoding_step(st, in, n, out);
}

/*
 * walk_decode - decoded content of a part into a blob; -1 on error.
 * Base64 and quoted-printable are undone WALK_DECODE_CHUNK bytes at a
 * time with GMime's decoder state, so a big attachment costs one write
 * to its temporary file per chunk (GMime's stream copy goes 4 KiB at a
 * time: a 10 MB attachment took 2,500 writes).
 */
static int
walk_decode(GMimePart *part, struct blob *b)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *in;
	GMimeEncoding st;
	char *ibuf, *obuf;
	gint64 enc;
	size_t chunk = WALK_DECODE_CHUNK;
	ssize_t n;
	int rc = 0;

	if (w == NULL)
		return 0;
	if (g_mime_data_wrapper_get_encoding(w) ==
	    GMIME_CONTENT_ENCODING_UUENCODE)
		return walk_decode_stream(w, b);
	in = g_mime_data_wrapper_get_stream(w);
	if (g_mime_stream_reset(in) < 0)
		return -1;
	/* a small part (most of them) gets buffers of its own size */
	enc = g_mime_stream_length(in);
	if (enc >= 0 && (guint64)enc < chunk)
		chunk = (size_t)enc + 1;
	g_mime_encoding_init_decode(&st, g_mime_data_wrapper_get_encoding(w));
	ibuf = xmalloc(chunk);
	obuf = xmalloc(g_mime_encoding_outlen(&st, chunk));
	/* a bounded GMime stream reads -1 at its end: ask eos, as GMime does */
	while (rc == 0 && !g_mime_stream_eos(in)) {
		if ((n = g_mime_stream_read(in, ibuf, chunk)) < 0)
			rc = -1;
		else
			rc = blob_append(b, obuf, walk_decode_step(&st, ibuf,
			    (size_t)n, obuf));
	}
	if (rc == 0)
		rc = blob_append(b, obuf,
		    g_mime_encoding_flush(&st, ibuf, 0, obuf));
	free(ibuf);
	free(obuf);
	return rc < 0 ? -1 : blob_finish(b);
}

/*
 * walk_other_name - Content-Type name= when it differs from the name
 * taken (Content-Disposition filename=): Outlook shows one, other
 * clients the other, so both are judged.
 */
static void
walk_other_name(struct attachment *a, GMimeObject *obj, const char *name)
{
	const char *ctn = g_mime_object_get_content_type_parameter(obj,
	    "name");

	if (ctn == NULL || *ctn == '\0' || (name != NULL &&
	    strcmp(ctn, name) == 0))
		return;
	if (name == NULL) {
		a->name = xstrdup(ctn);
		a->name_safe = analysis_name_safe(ctn);
		return;
	}
	a->other_name = xstrdup(ctn);
	a->other_name_safe = analysis_name_safe(ctn);
}

/* walk_children - every part of a multipart */
static void
walk_children(struct actx *ctx, GMimeMultipart *mp, const char *path,
    unsigned nest, unsigned depth)
{
	int i, n = g_mime_multipart_get_count(mp);
	char *sub;

	for (i = 0; i < n && !ctx->failed; i++) {
		sub = walk_child_path(path, i);
		walk_object(ctx, g_mime_multipart_get_part(mp, i), sub,
		    nest + 1, depth);
		free(sub);
	}
}

/* walk_describe - name, declared type and body flag of a part */
static void
walk_describe(struct actx *ctx, size_t rec, GMimeObject *obj)
{
	struct attachment *a = actx_rec(ctx, rec);
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GMimeContentDisposition *cd;
	const char *name = NULL;
	char *type;

	if (ct != NULL) {
		type = g_mime_content_type_get_mime_type(ct);
		a->declared_type = xstrdup(type);
		g_free(type);
	}
	cd = g_mime_object_get_content_disposition(obj);
	if (GMIME_IS_PART(obj))
		name = g_mime_part_get_filename(GMIME_PART(obj));
	else if (cd != NULL &&
	    g_mime_content_disposition_get_parameter(cd, "filename") != NULL)
		name = g_mime_content_disposition_get_parameter(cd, "filename");
	else
		name = g_mime_object_get_content_type_parameter(obj, "name");
	if (name != NULL) {
		a->name = xstrdup(name);
		a->name_safe = analysis_name_safe(name);
	}
	walk_other_name(a, obj, name);
	a->is_body = GMIME_IS_PART(obj) && name == NULL && ct != NULL &&
	    (g_mime_content_type_is_type(ct, "text", "plain") ||
	    g_mime_content_type_is_type(ct, "text", "html")) &&
	    (cd == NULL || !g_mime_content_disposition_is_attachment(cd));
}

/*
 * walk_mark_encrypted - an encrypted part; only the message's own
 * top-level body makes the whole message encrypted (one encrypted part
 * beside clear ones leaves the clear ones to be judged)
 */
static void
walk_mark_encrypted(struct actx *ctx, size_t rec, const char *label,
    const char *type, bool top)
{
	struct attachment *a = actx_rec(ctx, rec);

	analysis_set_encrypted(a, ENCRYPTION_STRONG, label);
	a->kind = label;
	free(a->detected_type);
	a->detected_type = xstrdup(type);
	if (!top)
		return;
	ctx->an->message_encrypted = true;
	ctx->an->message_encryption = label;
}

/*
 * walk_smime_enveloped - is a pkcs7-mime part enveloped (encrypted)?
 * By its content: a CMS (auth)envelopedData with recipients and
 * encrypted content; smime-type alone proves nothing (16 bytes named
 * smime.p7m are not encrypted).
 */
static bool
walk_smime_enveloped(GMimeObject *obj, const struct blob *b)
{
	const char *st = g_mime_object_get_content_type_parameter(obj,
	    "smime-type");

	if (st != NULL && strcasecmp(st, "enveloped-data") != 0 &&
	    strcasecmp(st, "authenveloped-data") != 0)
		return false;
	return encryption_cms_is_enveloped(b->data, b->len);
}

/* walk_leaf - decode and inspect one leaf part */
static void
walk_leaf(struct actx *ctx, GMimePart *part, const char *path,
    unsigned depth)
{
	GMimeObject *obj = GMIME_OBJECT(part);
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	size_t rec = actx_add(ctx, *path ? path : "1", depth);
	struct blob b;
	bool pkcs7;

	walk_describe(ctx, rec, obj);
	blob_init_digest(&b);
	if (walk_decode(part, &b) < 0) {
		ctx->failed = true;
		blob_free(&b);
		return;
	}
	pkcs7 = ct != NULL && (g_mime_content_type_is_type(ct, "application",
	    "pkcs7-mime") || g_mime_content_type_is_type(ct, "application",
	    "x-pkcs7-mime"));
	if (pkcs7 && walk_smime_enveloped(obj, &b)) {
		inspect_digest(actx_rec(ctx, rec), &b);
		walk_mark_encrypted(ctx, rec, "smime",
		    "application/pkcs7-mime", *path == '\0' && depth == 0);
	} else {
		inspect_content(ctx, rec, &b,
		    g_mime_object_get_content_type_parameter(obj, "charset"));
	}
	blob_free(&b);
}

/* walk_encrypted - PGP/MIME (or S/MIME) multipart/encrypted */
static void
walk_encrypted(struct actx *ctx, GMimeMultipart *mp, const char *path,
    unsigned nest, unsigned depth)
{
	GMimeObject *obj = GMIME_OBJECT(mp);
	const char *proto = g_mime_object_get_content_type_parameter(obj,
	    "protocol");
	GMimeObject *body = NULL;
	size_t rec = actx_add(ctx, *path ? path : "1", depth);
	struct blob b;
	bool smime;

	walk_describe(ctx, rec, obj);
	actx_rec(ctx, rec)->is_body = false;
	if (g_mime_multipart_get_count(mp) > GMIME_MULTIPART_ENCRYPTED_CONTENT)
		body = g_mime_multipart_get_part(mp,
		    GMIME_MULTIPART_ENCRYPTED_CONTENT);
	blob_init(&b);
	if (body != NULL && GMIME_IS_PART(body) &&
	    walk_decode(GMIME_PART(body), &b) < 0)
		ctx->failed = true;
	inspect_digest(actx_rec(ctx, rec), &b);
	smime = proto != NULL && strcasestr(proto, "pkcs7") != NULL;
	if (smime ? encryption_cms_is_enveloped(b.data, b.len) :
	    encryption_is_pgp_message(b.data, b.len))
		walk_mark_encrypted(ctx, rec, smime ? "smime" : "pgp",
		    "multipart/encrypted", *path == '\0' && depth == 0);
	else {
		/* encrypted in name only: what it holds is judged */
		actx_rec(ctx, rec)->kind = "other";
		actx_rec(ctx, rec)->detected_type =
		    xstrdup("multipart/encrypted");
		walk_children(ctx, mp, path, nest, depth);
	}
	blob_free(&b);
}

/* walk_message - an attached message/rfc822: a container of parts */
static void
walk_message(struct actx *ctx, GMimeMessagePart *mp, const char *path,
    unsigned nest, unsigned depth)
{
	const char *p = *path ? path : "1";
	size_t rec = actx_add(ctx, p, depth);
	GMimeMessage *m = g_mime_message_part_get_message(mp);
	GMimeObject *body = m ? g_mime_message_get_mime_part(m) : NULL;
	struct attachment *a;
	char *sub;

	walk_describe(ctx, rec, GMIME_OBJECT(mp));
	a = actx_rec(ctx, rec);
	a->detected_type = xstrdup("message/rfc822");
	a->kind = "other";
	a->is_archive = true;
	a->is_body = false;
	if (depth + 1 > ctx->lim.max_depth) {
		a->uninspectable = "depth";
		return;
	}
	if (body == NULL)
		return;
	if (GMIME_IS_MULTIPART(body) && !GMIME_IS_MULTIPART_ENCRYPTED(body)) {
		walk_object(ctx, body, p, nest + 1, depth + 1);
		return;
	}
	sub = xasprintf("%s.1", p);
	walk_object(ctx, body, sub, nest + 1, depth + 1);
	free(sub);
}

/* walk_object - visit a MIME object and everything below it */
static void
walk_object(struct actx *ctx, GMimeObject *obj, const char *path,
    unsigned nest, unsigned depth)
{
	if (obj == NULL || ctx->failed)
		return;
	if (nest > ANALYSIS_MIME_NESTING_MAX || actx_late(ctx)) {
		size_t rec = actx_add(ctx, *path ? path : "1", depth);

		walk_describe(ctx, rec, obj);
		actx_rec(ctx, rec)->kind = "other";
		actx_rec(ctx, rec)->detected_type =
		    xstrdup("application/octet-stream");
		actx_rec(ctx, rec)->uninspectable =
		    actx_late(ctx) ? "time" : "nesting";
		ctx->an->uninspectable = actx_rec(ctx, rec)->uninspectable;
		return;
	}
	if (GMIME_IS_MULTIPART_ENCRYPTED(obj))
		walk_encrypted(ctx, GMIME_MULTIPART(obj), path, nest, depth);
	else if (GMIME_IS_MULTIPART(obj))
		walk_children(ctx, GMIME_MULTIPART(obj), path, nest, depth);
	else if (GMIME_IS_MESSAGE_PART(obj))
		walk_message(ctx, GMIME_MESSAGE_PART(obj), path, nest, depth);
	else if (GMIME_IS_PART(obj))
		walk_leaf(ctx, GMIME_PART(obj), path, depth);
}

/* walk_parsed - the body of a message parsed from a part, below path */
static void
walk_parsed(struct actx *ctx, GMimeMessage *m, const char *path,
    unsigned depth)
{
	GMimeObject *body = g_mime_message_get_mime_part(m);
	char *sub;

	if (body == NULL)
		return;
	if (GMIME_IS_MULTIPART(body) && !GMIME_IS_MULTIPART_ENCRYPTED(body)) {
		walk_object(ctx, body, path, 1, depth);
		return;
	}
	sub = xasprintf("%s.1", path);
	walk_object(ctx, body, sub, 1, depth);
	free(sub);
}

/*
 * walk_embedded_message - a part whose bytes are a message (an .eml sent
 * as application/octet-stream) or an mbox of them: walked like an
 * attached message/rfc822, one level down; an mbox's messages get
 * paths "<path>.1", "<path>.2"...
 */
void
walk_embedded_message(struct actx *ctx, size_t rec,
    const unsigned char *data, size_t len, bool mbox)
{
	struct attachment *a = actx_rec(ctx, rec);
	unsigned depth = a->depth + 1, n = 0;
	char *path = xstrdup(a->path), *sub;
	GMimeStream *s;
	GMimeParser *p;
	GMimeParserOptions *o;
	GMimeMessage *m;

	if (depth > ctx->lim.max_depth) {
		a->uninspectable = "depth";
		free(path);
		return;
	}
	s = g_mime_stream_mem_new_with_buffer((const char *)data, len);
	p = g_mime_parser_new_with_stream(s);
	o = g_mime_parser_options_new();
	g_mime_parser_options_set_warning_callback(o, walk_warning, ctx);
	if (mbox)
		g_mime_parser_set_format(p, GMIME_FORMAT_MBOX);
	while (!ctx->failed && !g_mime_parser_eos(p) && !actx_late(ctx) &&
	    n < ctx->lim.max_entries &&
	    (m = g_mime_parser_construct_message(p, o)) != NULL) {
		sub = mbox ? xasprintf("%s.%u", path, ++n) : xstrdup(path);
		walk_parsed(ctx, m, sub, depth);
		free(sub);
		g_object_unref(m);
		if (!mbox)
			break;
	}
	g_mime_parser_options_free(o);
	g_object_unref(p);
	g_object_unref(s);
	free(path);
}

/* walk_header_end - offset of the blank line ending the headers, or -1 */
static gint64
walk_header_end(const GByteArray *h)
{
	for (guint i = 0; i + 1 < h->len; i++)
		if (h->data[i] == '\n' && (h->data[i + 1] == '\n' ||
		    (h->data[i + 1] == '\r' && i + 2 < h->len &&
		    h->data[i + 2] == '\n')))
			return i + 1;
	return -1;
}

/* walk_drop_last_ct - the header block without its last Content-Type
 * header (and its folded lines); NULL unless it has two or more */
static GByteArray *
walk_drop_last_ct(const GByteArray *h, gint64 end)
{
	GByteArray *out;
	gint64 i = -1, k = 0, j;
	unsigned seen = 0;

	while (k < end) {
		if (g_ascii_strncasecmp((const char *)h->data + k,
		    "Content-Type:", 13) == 0) {
			i = k;
			seen++;
		}
		while (k < end && h->data[k] != '\n')
			k++;
		k++;
	}
	if (seen < 2)
		return NULL;	/* the conflict is in a nested part */
	for (j = i; j < end;) {
		while (j < end && h->data[j] != '\n')
			j++;
		j++;
		if (j >= end || (h->data[j] != ' ' && h->data[j] != '\t'))
			break;
	}
	out = g_byte_array_new();
	g_byte_array_append(out, h->data, (guint)i);
	g_byte_array_append(out, h->data + j, (guint)(end - j));
	return out;
}

/*
 * walk_other_reading - two Content-Type headers on the message itself:
 * GMime takes the last, other clients the first.  The message is read
 * again without the last one and that reading's parts are judged too
 * (paths "alt", "alt.1"...).  If both readings parse without further
 * conflicts, every part a client can show has been judged and the
 * message is no longer "ambiguous"; a conflict in a nested part keeps
 * it so.
 */
static bool
walk_other_reading(struct actx *ctx, GMimeStream *raw)
{
	GMimeStream *head, *cat, *rest;
	GByteArray *buf = g_byte_array_new(), *alt;
	GMimeParser *parser;
	GMimeParserOptions *opts;
	GMimeMessage *msg;
	char chunk[4096];
	gint64 end = -1;
	ssize_t n;

	(void)g_mime_stream_reset(raw);
	while (end < 0 && buf->len < 1024 * 1024 &&
	    (n = g_mime_stream_read(raw, chunk, sizeof(chunk))) > 0) {
		g_byte_array_append(buf, (guint8 *)chunk, (guint)n);
		end = walk_header_end(buf);
	}
	if (end < 0 || (alt = walk_drop_last_ct(buf, end)) == NULL) {
		g_byte_array_free(buf, TRUE);
		return false;
	}
	head = g_mime_stream_mem_new_with_byte_array(alt);
	rest = g_mime_stream_substream(raw, g_mime_stream_tell(raw) -
	    (gint64)buf->len + end, -1);
	g_byte_array_free(buf, TRUE);
	cat = g_mime_stream_cat_new();
	g_mime_stream_cat_add_source(GMIME_STREAM_CAT(cat), head);
	g_mime_stream_cat_add_source(GMIME_STREAM_CAT(cat), rest);
	ctx->ct_conflicts = ctx->other_conflicts = 0;
	parser = g_mime_parser_new_with_stream(cat);
	opts = g_mime_parser_options_new();
	g_mime_parser_options_set_warning_callback(opts, walk_warning, ctx);
	if ((msg = g_mime_parser_construct_message(parser, opts)) != NULL) {
		walk_object(ctx, g_mime_message_get_mime_part(msg), "alt", 0,
		    0);
		g_object_unref(msg);
	}
	g_object_unref(parser);
	g_mime_parser_options_free(opts);
	g_object_unref(head);
	g_object_unref(rest);
	g_object_unref(cat);
	return true;
}

/* walk_readings - judge both readings of a doubled Content-Type */
static void
walk_readings(struct actx *ctx, GMimeStream *raw)
{
	const char *before = ctx->an->uninspectable;

	if (before == NULL || strcmp(before, "ambiguous") != 0 ||
	    ctx->ct_conflicts == 0 || ctx->other_conflicts > 0 ||
	    ctx->failed)
		return;
	ctx->an->uninspectable = NULL;
	if (!walk_other_reading(ctx, raw) || ctx->ct_conflicts > 0 ||
	    ctx->other_conflicts > 0)
		ctx->an->uninspectable = "ambiguous";
}

/* analysis_run - parse and inspect a whole message */
struct analysis *
analysis_run(GMimeStream *raw, const struct analysis_limits *lim)
{
	struct actx ctx;
	GMimeParser *parser;
	GMimeParserOptions *opts;
	GMimeMessage *msg;

	memset(&ctx, 0, sizeof(ctx));
	ctx.an = xcalloc(1, sizeof(*ctx.an));
	if (lim != NULL)
		ctx.lim = *lim;
	else
		analysis_limits_default(&ctx.lim);
	ctx.deadline = g_get_monotonic_time() + ANALYSIS_TIME_BUDGET_US;
	ctx.an->text_skipped = ctx.lim.skip_text;
	(void)g_mime_stream_reset(raw);
	parser = g_mime_parser_new_with_stream(raw);
	opts = g_mime_parser_options_new();
	g_mime_parser_options_set_warning_callback(opts, walk_warning, &ctx);
	msg = g_mime_parser_construct_message(parser, opts);
	if (msg == NULL)
		ctx.an->uninspectable = "corrupt";
	else
		walk_object(&ctx, g_mime_message_get_mime_part(msg), "", 0, 0);
	if (msg != NULL)
		g_object_unref(msg);
	walk_readings(&ctx, raw);
	g_object_unref(parser);
	g_mime_parser_options_free(opts);
	if (ctx.failed)
		return analysis_free(ctx.an);
	return ctx.an;
}
