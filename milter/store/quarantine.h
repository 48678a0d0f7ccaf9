/*
 * quarantine - the durable store of held messages (SPEC section 5)
 *
 * A held message is the message as received (headers + body) and its
 * metadata (envelope, decision, reasons: one JSON object), kept by
 * reference in the store (content.h: files under quarantine_dir, or the
 * shared database), durably, before the milter tells the MTA to discard
 * the message.  If anything fails the message is tempfailed, never lost.
 */
#ifndef AUP_QUARANTINE_H
#define AUP_QUARANTINE_H

#include "config/conf.h"
#include "engine/engine.h"
#include "engine/msg.h"
#include "store/qindex.h"

/*
 * quarantine_store - store message `m` judged by `v` under the reference
 * v->ref.  Returns 0, or -1 with errno set (nothing half-written stays).
 * Once the files are durable the entry is added to the index
 * and its notices are queued, in one transaction; if that fails the
 * copy is removed and -1 is returned (errno EIO),
 * so the message is tempfailed and comes back.
 */
int	quarantine_store(const struct conf *cf, const struct msg *m,
	    const struct verdict *v);
/* quarantine_entry - the index row of a held message (clear it after) */
void	quarantine_entry(const struct msg *m, const struct verdict *v,
	    struct qindex_entry *e);

#endif
