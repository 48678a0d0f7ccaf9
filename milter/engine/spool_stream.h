/*
 * spool_stream - a read-only GMimeStream over a spool file that reads
 * ahead in 64 KiB blocks with pread(2), never seeking (spool_stream.c)
 */
#ifndef AUP_SPOOL_STREAM_H
#define AUP_SPOOL_STREAM_H

#include <stdbool.h>

#include <gmime/gmime.h>

/*
 * spool_stream_new - a stream over the bytes [start, end) of fd (end -1:
 * to the file's end); the stream owns fd and closes it when it and its
 * substreams are gone
 */
GMimeStream *spool_stream_new(int fd, gint64 start, gint64 end);

#endif
