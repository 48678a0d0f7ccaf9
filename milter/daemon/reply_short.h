/*
 * reply_short - the two-line refusal and its full explanation as a notice
 */
#ifndef AUP_REPLY_SHORT_H
#define AUP_REPLY_SHORT_H

#include <stdbool.h>

#include "config/conf.h"
#include "engine/engine.h"
#include "engine/msg.h"

/*
 * reply_short - under [milter] reply (short; or auto and `local`, the
 * message came in through sendmail(1) on the server), turn the full
 * reply of a refusal into two lines and queue the full text as a notice
 * (kind "reply") to a school sender.  The reply stays full when the
 * sender is not the school's (no notice to outside or forged senders)
 * or the notice cannot be queued.  Returns true when a notice was
 * queued.
 */
bool	reply_short(const struct conf *cf, const struct msg *m,
	    struct verdict *v, bool local);

#endif
