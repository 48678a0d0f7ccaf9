/*
 * ooxml - Office Open XML packages: kind, macros, embedded objects, text
 *
 * SYNOPSIS
 *	bool ooxml_inspect(struct actx *ctx, size_t rec,
 *	    const unsigned char *data, size_t len)
 *	void ooxml_text_docx(struct actx *ctx, const unsigned char *data,
 *	    size_t len, struct textbuf *t)
 *	void ooxml_text_pptx(struct actx *ctx, const unsigned char *data,
 *	    size_t len, struct textbuf *t)
 *
 * DESCRIPTION
 *	A ZIP is an OOXML document when [Content_Types].xml names a main
 *	part; its content type gives the kind (docx/docm, xlsx/xlsm,
 *	pptx/pptm): libmagic reports a .docm exactly like a .docx
 *	(TECH-NOTES 8.10).  Macros: a macro-enabled main type, the
 *	vbaProject content type, a vbaProject.bin part, or Excel 4 macro
 *	sheets (xl/macrosheets/).  The package's entries (embedded objects
 *	under ".../embeddings/" and anything else) are walked by inspect.c
 *	like archive entries, so an executable or a macro workbook inside a
 *	letter is seen.  A password-protected
 *	OOXML file is not a ZIP at all (it is OLE, see ole.c).
 *
 *	Text: word/document.xml (paragraphs as lines, table cells as
 *	'\t'), slides in order, and sheets through xlsx.c.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "analysis/analysis_int.h"
#include "util/xalloc.h"

#define OOXML_PART_MAX	(64 * 1024 * 1024)
#define OOXML_CT_MAX	(1024 * 1024)
#define OOXML_SLIDES_MAX 1000

/* One OOXML package kind. */
struct ooxml_kind {
	const char	*marker;	/* substring of the main content type */
	const char	*kind;
	const char	*mime;
	bool		 macros;
};

static const struct ooxml_kind ooxml_kinds[] = {
	{ "ms-word.document.macroenabled", "docm",
	    "application/vnd.ms-word.document.macroEnabled.12", true },
	{ "ms-word.template.macroenabled", "docm",
	    "application/vnd.ms-word.template.macroEnabled.12", true },
	{ "wordprocessingml", "docx", "application/vnd.openxmlformats-"
	    "officedocument.wordprocessingml.document", false },
	{ "ms-excel.", "xlsm",
	    "application/vnd.ms-excel.sheet.macroEnabled.12", true },
	{ "spreadsheetml", "xlsx", "application/vnd.openxmlformats-"
	    "officedocument.spreadsheetml.sheet", false },
	{ "ms-powerpoint.", "pptm",
	    "application/vnd.ms-powerpoint.presentation.macroEnabled.12",
	    true },
	{ "presentationml", "pptx", "application/vnd.openxmlformats-"
	    "officedocument.presentationml.presentation", false },
};

/* ooxml_main_kind - the package kind of a main part content type */
static const struct ooxml_kind *
ooxml_main_kind(const char *ct)
{
	size_t i;

	if (strcasestr(ct, ".main+xml") == NULL &&
	    strcasestr(ct, "macroenabled.main") == NULL)
		return NULL;
	for (i = 0; i < sizeof(ooxml_kinds) / sizeof(ooxml_kinds[0]); i++)
		if (strcasestr(ct, ooxml_kinds[i].marker) != NULL)
			return &ooxml_kinds[i];
	return NULL;
}

/* ooxml_content_types - main kind and vbaProject from [Content_Types] */
static const struct ooxml_kind *
ooxml_content_types(const struct blob *b, bool *vba)
{
	const struct ooxml_kind *k, *kind = NULL;
	struct xml_scan x;
	struct xml_tok t;
	char *ct;

	xml_scan_init(&x, b->data, b->len);
	while (xml_next(&x, &t) != XML_EOF) {
		if ((t.type != XML_OPEN && t.type != XML_EMPTY) ||
		    (!xml_is(&t, "Override") && !xml_is(&t, "Default")))
			continue;
		if ((ct = xml_attr_dup(&t, "ContentType")) == NULL)
			continue;
		if (strcasestr(ct, "ms-office.vbaProject") != NULL)
			*vba = true;
		if (xml_is(&t, "Override") && kind == NULL &&
		    (k = ooxml_main_kind(ct)) != NULL)
			kind = k;
		free(ct);
	}
	return kind;
}

/* ooxml_name_has_macros - entry names that carry macros */
static bool
ooxml_name_has_macros(const char *name, void *arg)
{
	bool *macros = arg;
	const char *base = strrchr(name, '/');

	base = base ? base + 1 : name;
	if (strcasecmp(base, "vbaProject.bin") == 0 ||
	    strncasecmp(name, "xl/macrosheets/", 15) == 0 ||
	    strncasecmp(name, "xl/xlm", 6) == 0)
		*macros = true;
	return !*macros;
}

