/*
 * byteorder - little-endian integers read from untrusted bytes
 *
 * File formats the analysis reads (ZIP, 7z, OLE compound files, Word
 * and Excel binaries, TNEF) store their integers little-endian.  These
 * readers take a pointer the caller has already bounds-checked and never
 * depend on alignment or the host's byte order.
 */
#ifndef AUP_BYTEORDER_H
#define AUP_BYTEORDER_H

#include <stdint.h>

/* le16 - little-endian 16-bit value */
static inline unsigned
le16(const unsigned char *p)
{
	return p[0] | p[1] << 8;
}

/* le32 - little-endian 32-bit value */
static inline uint32_t
le32(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* le64 - little-endian 64-bit value */
static inline uint64_t
le64(const unsigned char *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

#endif
