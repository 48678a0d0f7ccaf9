/*
 * aupctl_school - `--school NAME` (SPEC 11): a command of aupctl that
 * lists, shows or acts on the store's rows keeps to one school's; without
 * it aupctl, the service's own tool, sees every school.
 */
#ifndef AUP_AUPCTL_SCHOOL_H
#define AUP_AUPCTL_SCHOOL_H

#include "config/conf.h"

/*
 * aupctl_take_school - remove `--school NAME` (or `--school=NAME`) from
 * argv (argc adjusted, argv[argc] stays NULL) and set *name to NAME
 * (NULL when absent); -1 when NAME is missing or given twice.
 */
int	aupctl_take_school(int *argc, char **argv, const char **name);
/*
 * aupctl_check_school - is NAME one of cf's schools?  0, or -1 after a
 * message on stderr naming the known schools.
 */
int	aupctl_check_school(const struct conf *cf, const char *cmd,
	    const char *name);

#endif
