/*
 * recipient_list - "a, b, c, d, e and 3 more" for reply texts
 */
#ifndef AUP_RECIPIENT_LIST_H
#define AUP_RECIPIENT_LIST_H

#include <stddef.h>

#define RECIPIENT_LIST_SHOWN 5	/* addresses named in a reply */

/* recipient_list_text - up to five items, then "and N more" (new string) */
char	*recipient_list_text(const char *const *items, size_t count);

#endif
