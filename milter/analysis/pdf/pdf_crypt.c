/*
 * pdf_crypt - does a PDF open with an empty user password?
 *
 * SYNOPSIS
 *	bool pdf_crypt_user_empty(struct pdf_crypt *c)
 *	size_t pdf_crypt_stream(const struct pdf_crypt *c, long num, long gen,
 *	    const unsigned char *in, size_t n, unsigned char *out)
 *
 * DESCRIPTION
 *	A PDF with only an owner (permissions) password opens without
 *	asking: its user password is empty.  SPEC 2.3 says such a file is
 *	not encrypted, so the standard security handler is run with the
 *	empty password (ISO 32000-1 7.6.3.3 algorithms 2, 4 and 5 for
 *	revisions 2-4; ISO 32000-2 7.6.4.3.3/4 for revisions 5 and 6, with
 *	the hash of algorithm 2.B).  When it opens, the file key is kept,
 *	and pdf_crypt_stream() decrypts a stream (RC4, AES-128-CBC with
 *	the per-object key, or AES-256-CBC), so its text can still be read.
 *	MD5 and SHA-2 come from GLib; RC4 is below; AES is aes.c.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include <glib.h>

#include "analysis/pdf/pdf.h"

static const unsigned char pdf_pad[32] = {
	0x28, 0xbf, 0x4e, 0x5e, 0x4e, 0x75, 0x8a, 0x41, 0x64, 0x00, 0x4e,
	0x56, 0xff, 0xfa, 0x01, 0x08, 0x2e, 0x2e, 0x00, 0xb6, 0xd0, 0x68,
	0x3e, 0x80, 0x2f, 0x0c, 0xa9, 0xfe, 0x64, 0x53, 0x69, 0x7a,
};

/* pdf_rc4 - RC4 in place */
static void
pdf_rc4(const unsigned char *key, size_t klen, unsigned char *buf, size_t n)
{
	unsigned char s[256], t;
	unsigned i, j = 0, k;

	for (i = 0; i < 256; i++)
		s[i] = (unsigned char)i;
	for (i = 0; i < 256; i++) {
		j = (j + s[i] + key[i % klen]) & 0xff;
		t = s[i];
		s[i] = s[j];
		s[j] = t;
	}
	for (i = j = 0, k = 0; k < n; k++) {
		i = (i + 1) & 0xff;
		j = (j + s[i]) & 0xff;
		t = s[i];
		s[i] = s[j];
		s[j] = t;
		buf[k] ^= s[(s[i] + s[j]) & 0xff];
	}
}

/* pdf_digest - one GLib digest of up to three pieces */
static size_t
pdf_digest(GChecksumType type, const void *a, size_t an, const void *b,
    size_t bn, const void *c, size_t cn, unsigned char *out)
{
	GChecksum *ck = g_checksum_new(type);
	gsize len = 64;

	g_checksum_update(ck, a, (gssize)an);
	if (bn)
		g_checksum_update(ck, b, (gssize)bn);
	if (cn)
		g_checksum_update(ck, c, (gssize)cn);
	g_checksum_get_digest(ck, out, &len);
	g_checksum_free(ck);
	return len;
}

/* pdf_key_r4 - algorithm 2: the file key for revisions 2 to 4 */
static void
pdf_key_r4(struct pdf_crypt *c)
{
	unsigned char buf[32 + 48 + 4 + 64 + 4], h[16];
	size_t n = 0, i, klen;
	uint32_t p = (uint32_t)c->p;

	memcpy(buf, pdf_pad, 32);
	n = 32;
	memcpy(buf + n, c->o, 32);
	n += 32;
	for (i = 0; i < 4; i++)
		buf[n++] = (unsigned char)(p >> (8 * i));
	memcpy(buf + n, c->id0, c->idlen);
	n += c->idlen;
	if (c->r >= 4 && !c->encrypt_metadata) {
		memset(buf + n, 0xff, 4);
		n += 4;
	}
	pdf_digest(G_CHECKSUM_MD5, buf, n, NULL, 0, NULL, 0, h);
	klen = c->r == 2 ? 5 : (size_t)(c->length / 8);
	if (klen < 5 || klen > 16)
		klen = c->r == 2 ? 5 : 16;
	if (c->r >= 3)
		for (i = 0; i < 50; i++)
			pdf_digest(G_CHECKSUM_MD5, h, klen, NULL, 0, NULL, 0,
			    h);
	memcpy(c->key, h, klen);
	c->keylen = klen;
}

