/*
 * console_users - the console's local accounts and their roles (SPEC 9)
 *
 * [console] users names a CSV file with the columns user, name, role,
 * school and password (an Argon2id hash from libsodium's
 * crypto_pwhash_str, set by `aupctl console passwd USER`).  A row with
 * an empty password signs in only through the trusted proxy.  The
 * table is a snapshot: the console loads a new one when the file
 * changes.  Functions returning int give 0 or -1 with *err (free it).
 */
#ifndef AUP_CONSOLE_USERS_H
#define AUP_CONSOLE_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "console/access.h"

struct console_user {
	char	*user;		/* the sign-in name, as typed (compared
				 * case-insensitively) */
	char	*name;		/* the person's name */
	enum access_role role;
	char	*school;	/* "*" = every school */
	char	*password;	/* the Argon2id hash, or "" */
};

struct console_users {
	struct console_user *rows;
	size_t	 count;
	time_t	 mtime;		/* of the file when read */
};

/*
 * console_users_load - read the file; NULL with *err (file:line) when it
 * cannot be read, lacks a column or has an unknown role.
 */
struct console_users *console_users_load(const char *path, char **err);
/* console_users_free - accepts NULL, returns NULL */
struct console_users *console_users_free(struct console_users *u);
/* console_users_find - the row of a user, or NULL */
const struct console_user *console_users_find(const struct console_users *u,
	    const char *user);
/*
 * console_users_verify - does `password` match the row's hash?  A row
 * without a hash never matches.
 */
bool	console_users_verify(const struct console_user *row,
	    const char *password);
/* console_password_hash - a new Argon2id hash (new string), NULL on error */
char	*console_password_hash(const char *password);
/*
 * console_users_set_password - write `hash` into the row of `user`,
 * adding the row (with `role`, `name` and `school`, NULL = "*": every
 * school) when it is missing; the file is replaced atomically, mode
 * 0640.
 */
int	console_users_set_password(const char *path, const char *user,
	    const char *role, const char *name, const char *school,
	    const char *hash, char **err);

#endif
