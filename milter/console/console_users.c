/*
 * console_users - console-users.csv: accounts, roles, password hashes
 *
 * SYNOPSIS
 *	console_users_load(), console_users_free(), console_users_find(),
 *	console_users_verify(), console_password_hash(),
 *	console_users_set_password()
 *
 * DESCRIPTION
 *	The file is read with the CSV reader of the data files
 *	(config/csv_table.c), columns by name.  Passwords are Argon2id
 *	hashes in libsodium's string form ($argon2id$v=19$m=...), with
 *	its "interactive" limits (64 MiB, a fraction of a second), which
 *	suit a sign-in page that is also rate-limited.  The file is
 *	rewritten (set_password) to a temporary name, fsync'd and renamed,
 *	mode 0640; other columns and rows are kept as they were.
 *
 * DIAGNOSTICS
 *	file:line in *err for a bad row; the whole file is refused, so a
 *	typing mistake in a role never gives someone more than intended.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <sodium.h>

#include "config/csv_table.h"
#include "console/console_users.h"
#include "util/errbuf.h"
#include "util/xalloc.h"

static const char *const cu_user_col[] = { "user", "username", NULL };
static const char *const cu_name_col[] = { "name", NULL };
static const char *const cu_role_col[] = { "role", NULL };
static const char *const cu_school_col[] = { "school", NULL };
static const char *const cu_password_col[] = { "password", NULL };

/* cu_errbuf - the first error of an errbuf as a new string */
static char *
cu_errbuf(struct errbuf *eb, const char *path)
{
	char *s;
	size_t len = 0;
	FILE *fp = open_memstream(&s, &len);

	errbuf_print(eb, fp);
	fclose(fp);
	if (len == 0) {
		free(s);
		s = xasprintf("%s: cannot read", path);
	}
	while (len > 0 && s[len - 1] == '\n')
		s[--len] = '\0';
	return s;
}

/* cu_columns - the column indexes, or -1 with *err */
static int
cu_columns(const struct csv_table *t, const char *path, int col[5],
    char **err)
{
	col[0] = csv_table_column(t, cu_user_col);
	col[1] = csv_table_column(t, cu_name_col);
	col[2] = csv_table_column(t, cu_role_col);
	col[3] = csv_table_column(t, cu_school_col);
	col[4] = csv_table_column(t, cu_password_col);
	if (col[0] < 0 || col[2] < 0 || col[4] < 0) {
		*err = xasprintf("%s:1: the header needs the columns user, "
		    "name, role, school and password", path);
		return -1;
	}
	return 0;
}

/* console_users_load - the accounts */
struct console_users *
console_users_load(const char *path, char **err)
{
	struct errbuf eb;
	struct csv_table *t;
	struct console_users *u;
	struct stat st;
	int col[5];

	*err = NULL;
	errbuf_init(&eb);
	t = csv_table_load(path, &eb);
	if (t == NULL || eb.nerrors > 0) {
		*err = cu_errbuf(&eb, path);
		errbuf_clear(&eb);
		csv_table_free(t);
		return NULL;
	}
	errbuf_clear(&eb);
	if (cu_columns(t, path, col, err) < 0) {
		csv_table_free(t);
		return NULL;
	}
	u = xcalloc(1, sizeof(*u));
	u->rows = xcalloc(t->nrows + 1, sizeof(*u->rows));
	u->mtime = stat(path, &st) == 0 ? st.st_mtime : 0;
	for (size_t i = 0; i < t->nrows; i++) {
		const struct csv_row *r = &t->rows[i];
		struct console_user *cu = &u->rows[u->count];
		const char *role = csv_table_cell(r, col[2]);

		if (csv_table_cell(r, col[0])[0] == '\0')
			continue;
		if ((cu->role = access_role_parse(role)) == ACCESS_NONE) {
			*err = xasprintf("%s:%u: unknown role \"%s\" (dsl, dpo, "
			    "it, office or viewer)", path, r->line, role);
			csv_table_free(t);
			return console_users_free(u);
		}
		cu->user = xstrdup(csv_table_cell(r, col[0]));
		cu->name = xstrdup(col[1] >= 0 ? csv_table_cell(r, col[1]) : "");
		cu->school = xstrdup(col[3] >= 0 ? csv_table_cell(r, col[3]) :
		    "");
		cu->password = xstrdup(csv_table_cell(r, col[4]));
		u->count++;
	}
	csv_table_free(t);
	return u;
}

/* console_users_free - free a table */
struct console_users *
console_users_free(struct console_users *u)
{
	if (u == NULL)
		return NULL;
	for (size_t i = 0; i < u->count; i++) {
		free(u->rows[i].user);
		free(u->rows[i].name);
		free(u->rows[i].school);
		sodium_memzero(u->rows[i].password,
		    strlen(u->rows[i].password));
		free(u->rows[i].password);
	}
	free(u->rows);
	free(u);
	return NULL;
}

/* console_users_find - a row by sign-in name */
const struct console_user *
console_users_find(const struct console_users *u, const char *user)
{
	for (size_t i = 0; u != NULL && user != NULL && i < u->count; i++)
		if (strcasecmp(u->rows[i].user, user) == 0)
			return &u->rows[i];
	return NULL;
}

