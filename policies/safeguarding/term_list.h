/*
 * term_list - read one safeguarding term list into a term set (SPEC 2.6)
 *
 * A list is UTF-8 text, one entry a line:
 *	WEIGHT PHRASE	a phrase that adds WEIGHT (1 to 100) to its
 *			category's score, once per message; a trailing '*'
 *			matches any ending of the last word ("bitch*")
 *	! PHRASE	a phrase that never counts: nothing found inside it
 *			scores ("relationships and sex education")
 *	# ...		a comment; blank lines are ignored
 * Every broken line is reported as file:line, and the list is then
 * refused (a school's list never half-loads).
 */
#ifndef AUP_TERM_LIST_H
#define AUP_TERM_LIST_H

#include "policies/safeguarding/term_match.h"
#include "util/errbuf.h"

#define TERM_WEIGHT_MAX	100

/* term_list_parse - every line of text (named `file` in errors) */
int	term_list_parse(struct term_set *ts, unsigned category,
	    const char *text, const char *file, struct errbuf *eb);
/* term_list_load - read and parse the file at path; 0 or -1 */
int	term_list_load(struct term_set *ts, unsigned category,
	    const char *path, struct errbuf *eb);

#endif
