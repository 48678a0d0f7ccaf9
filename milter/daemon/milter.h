/*
 * milter - the libmilter callbacks; the only module that knows libmilter
 */
#ifndef AUP_MILTER_H
#define AUP_MILTER_H

#include <libmilter/mfapi.h>

#include "store/eventlog.h"

/* milter_desc - the filter description registered with smfi_register */
extern struct smfiDesc milter_desc;
/* milter_set_eventlog - the event log the callbacks write (may be NULL) */
void	milter_set_eventlog(struct eventlog *el);
/* milter_active_sessions - connections currently open (for shutdown) */
unsigned milter_active_sessions(void);

#endif
