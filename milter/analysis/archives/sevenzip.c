/*
 * sevenzip - is a 7z archive's header (its list of names) encrypted?
 *
 * SYNOPSIS
 *	bool sevenzip_headers_encrypted(const unsigned char *data, size_t len)
 *	bool sevenzip_is_whole(const unsigned char *data, size_t len)
 *
 * DESCRIPTION
 *	The start header points to the next header.  When that begins with
 *	kEncodedHeader (0x17) and its coder list names the AES coder
 *	(06 F1 07 01), the names are encrypted (7z -mhe=on; TECH-NOTES 8.7):
 *	libarchive then fails on the first header, and the analysis reports
 *	names_hidden instead of "corrupt".  A plain 7z also uses an encoded
 *	(compressed) header, so 0x17 alone means nothing.
 *
 *	sevenzip_is_whole(): the next header ends the data.  Bytes after
 *	it (a second archive joined on) are read by some tools and not by
 *	others: the archive is then "corrupt".
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "analysis/analysis_int.h"
#include "util/byteorder.h"

#define SEVENZIP_START	32

/* sevenzip_headers_encrypted - AES in the encoded header's coders */
bool
sevenzip_headers_encrypted(const unsigned char *d, size_t len)
{
	static const unsigned char sig[6] = { '7', 'z', 0xbc, 0xaf, 0x27,
	    0x1c };
	static const unsigned char aes[4] = { 0x06, 0xf1, 0x07, 0x01 };
	uint64_t off, size;

	if (len < SEVENZIP_START || memcmp(d, sig, sizeof(sig)) != 0)
		return false;
	off = le64(d + 12);
	size = le64(d + 20);
	if (off > len - SEVENZIP_START || size > len - SEVENZIP_START - off ||
	    size == 0)
		return false;
	d += SEVENZIP_START + off;
	return d[0] == 0x17 && memmem(d, size, aes, sizeof(aes)) != NULL;
}

/* sevenzip_is_whole - does the archive end exactly where the data ends? */
bool
sevenzip_is_whole(const unsigned char *d, size_t len)
{
	uint64_t off, size;

	if (len < SEVENZIP_START)
		return false;
	off = le64(d + 12);
	size = le64(d + 20);
	return off <= len - SEVENZIP_START &&
	    size == len - SEVENZIP_START - off;
}
