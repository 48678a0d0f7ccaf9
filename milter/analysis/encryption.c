/*
 * encryption - message-level encryption formats: CMS and OpenPGP
 *
 * SYNOPSIS
 *	bool encryption_cms_is_enveloped(const unsigned char *data, size_t len)
 *	bool encryption_is_pgp_message(const unsigned char *data, size_t len)
 *
 * DESCRIPTION
 *	Encryption is recognised by structure, never by a label or a
 *	prefix.  S/MIME: the CMS ContentInfo (TECH-NOTES 8.9) names
 *	envelopedData 1.2.840.113549.1.7.3 or authEnvelopedData
 *	1.2.840.113549.1.9.16.1.23 and its content has a version, a
 *	non-empty set of recipients and an encrypted-content description
 *	(DER or BER with indefinite lengths); smime-type alone proves
 *	nothing.  OpenPGP: a sequence of packets that parses to the end,
 *	session key packets (PKESK v3/v6, SKESK v4-v6) followed by one
 *	encrypted data packet (SED, SEIPD v1/v2, AEAD) that ends where the
 *	data ends; ASCII armour counts when its base64 body decodes to such
 *	a sequence.  Eight bytes shaped like a packet header in front of a
 *	zip, or clear text between armour lines, are not encrypted.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include <glib.h>

#include "analysis/analysis_int.h"

#define PGP_ARMOR_MAX	(64 * 1024 * 1024)

/* A DER/BER element: tag, where its content starts, how long it is. */
struct der {
	unsigned	 tag;
	const unsigned char *p;	/* content */
	size_t		 len;	/* content length (to the end if indefinite) */
	size_t		 total;	/* header + content */
};

/* der_next - read one element of d[0..n); false when it does not fit */
static bool
der_next(const unsigned char *d, size_t n, struct der *e)
{
	size_t k, len = 0, h = 2;

	if (n < 2)
		return false;
	e->tag = d[0];
	if ((d[0] & 0x1f) == 0x1f)
		return false;		/* high tag numbers: not in CMS */
	if (d[1] == 0x80) {		/* BER indefinite length */
		len = n - 2;
	} else if (d[1] < 0x80) {
		len = d[1];
	} else {
		k = d[1] & 0x7f;
		if (k > 4 || n < 2 + k)
			return false;
		for (size_t i = 0; i < k; i++)
			len = len << 8 | d[2 + i];
		h += k;
	}
	if (len > n - h)
		return false;
	e->p = d + h;
	e->len = len;
	e->total = h + len;
	return true;
}

/*
 * encryption_cms_is_enveloped - a CMS ContentInfo of (auth)envelopedData
 * whose content has the shape of one: version, at least one recipient,
 * and an encrypted-content description (RFC 5652 6.1, RFC 5083).
 */
bool
encryption_cms_is_enveloped(const unsigned char *d, size_t len)
{
	static const unsigned char env[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7,
	    0x0d, 0x01, 0x07, 0x03 };
	static const unsigned char authenv[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7,
	    0x0d, 0x01, 0x09, 0x10, 0x01, 0x17 };
	struct der ci, oid, ex, ed, e;
	const unsigned char *p;
	size_t n;

	if (!der_next(d, len, &ci) || ci.tag != 0x30 ||
	    !der_next(ci.p, ci.len, &oid) || oid.tag != 0x06)
		return false;
	if (!((oid.len == sizeof(env) && memcmp(oid.p, env, oid.len) == 0) ||
	    (oid.len == sizeof(authenv) &&
	    memcmp(oid.p, authenv, oid.len) == 0)))
		return false;
	p = ci.p + oid.total;
	n = ci.len - oid.total;
	if (!der_next(p, n, &ex) || ex.tag != 0xa0 ||
	    !der_next(ex.p, ex.len, &ed) || ed.tag != 0x30)
		return false;
	p = ed.p;
	n = ed.len;
	if (!der_next(p, n, &e) || e.tag != 0x02)	/* version */
		return false;
	p += e.total, n -= e.total;
	if (der_next(p, n, &e) && e.tag == 0xa0)	/* originatorInfo */
		p += e.total, n -= e.total;
	if (!der_next(p, n, &e) || e.tag != 0x31 || e.len < 2)
		return false;			/* recipientInfos */
	p += e.total, n -= e.total;
	if (!der_next(p, n, &e) || e.tag != 0x30)	/* encryptedContentInfo */
		return false;
	return der_next(e.p, e.len, &oid) && oid.tag == 0x06 &&
	    der_next(e.p + oid.total, e.len - oid.total, &ex) &&
	    ex.tag == 0x30;
}

/* One OpenPGP packet header. */
struct pgp_packet {
	unsigned	 tag;
	size_t		 hdr;		/* header bytes */
	size_t		 len;		/* body bytes of this chunk */
	bool		 partial;	/* more chunks follow */
	bool		 to_end;	/* old format, indeterminate length */
};

/* pgp_new_len - a new-format length at d[0..n); header bytes or 0 */
static size_t
pgp_new_len(const unsigned char *d, size_t n, struct pgp_packet *pk)
{
	pk->partial = false;
	if (n < 1)
		return 0;
	if (d[0] < 192) {
		pk->len = d[0];
		return 1;
	}
	if (d[0] < 224) {
		if (n < 2)
			return 0;
		pk->len = ((size_t)(d[0] - 192) << 8) + d[1] + 192;
		return 2;
	}
	if (d[0] == 255) {
		if (n < 5)
			return 0;
		pk->len = (size_t)d[1] << 24 | (size_t)d[2] << 16 |
		    (size_t)d[3] << 8 | d[4];
		return 5;
	}
	pk->len = (size_t)1 << (d[0] & 0x1f);
	pk->partial = true;
	return 1;
}

