/*
 * zipdir - ZIP central directory facts: encryption, consistency
 *
 * SYNOPSIS
 *	enum encryption_strength zipdir_entry_strength(
 *	    const unsigned char *data, size_t len, const char *entry,
 *	    const char **label)
 *	const char *zipdir_check(const unsigned char *data, size_t len,
 *	    const char **detail)
 *	bool zipdir_has_end(const unsigned char *data, size_t len)
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
 *	zipdir_check() asks whether the bytes are one archive that every
 *	reader sees alike (libarchive reads the central directory, other
 *	tools the local headers, others the first archive of two joined
 *	end to end): the end record ends the data, the central directory
 *	ends where the end record starts, every entry's local header
 *	agrees with its central one (name, method, the encryption bit) and
 *	the entries tile the data from offset 0 to the central directory
 *	with no gap, overlap or leading data.  Zip64 sizes and offsets are
 *	read from their extra field and end records.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_int.h"
#include "util/byteorder.h"

#define ZIPDIR_EOCD_MIN		22
#define ZIPDIR_CDH_MIN		46
#define ZIPDIR_LFH_MIN		30
#define ZIPDIR_ENTRIES_MAX	65536

/* One entry as its central directory header describes it. */
struct zipdir_entry {
	uint64_t	 off;		/* local header */
	uint64_t	 end;		/* first byte after its data */
	bool		 descriptor;	/* a data descriptor follows the data */
};

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

/* zipdir_zip64 - 64-bit values of a central header's zip64 extra field */
static void
zipdir_zip64(const unsigned char *h, uint64_t *usize, uint64_t *csize,
    uint64_t *off)
{
	const unsigned char *x = h + ZIPDIR_CDH_MIN + le16(h + 28);
	size_t xlen = le16(h + 30), i, k;
	uint64_t *want[3] = { usize, csize, off };

	for (i = 0; i + 4 <= xlen; i += 4 + le16(x + i + 2)) {
		size_t dlen = le16(x + i + 2), at = 0;

		if (le16(x + i) != 0x0001 || i + 4 + dlen > xlen)
			continue;
		for (k = 0; k < 3; k++)
			if (*want[k] == 0xffffffffU && at + 8 <= dlen) {
				*want[k] = le64(x + i + 4 + at);
				at += 8;
			}
		return;
	}
}

/* zipdir_end - central directory offset, size and entry count; false if
 * the end records do not fit the data exactly */
static bool
zipdir_end(const unsigned char *d, size_t len, uint64_t *cd_off,
    uint64_t *cd_size, uint64_t *count, uint64_t *cd_end)
{
	size_t eocd, loc, z;

	if (!zipdir_find_eocd(d, len, &eocd) ||
	    eocd + ZIPDIR_EOCD_MIN + le16(d + eocd + 20) != len)
		return false;
	*count = le16(d + eocd + 10);
	*cd_size = le32(d + eocd + 12);
	*cd_off = le32(d + eocd + 16);
	*cd_end = eocd;
	if (*count != 0xffff && *cd_size != 0xffffffffU &&
	    *cd_off != 0xffffffffU)
		return true;
	if (eocd < 20 || memcmp(d + eocd - 20, "PK\006\007", 4) != 0)
		return false;
	loc = eocd - 20;
	if (le64(d + loc + 8) > loc || loc - le64(d + loc + 8) < 56)
		return false;
	z = (size_t)le64(d + loc + 8);
	if (memcmp(d + z, "PK\006\006", 4) != 0 ||
	    z + 12 + le64(d + z + 4) != loc)
		return false;
	*count = le64(d + z + 32);
	*cd_size = le64(d + z + 40);
	*cd_off = le64(d + z + 48);
	*cd_end = z;
	return true;
}

/* zipdir_local - check one local header against its central header */
static const char *
zipdir_local(const unsigned char *d, size_t len, const unsigned char *h,
    struct zipdir_entry *e)
{
	uint64_t usize = le32(h + 24), csize = le32(h + 20);
	size_t nlen = le16(h + 28);
	const unsigned char *l;

