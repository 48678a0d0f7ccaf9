/*
 * ole - OLE compound files (CFB): streams by name, bounded and checked
 *
 * SYNOPSIS
 *	bool ole_open(struct ole *o, const unsigned char *data, size_t len)
 *	int ole_find(const struct ole *o, const char *name)
 *	int ole_find_next(const struct ole *o, const char *name, int after)
 *	size_t ole_read(const struct ole *o, int entry, unsigned char *buf,
 *	    size_t max)
 *	size_t ole_size(const struct ole *o, int entry)
 *	bool ole_root_clsid(const struct ole *o, const unsigned char clsid[16])
 *	void ole_close(struct ole *o)
 *
 * DESCRIPTION
 *	Legacy Office files, password-protected OOXML and MSI installers
 *	are CFB containers [MS-CFB].  This reader builds the FAT (header
 *	DIFAT plus the DIFAT chain), reads the directory, the mini FAT and
 *	the mini stream, and reads the first bytes of a stream found by
 *	name anywhere in the directory.  Every sector number is checked
 *	against the file, every chain is cut after as many steps as there
 *	are sectors (so loops end), and sizes are capped (OLE_META_MAX for
 *	directory, mini FAT and mini stream; `max` for a stream).  Names
 *	are compared in ASCII (other UTF-16 characters read as '?').
 *
 * DIAGNOSTICS
 *	ole_open() returns false for a file that is not a consistent CFB.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "analysis/analysis_int.h"
#include "analysis/office/ole.h"
#include "util/byteorder.h"
#include "util/xalloc.h"

#define OLE_META_MAX	(16 * 1024 * 1024)
#define OLE_END		0xfffffffeU
#define OLE_DIRENT	128

/* ole_chain - read a sector chain (FAT or mini FAT) into memory */
static unsigned char *
ole_chain(const unsigned char *src, size_t nsect, size_t ssz,
    size_t base, const uint32_t *fat, size_t nfat, uint32_t s, size_t max,
    size_t *out_len)
{
	unsigned char *out = NULL;
	size_t len = 0, cap = 0, steps = 0, k;

	while (s != OLE_END && len < max) {
		if (s >= nsect || s >= nfat || steps++ > nfat) {
			free(out);
			return NULL;
		}
		k = ssz < max - len ? ssz : max - len;
		if (len + ssz > cap) {
			cap = cap ? cap * 2 : 8 * ssz;
			out = xrealloc(out, cap);
		}
		memcpy(out + len, src + base + (size_t)s * ssz, k);
		len += k;
		s = fat[s];
	}
	*out_len = len;
	return out ? out : xmalloc(1);
}

/* ole_load_fat - collect the FAT sectors named by the DIFAT */
static bool
ole_load_fat(struct ole *o)
{
	const unsigned char *h = o->d;
	size_t per = o->ssz / 4, nfs = le32(h + 0x2c), i, got = 0, steps = 0;
	uint32_t s, difat = le32(h + 0x44);

	if (nfs == 0 || nfs > o->nsect)
		return false;
	o->nfat = nfs * per;
	o->fat = xcalloc(o->nfat, sizeof(uint32_t));
	for (i = 0; i < 109 && got < nfs; i++) {
		s = le32(h + 0x4c + 4 * i);
		if (s >= o->nsect)
			return false;
		for (size_t j = 0; j < per; j++)
			o->fat[got * per + j] = le32(o->d + o->ssz +
			    (size_t)s * o->ssz + 4 * j);
		got++;
	}
	while (got < nfs && difat < o->nsect && steps++ < o->nsect) {
		const unsigned char *p = o->d + o->ssz + (size_t)difat * o->ssz;

		for (i = 0; i + 1 < per && got < nfs; i++, got++) {
			s = le32(p + 4 * i);
			if (s >= o->nsect)
				return false;
			for (size_t j = 0; j < per; j++)
				o->fat[got * per + j] = le32(o->d + o->ssz +
				    (size_t)s * o->ssz + 4 * j);
		}
		difat = le32(p + 4 * (per - 1));
	}
	return got == nfs;
}

