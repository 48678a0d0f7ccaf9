/*
 * testutil - shared helpers of the unit tests
 *
 * SYNOPSIS
 *	tu_tempdir(), tu_rmdir(), tu_write(), tu_school(), tu_schools(),
 *	tu_load(),
 *	tu_msg(), tu_edit_value(), tu_report()
 *
 * DESCRIPTION
 *	The tests make their own fixtures: a small fictional school
 *	("Testwood Primary", domains testwood.example and
 *	pupils.testwood.example) in a temporary folder, so the suite needs
 *	nothing outside the repository.
 *
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "engine/eml.h"
#include "store/db_schema.h"
#include "store/store.h"
#include "test_policy.h"
#include "testutil.h"
#include "util/xalloc.h"

static void tu_pg_reset(void);

/* tu_tempdir - mkdtemp under TMPDIR */
char *
tu_tempdir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/aup-test.XXXXXX", tmp ? tmp : "/tmp");

	assert_non_null(mkdtemp(dir));
	tu_pg_reset();		/* each test's folder, an empty store */
	return dir;
}

/* tu_store_pg - the store tests run on PostgreSQL? */
int
tu_store_pg(void)
{
	const char *dsn = getenv("AUP_TEST_PG_DSN");

	return dsn != NULL && *dsn != '\0';
}

