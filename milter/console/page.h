/*
 * page - helpers the console's pages share
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

/* page_link - <a> to page `page` of `path` with the request's `keys`
 * (a NULL-ended list of query arguments) kept */
void	page_link(const struct request *r, GString *b, const char *path,
	    const char *const *keys, long page, const char *label);
/* page_school_filter - the school whose rows a list shows: the account's
 * own, or the one the service's staff picked (NULL = every school) */
const char *page_school_filter(const struct request *r);
/* page_school_select - the service's staff's School <select> of a form */
void	page_school_select(const struct request *r, GString *b);
/* page_school_head, page_school_cell - the School column, for the
 * service's staff only */
void	page_school_head(const struct request *r, GString *b);
void	page_school_cell(const struct request *r, GString *b,
	    const char *school);

#endif
