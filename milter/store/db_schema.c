/*
 * db_schema - the store's tables, versioned, made and upgraded by the
 * program (`aupctl store migrate`)
 *
 * SYNOPSIS
 *	db_migrate(), db_schema_version(), db_schema_check()
 *
 * DESCRIPTION
 *	schema_version holds one row: the version of the tables.  Each
 *	version is a script per backend; db_migrate() runs the scripts
 *	from the stored version up to DB_SCHEMA_VERSION in one
 *	transaction (PostgreSQL: behind an advisory lock, so two nodes
 *	migrating at once do it once), so it is idempotent and an
 *	interrupted upgrade leaves the old version whole.
 *
 *	SQLite (one node, its own file) is migrated when a connection is
 *	opened, as the index always was: version 1 also adopts an index
 *	made before versions existed (its tables are made IF NOT EXISTS
 *	and the review columns added when missing).  PostgreSQL is shared
 *	by every node and upgraded only by `aupctl store migrate`: a
 *	connection to an older (or newer) schema is an error, so a milter
 *	never writes to tables it does not know.
 *
 *	Message content and events live in the tables only with
 *	PostgreSQL; SQLite keeps them in files (store/content.c,
 *	store/eventlog.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>

#include "store/db_int.h"
#include "store/db_schema.h"
#include "util/xalloc.h"

/* The school of a row ("" for a single-school service). */
#define SCHOOL "school TEXT NOT NULL DEFAULT ''"

/* The tables of version 1: ID is the type of a generated key. */
#define DB_V1_TABLES(ID) \
    "CREATE TABLE IF NOT EXISTS quarantine (" \
    " ref TEXT PRIMARY KEY, time BIGINT NOT NULL, direction TEXT," \
    " sender TEXT, recipients TEXT, subject TEXT, policy TEXT," \
    " policies TEXT, reason TEXT, size BIGINT," \
    " status TEXT NOT NULL DEFAULT 'held' CHECK (status IN" \
    " ('held', 'released', 'deleted', 'expired'))," \
    " released_at BIGINT, released_by TEXT, released_to TEXT," \
    " delivered_at BIGINT, delivered_qid TEXT," \
    " deleted_at BIGINT, deleted_by TEXT, notified_at BIGINT," \
    " reviewed_at BIGINT, reviewed_by TEXT, " SCHOOL ");" \
    "CREATE INDEX IF NOT EXISTS quarantine_time ON quarantine (time);" \
    "CREATE TABLE IF NOT EXISTS notices (" \
    " id " ID ", kind TEXT NOT NULL, ref TEXT," \
    " rcpt TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL," \
    " created BIGINT NOT NULL, expires BIGINT NOT NULL," \
    " state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN" \
    " ('queued', 'sending', 'sent', 'failed'))," \
    " tries INTEGER NOT NULL DEFAULT 0, next_try BIGINT NOT NULL," \
    " claimed_at BIGINT, claimed_by TEXT, sent_at BIGINT," \
    " last_error TEXT, " SCHOOL ");" \
    "CREATE INDEX IF NOT EXISTS notices_due ON notices (state, next_try);" \
    "CREATE TABLE IF NOT EXISTS deferred (" \
    " ref TEXT PRIMARY KEY, time BIGINT NOT NULL, due BIGINT NOT NULL," \
    " due_text TEXT, sender TEXT, recipients TEXT, subject TEXT," \
    " login TEXT, reason TEXT, size BIGINT," \
    " status TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN" \
    " ('waiting', 'sending', 'sent', 'cancelled'))," \
    " claimed_at BIGINT, attempts INTEGER NOT NULL DEFAULT 0," \
    " last_error TEXT, sent_at BIGINT, sent_by TEXT," \
    " delivered_at BIGINT, delivered_qid TEXT," \
    " cancelled_at BIGINT, cancelled_by TEXT, notified_at BIGINT," \
    " " SCHOOL ");" \
    "CREATE INDEX IF NOT EXISTS deferred_due ON deferred (status, due);" \
    "CREATE TABLE IF NOT EXISTS alerts (" \
    " id " ID ", ref TEXT NOT NULL," \
    " time BIGINT NOT NULL, policy TEXT NOT NULL, category TEXT NOT NULL," \
    " score INTEGER NOT NULL, severity TEXT, held INTEGER NOT NULL DEFAULT 0," \
    " direction TEXT, sender TEXT, sender_role TEXT, recipients TEXT," \
    " status TEXT NOT NULL DEFAULT 'open' CHECK (status IN" \
    " ('open', 'in progress', 'closed'))," \
    " assignee TEXT, updated_at BIGINT, updated_by TEXT," \
    " " SCHOOL ", UNIQUE (ref, category));" \
    "CREATE INDEX IF NOT EXISTS alerts_time ON alerts (time);" \
    "CREATE TABLE IF NOT EXISTS alert_matches (" \
    " alert BIGINT NOT NULL REFERENCES alerts (id), seq INTEGER NOT NULL," \
    " phrase TEXT NOT NULL, context TEXT, weight INTEGER NOT NULL);" \
    "CREATE INDEX IF NOT EXISTS alert_matches_alert ON alert_matches (alert);" \
    "CREATE TABLE IF NOT EXISTS alert_notes (" \
    " id " ID ", alert BIGINT NOT NULL REFERENCES alerts (id), time BIGINT NOT NULL," \
    " \"by\" TEXT, text TEXT NOT NULL);" \
    "CREATE INDEX IF NOT EXISTS alert_notes_alert ON alert_notes (alert);" \
    "CREATE TABLE IF NOT EXISTS audit (" \
    " id " ID ", time BIGINT NOT NULL, \"user\" TEXT NOT NULL," \
    " role TEXT, via TEXT NOT NULL, address TEXT, action TEXT NOT NULL," \
    " ref TEXT, result TEXT NOT NULL, reason TEXT, detail TEXT," \
    " " SCHOOL ");" \
    "CREATE INDEX IF NOT EXISTS audit_ref ON audit (ref);"

