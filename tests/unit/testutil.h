/*
 * testutil - temporary folders, a small school configuration and
 * messages for the unit tests
 */
#ifndef AUP_TESTUTIL_H
#define AUP_TESTUTIL_H

#include <stddef.h>

#include "config/conf.h"
#include "engine/engine.h"
#include "engine/msg.h"

/* tu_tempdir - a new private folder under $TMPDIR (removed by tu_rmdir) */
char	*tu_tempdir(void);
/* tu_rmdir - remove a folder tree made by the tests */
void	tu_rmdir(char *dir);
struct store;
/*
 * tu_store - a store handle for the store's tests: PostgreSQL when
 * $AUP_TEST_PG_DSN is set (tests/unit/store/test_store_postgres.sh; the
 * database is emptied and migrated first), else SQLite in dir.
 */
struct store *tu_store(const char *dir);
/*
 * tu_st - the store of a test folder: made by tu_store(dir) on the first
 * call for that folder, the same handle after, freed by tu_rmdir(dir)
 */
struct store *tu_st(const char *dir);
/* tu_store_pg - is tu_store() PostgreSQL? */
int	tu_store_pg(void);
/* tu_write - write text to DIR/NAME; returns the path (new string) */
char	*tu_write(const char *dir, const char *name, const char *text);
/*
 * tu_school - write a school (config, parents.csv, exemptions.csv,
 * templates copied from conf/templates plus test-verdict.txt) into dir;
 * `extra` is appended to the INI file.  Returns the config path.
 */
char	*tu_school(const char *dir, const char *extra);
/*
 * tu_schools - a service of two schools in dir: the main file (the
 * test school's [milter] with `schools = schools` and `main_extra`
 * appended) and schools/a.conf (Ashfield, a.example, its parent
 * mum.a@gmail.com) and schools/b.conf (Beech, b.example, its parent
 * dad.b@gmail.com), each followed by its extra text.  Returns the main
 * file's path.
 */
char	*tu_schools(const char *dir, const char *main_extra,
	    const char *a_extra, const char *b_extra);
/* tu_load - conf_load with the test registry; fails the test on error */
struct conf *tu_load(const char *path);
/* The test school loaded, for cmocka fixtures. */
struct tu_fixture {
	char	*dir;
	struct conf *cf;
};

/* tu_fixture_new - the school with `extra` INI lines and, when not NULL,
 * its own parents.csv text */
struct tu_fixture *tu_fixture_new(const char *extra, const char *parents_csv);
/* tu_fixture_free - release the configuration and remove the folder */
void	tu_fixture_free(struct tu_fixture *f);
/* tu_setup / tu_teardown - cmocka setup and teardown of the plain school */
int	tu_setup(void **state);
int	tu_teardown(void **state);

/*
 * tu_msg - a message from text (LF line ends fine) with an envelope:
 * `rcpts` is comma-separated; auth and client may be NULL.
 */
struct msg *tu_msg(const char *text, const char *from, const char *rcpts,
	    const char *auth, const char *client);
/* tu_edit_value - value of the first edit of `name` in v, or NULL */
const char *tu_edit_value(const struct verdict *v, const char *name);
/* tu_report - the report of a policy in v, or NULL */
const struct policy_report *tu_report(const struct verdict *v,
	    const char *name);

#endif