/* pgp_header - the packet header at d[0..n); false if malformed */
static bool
pgp_header(const unsigned char *d, size_t n, struct pgp_packet *pk)
{
	size_t k;

	memset(pk, 0, sizeof(*pk));
	if (n < 2 || !(d[0] & 0x80))
		return false;
	if (d[0] & 0x40) {
		pk->tag = d[0] & 0x3f;
		if ((k = pgp_new_len(d + 1, n - 1, pk)) == 0)
			return false;
		pk->hdr = 1 + k;
	} else {
		pk->tag = (d[0] >> 2) & 0x0f;
		switch (d[0] & 3) {
		case 0:
			pk->len = d[1];
			pk->hdr = 2;
			break;
		case 1:
			if (n < 3)
				return false;
			pk->len = (size_t)d[1] << 8 | d[2];
			pk->hdr = 3;
			break;
		case 2:
			if (n < 5)
				return false;
			pk->len = (size_t)d[1] << 24 | (size_t)d[2] << 16 |
			    (size_t)d[3] << 8 | d[4];
			pk->hdr = 5;
			break;
		default:
			pk->hdr = 1;
			pk->len = n - 1;
			pk->to_end = true;
		}
	}
	return pk->tag != 0 && pk->len <= n - pk->hdr;
}

/* pgp_skip_partial - the end of a packet body sent in partial chunks */
static bool
pgp_skip_partial(const unsigned char *d, size_t n, size_t *off,
    struct pgp_packet *pk)
{
	size_t k;

	while (pk->partial) {
		*off += pk->len;
		if ((k = pgp_new_len(d + *off, n - *off, pk)) == 0)
			return false;
		*off += k;
		if (pk->len > n - *off)
			return false;
	}
	*off += pk->len;
	return true;
}

/*
 * pgp_binary_is_encrypted - binary OpenPGP that is an encrypted message:
 * session key packets (tags 1, 3; marker 10 allowed), then one encrypted
 * data packet (tags 9, 18, 20) that ends exactly where the data ends.
 * Eight bytes shaped like a header in front of something else are not.
 */
static bool
pgp_binary_is_encrypted(const unsigned char *d, size_t n)
{
	struct pgp_packet pk;
	size_t off = 0;
	unsigned esk = 0;

	while (off < n) {
		if (!pgp_header(d + off, n - off, &pk))
			return false;
		off += pk.hdr;
		if (pk.tag == 9 || pk.tag == 18 || pk.tag == 20) {
			if (pk.len == 0 || (pk.tag == 18 &&
			    d[off] != 1 && d[off] != 2))
				return false;
			if (!pgp_skip_partial(d, n, &off, &pk))
				return false;
			return off == n && (esk > 0 || pk.tag == 9);
		}
		if (pk.partial || pk.len < 2)
			return false;
		if (pk.tag == 1 && d[off] != 3 && d[off] != 6)
			return false;
		if (pk.tag == 3 && (d[off] < 4 || d[off] > 6))
			return false;
		if (pk.tag != 1 && pk.tag != 3 && pk.tag != 10)
			return false;
		esk += pk.tag != 10;
		off += pk.len;
	}
	return false;
}

/* pgp_armor_is_encrypted - does an armored body decode to a message? */
static bool
pgp_armor_is_encrypted(const unsigned char *d, size_t n)
{
	const unsigned char *p = d, *end = d + n, *nl;
	unsigned char *out;
	uint32_t save = 0;
	int state = 0;
	size_t o = 0, k;
	bool headers = true, ok;

	if (n > PGP_ARMOR_MAX)
		return false;
	out = g_malloc(n / 4 * 3 + 4);
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		k = (size_t)(nl - p);
		while (k > 0 && (p[k - 1] == '\r' || p[k - 1] == ' ' ||
		    p[k - 1] == '\t'))
			k--;
		if (headers) {
			headers = k > 0;	/* "Version: ..." until blank */
			if (headers && memchr(p, ':', k) == NULL) {
				headers = false;	/* no header block */
				o += base64_decode_step(p, k, out + o,
				    &state, &save);
			}
			continue;
		}
		if (k > 0 && p[0] == '=')	/* CRC-24 line */
			break;
		o += base64_decode_step(p, k, out + o, &state, &save);
	}
	ok = o > 0 && pgp_binary_is_encrypted(out, o);
	g_free(out);
	return ok;
}

/*
 * encryption_is_pgp_message - one armored "PGP MESSAGE" block (blanks
 * around it allowed) whose body decodes to an encrypted message, or
 * binary OpenPGP that is one.  Armour around clear text is not.
 */
bool
encryption_is_pgp_message(const unsigned char *d, size_t len)
{
	static const char begin[] = "-----BEGIN PGP MESSAGE-----";
	static const char end[] = "-----END PGP MESSAGE-----";
	size_t i = 0, j, b = sizeof(begin) - 1, e = sizeof(end) - 1;

	while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' ||
	    d[i] == '\n'))
		i++;
	if (len - i >= b && memcmp(d + i, begin, b) == 0) {
		j = len;
		while (j > i && (d[j - 1] == ' ' || d[j - 1] == '\t' ||
		    d[j - 1] == '\r' || d[j - 1] == '\n'))
			j--;
		if (j - i < b + e || memcmp(d + j - e, end, e) != 0)
			return false;
		return pgp_armor_is_encrypted(d + i + b, j - e - i - b);
	}
	return len >= 8 && pgp_binary_is_encrypted(d, len);
}
