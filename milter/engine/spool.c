/*
 * spool - hold a raw message in memory or, when large, in a temp file
 *
 * SYNOPSIS
 *	spool_new(), spool_write(), spool_size(), spool_in_file(),
 *	spool_stream(), spool_copy_to_fd(), spool_free()
 *
 * DESCRIPTION
 *	Bytes accumulate in a growing buffer until `threshold`; then the
 *	buffer is written to an anonymous file (O_TMPFILE where the file
 *	system has it, else mkstemp + unlink) in the spool folder, mode
 *	0600, and later bytes go to the file.  Nothing of it survives a
 *	crash, and no other user can read it.
 *
 *	spool_stream() lends an in-memory buffer to GMime without copying
 *	it: the buffer becomes a GByteArray the spool keeps, read by
 *	non-owning memory streams, and freed by spool_free().  A spool in
 *	a file is read by spool_stream.c's read-ahead stream.  Streams
 *	must therefore be released before the spool (the engine and the
 *	release check do), and nothing may be written after the first
 *	stream is taken (spool_write() then fails with EBUSY).
 *
 * DIAGNOSTICS
 *	spool_write() returns -1 with errno when the file cannot be made
 *	or written; the caller tempfails the message.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/spool.h"
#include "engine/spool_stream.h"
#include "util/xalloc.h"

struct spool {
	char	*dir;
	size_t	 threshold;
	char	*mem;
	size_t	 len, cap;
	GByteArray *lent;	/* mem, once lent to GMime streams */
	int	 fd;		/* -1 while in memory */
	uint64_t size;
};

/* spool_new - empty spool */
struct spool *
spool_new(const char *dir, size_t threshold)
{
	struct spool *sp = xcalloc(1, sizeof(*sp));

	sp->dir = xstrdup(dir != NULL ? dir : "/var/tmp");
	sp->threshold = threshold;
	sp->fd = -1;
	return sp;
}

/* spool_open_file - an anonymous 0600 file in the spool folder */
static int
spool_open_file(const char *dir)
{
	char *path;
	int fd;

#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	path = xasprintf("%s/aup-spool.XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		(void)unlink(path);
	free(path);
	return fd;
}

/* spool_write_all - write(2) until done */
static int
spool_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* spool_to_file - move the memory buffer into a new temp file */
static int
spool_to_file(struct spool *sp)
{
	sp->fd = spool_open_file(sp->dir);
	if (sp->fd < 0)
		return -1;
	if (spool_write_all(sp->fd, sp->mem, sp->len) < 0)
		return -1;
	free(sp->mem);
	sp->mem = NULL;
	sp->len = sp->cap = 0;
	return 0;
}

/* spool_write - append bytes */
int
spool_write(struct spool *sp, const void *buf, size_t len)
{
	if (sp->lent != NULL) {
		errno = EBUSY;
		return -1;
	}
	if (sp->fd < 0 && sp->len + len > sp->threshold &&
	    spool_to_file(sp) < 0)
		return -1;
	if (sp->fd >= 0) {
		if (spool_write_all(sp->fd, buf, len) < 0)
			return -1;
	} else {
		if (sp->len + len > sp->cap) {
			sp->cap = (sp->len + len) * 2 + 4096;
			sp->mem = xrealloc(sp->mem, sp->cap);
		}
		memcpy(sp->mem + sp->len, buf, len);
		sp->len += len;
	}
	sp->size += len;
	return 0;
}

/* spool_size - total bytes */
uint64_t
spool_size(const struct spool *sp)
{
	return sp->size;
}

/* spool_in_file - spooled to disk? */
bool
spool_in_file(const struct spool *sp)
{
	return sp->fd >= 0;
}

/* spool_stream - a GMimeStream over the content */
GMimeStream *
spool_stream(struct spool *sp)
{
	GMimeStream *st;
	int fd;

	if (sp->fd < 0) {
		/* No copy: the array takes the buffer, the stream borrows it. */
		if (sp->lent == NULL) {
			sp->lent = g_byte_array_new_take((guint8 *)sp->mem,
			    sp->len);
			sp->mem = NULL;
			sp->cap = 0;
		}
		st = g_mime_stream_mem_new_with_byte_array(sp->lent);
		g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(st), FALSE);
		return st;
	}
	fd = dup(sp->fd);
	if (fd < 0)
		return NULL;
	/* The stream owns the duplicate and reads ahead by offset. */
	return spool_stream_new(fd, 0, (gint64)sp->size);
}

/* spool_copy_to_fd - copy every byte to fd */
int
spool_copy_to_fd(struct spool *sp, int fd)
{
	char buf[65536];
	off_t off = 0;

	if (sp->lent != NULL)
		return spool_write_all(fd, sp->lent->data, sp->lent->len);
	if (sp->fd < 0)
		return spool_write_all(fd, sp->mem != NULL ? sp->mem : "",
		    sp->len);
	for (;;) {
		ssize_t n = pread(sp->fd, buf, sizeof(buf), off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		if (spool_write_all(fd, buf, (size_t)n) < 0)
			return -1;
		off += n;
	}
}

/* spool_free - release memory and file */
struct spool *
spool_free(struct spool *sp)
{
	if (sp == NULL)
		return NULL;
	if (sp->fd >= 0)
		(void)close(sp->fd);
	if (sp->lent != NULL)
		g_byte_array_unref(sp->lent);
	free(sp->mem);
	free(sp->dir);
	free(sp);
	return NULL;
}
