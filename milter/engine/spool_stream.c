/*
 * spool_stream - a read-only GMimeStream over a spool file, read ahead
 *
 * SYNOPSIS
 *	GMimeStream *spool_stream_new(int fd, gint64 start, gint64 end)
 *
 * DESCRIPTION
 *	GMime's fs stream reads what it is asked for, after an lseek: its
 *	parser asks for 4 KiB at a time, so a 9 MB message cost 2,346
 *	reads and as many seeks.  This stream reads the file with pread(2)
 *	in blocks of SPOOL_STREAM_BLOCK bytes and serves small reads from
 *	its block; a read of a block or more, or of everything left within
 *	the bounds, goes straight to the caller's buffer (the analysis
 *	decodes a part 256 KiB at a time).  The position is GMime's own
 *	(stream->position), so no seek is ever made.  Substreams (GMime
 *	makes one per part) share the file and keep the stream that owns
 *	it alive; each has its own block, allocated on its first small
 *	read, so streams never share mutable state.  The bounds, eos,
 *	seek and length rules are those of GMime's fs stream.
 *
 *	The stream owns fd (closed when the last stream using it goes).
 *	Writing is refused (EBADF): the spool is read-only once lent.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/spool_stream.h"
#include "util/xalloc.h"

/* bytes read at a time for small reads */
#define SPOOL_STREAM_BLOCK	(64 * 1024)

typedef struct {
	GMimeStream	 parent;
	GMimeStream	*owner;		/* the stream owning fd; NULL: this */
	int		 fd;		/* -1 once closed */
	bool		 eos;		/* a read hit the file's end */
	unsigned char	*block;		/* read ahead, or NULL */
	gint64		 block_off;	/* file offset of block[0] */
	size_t		 block_len;	/* valid bytes in block */
} AupSpoolStream;

typedef struct {
	GMimeStreamClass parent_class;
} AupSpoolStreamClass;

GType aup_spool_stream_get_type(void);

G_DEFINE_TYPE(AupSpoolStream, aup_spool_stream, GMIME_TYPE_STREAM)

#define SPOOL_STREAM(o)	((AupSpoolStream *)(o))

