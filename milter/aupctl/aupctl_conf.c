/*
 * aupctl_conf - the configuration every aupctl command starts from
 *
 * SYNOPSIS
 *	struct conf *aupctl_conf_load(path, registry, warnings)
 *
 * DESCRIPTION
 *	Each command loads the configuration itself (the dispatcher does
 *	not: --help and a usage error need none) with conf_load(), and
 *	says on stderr what is wrong with it, file:line, as aup-milter -t
 *	would.  A configuration with errors is never half used: NULL.
 *
 * DIAGNOSTICS
 *	conf_load()'s errors and, when asked, its warnings, one a line.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>

#include "aupctl/aupctl_conf.h"
#include "util/errbuf.h"

/* aupctl_conf_load - the snapshot, or NULL after its errors on stderr */
struct conf *
aupctl_conf_load(const char *path, const struct policy *const *registry,
    bool warnings)
{
	struct errbuf eb;
	struct conf *cf;

	errbuf_init(&eb);
	cf = conf_load(path, registry, &eb);
	if (cf == NULL || warnings)
		errbuf_print(&eb, stderr);
	errbuf_clear(&eb);
	return cf;
}