/* tu_pg_empty - drop every table of the test database */
static void
tu_pg_empty(const char *dsn)
{
	PGconn *c = PQconnectdb(dsn);
	PGresult *r;

	assert_int_equal(PQstatus(c), CONNECTION_OK);
	r = PQexec(c, "SET client_min_messages = warning;"
	    "DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	PQfinish(c);
}

/* tu_pg_reset - PostgreSQL under test: an empty, migrated database */
static void
tu_pg_reset(void)
{
	const char *dsn = getenv("AUP_TEST_PG_DSN");
	struct store *st;
	char *err = NULL;
	int from, to;

	if (!tu_store_pg())
		return;
	tu_pg_empty(dsn);
	st = store_new(STORE_POSTGRESQL, ".", dsn);
	if (db_migrate(st, &from, &to, &err) < 0)
		fail_msg("migrate: %s", err);
	store_free(st);
}

/* tu_store - the backend under test (emptied by tu_tempdir) */
struct store *
tu_store(const char *dir)
{
	if (!tu_store_pg())
		return store_new(STORE_SQLITE, dir, NULL);
	return store_new(STORE_POSTGRESQL, dir, getenv("AUP_TEST_PG_DSN"));
}

#define TU_STORES	64

/* The handles of tu_st(), by folder (tests only). */
static struct {
	char	*dir;
	struct store *st;
} tu_stores[TU_STORES];
static pthread_mutex_t tu_stores_lock = PTHREAD_MUTEX_INITIALIZER;

/* tu_st - the folder's store handle */
struct store *
tu_st(const char *dir)
{
	struct store *st = NULL;
	size_t i;

	pthread_mutex_lock(&tu_stores_lock);
	for (i = 0; i < TU_STORES && tu_stores[i].dir != NULL; i++)
		if (strcmp(tu_stores[i].dir, dir) == 0)
			st = tu_stores[i].st;
	if (st == NULL) {
		assert_true(i < TU_STORES);
		tu_stores[i].dir = xstrdup(dir);
		tu_stores[i].st = st = tu_store(dir);
	}
	pthread_mutex_unlock(&tu_stores_lock);
	return st;
}

/* tu_st_drop - free the folder's handle, if any */
static void
tu_st_drop(const char *dir)
{
	size_t i, last;

	pthread_mutex_lock(&tu_stores_lock);
	for (i = 0; i < TU_STORES && tu_stores[i].dir != NULL; i++)
		if (strcmp(tu_stores[i].dir, dir) == 0)
			break;
	if (i < TU_STORES && tu_stores[i].dir != NULL) {
		for (last = i; last + 1 < TU_STORES &&
		    tu_stores[last + 1].dir != NULL; last++)
			;
		free(tu_stores[i].dir);
		store_free(tu_stores[i].st);
		tu_stores[i] = tu_stores[last];
		tu_stores[last].dir = NULL;
		tu_stores[last].st = NULL;
	}
	pthread_mutex_unlock(&tu_stores_lock);
}

/* tu_rmdir - remove a tree (test folders are shallow) */
void
tu_rmdir(char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	tu_st_drop(dir);
	while (d != NULL && (de = readdir(d)) != NULL) {
		char *p;
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			tu_rmdir(xstrdup(p));
		else
			(void)unlink(p);
		free(p);
	}
	if (d != NULL)
		closedir(d);
	(void)rmdir(dir);
	free(dir);
}

/* tu_write - write a file */
char *
tu_write(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* tu_copy_templates - the shipped templates into DIR/templates */
static void
tu_copy_templates(const char *dir)
{
	const char *top = getenv("top_srcdir");
	char *src = xasprintf("%s/conf/templates", top ? top : ".");
	char *dst = xasprintf("%s/templates", dir);
	DIR *d = opendir(src);
	struct dirent *de;

	assert_int_equal(mkdir(dst, 0700), 0);
	while (d != NULL && (de = readdir(d)) != NULL) {
		char *from, *text = NULL;
		size_t len = 0;
		FILE *in;

		if (strstr(de->d_name, ".txt") == NULL)
			continue;
		from = xasprintf("%s/%s", src, de->d_name);
		in = fopen(from, "r");
		assert_non_null(in);
		FILE *mem = open_memstream(&text, &len);
		for (int c; (c = fgetc(in)) != EOF;)
			fputc(c, mem);
		fclose(mem);
		fclose(in);
		free(tu_write(dst, de->d_name, text));
		free(text);
		free(from);
	}
	if (d != NULL)
		closedir(d);
	free(tu_write(dst, "test-second.txt", "Second test: {word}. "
	    "Ref: {ref}\n"));
	free(tu_write(dst, "test-verdict.txt", "# test policy\n"
	    "Refused: the test asked for {word}.\n"
	    "Ask {office} for help. Ref: {ref}\n"));
	free(src);
	free(dst);
}

/* tu_store_section - [store] of the backend under test (new string) */
static char *
tu_store_section(void)
{
	if (!tu_store_pg())
		return xstrdup("");
	return xasprintf("[store]\nbackend = postgresql\ndsn = %s\n",
	    getenv("AUP_TEST_PG_DSN"));
}

/* tu_school - a complete small school */
char *
tu_school(const char *dir, const char *extra)
{
	char *store = tu_store_section();
	char *conf = xasprintf(
	    "[milter]\n"
	    "socket = unix:%s/aup.sock\n"
	    "event_log = %s/events.jsonl\n"
	    "quarantine_dir = %s/quarantine\n"
	    "spool_dir = %s\n"
	    "templates = %s/templates\n"
	    "trusted_networks = 127.0.0.0/8, 10.9.0.0/16\n"
	    "[school]\n"
	    "name = Testwood Primary\n"
	    "domains = testwood.example, pupils.testwood.example\n"
	    "office = office@testwood.example\n"
	    "office_senders = head@testwood.example\n"
	    "pupils = *@pupils.testwood.example\n"
	    "dsl = dsl@testwood.example\n"
	    "policy_url = https://testwood.example/aup\n"
	    "[directory]\n"
	    "parents = parents.csv\n"
	    "exemptions = exemptions.csv\n"
	    "%s\n%s", dir, dir, dir, dir, dir, extra ? extra : "", store);
	char *path;

	free(tu_write(dir, "parents.csv", "Pupil,Email\n"
	    "Ann,mum.ann@gmail.com\nBen,ben.dad@btinternet.com; "
	    "ben.mum@outlook.com\nCat,cats.carer@homemail.example\n"));
	free(tu_write(dir, "exemptions.csv",
	    "sender,policy,recipient,expires,approved_by,note\n"
	    "senco@testwood.example,parent-contact,*,2099-12-31,"
	    "head@testwood.example,SENCo\n"
	    "old@testwood.example,parent-contact,*,2020-07-19,"
	    "head@testwood.example,trip ended\n"));
	tu_copy_templates(dir);
	path = tu_write(dir, "aup-milter.conf", conf);
	free(conf);
	free(store);
	return path;
}

/* tu_school_file - DIR/schools/ID.conf of one school of tu_schools() */
static void
tu_school_file(const char *dir, const char *id, const char *name,
    const char *parent, const char *extra)
{
	char *text = xasprintf("[school]\nname = %s\ndomains = %s.example\n"
	    "office = office@%s.example\ndsl = dsl@%s.example\n[directory]\n"
	    "parents = %s-parents.csv\n%s", name, id, id, id, id,
	    extra ? extra : "");
	char *csv = xasprintf("Pupil,Email\nPip,%s\n", parent);
	char *sdir = xasprintf("%s/schools", dir);
	char *file = xasprintf("%s.conf", id);
	char *data = xasprintf("%s-parents.csv", id);

	free(tu_write(sdir, data, csv));
	free(tu_write(sdir, file, text));
	free(text);
	free(csv);
	free(sdir);
	free(file);
	free(data);
}

/* tu_schools - the main file and two school files */
char *
tu_schools(const char *dir, const char *main_extra, const char *a_extra,
    const char *b_extra)
{
	char *path = tu_school(dir, NULL);
	char *sdir = xasprintf("%s/schools", dir);
	char *store = tu_store_section();
	char *text = xasprintf("[milter]\nsocket = unix:%s/aup.sock\n"
	    "event_log = %s/events.jsonl\nquarantine_dir = %s/quarantine\n"
	    "spool_dir = %s\ntemplates = %s/templates\nschools = schools\n"
	    "%s\n%s", dir, dir, dir, dir, dir, main_extra ? main_extra : "",
	    store);

	assert_int_equal(mkdir(sdir, 0700), 0);
	free(path);
	path = tu_write(dir, "aup-milter.conf", text);
	tu_school_file(dir, "a", "Ashfield", "mum.a@gmail.com", a_extra);
	tu_school_file(dir, "b", "Beech", "dad.b@gmail.com", b_extra);
	free(text);
	free(store);
	free(sdir);
	return path;
}

/* tu_load - load or fail with the errors printed */
struct conf *
tu_load(const char *path)
{
	struct errbuf eb;
	struct conf *cf;

	errbuf_init(&eb);
	cf = conf_load(path, test_registry(), &eb);
	if (cf == NULL)
		errbuf_print(&eb, stderr);
	errbuf_clear(&eb);
	assert_non_null(cf);
	return cf;
}

/* tu_fixture_new - a loaded school in a new folder */
struct tu_fixture *
tu_fixture_new(const char *extra, const char *parents_csv)
{
	struct tu_fixture *f = xcalloc(1, sizeof(*f));
	char *path;

	f->dir = tu_tempdir();
	path = tu_school(f->dir, extra);
	if (parents_csv != NULL)
		free(tu_write(f->dir, "parents.csv", parents_csv));
	f->cf = tu_load(path);
	free(path);
	return f;
}

/* tu_fixture_free - release a school */
void
tu_fixture_free(struct tu_fixture *f)
{
	conf_release(f->cf);
	tu_rmdir(f->dir);
	free(f);
}

/* tu_setup - cmocka setup: the plain school */
int
tu_setup(void **state)
{
	*state = tu_fixture_new(NULL, NULL);
	return 0;
}

/* tu_teardown - cmocka teardown */
int
tu_teardown(void **state)
{
	tu_fixture_free(*state);
	return 0;
}

/* tu_msg - build a message model */
struct msg *
tu_msg(const char *text, const char *from, const char *rcpts,
    const char *auth, const char *client)
{
	struct msg *m = msg_new("/tmp", 1 << 20);
	char *list = xstrdup(rcpts), *save = NULL;

	msg_set_connection(m, client, NULL, "client.example", NULL);
	msg_set_auth(m, auth);
	msg_set_sender(m, from);
	for (char *r = strtok_r(list, ",", &save); r != NULL;
	    r = strtok_r(NULL, ",", &save))
		msg_add_rcpt(m, r);
	free(list);
	assert_int_equal(eml_feed(m, text, strlen(text)), 0);
	return m;
}

/* tu_edit_value - first edit of a header */
const char *
tu_edit_value(const struct verdict *v, const char *name)
{
	for (size_t i = 0; i < v->edits.count; i++)
		if (strcmp(v->edits.items[i].name, name) == 0)
			return v->edits.items[i].value;
	return NULL;
}

/* tu_report - a policy's report */
const struct policy_report *
tu_report(const struct verdict *v, const char *name)
{
	for (size_t i = 0; i < v->nreports; i++)
		if (strcmp(v->reports[i].name, name) == 0)
			return &v->reports[i];
	return NULL;
}
