/*
 * blob - the decoded content of one part or archive entry
 *
 * SYNOPSIS
 *	void blob_init(struct blob *b)
 *	void blob_init_digest(struct blob *b)
 *	int blob_append(struct blob *b, const void *p, size_t n)
 *	int blob_spill(struct blob *b)
 *	int blob_finish(struct blob *b)
 *	void blob_free(struct blob *b)
 *
 * DESCRIPTION
 *	Inspectors want the content of a part as one contiguous buffer
 *	(OLE and ZIP directories sit at the end, PDF trailers too).  Small
 *	content stays in memory; past BLOB_MEM_MAX bytes it moves to an
 *	unlinked temporary file ($TMPDIR, default /tmp) that blob_finish()
 *	maps read-only, so the page cache, not the heap, holds big
 *	expansions and at most one blob per nesting level is alive.
 *	A blob made by blob_init_digest() takes the SHA-256 of its content
 *	as it is appended (sha256, hex, once blob_finish() has run), so a
 *	big attachment is hashed while it is in the cache, not read again.
 *
 * DIAGNOSTICS
 *	blob_append() and blob_finish() return -1 when the temporary file
 *	cannot be created, written or mapped (an internal error); 0 else.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analysis/analysis_int.h"
#include "util/xalloc.h"

/* blob_init - an empty blob in memory */
void
blob_init(struct blob *b)
{
	memset(b, 0, sizeof(*b));
	b->fd = -1;
}

/* blob_init_digest - an empty blob that hashes what is appended */
void
blob_init_digest(struct blob *b)
{
	blob_init(b);
	b->digest = true;
	sha256_init(&b->sha);
}

/* sha256_hex - finish a SHA-256 as 64 lower-case hex digits */
void
sha256_hex(struct sha256_ctx *ck, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t md[SHA256_DIGEST_SIZE];
	size_t i;

	sha256_digest(ck, sizeof(md), md);
	for (i = 0; i < sizeof(md); i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0x0f];
	}
	out[2 * sizeof(md)] = '\0';
}

/* blob_write_all - write n bytes to fd, retrying short writes */
static int
blob_write_all(int fd, const unsigned char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* blob_spill - move the content so far to an unlinked temporary file */
int
blob_spill(struct blob *b)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	path = xasprintf("%s/aup-analysis.XXXXXX", dir);
	fd = mkstemp(path);
	if (fd >= 0)
		(void)unlink(path);
	free(path);
	if (fd < 0)
		return -1;
	if (blob_write_all(fd, b->data, b->len) < 0) {
		(void)close(fd);
		return -1;
	}
	free(b->data);
	b->data = NULL;
	b->cap = 0;
	b->fd = fd;
	return 0;
}

/* blob_append - add bytes, spilling to a file past BLOB_MEM_MAX */
int
blob_append(struct blob *b, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (b->digest)
		sha256_update(&b->sha, n, p);
	if (b->fd < 0 && b->len + n > BLOB_MEM_MAX && blob_spill(b) < 0)
		return -1;
	if (b->fd >= 0) {
		if (blob_write_all(b->fd, p, n) < 0)
			return -1;
		b->len += n;
		return 0;
	}
	if (b->len + n > b->cap) {
		b->cap = b->cap ? b->cap : 4096;
		while (b->cap < b->len + n)
			b->cap *= 2;
		b->data = xrealloc(b->data, b->cap);
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

/* blob_finish - make the content readable as b->data[0..len) */
int
blob_finish(struct blob *b)
{
	void *m;

	if (b->digest && b->sha256[0] == '\0')
		sha256_hex(&b->sha, b->sha256);
	if (b->fd < 0 || b->mapped)
		return 0;
	if (b->len == 0) {
		b->data = NULL;
		return 0;
	}
	m = mmap(NULL, b->len, PROT_READ, MAP_PRIVATE, b->fd, 0);
	if (m == MAP_FAILED)
		return -1;
	b->data = m;
	b->mapped = true;
	return 0;
}

/* blob_free - release memory, mapping and file */
void
blob_free(struct blob *b)
{
	if (b->mapped)
		(void)munmap(b->data, b->len);
	else
		free(b->data);
	if (b->fd >= 0)
		(void)close(b->fd);
	blob_init(b);
}
