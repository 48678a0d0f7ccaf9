/*
 * aes - AES-128/256 block cipher for the PDF standard security handler
 *
 * SYNOPSIS
 *	void aes_init(struct aes *a, const uint8_t *key, size_t keylen)
 *	void aes_encrypt_block(const struct aes *a, const uint8_t in[16],
 *	    uint8_t out[16])
 *	void aes_decrypt_block(const struct aes *a, const uint8_t in[16],
 *	    uint8_t out[16])
 *	void aes_cbc_encrypt(const struct aes *a, const uint8_t iv[16],
 *	    const uint8_t *in, size_t n, uint8_t *out)
 *	void aes_cbc_decrypt(const struct aes *a, const uint8_t iv[16],
 *	    const uint8_t *in, size_t n, uint8_t *out)
 *
 * DESCRIPTION
 *	FIPS-197, byte oriented.  PDF 2.0 (revision 6) checks an empty user
 *	password with AES-128-CBC inside its hash, and owner-password-only
 *	files keep their streams AES-encrypted with a key anyone can
 *	compute; this is all the project needs, so no crypto library is
 *	linked.  The S-boxes are computed in aes_init() (no tables to
 *	mistype, no global state).  Not constant-time: it never handles a
 *	secret, only keys derived from the empty password.  CBC lengths
 *	are whole blocks (a trailing partial block is left untouched).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "analysis/pdf/pdf.h"

/* aes_xtime - multiply by x in GF(2^8) */
static uint8_t
aes_xtime(uint8_t b)
{
	return (uint8_t)((b << 1) ^ (b & 0x80 ? 0x1b : 0));
}

/* aes_mul - multiply in GF(2^8) */
static uint8_t
aes_mul(uint8_t a, uint8_t b)
{
	uint8_t r = 0;

	while (b) {
		if (b & 1)
			r ^= a;
		a = aes_xtime(a);
		b >>= 1;
	}
	return r;
}

/* aes_rotl8 - rotate a byte left */
static uint8_t
aes_rotl8(uint8_t x, int s)
{
	return (uint8_t)((x << s) | (x >> (8 - s)));
}

/* aes_sboxes - compute the S-box and its inverse */
static void
aes_sboxes(struct aes *a)
{
	uint8_t p = 1, q = 1, x;

	do {
		p = (uint8_t)(p ^ aes_xtime(p));
		q ^= (uint8_t)(q << 1);
		q ^= (uint8_t)(q << 2);
		q ^= (uint8_t)(q << 4);
		if (q & 0x80)
			q ^= 0x09;
		x = (uint8_t)(q ^ aes_rotl8(q, 1) ^ aes_rotl8(q, 2) ^
		    aes_rotl8(q, 3) ^ aes_rotl8(q, 4));
		a->sbox[p] = x ^ 0x63;
	} while (p != 1);
	a->sbox[0] = 0x63;
	for (int i = 0; i < 256; i++)
		a->inv[a->sbox[i]] = (uint8_t)i;
}

/* aes_init - key schedule for a 16- or 32-byte key */
void
aes_init(struct aes *a, const uint8_t *key, size_t keylen)
{
	int nk = keylen == 32 ? 8 : 4, i, total;
	uint8_t t[4], rcon = 1, tmp;

	aes_sboxes(a);
	a->rounds = nk + 6;
	total = 4 * (a->rounds + 1);
	memcpy(a->rk, key, (size_t)nk * 4);
	for (i = nk; i < total; i++) {
		memcpy(t, a->rk + 4 * (i - 1), 4);
		if (i % nk == 0) {
			tmp = t[0];
			t[0] = a->sbox[t[1]] ^ rcon;
			t[1] = a->sbox[t[2]];
			t[2] = a->sbox[t[3]];
			t[3] = a->sbox[tmp];
			rcon = aes_xtime(rcon);
		} else if (nk == 8 && i % nk == 4) {
			for (int k = 0; k < 4; k++)
				t[k] = a->sbox[t[k]];
		}
		for (int k = 0; k < 4; k++)
			a->rk[4 * i + k] = a->rk[4 * (i - nk) + k] ^ t[k];
	}
}

/* aes_add_key - AddRoundKey */
static void
aes_add_key(uint8_t s[16], const uint8_t *rk)
{
	for (int i = 0; i < 16; i++)
		s[i] ^= rk[i];
}