/* Where a Word or slide XML part is being read. */
struct ooxml_run {
	bool	in_t;		/* inside w:t or a:t */
	int	in_cell;	/* inside w:tc or a:tc (nesting) */
};

/* ooxml_docx_token - one token of word/document.xml or a slide */
static void
ooxml_docx_token(const struct xml_tok *tok, struct ooxml_run *r,
    struct textbuf *t)
{
	if (tok->type == XML_TEXT) {
		if (r->in_t)
			xml_text(t, tok);
	} else if (xml_is(tok, "t"))
		r->in_t = tok->type == XML_OPEN;
	else if (xml_is(tok, "tc") && tok->type == XML_OPEN)
		r->in_cell++;
	else if (xml_is(tok, "tc") && tok->type == XML_CLOSE) {
		r->in_cell -= r->in_cell > 0;
		textbuf_cell(t);
	} else if (xml_is(tok, "tr") && tok->type == XML_CLOSE)
		textbuf_row(t);
	else if (tok->type == XML_CLOSE && xml_is(tok, "p"))
		textbuf_sep(t, r->in_cell ? ' ' : '\n');
	else if (tok->type != XML_CLOSE && xml_is(tok, "tab"))
		textbuf_addc(t, '\t');
	else if (tok->type != XML_CLOSE && (xml_is(tok, "br") ||
	    xml_is(tok, "cr")))
		textbuf_addc(t, r->in_cell ? ' ' : '\n');
}

/* ooxml_part_text - text of one XML part (w:t or a:t runs) */
static bool
ooxml_part_text(struct actx *ctx, const unsigned char *data, size_t len,
    const char *part, struct textbuf *t)
{
	struct xml_stream in;
	struct xml_tok tok;
	struct ooxml_run r = { false, 0 };

	if (!xml_stream_open(&in, ctx, data, len, part, OOXML_PART_MAX))
		return false;
	while (!textbuf_full(t) && xml_stream_next(&in, &tok) != XML_EOF)
		ooxml_docx_token(&tok, &r, t);
	xml_stream_close(&in);
	return true;
}

/* ooxml_text_docx - the text of a Word document body */
void
ooxml_text_docx(struct actx *ctx, const unsigned char *data, size_t len,
    struct textbuf *t)
{
	(void)ooxml_part_text(ctx, data, len, "word/document.xml", t);
}

/* ooxml_text_pptx - the text of every slide, in order */
void
ooxml_text_pptx(struct actx *ctx, const unsigned char *data, size_t len,
    struct textbuf *t)
{
	char part[40];
	int i;

	for (i = 1; i <= OOXML_SLIDES_MAX && !textbuf_full(t); i++) {
		snprintf(part, sizeof(part), "ppt/slides/slide%d.xml", i);
		if (!ooxml_part_text(ctx, data, len, part, t))
			break;
		textbuf_sep(t, '\n');
	}
}

/* ooxml_text - text by kind */
static void
ooxml_text(struct actx *ctx, size_t rec, const unsigned char *data,
    size_t len)
{
	const char *kind = actx_rec(ctx, rec)->kind;
	struct textbuf t;

	if (ctx->lim.skip_text)
		return;
	textbuf_init(&t, ctx->lim.max_text);
	if (kind[0] == 'd')
		ooxml_text_docx(ctx, data, len, &t);
	else if (kind[0] == 'x')
		xlsx_text(ctx, data, len, &t);
	else
		ooxml_text_pptx(ctx, data, len, &t);
	textbuf_store(&t, actx_rec(ctx, rec));
}

/* ooxml_inspect - handle an OOXML package; false if not one */
bool
ooxml_inspect(struct actx *ctx, size_t rec, const unsigned char *data,
    size_t len)
{
	const struct ooxml_kind *kind;
	struct attachment *a;
	bool vba = false, macros = false;
	struct blob b;

	blob_init(&b);
	if (zipmem_read(ctx, data, len, "[Content_Types].xml", OOXML_CT_MAX,
	    &b) < 0)
		return false;
	kind = ooxml_content_types(&b, &vba);
	blob_free(&b);
	if (kind == NULL)
		return false;
	(void)zipmem_names(data, len, ooxml_name_has_macros, &macros);
	a = actx_rec(ctx, rec);
	a->kind = kind->kind;
	free(a->detected_type);
	a->detected_type = xstrdup(kind->mime);
	/* a macro-enabled type without a project carries no macro code */
	a->has_macros = vba || macros;
	a->macro_empty = kind->macros && !a->has_macros;
	ooxml_text(ctx, rec, data, len);
	actx_judge_budget(ctx, rec);
	return true;
}
