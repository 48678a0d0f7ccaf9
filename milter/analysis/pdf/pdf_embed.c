/*
 * pdf_embed - files embedded in a PDF, and actions that start programs
 *
 * SYNOPSIS
 *	void pdf_embedded(struct actx *ctx, size_t rec, const struct pdf *p,
 *	    const struct pdf_crypt *c)
 *
 * DESCRIPTION
 *	A PDF carries files as embedded file streams, reached from file
 *	specifications (an /EF dictionary) in the /EmbeddedFiles name tree
 *	or in /FileAttachment annotations.  A stream cannot sit inside an
 *	object stream, so every one is an "N G obj" of the file itself:
 *	each stream typed /EmbeddedFile, or named by an /EF dictionary, is
 *	decrypted (c not NULL), inflated when its filter is FlateDecode and
 *	judged as a record one level down ("<pdf>/<name>", inspect.c), its
 *	name taken from the file specification (/UF, else /F).  A filter
 *	other than FlateDecode, or a zlib stream that is corrupt, leaves
 *	the PDF "cannot be inspected"; more than PDF_EMBED_MAX files is
 *	"entries".  A /Launch action (which starts a program, or opens a
 *	file with its program) is the record's hazard.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "analysis/analysis_int.h"
#include "analysis/pdf/pdf.h"
#include "util/xalloc.h"

#define PDF_EMBED_MAX		256	/* embedded files judged at most */
#define PDF_NAME_MAX		512	/* bytes of a file name kept */
#define PDF_BACK_MAX		4096	/* bytes searched back for a filespec */

/* One embedded file stream named by a file specification. */
struct pdf_ef {
	long	 num, gen;
	char	 name[PDF_NAME_MAX];
};

struct pdf_efs {
	struct pdf_ef	*v;
	size_t		 n, cap;
	bool		 overflow;
};

/* pdf_embed_enclosing - the "<<" of the dictionary holding offset i */
static bool
pdf_embed_enclosing(const struct pdf *p, size_t i, size_t *dict)
{
	size_t stop = i > PDF_BACK_MAX ? i - PDF_BACK_MAX : 0;
	int depth = 0;

	while (i > stop + 1) {
		i--;
		if (p->d[i] == '>' && p->d[i - 1] == '>') {
			depth++;
			i--;
		} else if (p->d[i] == '<' && p->d[i - 1] == '<') {
			i--;
			if (depth-- == 0) {
				*dict = i;
				return true;
			}
		}
	}
	return false;
}

/* pdf_embed_name - /UF, else /F, of a file specification, as UTF-8 */
static void
pdf_embed_name(const struct pdf *p, size_t spec, char *out, size_t max)
{
	unsigned char buf[PDF_NAME_MAX];
	struct textbuf t;
	size_t v, n = (size_t)-1;

	out[0] = '\0';
	if ((pdf_dict_get(p, spec, "UF", &v) && pdf_resolve(p, &v) &&
	    (n = pdf_string(p, v, buf, sizeof(buf))) != (size_t)-1) ||
	    (pdf_dict_get(p, spec, "F", &v) && pdf_resolve(p, &v) &&
	    (n = pdf_string(p, v, buf, sizeof(buf))) != (size_t)-1)) {
		textbuf_init(&t, max - 1);
		if (n >= 2 && buf[0] == 0xfe && buf[1] == 0xff)
			text_extract_utf16(buf + 2, n - 2, true, &t);
		else
			text_extract_cp1252(buf, n, &t);
		if (t.s != NULL && t.len > 0 && memchr(t.s, '/', t.len) ==
		    NULL) {
			memcpy(out, t.s, t.len < max - 1 ? t.len : max - 1);
			out[t.len < max - 1 ? t.len : max - 1] = '\0';
		}
		textbuf_free(&t);
	}
}

/* pdf_embed_specs - every /EF of the file: its stream and its name */
static void
pdf_embed_specs(const struct pdf *p, struct pdf_efs *e)
{
	const unsigned char *q;
	size_t off = 0, i, v, ef, spec;
	struct pdf_ef *f;
	unsigned seen = 0;

	while (off < p->len &&
	    (q = pdf_memfind(p->d + off, p->len - off, "/EF")) != NULL) {
		i = (size_t)(q - p->d);
		off = i + 3;
		if (off < p->len && !(p->d[off] == ' ' || p->d[off] == '<' ||
		    p->d[off] == '\r' || p->d[off] == '\n' ||
		    p->d[off] == '\t'))
			continue;
		if (++seen > PDF_EMBED_MAX) {
			e->overflow = true;
			return;
		}
		ef = pdf_ws(p, off);
		if (!pdf_resolve(p, &ef) || (!pdf_dict_get(p, ef, "F", &v) &&
		    !pdf_dict_get(p, ef, "UF", &v)))
			continue;
		if (e->n == e->cap) {
			e->cap = e->cap ? e->cap * 2 : 8;
			e->v = xreallocarray(e->v, e->cap, sizeof(*e->v));
		}
		f = &e->v[e->n];
		if (!pdf_ref(p, v, &f->num, &f->gen))
			continue;
		f->name[0] = '\0';
		if (pdf_embed_enclosing(p, i, &spec))
			pdf_embed_name(p, spec, f->name, sizeof(f->name));
		e->n++;
	}
}

/* pdf_embed_lookup - the file specification naming object num gen */
static const struct pdf_ef *
pdf_embed_lookup(const struct pdf_efs *e, long num, long gen)
{
	for (size_t k = 0; k < e->n; k++)
		if (e->v[k].num == num && e->v[k].gen == gen)
			return &e->v[k];
	return NULL;
}