/* ole_load_mini - mini FAT and mini stream (small streams live there) */
static void
ole_load_mini(struct ole *o)
{
	unsigned char *mf;
	size_t n, i;
	uint64_t root_size;

	if (o->ndir == 0)
		return;
	root_size = le32(o->dir + 120);
	o->mini = ole_chain(o->d, o->nsect, o->ssz, o->ssz, o->fat, o->nfat,
	    le32(o->dir + 116), root_size < OLE_META_MAX ? root_size :
	    OLE_META_MAX, &o->mini_len);
	mf = ole_chain(o->d, o->nsect, o->ssz, o->ssz, o->fat, o->nfat,
	    le32(o->d + 0x3c), OLE_META_MAX, &n);
	if (mf == NULL)
		return;
	o->nminifat = n / 4;
	o->minifat = xcalloc(o->nminifat + 1, sizeof(uint32_t));
	for (i = 0; i < o->nminifat; i++)
		o->minifat[i] = le32(mf + 4 * i);
	free(mf);
}

/* ole_open - parse the header, FAT, directory and mini stream */
bool
ole_open(struct ole *o, const unsigned char *d, size_t len)
{
	unsigned shift;
	size_t dl;

	memset(o, 0, sizeof(*o));
	if (len < 512 || memcmp(d, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) != 0)
		return false;
	shift = le16(d + 0x1e);
	if (shift != 9 && shift != 12)
		return false;
	o->d = d;
	o->ssz = (size_t)1 << shift;
	if (len < 2 * o->ssz)
		return false;
	o->nsect = (len - o->ssz) / o->ssz;
	o->cutoff = le32(d + 0x38);
	if (!ole_load_fat(o)) {
		ole_close(o);
		return false;
	}
	o->dir = ole_chain(d, o->nsect, o->ssz, o->ssz, o->fat, o->nfat,
	    le32(d + 0x30), OLE_META_MAX, &dl);
	if (o->dir == NULL) {
		ole_close(o);
		return false;
	}
	o->ndir = dl / OLE_DIRENT;
	ole_load_mini(o);
	return true;
}

/* ole_name_is - does directory entry i have this (ASCII) name? */
static bool
ole_name_is(const struct ole *o, size_t i, const char *name)
{
	const unsigned char *e = o->dir + i * OLE_DIRENT;
	size_t nl = le16(e + 64), n = strlen(name), k;

	if (nl < 2 || nl > 64 || (nl / 2) - 1 != n)
		return false;
	for (k = 0; k < n; k++)
		if (le16(e + 2 * k) != (unsigned char)name[k])
			return false;
	return true;
}

/* ole_find - index of a storage or stream by name, or -1 */
int
ole_find(const struct ole *o, const char *name)
{
	return ole_find_next(o, name, -1);
}

/* ole_find_next - the next entry after `after` with this name, or -1 */
int
ole_find_next(const struct ole *o, const char *name, int after)
{
	size_t i;

	for (i = (size_t)(after + 1); i < o->ndir && i < 1000000; i++) {
		unsigned type = o->dir[i * OLE_DIRENT + 66];

		if ((type == 1 || type == 2) && ole_name_is(o, i, name))
			return (int)i;
	}
	return -1;
}

/* ole_read - the first bytes of a stream; bytes read */
size_t
ole_read(const struct ole *o, int entry, unsigned char *buf, size_t max)
{
	const unsigned char *e = o->dir + (size_t)entry * OLE_DIRENT;
	uint32_t s = le32(e + 116);
	size_t size = le32(e + 120), len = 0, steps = 0, k, msz = 64;

	if (size < max)
		max = size;
	if (size >= o->cutoff) {
		unsigned char *c = ole_chain(o->d, o->nsect, o->ssz, o->ssz,
		    o->fat, o->nfat, s, max, &len);

		if (c == NULL)
			return 0;
		memcpy(buf, c, len);
		free(c);
		return len;
	}
	while (s != OLE_END && len < max && o->mini != NULL) {
		if (s >= o->nminifat || steps++ > o->nminifat ||
		    (size_t)s * msz + msz > o->mini_len)
			break;
		k = msz < max - len ? msz : max - len;
		memcpy(buf + len, o->mini + (size_t)s * msz, k);
		len += k;
		s = o->minifat[s];
	}
	return len;
}

/* ole_size - the size of a stream */
size_t
ole_size(const struct ole *o, int entry)
{
	return le32(o->dir + (size_t)entry * OLE_DIRENT + 120);
}

/* ole_root_clsid - is the root storage of this class? */
bool
ole_root_clsid(const struct ole *o, const unsigned char clsid[16])
{
	return o->ndir > 0 && memcmp(o->dir + 80, clsid, 16) == 0;
}

/* ole_close - free the tables */
void
ole_close(struct ole *o)
{
	free(o->fat);
	free(o->dir);
	free(o->mini);
	free(o->minifat);
	memset(o, 0, sizeof(*o));
}
