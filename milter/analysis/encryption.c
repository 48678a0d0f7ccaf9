/*
 * encryption - message-level encryption formats: CMS and OpenPGP
 *
 * SYNOPSIS
 *	bool encryption_cms_is_enveloped(const unsigned char *data, size_t len)
 *	bool encryption_is_pgp_message(const unsigned char *data, size_t len)
 *
 * DESCRIPTION
 *	application/x-pkcs7-mime without smime-type is common from older
 *	clients; the CMS ContentInfo then says what it is (TECH-NOTES 8.9):
 *	the first OID of the outer SEQUENCE is envelopedData
 *	1.2.840.113549.1.7.3 or authEnvelopedData 1.2.840.113549.1.9.16.1.23
 *	for encryption (signedData is not encrypted).  The DER is read
 *	strictly: SEQUENCE, then directly the OBJECT IDENTIFIER.
 *
 *	A part is a PGP message when it is one ASCII-armored
 *	"BEGIN PGP MESSAGE" block (leading blanks allowed), or binary
 *	OpenPGP starting with a public-key or symmetric-key encrypted
 *	session key packet (tags 1 and 3).  Text that merely quotes a block
 *	inside other prose is not a PGP message: the prose is plain.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "analysis/analysis_int.h"

/* encryption_der_len - skip a DER length; bytes used or 0 */
static size_t
encryption_der_len(const unsigned char *p, size_t n)
{
	size_t k;

	if (n == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	k = p[0] & 0x7f;
	if (k == 0 || k > 4 || n < k + 1)
		return 0;
	return k + 1;
}

/* encryption_cms_is_enveloped - CMS ContentInfo of (auth)envelopedData */
bool
encryption_cms_is_enveloped(const unsigned char *d, size_t len)
{
	static const unsigned char env[] = { 0x06, 0x09, 0x2a, 0x86, 0x48,
	    0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03 };
	static const unsigned char authenv[] = { 0x06, 0x0b, 0x2a, 0x86, 0x48,
	    0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01, 0x17 };
	size_t k;

	if (len < 2 || d[0] != 0x30)
		return false;
	if ((k = encryption_der_len(d + 1, len - 1)) == 0)
		return false;
	d += 1 + k;
	len -= 1 + k;
	return (len >= sizeof(env) && memcmp(d, env, sizeof(env)) == 0) ||
	    (len >= sizeof(authenv) &&
	    memcmp(d, authenv, sizeof(authenv)) == 0);
}

/* encryption_is_pgp_message - an armored or binary OpenPGP message */
bool
encryption_is_pgp_message(const unsigned char *d, size_t len)
{
	static const char begin[] = "-----BEGIN PGP MESSAGE-----";
	static const char end[] = "-----END PGP MESSAGE-----";
	size_t i = 0, j;
	unsigned tag;

	while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' ||
	    d[i] == '\n'))
		i++;
	if (len - i >= sizeof(begin) - 1 &&
	    memcmp(d + i, begin, sizeof(begin) - 1) == 0) {
		j = len;
		while (j > i && (d[j - 1] == ' ' || d[j - 1] == '\t' ||
		    d[j - 1] == '\r' || d[j - 1] == '\n'))
			j--;
		return j - i >= sizeof(end) - 1 && memcmp(d + j -
		    (sizeof(end) - 1), end, sizeof(end) - 1) == 0;
	}
	if (len < 8 || !(d[0] & 0x80))
		return false;
	if (d[0] & 0x40) {
		tag = d[0] & 0x3f;
		j = d[1] < 192 ? 1 : d[1] < 224 ? 2 : d[1] == 255 ? 5 : 0;
	} else {
		tag = (d[0] >> 2) & 0x0f;
		j = (d[0] & 3) == 0 ? 1 : (d[0] & 3) == 1 ? 2 :
		    (d[0] & 3) == 2 ? 4 : 0;
	}
	if (j == 0 || 1 + j >= len)
		return false;
	/* PKESK version 3 or 6, SKESK version 4, 5 or 6 */
	return (tag == 1 && (d[1 + j] == 3 || d[1 + j] == 6)) ||
	    (tag == 3 && d[1 + j] >= 4 && d[1 + j] <= 6);
}
