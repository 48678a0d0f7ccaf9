/*
 * quarantine - the durable store of held messages (SPEC section 5)
 *
 * Layout under quarantine_dir:
 *	messages/REF.eml	the message as received (headers + body)
 *	messages/REF.json	envelope, decision, reasons (one object)
 * Both are written to temporary names, fsync'd, renamed (the .json last:
 * its presence means the entry is complete) and the folder is fsync'd,
 * all before the milter tells the MTA to discard the message.  Files are
 * mode 0640 and folders 0750: the milter's user and the reviewers' group
 * only.  If anything fails the message is tempfailed, never lost.
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
 * (DIR/index.sqlite) and its notices are queued, in one transaction;
 * if that fails the files are removed and -1 is returned (errno EIO),
 * so the message is tempfailed and comes back.
 */
int	quarantine_store(const struct conf *cf, const struct msg *m,
	    const struct verdict *v);
/* quarantine_entry - the index row of a held message (clear it after) */
void	quarantine_entry(const struct msg *m, const struct verdict *v,
	    struct qindex_entry *e);
/* quarantine_message_path - "DIR/messages/REF.eml" (new string) */
char	*quarantine_message_path(const char *dir, const char *ref);
/* quarantine_meta_path - "DIR/messages/REF.json" (new string) */
char	*quarantine_meta_path(const char *dir, const char *ref);

#endif
