/*
 * analysis - result records, limits and budgets of a message analysis
 *
 * SYNOPSIS
 *	void analysis_limits_default(struct analysis_limits *lim)
 *	struct analysis *analysis_free(struct analysis *an)
 *	size_t actx_add(struct actx *ctx, const char *path, unsigned depth)
 *	struct attachment *actx_rec(struct actx *ctx, size_t rec)
 *	bool actx_late(struct actx *ctx)
 *	bool actx_expand(struct actx *ctx, size_t n)
 *	void actx_judge_budget(struct actx *ctx, size_t rec)
 *	char *analysis_name_safe(const char *name)
 *	void analysis_set_encrypted(struct attachment *a, ...)
 *
 * DESCRIPTION
 *	The record array of struct analysis grows as the walk finds parts
 *	and archive entries; callers keep record indexes, never pointers,
 *	across calls that may add records.  actx_expand() charges expanded
 *	bytes against max_expanded; actx_late() tells when the wall-clock
 *	budget of the run is spent.  analysis_name_safe() makes a file
 *	name safe to log and show: control characters, bidirectional
 *	controls (U+202E...) and invalid UTF-8 are written as \uXXXX and
 *	\xHH, a backslash as \\.
 *
 * SEE ALSO
 *	walk.c (analysis_run), inspect.c
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include <glib.h>

#include "analysis/analysis_int.h"
#include "util/xalloc.h"

/* analysis_limits_default - SPEC section 4 defaults */
void
analysis_limits_default(struct analysis_limits *lim)
{
	lim->max_depth = 5;
	lim->max_entries = 10000;
	lim->max_expanded = 200ULL * 1024 * 1024;
	lim->max_ratio = 100;
	lim->max_text = 4 * 1024 * 1024;
	lim->skip_text = false;
}

/* analysis_free - free a result and every record */
struct analysis *
analysis_free(struct analysis *an)
{
	size_t i;

	if (an == NULL)
		return NULL;
	for (i = 0; i < an->count; i++) {
		struct attachment *a = &an->items[i];

		free(a->path);
		free(a->name);
		free(a->name_safe);
		free(a->other_name);
		free(a->other_name_safe);
		free(a->declared_type);
		free(a->detected_type);
		free(a->text);
	}
	free(an->items);
	free(an);
	return NULL;
}

/* actx_add - append a zeroed record and return its index */
size_t
actx_add(struct actx *ctx, const char *path, unsigned depth)
{
	struct analysis *an = ctx->an;
	struct attachment *a;

	if (an->count == ctx->cap) {
		ctx->cap = ctx->cap ? ctx->cap * 2 : 8;
		an->items = xreallocarray(an->items, ctx->cap,
		    sizeof(*an->items));
	}
	a = &an->items[an->count];
	memset(a, 0, sizeof(*a));
	a->path = xstrdup(path);
	a->depth = depth;
	return an->count++;
}

/* actx_rec - the record at an index (valid until the next actx_add) */
struct attachment *
actx_rec(struct actx *ctx, size_t rec)
{
	return &ctx->an->items[rec];
}

/* actx_late - is the wall-clock budget of this run spent? */
bool
actx_late(struct actx *ctx)
{
	return g_get_monotonic_time() > ctx->deadline;
}

/* actx_expand - charge n expanded bytes; false once over max_expanded */
bool
actx_expand(struct actx *ctx, size_t n)
{
	ctx->expanded += n;
	return ctx->expanded <= ctx->lim.max_expanded;
}

/* actx_judge_budget - a document cut short by a budget is uninspectable */
void
actx_judge_budget(struct actx *ctx, size_t rec)
{
	struct attachment *a = actx_rec(ctx, rec);

	if (a->uninspectable != NULL)
		return;
	if (ctx->expanded >= ctx->lim.max_expanded)
		a->uninspectable = "expanded-size";
	else if (actx_late(ctx))
		a->uninspectable = "time";
}

/* analysis_set_encrypted - mark a record encrypted, keeping the weakest */
void
analysis_set_encrypted(struct attachment *a,
    enum encryption_strength strength, const char *label)
{
	if (!a->encrypted || strength < a->strength) {
		a->strength = strength;
		a->encryption = label;
	}
	a->encrypted = true;
}

/* name_safe_is_hidden - control or bidirectional formatting character */
static bool
name_safe_is_hidden(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x061c ||
	    cp == 0x200b || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/* analysis_name_safe - escaped copy of a file name, or NULL for NULL */
char *
analysis_name_safe(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t n, i, k, o = 0;
	uint32_t cp;
	char *out;

	if (name == NULL)
		return NULL;
	n = strlen(name);
	out = xmalloc(n * 6 + 1);	/* worst case: 1 byte -> \u00XX */
	for (i = 0; i < n; i += k) {
		k = utf8_decode(p + i, n - i, &cp);
		if (k == 0) {
			o += sprintf(out + o, "\\x%02x", p[i]);
			k = 1;
		} else if (name_safe_is_hidden(cp)) {
			o += sprintf(out + o, "\\u%04x", cp);
		} else if (cp == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
		} else {
			memcpy(out + o, p + i, k);
			o += k;
		}
	}
	out[o] = '\0';
	return out;
}
