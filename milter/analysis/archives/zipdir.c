/*
 * zipdir - encryption method of ZIP entries from the central directory
 *
 * SYNOPSIS
 *	enum encryption_strength zipdir_entry_strength(
 *	    const unsigned char *data, size_t len, const char *entry,
 *	    const char **label)
 *
 * DESCRIPTION
 *	libarchive says an entry is encrypted but not how.  The central
 *	directory does (APPNOTE 4.4.4, TECH-NOTES 8.6): compression method
 *	99 with extra field 0x9901 is WinZip AES ("zip-aes", strong),
 *	general-purpose bit 6 is PKWARE strong encryption ("zip-pkware",
 *	strong), bit 0 alone is traditional ZipCrypto ("zipcrypto", weak).
 *	An entry not found by name (odd name encodings) gets the weakest
 *	method of the encrypted entries present, never a stronger one.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "analysis/analysis_int.h"
#include "util/byteorder.h"

#define ZIPDIR_EOCD_MIN		22
#define ZIPDIR_CDH_MIN		46

/* zipdir_find_eocd - offset of the end-of-central-directory record */
static bool
zipdir_find_eocd(const unsigned char *d, size_t len, size_t *off)
{
	size_t i, stop;

	if (len < ZIPDIR_EOCD_MIN)
		return false;
	stop = len > 65535 + ZIPDIR_EOCD_MIN ?
	    len - 65535 - ZIPDIR_EOCD_MIN : 0;
	for (i = len - ZIPDIR_EOCD_MIN + 1; i-- > stop;)
		if (memcmp(d + i, "PK\005\006", 4) == 0) {
			*off = i;
			return true;
		}
	return false;
}

/* zipdir_method - strength of one central directory header */
static enum encryption_strength
zipdir_method(const unsigned char *h, size_t extra_len, const char **label)
{
	unsigned flags = le16(h + 8), method = le16(h + 10);
	const unsigned char *x = h + ZIPDIR_CDH_MIN + le16(h + 28);
	size_t i;

	if (!(flags & 1))
		return ENCRYPTION_NONE;
	for (i = 0; i + 4 <= extra_len; i += 4 + le16(x + i + 2))
		if (le16(x + i) == 0x9901)
			method = 99;
	if (method == 99) {
		*label = "zip-aes";
		return ENCRYPTION_STRONG;
	}
	if (flags & 0x40) {
		*label = "zip-pkware";
		return ENCRYPTION_STRONG;
	}
	*label = "zipcrypto";
	return ENCRYPTION_WEAK;
}

/* zipdir_entry_strength - how an encrypted entry is encrypted */
enum encryption_strength
zipdir_entry_strength(const unsigned char *d, size_t len, const char *entry,
    const char **label)
{
	enum encryption_strength st, weakest = ENCRYPTION_NONE;
	const char *l = NULL, *weakest_label = "zipcrypto";
	size_t eocd, off, n, i, nlen, xlen, elen = strlen(entry);

	*label = "zipcrypto";
	if (!zipdir_find_eocd(d, len, &eocd))
		return ENCRYPTION_WEAK;
	off = le32(d + eocd + 16);
	n = le16(d + eocd + 10);
	for (i = 0; i < n && off <= len && len - off >= ZIPDIR_CDH_MIN; i++) {
		if (memcmp(d + off, "PK\001\002", 4) != 0)
			break;
		nlen = le16(d + off + 28);
		xlen = le16(d + off + 30);
		if (len - off - ZIPDIR_CDH_MIN < nlen + xlen)
			break;
		st = zipdir_method(d + off, xlen, &l);
		if (st != ENCRYPTION_NONE && nlen == elen &&
		    memcmp(d + off + ZIPDIR_CDH_MIN, entry, elen) == 0) {
			*label = l;
			return st;
		}
		if (st != ENCRYPTION_NONE &&
		    (weakest == ENCRYPTION_NONE || st < weakest)) {
			weakest = st;
			weakest_label = l;
		}
		off += ZIPDIR_CDH_MIN + nlen + xlen + le16(d + off + 32);
	}
	*label = weakest_label;
	return weakest == ENCRYPTION_NONE ? ENCRYPTION_WEAK : weakest;
}
