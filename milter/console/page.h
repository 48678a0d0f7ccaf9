/*
 * page - helpers the Held and Message pages share
 */
#ifndef AUP_CONSOLE_PAGE_H
#define AUP_CONSOLE_PAGE_H

#include <time.h>

#include "console/console.h"

/* held_day - YYYY-MM-DD as local midnight; 0 when absent or malformed */
time_t	held_day(const char *s);
/*
 * held_act - the form's action (release, delete, review) with its
 * reason on one message, after checking the role may act on it: 0
 * done, 1 refused, -1 failed; *msg says what happened (free it).
 */
int	held_act(struct request *r, const char *ref, char **msg);
/* page_action_fields - the action, "release to", reason and button */
void	page_action_fields(struct reply *out, bool several);

#endif
