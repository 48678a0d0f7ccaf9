/*
 * conf_internal - shared between conf.c and conf_check.c only
 */
#ifndef AUP_CONF_INTERNAL_H
#define AUP_CONF_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>

#include "config/conf.h"
#include "util/errbuf.h"

struct conf_parse {
	struct conf *cf;
	const char *path;	/* the file being read */
	const char *dir;	/* relative paths in it resolve from here */
	bool	 school;	/* a school file: shared sections refused */
	struct errbuf *eb;
	FILE	*fp;
	unsigned line;		/* lines read so far */
	bool	 indented;	/* the current line continues the last value */
	char	**seen;		/* "section\nkey" already set */
	unsigned *seen_line;
	size_t	 nseen;
	char	**bad_sections;	/* reported once each */
	size_t	 nbad;
	char	 raw[512];	/* the current line as written */
};

void	conf_unknown_section(struct conf_parse *cp, const char *section);
void	conf_unknown_key(struct conf_parse *cp, const char *section,
	    const char *name, const struct conf_param *params, bool policy);
bool	conf_seen_twice(struct conf_parse *cp, const char *section,
	    const char *name);
void	conf_parse_done(struct conf_parse *cp);
void	conf_check_comment(struct conf_parse *cp,
	    const struct conf_param *param);
void	conf_check_core(struct conf *cf, struct errbuf *eb);
void	conf_load_data(struct conf *cf, struct errbuf *eb);
void	conf_configure_policies(struct conf *cf, struct errbuf *eb);
void	conf_destroy(struct conf *cf);
/* conf_store.c: the store slot (conf.h) */
struct conf_store_slot *conf_store_new(void);
void	conf_store_release(struct conf_store_slot *s);
void	conf_store_share(struct conf *to, const struct conf *from);
struct conf *conf_new(const char *path, const struct policy *const *registry,
	    struct errbuf *eb);
int	conf_parse_file(struct conf *cf, const char *path, bool school,
	    struct errbuf *eb);
void	conf_finish(struct conf *cf, struct errbuf *eb);
bool	conf_school_refuses(struct conf_parse *cp, const char *section,
	    const char *name);
/* conf_schools.c */
void	conf_schools_load(struct conf *cf, const struct conf *prev,
	    struct errbuf *eb);
/* conf_fingerprint.c */
char	*conf_fingerprint_shared(const struct conf *cf);
char	*conf_fingerprint_school(const struct conf *sc);
void	conf_schools_free(struct conf *cf);

#endif