static const char db_v1_sqlite[] =
    DB_V1_TABLES("INTEGER PRIMARY KEY AUTOINCREMENT");

static const char db_v1_pg[] =
    DB_V1_TABLES("BIGSERIAL PRIMARY KEY")
    /* held and deferred messages: the .eml and its .json (content.c) */
    "CREATE TABLE IF NOT EXISTS content ("
    " kind TEXT NOT NULL CHECK (kind IN ('held', 'deferred')),"
    " ref TEXT NOT NULL, eml BYTEA NOT NULL, meta TEXT NOT NULL,"
    " PRIMARY KEY (kind, ref));"
    /* one row per event line (eventlog.c) */
    "CREATE TABLE IF NOT EXISTS events ("
    " id BIGSERIAL PRIMARY KEY, time BIGINT NOT NULL, school TEXT,"
    " ref TEXT, event JSONB NOT NULL);"
    "CREATE INDEX IF NOT EXISTS events_time ON events (time);"
    "CREATE INDEX IF NOT EXISTS events_ref ON events (ref);";


/* db_has_column - has table t a column c? (SQLite) 1, 0 or -1 */
static int
db_has_column(struct db *db, const char *t, const char *c, char **err)
{
	const char *args[] = { t, c };
	int64_t n = 0;

	if (db_one(db, "SELECT count(*) FROM pragma_table_info($1) WHERE "
	    "name = $2", 2, args, &n, err) < 0)
		return -1;
	return n > 0;
}

/* Columns an index made before versions existed may lack. */
static const struct {
	const char *table, *column, *decl;
} db_v1_added[] = {
	{ "quarantine", "reviewed_at", "BIGINT" },
	{ "quarantine", "reviewed_by", "TEXT" },
	{ "quarantine", "school", SCHOOL },
	{ "notices", "school", SCHOOL },
	{ "deferred", "school", SCHOOL },
	{ "alerts", "school", SCHOOL },
	{ "audit", "school", SCHOOL },
};

