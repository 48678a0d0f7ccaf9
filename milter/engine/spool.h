/*
 * spool - the raw message, in memory up to a threshold, then in a file
 *
 * SPEC section 8: bodies above the threshold (default 1 MiB) live in an
 * unlinked temporary file (O_TMPFILE, mode 0600) in spool_dir, so sixteen
 * concurrent 20 MB messages do not cost 320 MB of RAM.
 */
#ifndef AUP_SPOOL_H
#define AUP_SPOOL_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include <gmime/gmime.h>

struct spool;

/* spool_new - an empty spool; `dir` is copied */
struct spool *spool_new(const char *dir, size_t threshold);
/* spool_write - append bytes; 0, or -1 with errno (file trouble) */
int	spool_write(struct spool *sp, const void *buf, size_t len);
/* spool_size - bytes written so far */
uint64_t spool_size(const struct spool *sp);
/* spool_in_file - has the spool moved to a temporary file? */
bool	spool_in_file(const struct spool *sp);
/*
 * spool_stream - a new seekable GMimeStream over everything written (the
 * caller unrefs it); NULL with errno on failure.  Writing after taking a
 * stream is not allowed.
 */
GMimeStream *spool_stream(struct spool *sp);
/* spool_copy_to_fd - write all bytes to fd; 0 or -1 with errno */
int	spool_copy_to_fd(struct spool *sp, int fd);
/* spool_free - close and forget; accepts NULL, returns NULL */
struct spool *spool_free(struct spool *sp);

#endif
