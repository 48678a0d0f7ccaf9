/*
 * db_schema - the store's schema version and its migration
 * (`aupctl store migrate`, `aup-milter -t`)
 */
#ifndef AUP_DB_SCHEMA_H
#define AUP_DB_SCHEMA_H

#include "store/store.h"

struct db;

/* The version of the tables this program reads and writes. */
#define DB_SCHEMA_VERSION	1

/*
 * db_migrate - make or upgrade the store's tables to DB_SCHEMA_VERSION;
 * *from (0: none) and *to report what was done.  Idempotent.  0 or -1.
 */
int	db_migrate(struct store *st, int *from, int *to, char **err);
/* db_schema_version - the version stored (0: none yet), or -1 */
int	db_schema_version(struct db *db, char **err);

#endif
