/*
 * aupctl_store - `aupctl store migrate`: make or upgrade the store's
 * tables (SPEC 11)
 *
 * SYNOPSIS
 *	aupctl_store()
 *
 * DESCRIPTION
 *	With [store] backend = postgresql the tables are made, and later
 *	upgraded, only by this command (db_schema.c); a milter refuses to
 *	start on an older schema.  With sqlite the index is migrated when
 *	it is opened, and the command does the same at once.  Prints
 *	"store: schema version FROM -> TO (BACKEND)"; running it again
 *	changes nothing.  Exit 0, 1 on a store error, 2 for a bad command
 *	line or configuration.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aupctl/aupctl_conf.h"
#include "aupctl/aupctl.h"
#include "config/conf.h"
#include "store/db_schema.h"
#include "store/store.h"

#define AS_USAGE "usage: aupctl [-c FILE] store migrate\n"

/* aupctl_store - the dispatcher */
int
aupctl_store(const char *conf_path, int argc, char **argv,
    const struct policy *const *registry)
{
	struct conf *cf;
	char *err = NULL;
	int from, to, rc;

	if (argc != 2 || strcmp(argv[1], "migrate") != 0) {
		fputs(AS_USAGE, stderr);
		return 2;
	}
	cf = aupctl_conf_load(conf_path, registry, true);
	if (cf == NULL)
		return 2;
	rc = db_migrate(store_of(cf), &from, &to, &err);
	if (rc == 0)
		printf("store: schema version %d -> %d (%s)\n", from, to,
		    cf->store.backend == STORE_BACKEND_POSTGRESQL ?
		    "postgresql" : "sqlite");
	else
		fprintf(stderr, "aupctl: store migrate: %s\n", err);
	free(err);
	conf_release(cf);
	return rc == 0 ? 0 : 1;
}