/* spool_stream_pread - pread(2) until n bytes, the end or an error */
static ssize_t
spool_stream_pread(int fd, unsigned char *buf, size_t n, gint64 off)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = pread(fd, buf + got, n - got, (off_t)off + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return got > 0 ? (ssize_t)got : -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* spool_stream_fill - read the block at the stream's position; bytes */
static ssize_t
spool_stream_fill(AupSpoolStream *s)
{
	ssize_t r;

	if (s->block == NULL)
		s->block = xmalloc(SPOOL_STREAM_BLOCK);
	s->block_off = s->parent.position;
	s->block_len = 0;
	r = spool_stream_pread(s->fd, s->block, SPOOL_STREAM_BLOCK,
	    s->block_off);
	if (r > 0)
		s->block_len = (size_t)r;
	return r;
}

/* stream_read - at most len bytes from the position */
static ssize_t
stream_read(GMimeStream *stream, char *buf, size_t len)
{
	AupSpoolStream *s = SPOOL_STREAM(stream);
	gint64 pos = stream->position, end = stream->bound_end;
	ssize_t r;
	size_t at;

	if (s->fd < 0) {
		errno = EBADF;
		return -1;
	}
	if (end != -1 && pos >= end)
		return -1;
	if (end != -1 && (gint64)len > end - pos)
		len = (size_t)(end - pos);
	if (s->block == NULL || pos < s->block_off ||
	    pos >= s->block_off + (gint64)s->block_len) {
		if (len >= SPOOL_STREAM_BLOCK || (end != -1 &&
		    (gint64)len == end - pos)) {
			r = spool_stream_pread(s->fd, (unsigned char *)buf,
			    len, pos);
			goto done;
		}
		if ((r = spool_stream_fill(s)) <= 0)
			goto done;
	}
	at = (size_t)(pos - s->block_off);
	r = (ssize_t)(s->block_len - at < len ? s->block_len - at : len);
	memcpy(buf, s->block + at, (size_t)r);
done:
	if (r > 0)
		stream->position += r;
	else if (r == 0)
		s->eos = true;
	return r;
}

/* stream_write - refused: the spool is read-only once lent */
static ssize_t
stream_write(GMimeStream *stream, const char *buf, size_t len)
{
	(void)stream;
	(void)buf;
	(void)len;
	errno = EBADF;
	return -1;
}

/* stream_flush - nothing is written */
static int
stream_flush(GMimeStream *stream)
{
	(void)stream;
	return 0;
}

/* stream_close - forget the file (closed by its owner's last unref) */
static int
stream_close(GMimeStream *stream)
{
	AupSpoolStream *s = SPOOL_STREAM(stream);

	if (s->owner == NULL && s->fd >= 0)
		(void)close(s->fd);
	s->fd = -1;
	free(s->block);
	s->block = NULL;
	return 0;
}

/* stream_eos - at the end bound, or a read found the file's end */
static gboolean
stream_eos(GMimeStream *stream)
{
	AupSpoolStream *s = SPOOL_STREAM(stream);

	if (s->fd < 0)
		return TRUE;
	if (stream->bound_end != -1)
		return stream->position >= stream->bound_end;
	return s->eos;
}

/* stream_reset - back to the start bound */
static int
stream_reset(GMimeStream *stream)
{
	AupSpoolStream *s = SPOOL_STREAM(stream);

	if (s->fd < 0) {
		errno = EBADF;
		return -1;
	}
	s->eos = false;
	stream->position = stream->bound_start;
	return 0;
}

/* spool_stream_file_end - the file's size, for an unbounded stream */
static gint64
spool_stream_file_end(AupSpoolStream *s)
{
	struct stat st;

	return fstat(s->fd, &st) < 0 ? -1 : (gint64)st.st_size;
}

/* stream_seek - a new position within the bounds, no system call but
 * fstat(2) for the end of an unbounded stream */
static gint64
stream_seek(GMimeStream *stream, gint64 offset, GMimeSeekWhence whence)
{
	AupSpoolStream *s = SPOOL_STREAM(stream);
	gint64 real, end;

	if (s->fd < 0) {
		errno = EBADF;
		return -1;
	}
	switch (whence) {
	case GMIME_STREAM_SEEK_SET:
		real = offset;
		break;
	case GMIME_STREAM_SEEK_CUR:
		real = stream->position + offset;
		break;
	case GMIME_STREAM_SEEK_END:
		end = stream->bound_end != -1 ? stream->bound_end :
		    spool_stream_file_end(s);
		if (end < 0)
			return -1;
		real = end + offset;
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	if (real < stream->bound_start || (stream->bound_end != -1 &&
	    real > stream->bound_end)) {
		errno = EINVAL;
		return -1;
	}
	if (real != stream->position)
		s->eos = false;
	stream->position = real;
	return real;
}

/* stream_tell - the position */
static gint64
stream_tell(GMimeStream *stream)
{
	return stream->position;
}

/* stream_length - bytes between the bounds */
static gint64
stream_length(GMimeStream *stream)
{
	AupSpoolStream *s = SPOOL_STREAM(stream);
	gint64 end;

	if (stream->bound_end != -1)
		return stream->bound_end - stream->bound_start;
	if (s->fd < 0 || (end = spool_stream_file_end(s)) < 0)
		return -1;
	if (end < stream->bound_start) {
		errno = EINVAL;
		return -1;
	}
	return end - stream->bound_start;
}

/* spool_stream_make - a stream over fd, owned by owner (NULL: itself) */
static GMimeStream *
spool_stream_make(int fd, GMimeStream *owner, gint64 start, gint64 end)
{
	AupSpoolStream *s = g_object_new(aup_spool_stream_get_type(), NULL);

	s->fd = fd;
	s->owner = owner != NULL ? g_object_ref(owner) : NULL;
	g_mime_stream_construct(GMIME_STREAM(s), start, end);
	return GMIME_STREAM(s);
}

/* stream_substream - the bytes [start, end) of the same file */
static GMimeStream *
stream_substream(GMimeStream *stream, gint64 start, gint64 end)
{
	AupSpoolStream *s = SPOOL_STREAM(stream);

	return spool_stream_make(s->fd, s->owner != NULL ? s->owner : stream,
	    start, end);
}

/* aup_spool_stream_finalize - close the file if this stream owns it */
static void
aup_spool_stream_finalize(GObject *object)
{
	AupSpoolStream *s = SPOOL_STREAM(object);

	(void)stream_close(GMIME_STREAM(s));
	if (s->owner != NULL)
		g_object_unref(s->owner);
	G_OBJECT_CLASS(aup_spool_stream_parent_class)->finalize(object);
}

static void
aup_spool_stream_class_init(AupSpoolStreamClass *klass)
{
	GMimeStreamClass *sc = GMIME_STREAM_CLASS(klass);

	G_OBJECT_CLASS(klass)->finalize = aup_spool_stream_finalize;
	sc->read = stream_read;
	sc->write = stream_write;
	sc->flush = stream_flush;
	sc->close = stream_close;
	sc->eos = stream_eos;
	sc->reset = stream_reset;
	sc->seek = stream_seek;
	sc->tell = stream_tell;
	sc->length = stream_length;
	sc->substream = stream_substream;
}

static void
aup_spool_stream_init(AupSpoolStream *s)
{
	s->fd = -1;
}

/* spool_stream_new - a stream over fd's bytes [start, end); owns fd */
GMimeStream *
spool_stream_new(int fd, gint64 start, gint64 end)
{
	return spool_stream_make(fd, NULL, start, end);
}
