/*
 * milter_act - carry a verdict out through libmilter at end of message
 */
#ifndef AUP_MILTER_ACT_H
#define AUP_MILTER_ACT_H

#include <stdbool.h>

#include <libmilter/mfapi.h>

#include "config/conf.h"
#include "store/eventlog.h"
#include "engine/msg.h"

/*
 * milter_act - evaluate the message and apply the verdict: reply,
 * header edits, quarantine; log it.  `failed` means the message could
 * not be recorded (it is tempfailed); `local` that it was submitted with
 * sendmail(1) on the server (reply_short.h).  Returns the callback's
 * status.
 */
sfsistat milter_act(SMFICTX *ctx, const struct conf *cf, struct msg *m,
	    bool failed, bool leadspc, bool local, struct eventlog *el);

#endif
