/*
 * pdf - PDF documents: encryption, text and embedded files
 *
 * SYNOPSIS
 *	bool pdf_inspect(struct actx *ctx, size_t rec,
 *	    const unsigned char *data, size_t len)
 *
 * DESCRIPTION
 *	A PDF is encrypted when the dictionary of its last cross-reference
 *	section has /Encrypt (TECH-NOTES 8.5; only there, so an /Encrypt in
 *	a stream or comment is not believed).  The encryption dictionary
 *	gives the method: /V 1-2 or a /V2 crypt filter is RC4 ("pdf-rc4",
 *	weak), AESV2/AESV3 or /V 5 is AES ("pdf-aes", strong).  When the
 *	empty user password opens the file (an owner or permissions password
 *	only), the file is NOT encrypted (SPEC 2.3): anyone can read it, and
 *	its text is extracted with the computed key.  Other security
 *	handlers (certificates) are encrypted and strong.  Text extraction
 *	is best effort (pdf_text.c), charged to max_expanded, and skipped
 *	when no policy reads it (analysis_limits.skip_text).  Embedded
 *	files are judged as records of their own and a /Launch action is a
 *	hazard (pdf_embed.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "analysis/analysis_int.h"
#include "analysis/pdf/pdf.h"
#include "util/xalloc.h"

/* pdf_crypt_string - read a string entry of the encryption dictionary */
static size_t
pdf_crypt_string(const struct pdf *p, size_t dict, const char *key,
    unsigned char *buf, size_t max)
{
	size_t v, n;

	if (!pdf_dict_get(p, dict, key, &v) || !pdf_resolve(p, &v))
		return 0;
	n = pdf_string(p, v, buf, max);
	return n == (size_t)-1 ? 0 : n;
}

/* pdf_crypt_cfm - the stream method of the default crypt filter */
static void
pdf_crypt_cfm(const struct pdf *p, size_t dict, struct pdf_crypt *c)
{
	char stmf[32] = "StdCF", cfm[32];
	size_t cf, f, m;

	c->aes = c->v >= 5;
	if (pdf_dict_get(p, dict, "StmF", &f))
		(void)pdf_name(p, f, stmf, sizeof(stmf));
	if (pdf_dict_get(p, dict, "CF", &cf) && pdf_resolve(p, &cf) &&
	    pdf_dict_get(p, cf, stmf, &f) && pdf_resolve(p, &f) &&
	    pdf_dict_get(p, f, "CFM", &m) && pdf_name(p, m, cfm, sizeof(cfm)))
		c->aes = strcmp(cfm, "AESV2") == 0 || strcmp(cfm, "AESV3") == 0;
}

/* pdf_crypt_read - the encryption dictionary and the file identifier */
static void
pdf_crypt_read(const struct pdf *p, size_t trailer, size_t dict,
    struct pdf_crypt *c)
{
	size_t v;
	char b[8];

	memset(c, 0, sizeof(*c));
	c->encrypt_metadata = true;
	c->length = 40;
	if (pdf_dict_get(p, dict, "Filter", &v))
		(void)pdf_name(p, v, c->filter, sizeof(c->filter));
	if (pdf_dict_get(p, dict, "V", &v))
		(void)pdf_int(p, v, &c->v);
	if (pdf_dict_get(p, dict, "R", &v))
		(void)pdf_int(p, v, &c->r);
	if (pdf_dict_get(p, dict, "Length", &v))
		(void)pdf_int(p, v, &c->length);
	if (pdf_dict_get(p, dict, "P", &v))
		(void)pdf_int(p, v, &c->p);
	if (pdf_dict_get(p, dict, "EncryptMetadata", &v) &&
	    v + 5 <= p->len && memcpy(b, p->d + v, 5) && memcmp(b, "false", 5)
	    == 0)
		c->encrypt_metadata = false;
	c->olen = pdf_crypt_string(p, dict, "O", c->o, sizeof(c->o));
	c->ulen = pdf_crypt_string(p, dict, "U", c->u, sizeof(c->u));
	c->uelen = pdf_crypt_string(p, dict, "UE", c->ue, sizeof(c->ue));
	if (pdf_dict_get(p, trailer, "ID", &v) && pdf_resolve(p, &v) &&
	    p->d[v] == '[') {
		v = pdf_string(p, v + 1, c->id0, sizeof(c->id0));
		c->idlen = v == (size_t)-1 ? 0 : v;
	}
	pdf_crypt_cfm(p, dict, c);
}

/* pdf_encryption - judge /Encrypt; the key when anyone can open it */
static bool
pdf_encryption(const struct pdf *p, struct attachment *a,
    struct pdf_crypt *c, bool *readable)
{
	size_t trailer, dict;

	*readable = false;
	if (!pdf_trailer(p, &trailer) ||
	    !pdf_dict_get(p, trailer, "Encrypt", &dict))
		return false;
	if (!pdf_resolve(p, &dict)) {
		analysis_set_encrypted(a, ENCRYPTION_STRONG, "pdf-aes");
		return false;
	}
	pdf_crypt_read(p, trailer, dict, c);
	if (pdf_crypt_user_empty(c)) {
		*readable = true;
		return true;
	}
	if (c->aes || c->v >= 5 || strcmp(c->filter, "Standard") != 0)
		analysis_set_encrypted(a, ENCRYPTION_STRONG, "pdf-aes");
	else
		analysis_set_encrypted(a, ENCRYPTION_WEAK, "pdf-rc4");
	return false;
}

/* pdf_read_text - the text, charged to max_expanded */
static void
pdf_read_text(struct actx *ctx, size_t rec, const struct pdf *p,
    const struct pdf_crypt *c)
{
	struct textbuf t;
	uint64_t budget, before;

	budget = ctx->lim.max_expanded > ctx->expanded ?
	    ctx->lim.max_expanded - ctx->expanded : 0;
	before = budget;
	textbuf_init(&t, ctx->lim.max_text);
	pdf_text(p, c, &t, &budget);
	(void)actx_expand(ctx, (size_t)(before - budget));
	textbuf_store(&t, actx_rec(ctx, rec));
	actx_judge_budget(ctx, rec);
}

/* pdf_inspect - kind, encryption and text of a PDF */
bool
pdf_inspect(struct actx *ctx, size_t rec, const unsigned char *data,
    size_t len)
{
	struct pdf p = { data, len };
	struct attachment *a = actx_rec(ctx, rec);
	struct pdf_crypt c;
	bool readable, keyed;

	a->kind = "pdf";
	free(a->detected_type);
	a->detected_type = xstrdup("application/pdf");
	keyed = pdf_encryption(&p, a, &c, &readable);
	if (a->encrypted)
		return true;
	if (!ctx->lim.skip_text)
		pdf_read_text(ctx, rec, &p, keyed && readable ? &c : NULL);
	pdf_embedded(ctx, rec, &p, keyed && readable ? &c : NULL);
	return true;
}
