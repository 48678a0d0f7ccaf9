/*
 * test_console_users - console accounts: Argon2id hashes and the file
 *
 * A hash is Argon2id in libsodium's string form, verifies its password
 * and no other, and differs each time (salted); the accounts file is
 * read by column name, refuses an unknown role with file:line, gets a
 * password set for an existing row (other rows and columns kept) or a
 * new row with --role, and stays mode 0640.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "console/console_users.h"
#include "testutil.h"

static void
test_a_hash_is_argon2id_and_verifies_only_its_password(void **state)
{
	char *h1 = console_password_hash("correct horse battery");
	char *h2 = console_password_hash("correct horse battery");
	struct console_user row = { .password = h1 };

	(void)state;
	assert_non_null(h1);
	assert_true(strncmp(h1, "$argon2id$", 10) == 0);
	assert_string_not_equal(h1, h2);
	assert_true(console_users_verify(&row, "correct horse battery"));
	assert_false(console_users_verify(&row, "correct horse batterY"));
	assert_false(console_users_verify(&row, ""));
	row.password = "";
	assert_false(console_users_verify(&row, ""));
	free(h1);
	free(h2);
}

static void
test_the_file_is_read_by_column_name(void **state)
{
	char *dir = tu_tempdir(), *err = NULL;
	char *path = tu_write(dir, "u.csv", "Role,User,Password,Name,School\n"
	    "dsl,Jane.DSL,,Jane Smith,*\nviewer,gov,,A Governor,*\n");
	struct console_users *u = console_users_load(path, &err);

	(void)state;
	assert_non_null(u);
	assert_int_equal(u->count, 2);
	assert_int_equal(console_users_find(u, "jane.dsl")->role, ACCESS_DSL);
	assert_string_equal(console_users_find(u, "GOV")->name, "A Governor");
	assert_null(console_users_find(u, "nobody"));
	console_users_free(u);
	free(path);
	tu_rmdir(dir);
}

static void
test_an_unknown_role_refuses_the_file_with_its_line(void **state)
{
	char *dir = tu_tempdir(), *err = NULL;
	char *path = tu_write(dir, "u.csv", "user,name,role,school,password\n"
	    "a,A,dsl,*,\nb,B,admin,*,\n");

	(void)state;
	assert_null(console_users_load(path, &err));
	assert_non_null(strstr(err, "u.csv:3: unknown role \"admin\""));
	free(err);
	free(path);
	tu_rmdir(dir);
}

static void
test_setting_a_password_keeps_the_other_rows(void **state)
{
	char *dir = tu_tempdir(), *err = NULL, *hash;
	char *path = tu_write(dir, "u.csv", "user,name,role,school,password,"
	    "note\njane,\"Smith, Jane\",dsl,*,,first\ngov,G,viewer,*,,x\n");
	struct console_users *u;
	struct stat st;

	(void)state;
	hash = console_password_hash("a long password");
	assert_int_equal(console_users_set_password(path, "JANE", NULL, NULL,
	    NULL, hash, &err), 0);
	assert_int_equal(console_users_set_password(path, "new.it", "it",
	    "New IT", "beech", hash, &err), 0);
	assert_int_equal(console_users_set_password(path, "who", NULL, NULL,
	    NULL, hash, &err), -1);
	assert_non_null(strstr(err, "give --role"));
	free(err);
	u = console_users_load(path, &err);
	assert_non_null(u);
	assert_int_equal(u->count, 3);
	assert_string_equal(console_users_find(u, "jane")->name, "Smith, Jane");
	assert_true(console_users_verify(console_users_find(u, "jane"),
	    "a long password"));
	assert_string_equal(console_users_find(u, "gov")->password, "");
	assert_int_equal(console_users_find(u, "new.it")->role, ACCESS_IT);
	assert_string_equal(console_users_find(u, "new.it")->school, "beech");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	console_users_free(u);
	free(hash);
	free(path);
	tu_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_hash_is_argon2id_and_verifies_only_its_password),
		cmocka_unit_test(test_the_file_is_read_by_column_name),
		cmocka_unit_test(test_an_unknown_role_refuses_the_file_with_its_line),
		cmocka_unit_test(test_setting_a_password_keeps_the_other_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
