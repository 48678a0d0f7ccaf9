/*
 * content - the stored copy of a held or deferred message and its
 * metadata, by reference, on either backend (SPEC 5 and 11)
 *
 * With backend sqlite a message is two files under quarantine_dir:
 * messages/REF.eml and messages/REF.json (held) or deferred/REF.eml and
 * deferred/REF.json (deferred), 0640 in 0750 folders.  With backend
 * postgresql it is one row of the table `content` (the .eml as bytea,
 * the .json as text), so any node can show and release it.  Either way
 * content_put() returns only once the copy is durable (fsync'd and
 * renamed, or committed): the milter answers the MTA after it, and a
 * failure is a tempfail, never a loss.  Callers never open paths.
 */
#ifndef AUP_CONTENT_H
#define AUP_CONTENT_H

#include <stddef.h>

struct spool;
struct store;

enum content_kind {
	CONTENT_HELD = 0,
	CONTENT_DEFERRED = 1,
};

/*
 * content_put - store the message (the spool's bytes) and its metadata
 * text under ref: 0, or -1 with errno and *err (free it)
 */
int	content_put(struct store *st, enum content_kind kind, const char *ref,
	    struct spool *sp, const char *meta, char **err);
/* content_eml - the message's bytes (new buffer, NUL added), or NULL */
char	*content_eml(struct store *st, enum content_kind kind,
	    const char *ref, size_t *len, char **err);
/* content_meta - the metadata text (new string), or NULL */
char	*content_meta(struct store *st, enum content_kind kind,
	    const char *ref, char **err);
/* content_delete - remove both (metadata first; absent is fine): 0/-1 */
int	content_delete(struct store *st, enum content_kind kind,
	    const char *ref, char **err);

#endif