/* pdf_embed_filter - "" (none), "flate", or NULL (another filter) */
static const char *
pdf_embed_filter(const struct pdf *p, size_t dict)
{
	char name[32];
	size_t v, next;

	if (!pdf_dict_get(p, dict, "Filter", &v))
		return "";
	if (p->d[v] == '[') {
		v = pdf_ws(p, v + 1);
		if (v < p->len && p->d[v] == ']')
			return "";
		next = pdf_ws(p, pdf_skip_value(p, v));
		if (next >= p->len || p->d[next] != ']')
			return NULL;
	}
	if (pdf_name(p, v, name, sizeof(name)) &&
	    (strcmp(name, "FlateDecode") == 0 || strcmp(name, "Fl") == 0))
		return "flate";
	return NULL;
}

/* pdf_embed_fail - the PDF cannot be inspected, for this reason */
static void
pdf_embed_fail(struct actx *ctx, size_t rec, const char *why,
    const char *detail)
{
	struct attachment *a = actx_rec(ctx, rec);

	a->is_archive = true;
	if (a->uninspectable == NULL) {
		a->uninspectable = why;
		a->detail = detail;
	}
}

/* pdf_embed_stream - decode one embedded file stream and judge it */
static void
pdf_embed_stream(struct actx *ctx, size_t rec, const struct pdf *p,
    const struct pdf_crypt *c, long num, long gen, size_t dict,
    const char *name)
{
	unsigned char *plain = NULL, *out = NULL;
	const unsigned char *data;
	const char *filter = pdf_embed_filter(p, dict);
	size_t start, n, max;
	bool whole = true;

	if (filter == NULL) {
		pdf_embed_fail(ctx, rec, "format",
		    "an embedded file with a filter other than FlateDecode");
		return;
	}
	if (!pdf_stream_data(p, dict, &start, &n)) {
		pdf_embed_fail(ctx, rec, "corrupt", "an embedded file");
		return;
	}
	data = p->d + start;
	if (c != NULL) {
		plain = xmalloc(n + 16);
		n = pdf_crypt_stream(c, num, gen, data, n, plain);
		data = plain;
	}
	if (*filter != '\0') {
		max = ctx->lim.max_expanded > ctx->expanded ?
		    (size_t)(ctx->lim.max_expanded - ctx->expanded) : 0;
		out = pdf_inflate(data, n, max, &n, &whole);
		data = out;
		if (!whole && n >= max)
			pdf_embed_fail(ctx, rec, "expanded-size", NULL);
		else if (!whole)
			pdf_embed_fail(ctx, rec, "corrupt",
			    "an embedded file");
	}
	if (whole)
		inspect_children(ctx, rec, name, data != NULL ? data :
		    (const unsigned char *)"", n);
	free(out);
	free(plain);
}

/* pdf_embed_object - the stream of "num gen obj" if it is an embedded
 * file; count is the number judged so far */
static void
pdf_embed_object(struct actx *ctx, size_t rec, const struct pdf *p,
    const struct pdf_crypt *c, const struct pdf_efs *e, long num, long gen,
    size_t dict, unsigned *count)
{
	const struct pdf_ef *f = pdf_embed_lookup(e, num, gen);
	char type[32], name[PDF_NAME_MAX];
	size_t v;

	if (f == NULL && !(pdf_dict_get(p, dict, "Type", &v) &&
	    pdf_name(p, v, type, sizeof(type)) &&
	    strcmp(type, "EmbeddedFile") == 0))
		return;
	if (*count == PDF_EMBED_MAX) {
		pdf_embed_fail(ctx, rec, "entries", NULL);
		return;
	}
	++*count;
	if (f != NULL && f->name[0] != '\0')
		snprintf(name, sizeof(name), "%s", f->name);
	else
		snprintf(name, sizeof(name), "embedded-%u", *count);
	pdf_embed_stream(ctx, rec, p, c, num, gen, dict, name);
}

/* pdf_embed_launch - does the file hold a /Launch action? */
static bool
pdf_embed_launch(const struct pdf *p)
{
	const unsigned char *q;
	size_t off = 0, i;

	while (off < p->len &&
	    (q = pdf_memfind(p->d + off, p->len - off, "/Launch")) != NULL) {
		i = (size_t)(q - p->d) + 7;
		if (i >= p->len || !((p->d[i] >= 'A' && p->d[i] <= 'Z') ||
		    (p->d[i] >= 'a' && p->d[i] <= 'z') ||
		    (p->d[i] >= '0' && p->d[i] <= '9')))
			return true;
		off = i;
	}
	return false;
}

/* pdf_embedded - judge every embedded file; note a /Launch action */
void
pdf_embedded(struct actx *ctx, size_t rec, const struct pdf *p,
    const struct pdf_crypt *c)
{
	struct pdf_efs e = { NULL, 0, 0, false };
	size_t off = 0, dict;
	long num, gen;
	unsigned count = 0;

	if (pdf_embed_launch(p))
		actx_rec(ctx, rec)->hazard = "a PDF with an action that starts "
		    "a program (/Launch)";
	pdf_embed_specs(p, &e);
	if (e.overflow)
		pdf_embed_fail(ctx, rec, "entries", NULL);
	while (!ctx->failed && !actx_late(ctx) &&
	    pdf_next_obj(p, &off, &num, &gen, &dict))
		pdf_embed_object(ctx, rec, p, c, &e, num, gen, dict, &count);
	free(e.v);
}