	e->off = le32(h + 42);
	zipdir_zip64(h, &usize, &csize, &e->off);
	if (e->off > len || len - e->off < ZIPDIR_LFH_MIN)
		return "an entry points outside the archive";
	l = d + e->off;
	if (memcmp(l, "PK\003\004", 4) != 0)
		return "an entry points at no local header";
	if ((le16(l + 6) & 1) != (le16(h + 8) & 1))
		return "local and central headers disagree on encryption";
	if (le16(l + 8) != le16(h + 10))
		return "local and central headers disagree on compression";
	if (le16(l + 26) != nlen || len - e->off - ZIPDIR_LFH_MIN < nlen ||
	    memcmp(l + ZIPDIR_LFH_MIN, h + ZIPDIR_CDH_MIN, nlen) != 0)
		return "local and central headers disagree on a name";
	e->end = e->off + ZIPDIR_LFH_MIN + nlen + le16(l + 28) + csize;
	e->descriptor = (le16(h + 8) & 8) != 0;
	return e->end > len ? "an entry runs past the archive" : NULL;
}

/* zipdir_cmp - order entries by local header offset */
static int
zipdir_cmp(const void *a, const void *b)
{
	const struct zipdir_entry *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* zipdir_tiled - do the entries cover [0, cd_off) with nothing between? */
static bool
zipdir_tiled(struct zipdir_entry *e, size_t n, uint64_t cd_off)
{
	uint64_t at = 0, gap;

	qsort(e, n, sizeof(*e), zipdir_cmp);
	for (size_t i = 0; i < n; i++) {
		gap = e[i].off - at;
		if (e[i].off < at || (gap != 0 && !(i > 0 &&
		    e[i - 1].descriptor && (gap == 12 || gap == 16 ||
		    gap == 20 || gap == 24))))
			return false;
		at = e[i].end;
	}
	gap = cd_off - at;
	return cd_off >= at && (gap == 0 || (n > 0 && e[n - 1].descriptor &&
	    (gap == 12 || gap == 16 || gap == 20 || gap == 24)));
}

/* zipdir_check - one consistent archive?  NULL, or "corrupt"/"compression"
 * with what is wrong in *detail */
const char *
zipdir_check(const unsigned char *d, size_t len, const char **detail)
{
	uint64_t cd_off, cd_size, count, cd_end, off, i;
	struct zipdir_entry *e;
	const char *why = NULL;
	unsigned method;

	*detail = "data before or after the archive";
	if (!zipdir_end(d, len, &cd_off, &cd_size, &count, &cd_end) ||
	    cd_off > cd_end || cd_end - cd_off != cd_size)
		return "corrupt";
	if (count > ZIPDIR_ENTRIES_MAX) {
		*detail = "too many entries";
		return "corrupt";
	}
	e = calloc(count ? count : 1, sizeof(*e));
	if (e == NULL)
		return NULL;	/* judged by libarchive alone */
	for (i = 0, off = cd_off; i < count && why == NULL; i++) {
		if (cd_end - off < ZIPDIR_CDH_MIN ||
		    memcmp(d + off, "PK\001\002", 4) != 0 ||
		    cd_end - off - ZIPDIR_CDH_MIN < (uint64_t)le16(d + off +
		    28) + le16(d + off + 30) + le16(d + off + 32)) {
			why = "the central directory is cut short";
			break;
		}
		why = zipdir_local(d, len, d + off, &e[i]);
		method = le16(d + off + 10);
		if (why == NULL && method == 9) {
			free(e);
			*detail = "deflate64";
			return "compression";
		}
		off += ZIPDIR_CDH_MIN + le16(d + off + 28) +
		    le16(d + off + 30) + le16(d + off + 32);
	}
	if (why == NULL && off != cd_end)
		why = "the central directory holds more than it counts";
	if (why == NULL && !zipdir_tiled(e, (size_t)count, cd_off))
		why = "entries overlap, leave gaps or follow other data";
	free(e);
	if (why == NULL)
		return NULL;
	*detail = why;
	return "corrupt";
}

/* zipdir_has_end - is there a zip end record where one belongs? */
bool
zipdir_has_end(const unsigned char *d, size_t len)
{
	size_t eocd;

	return zipdir_find_eocd(d, len, &eocd) &&
	    eocd + ZIPDIR_EOCD_MIN + le16(d + eocd + 20) == len;
}