/* aes_shift_sub - (Inv)ShiftRows and (Inv)SubBytes in one pass */
static void
aes_shift_sub(uint8_t s[16], const uint8_t *box, int dir)
{
	static const uint8_t enc[16] = { 0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2,
	    7, 12, 1, 6, 11 };
	static const uint8_t dec[16] = { 0, 13, 10, 7, 4, 1, 14, 11, 8, 5, 2,
	    15, 12, 9, 6, 3 };
	const uint8_t *idx = dir > 0 ? enc : dec;
	uint8_t t[16];

	for (int i = 0; i < 16; i++)
		t[i] = box[s[idx[i]]];
	memcpy(s, t, 16);
}

/* aes_mix - MixColumns with the given coefficients */
static void
aes_mix(uint8_t s[16], uint8_t m0, uint8_t m1, uint8_t m2, uint8_t m3)
{
	uint8_t a[4];

	for (int c = 0; c < 4; c++) {
		memcpy(a, s + 4 * c, 4);
		for (int r = 0; r < 4; r++)
			s[4 * c + r] = aes_mul(a[r], m0) ^
			    aes_mul(a[(r + 1) % 4], m1) ^
			    aes_mul(a[(r + 2) % 4], m2) ^
			    aes_mul(a[(r + 3) % 4], m3);
	}
}

/* aes_mix_fast - MixColumns of the cipher (2 3 1 1) with xtime only */
static void
aes_mix_fast(uint8_t s[16])
{
	uint8_t *c, t, a0;

	for (int i = 0; i < 4; i++) {
		c = s + 4 * i;
		t = c[0] ^ c[1] ^ c[2] ^ c[3];
		a0 = c[0];
		c[0] ^= t ^ aes_xtime(c[0] ^ c[1]);
		c[1] ^= t ^ aes_xtime(c[1] ^ c[2]);
		c[2] ^= t ^ aes_xtime(c[2] ^ c[3]);
		c[3] ^= t ^ aes_xtime(c[3] ^ a0);
	}
}

/* aes_encrypt_block - one block */
void
aes_encrypt_block(const struct aes *a, const uint8_t in[16], uint8_t out[16])
{
	uint8_t s[16];

	memcpy(s, in, 16);
	aes_add_key(s, a->rk);
	for (int r = 1; r <= a->rounds; r++) {
		aes_shift_sub(s, a->sbox, 1);
		if (r != a->rounds)
			aes_mix_fast(s);
		aes_add_key(s, a->rk + 16 * r);
	}
	memcpy(out, s, 16);
}

/* aes_decrypt_block - one block */
void
aes_decrypt_block(const struct aes *a, const uint8_t in[16], uint8_t out[16])
{
	uint8_t s[16];

	memcpy(s, in, 16);
	aes_add_key(s, a->rk + 16 * a->rounds);
	for (int r = a->rounds - 1; r >= 0; r--) {
		aes_shift_sub(s, a->inv, -1);
		aes_add_key(s, a->rk + 16 * r);
		if (r != 0)
			aes_mix(s, 14, 11, 13, 9);
	}
	memcpy(out, s, 16);
}

/* aes_cbc_encrypt - CBC over whole blocks */
void
aes_cbc_encrypt(const struct aes *a, const uint8_t iv[16], const uint8_t *in,
    size_t n, uint8_t *out)
{
	uint8_t x[16], prev[16];

	memcpy(prev, iv, 16);
	for (size_t i = 0; i + 16 <= n; i += 16) {
		for (int k = 0; k < 16; k++)
			x[k] = in[i + k] ^ prev[k];
		aes_encrypt_block(a, x, out + i);
		memcpy(prev, out + i, 16);
	}
}

/* aes_cbc_decrypt - CBC over whole blocks (in and out may not overlap) */
void
aes_cbc_decrypt(const struct aes *a, const uint8_t iv[16], const uint8_t *in,
    size_t n, uint8_t *out)
{
	const uint8_t *prev = iv;

	for (size_t i = 0; i + 16 <= n; i += 16) {
		aes_decrypt_block(a, in + i, out + i);
		for (int k = 0; k < 16; k++)
			out[i + k] ^= prev[k];
		prev = in + i;
	}
}
