/*
 * aupctl_conf - the configuration every aupctl command starts from
 */
#ifndef AUP_AUPCTL_CONF_H
#define AUP_AUPCTL_CONF_H

#include <stdbool.h>

#include "config/conf.h"

/*
 * aupctl_conf_load - load PATH with REGISTRY's policies; its errors go to
 * stderr (file:line), and its warnings too when WARNINGS (commands whose
 * output is a report for a person; `test` and `quarantine` keep stderr
 * for what went wrong).  NULL when the configuration has errors.
 */
struct conf *aupctl_conf_load(const char *path,
	    const struct policy *const *registry, bool warnings);

#endif
