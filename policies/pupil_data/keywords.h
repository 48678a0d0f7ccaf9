/*
 * keywords - the sensitive-category word lists (conf/pupil-data)
 *
 * A list is plain text: "[category]" starts a category, then one phrase
 * a line, "#" comments.  The default lists are compiled in from
 * conf/pupil-data/keywords.txt (keywords_builtin.c, generated), so a
 * school that configures nothing still gets them; `[pupil-data]
 * keywords` names a file or a folder of *.txt files to use instead.
 */
#ifndef AUP_PUPIL_KEYWORDS_H
#define AUP_PUPIL_KEYWORDS_H

#include <stdint.h>

#include "util/errbuf.h"
#include "policies/pupil_data/ngram.h"

#define KEYWORDS_MAX_CATEGORIES 32

struct keyword_categories {
	char	*names[KEYWORDS_MAX_CATEGORIES];	/* as written in [] */
	unsigned count;
};

/* The compiled-in default lists (generated from conf/pupil-data). */
extern const char keywords_builtin[];

/*
 * keywords_parse - add the phrases of one list to ng with type `type`
 * and the category's index as value; problems go to eb as file:line.
 * `dflt` names the category of phrases before any [category] line
 * (NULL: that is an error).  0 or -1.
 */
int	keywords_parse(struct ngram *ng, uint32_t type, const char *text,
	    const char *file, const char *dflt, struct keyword_categories *cats,
	    struct errbuf *eb);
/* keywords_load - the built-in lists (path NULL) or a file or folder */
int	keywords_load(struct ngram *ng, uint32_t type, const char *path,
	    struct keyword_categories *cats, struct errbuf *eb);
/* keywords_categories_clear - free the names */
void	keywords_categories_clear(struct keyword_categories *cats);

#endif