/* db_v1 - version 1: today's tables (adopting an older SQLite index) */
static int
db_v1(struct db *db, char **err)
{
	char *sql;
	int has, rc;

	if (db->backend == STORE_POSTGRESQL)
		return db_pg_script(db, db_v1_pg, err);
	if (db_sqlite_script(db, db_v1_sqlite, err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(db_v1_added) / sizeof(db_v1_added[0]);
	    i++) {
		if ((has = db_has_column(db, db_v1_added[i].table,
		    db_v1_added[i].column, err)) < 0)
			return -1;
		if (has)
			continue;
		/* fixed names from the table above, no data */
		sql = xasprintf("ALTER TABLE %s ADD COLUMN %s %s",
		    db_v1_added[i].table, db_v1_added[i].column,
		    db_v1_added[i].decl);
		rc = db_sqlite_script(db, sql, err);
		free(sql);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* The steps: db_steps[i] takes version i to i + 1. */
static int (*const db_steps[DB_SCHEMA_VERSION])(struct db *, char **) = {
	db_v1,
};

/* db_schema_version - the stored version (0: none yet), or -1 */
int
db_schema_version(struct db *db, char **err)
{
	int64_t n = 0, v = 0;
	int rc;

	rc = db_one(db, db->backend == STORE_POSTGRESQL ?
	    "SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = "
	    "'schema_version' AND schemaname = current_schema()" :
	    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
	    "name = 'schema_version'", 0, NULL, &n, err);
	if (rc < 0)
		return -1;
	if (n == 0)
		return 0;
	if ((rc = db_one(db, "SELECT max(version) FROM schema_version", 0,
	    NULL, &v, err)) < 0)
		return -1;
	return (int)v;
}

/* db_upgrade - the steps from the stored version, in a transaction */
static int
db_upgrade(struct db *db, int *from, char **err)
{
	char buf[DB_ARG_LEN];
	const char *args[] = { db_arg_int(buf, DB_SCHEMA_VERSION) };
	int v;

	if (db_begin(db, err) < 0)
		return -1;
	if ((db->backend == STORE_POSTGRESQL && db_exec(db, "SELECT "
	    "pg_advisory_xact_lock(4751)", 0, NULL, err) < 0) ||
	    (v = db_schema_version(db, err)) < 0)
		goto fail;
	*from = v;
	if (v > DB_SCHEMA_VERSION) {
		if (err != NULL && *err == NULL)
			*err = xasprintf("the store's schema is version %d, "
			    "newer than this program's %d", v,
			    DB_SCHEMA_VERSION);
		goto fail;
	}
	for (; v < DB_SCHEMA_VERSION; v++)
		if (db_steps[v](db, err) < 0)
			goto fail;
	if (db_exec(db, "CREATE TABLE IF NOT EXISTS schema_version ("
	    "version INTEGER NOT NULL)", 0, NULL, err) < 0 ||
	    db_exec(db, "DELETE FROM schema_version", 0, NULL, err) < 0 ||
	    db_exec(db, "INSERT INTO schema_version (version) VALUES ($1)",
	    1, args, err) < 0)
		goto fail;
	return db_commit(db, err);
fail:
	db_rollback(db);
	return -1;
}

/* db_schema_check - current? (SQLite: made so) */
int
db_schema_check(struct db *db, char **err)
{
	int v = db_schema_version(db, err), from;

	if (v < 0 || v == DB_SCHEMA_VERSION)
		return v < 0 ? -1 : 0;
	if (db->backend == STORE_SQLITE && v < DB_SCHEMA_VERSION)
		return db_upgrade(db, &from, err);
	if (err != NULL && *err == NULL)
		*err = xasprintf("the store's schema is version %d, this "
		    "program needs %d%s", v, DB_SCHEMA_VERSION,
		    v < DB_SCHEMA_VERSION ? ": run `aupctl store migrate`" :
		    " (a newer program migrated it)");
	return -1;
}

/* db_migrate - make or upgrade the schema */
int
db_migrate(struct store *st, int *from, int *to, char **err)
{
	struct db *db = db_connect_raw(st, err);
	int rc;

	*from = *to = 0;
	if (db == NULL)
		return -1;
	rc = db_upgrade(db, from, err);
	if (rc == 0)
		*to = DB_SCHEMA_VERSION;
	db->broken = true;	/* not pooled: made without the check */
	db_close(db);
	return rc;
}