/* console_users_verify - check a password against the row's hash */
bool
console_users_verify(const struct console_user *row, const char *password)
{
	if (row == NULL || row->password[0] == '\0' || password == NULL)
		return false;
	return crypto_pwhash_str_verify(row->password, password,
	    strlen(password)) == 0;
}

/* console_password_hash - Argon2id with libsodium's interactive limits */
char *
console_password_hash(const char *password)
{
	char out[crypto_pwhash_STRBYTES];

	if (sodium_init() < 0 || crypto_pwhash_str_alg(out, password,
	    strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13)
	    != 0)
		return NULL;
	return xstrdup(out);
}

/* cu_csv_cell - one cell quoted for CSV when it needs it */
static void
cu_csv_cell(GString *out, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		g_string_append(out, s);
		return;
	}
	g_string_append_c(out, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"')
			g_string_append_c(out, '"');
		g_string_append_c(out, *s);
	}
	g_string_append_c(out, '"');
}

/* cu_csv_row - one row of cells */
static void
cu_csv_row(GString *out, char **cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			g_string_append_c(out, ',');
		cu_csv_cell(out, cells[i] != NULL ? cells[i] : "");
	}
	g_string_append(out, "\n");
}

/* cu_write - replace the file atomically, 0640 */
static int
cu_write(const char *path, const GString *text, char **err)
{
	char *tmp = xasprintf("%s.new", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	int rc = -1;

	if (fd < 0 || write(fd, text->str, text->len) != (ssize_t)text->len ||
	    fchmod(fd, 0640) < 0 || fsync(fd) < 0)
		*err = xasprintf("%s: %s", tmp, strerror(errno));
	else if (close(fd) < 0 || (fd = -1, rename(tmp, path) < 0))
		*err = xasprintf("%s: %s", path, strerror(errno));
	else
		rc = 0;
	if (fd >= 0)
		(void)close(fd);
	if (rc < 0)
		(void)unlink(tmp);
	free(tmp);
	return rc;
}

/* cu_new_table - the text of a new file holding one row */
static GString *
cu_new_table(const char *user, const char *role, const char *name,
    const char *school, const char *hash)
{
	GString *out = g_string_new("user,name,role,school,password\n");
	char *cells[] = { (char *)user, (char *)name, (char *)role,
	    (char *)(school != NULL ? school : "*"), (char *)hash };

	cu_csv_row(out, cells, 5);
	return out;
}

/* cu_rewrite - the existing file with the user's hash set or a row added */
static GString *
cu_rewrite(const struct csv_table *t, const int col[5], const char *user,
    const char *role, const char *name, const char *school,
    const char *hash, char **err)
{
	GString *out = g_string_new(NULL);
	char **cells = xcalloc(t->ncols, sizeof(*cells));
	bool found = false;

	cu_csv_row(out, t->header, t->ncols);
	for (size_t i = 0; i < t->nrows; i++) {
		const struct csv_row *r = &t->rows[i];
		bool mine = strcasecmp(csv_table_cell(r, col[0]), user) == 0;

		for (size_t c = 0; c < t->ncols; c++)
			cells[c] = (char *)csv_table_cell(r, (int)c);
		if (mine)
			cells[col[4]] = (char *)hash;
		found |= mine;
		cu_csv_row(out, cells, t->ncols);
	}
	if (!found && (role == NULL || access_role_parse(role) == ACCESS_NONE)) {
		*err = xasprintf("%s is not in %s: give --role (dsl, dpo, it, "
		    "office or viewer) to add the account", user, t->name);
		g_string_free(out, TRUE);
		out = NULL;
	} else if (!found) {
		for (size_t c = 0; c < t->ncols; c++)
			cells[c] = "";
		cells[col[0]] = (char *)user;
		cells[col[2]] = (char *)role;
		cells[col[4]] = (char *)hash;
		if (col[1] >= 0)
			cells[col[1]] = (char *)(name != NULL ? name : "");
		if (col[3] >= 0)
			cells[col[3]] = (char *)(school != NULL ? school :
			    "*");
		cu_csv_row(out, cells, t->ncols);
	}
	free(cells);
	return out;
}

/* console_users_set_password - set or add a row */
int
console_users_set_password(const char *path, const char *user,
    const char *role, const char *name, const char *school,
    const char *hash, char **err)
{
	struct errbuf eb;
	struct csv_table *t;
	GString *text = NULL;
	int col[5], rc = -1;

	*err = NULL;
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		if (role == NULL || access_role_parse(role) == ACCESS_NONE) {
			*err = xasprintf("%s does not exist: give --role (dsl, "
			    "dpo, it, office or viewer) to make it", path);
			return -1;
		}
		text = cu_new_table(user, role, name ? name : "", school,
		    hash);
	} else {
		errbuf_init(&eb);
		t = csv_table_load(path, &eb);
		if (t == NULL || eb.nerrors > 0)
			*err = cu_errbuf(&eb, path);
		else if (cu_columns(t, path, col, err) == 0)
			text = cu_rewrite(t, col, user, role, name, school,
			    hash, err);
		errbuf_clear(&eb);
		csv_table_free(t);
	}
	if (text != NULL) {
		rc = cu_write(path, text, err);
		g_string_free(text, TRUE);
	}
	return rc;
}
