/*
 * odf - OpenDocument packages: kind, encryption, macros, text
 *
 * SYNOPSIS
 *	bool odf_inspect(struct actx *ctx, size_t rec,
 *	    const unsigned char *data, size_t len)
 *
 * DESCRIPTION
 *	A ZIP whose "mimetype" entry names application/vnd.oasis.opendocument
 *	.text, .spreadsheet or .presentation is odt, ods or odp.  A password
 *	leaves the ZIP itself unflagged: META-INF/manifest.xml lists an
 *	<encryption-data> for every encrypted member (TECH-NOTES 8.8), with
 *	the algorithm: AES ("odf", strong) or the legacy Blowfish CFB
 *	("odf", weak).  Basic/ and Scripts/ members are macros.  Text comes
 *	from content.xml: paragraphs and rows as lines, cells as '\t'
 *	(repeated empty cells capped), only when it is not encrypted.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/analysis_int.h"
#include "util/xalloc.h"

#define ODF_PART_MAX	(64 * 1024 * 1024)
#define ODF_REPEAT_MAX	64

/* odf_kind - kind of a mimetype string, or NULL */
static const char *
odf_kind(const struct blob *b)
{
	static const char base[] = "application/vnd.oasis.opendocument.";
	const char *p = (const char *)b->data;
	size_t n = sizeof(base) - 1;

	if (b->len < n || memcmp(p, base, n) != 0)
		return NULL;
	if (b->len - n >= 4 && memcmp(p + n, "text", 4) == 0)
		return "odt";
	if (b->len - n >= 11 && memcmp(p + n, "spreadsheet", 11) == 0)
		return "ods";
	if (b->len - n >= 12 && memcmp(p + n, "presentation", 12) == 0)
		return "odp";
	return "other";
}

/* odf_manifest - encryption of the members listed in the manifest */
static void
odf_manifest(struct actx *ctx, size_t rec, const unsigned char *d,
    size_t len)
{
	struct xml_scan x;
	struct xml_tok t;
	struct blob b;
	char *alg;

	blob_init(&b);
	if (zipmem_read(ctx, d, len, "META-INF/manifest.xml", ODF_PART_MAX,
	    &b) < 0)
		return;
	xml_scan_init(&x, b.data, b.len);
	while (xml_next(&x, &t) != XML_EOF) {
		if (t.type == XML_CLOSE || t.type == XML_TEXT)
			continue;
		if (xml_is(&t, "encryption-data"))
			analysis_set_encrypted(actx_rec(ctx, rec),
			    ENCRYPTION_STRONG, "odf");
		else if (xml_is(&t, "algorithm") &&
		    (alg = xml_attr_dup(&t, "algorithm-name")) != NULL) {
			if (strcasestr(alg, "blowfish") != NULL)
				analysis_set_encrypted(actx_rec(ctx, rec),
				    ENCRYPTION_WEAK, "odf");
			free(alg);
		}
	}
	blob_free(&b);
}

/* odf_name_has_macros - Basic/ or Scripts/ members */
static bool
odf_name_has_macros(const char *name, void *arg)
{
	if (strncmp(name, "Scripts/", 8) == 0 ||
	    (strncmp(name, "Basic/", 6) == 0 && strchr(name + 6, '/'))) {
		*(bool *)arg = true;
		return false;
	}
	return true;
}

/* odf_token - one token of content.xml into text */
static void
odf_token(const struct xml_tok *tok, int *in_cell, struct textbuf *t)
{
	const char *v;
	size_t n;
	long rep;

	if (tok->type == XML_TEXT)
		xml_text(t, tok);
	else if (xml_is(tok, "table-cell") ||
	    xml_is(tok, "covered-table-cell")) {
		if (tok->type == XML_CLOSE) {
			*in_cell = 0;
			textbuf_cell(t);
			return;
		}
		rep = xml_attr(tok, "number-columns-repeated", &v, &n) ?
		    atol(v) : 1;
		rep = rep < 1 ? 1 : rep > ODF_REPEAT_MAX ? ODF_REPEAT_MAX : rep;
		while (tok->type == XML_EMPTY && rep-- > 0)
			textbuf_cell(t);
		*in_cell = tok->type == XML_OPEN;
	} else if (xml_is(tok, "table-row") && tok->type == XML_CLOSE)
		textbuf_row(t);
	else if ((xml_is(tok, "p") || xml_is(tok, "h")) &&
	    tok->type != XML_OPEN)
		textbuf_sep(t, *in_cell ? ' ' : '\n');
	else if (xml_is(tok, "tab") && tok->type != XML_CLOSE)
		textbuf_addc(t, '\t');
	else if (xml_is(tok, "s") && tok->type != XML_CLOSE)
		textbuf_addc(t, ' ');
	else if (xml_is(tok, "line-break") && tok->type != XML_CLOSE)
		textbuf_addc(t, '\n');
}

/* odf_text - the text of content.xml */
static void
odf_text(struct actx *ctx, size_t rec, const unsigned char *d, size_t len)
{
	struct xml_stream in;
	struct xml_tok tok;
	struct textbuf t;
	int in_cell = 0;
	bool body = false;

	if (ctx->lim.skip_text ||
	    !xml_stream_open(&in, ctx, d, len, "content.xml", ODF_PART_MAX))
		return;
	textbuf_init(&t, ctx->lim.max_text);
	while (!textbuf_full(&t) && xml_stream_next(&in, &tok) != XML_EOF) {
		if (xml_is(&tok, "body"))
			body = tok.type == XML_OPEN;
		else if (body)
			odf_token(&tok, &in_cell, &t);
	}
	xml_stream_close(&in);
	textbuf_store(&t, actx_rec(ctx, rec));
}

/* odf_inspect - handle an OpenDocument package; false if not one */
bool
odf_inspect(struct actx *ctx, size_t rec, const unsigned char *data,
    size_t len)
{
	const char *kind;
	struct attachment *a;
	struct blob b;
	bool macros = false;

	blob_init(&b);
	if (zipmem_read(ctx, data, len, "mimetype", 256, &b) < 0)
		return false;
	kind = odf_kind(&b);
	if (kind == NULL) {
		blob_free(&b);
		return false;
	}
	a = actx_rec(ctx, rec);
	a->kind = kind;
	free(a->detected_type);
	a->detected_type = xstrndup((const char *)b.data, b.len);
	blob_free(&b);
	odf_manifest(ctx, rec, data, len);
	(void)zipmem_names(data, len, odf_name_has_macros, &macros);
	actx_rec(ctx, rec)->has_macros = macros;
	if (!actx_rec(ctx, rec)->encrypted)
		odf_text(ctx, rec, data, len);
	actx_judge_budget(ctx, rec);
	return true;
}