/* pdf_user_r4 - algorithms 4 and 5: is the empty user password right? */
static bool
pdf_user_r4(struct pdf_crypt *c)
{
	unsigned char x[32], k[16];
	size_t i, j;

	if (c->olen < 32 || c->ulen < 32)
		return false;
	pdf_key_r4(c);
	if (c->r == 2) {
		memcpy(x, pdf_pad, 32);
		pdf_rc4(c->key, c->keylen, x, 32);
		return memcmp(x, c->u, 32) == 0;
	}
	pdf_digest(G_CHECKSUM_MD5, pdf_pad, 32, c->id0, c->idlen, NULL, 0, x);
	for (i = 0; i < 20; i++) {
		for (j = 0; j < c->keylen; j++)
			k[j] = c->key[j] ^ (unsigned char)i;
		pdf_rc4(k, c->keylen, x, 16);
	}
	return memcmp(x, c->u, 16) == 0;
}

/* pdf_hash_2b - ISO 32000-2 algorithm 2.B for the empty password */
static void
pdf_hash_2b(const unsigned char *salt, unsigned char out[32], long r)
{
	unsigned char k[64], e[64 * 64];
	size_t klen, n, i;
	unsigned sum, round;
	struct aes a;

	klen = pdf_digest(G_CHECKSUM_SHA256, salt, 8, NULL, 0, NULL, 0, k);
	for (round = 0; r >= 6; round++) {
		n = 64 * klen;
		for (i = 0; i < 64; i++)
			memcpy(e + i * klen, k, klen);
		aes_init(&a, k, 16);
		aes_cbc_encrypt(&a, k + 16, e, n, e);
		for (i = 0, sum = 0; i < 16; i++)
			sum += e[i];
		klen = pdf_digest(sum % 3 == 0 ? G_CHECKSUM_SHA256 :
		    sum % 3 == 1 ? G_CHECKSUM_SHA384 : G_CHECKSUM_SHA512,
		    e, n, NULL, 0, NULL, 0, k);
		if (round >= 63 && e[n - 1] <= round - 31)
			break;
	}
	memcpy(out, k, 32);
}

/* pdf_user_r6 - revisions 5 and 6: validate and take the file key */
static bool
pdf_user_r6(struct pdf_crypt *c)
{
	unsigned char h[32], iv[16] = { 0 };
	struct aes a;

	if (c->ulen < 48)
		return false;
	pdf_hash_2b(c->u + 32, h, c->r);
	if (memcmp(h, c->u, 32) != 0)
		return false;
	if (c->uelen == 32) {
		pdf_hash_2b(c->u + 40, h, c->r);
		aes_init(&a, h, 32);
		aes_cbc_decrypt(&a, iv, c->ue, 32, c->key);
		c->keylen = 32;
	}
	return true;
}

/* pdf_crypt_user_empty - does the empty user password open the file? */
bool
pdf_crypt_user_empty(struct pdf_crypt *c)
{
	if (strcmp(c->filter, "Standard") != 0)
		return false;
	if (c->r >= 2 && c->r <= 4)
		return pdf_user_r4(c);
	if (c->r == 5 || c->r == 6)
		return pdf_user_r6(c);
	return false;
}

/* pdf_crypt_stream - decrypt one stream into out; bytes of plain text */
size_t
pdf_crypt_stream(const struct pdf_crypt *c, long num, long gen,
    const unsigned char *in, size_t n, unsigned char *out)
{
	unsigned char buf[16 + 5 + 4], k[64];
	size_t klen = c->keylen;
	struct aes a;

	if (c->keylen < 32) {
		memcpy(buf, c->key, c->keylen);
		buf[klen++] = (unsigned char)num;
		buf[klen++] = (unsigned char)(num >> 8);
		buf[klen++] = (unsigned char)(num >> 16);
		buf[klen++] = (unsigned char)gen;
		buf[klen++] = (unsigned char)(gen >> 8);
		if (c->aes) {
			memcpy(buf + klen, "sAlT", 4);
			klen += 4;
		}
		pdf_digest(G_CHECKSUM_MD5, buf, klen, NULL, 0, NULL, 0, k);
		klen = c->keylen + 5 > 16 ? 16 : c->keylen + 5;
	} else
		memcpy(k, c->key, 32);
	if (!c->aes) {
		memcpy(out, in, n);
		pdf_rc4(k, klen, out, n);
		return n;
	}
	if (n < 32)
		return 0;
	aes_init(&a, k, klen);
	aes_cbc_decrypt(&a, in, in + 16, (n - 16) & ~(size_t)15, out);
	n = (n - 16) & ~(size_t)15;
	if (n > 0 && out[n - 1] >= 1 && out[n - 1] <= 16)
		n -= out[n - 1];
	return n;
}
