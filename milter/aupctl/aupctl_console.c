/*
 * aupctl_console - `aupctl console passwd`: set a console password
 *
 * SYNOPSIS
 *	aupctl -c FILE console passwd USER [--role ROLE] [--name NAME]
 *	    [--school NAME]
 *
 * DESCRIPTION
 *	Reads the new password from the terminal (twice, without echo) or,
 *	when standard input is not a terminal, one line from it (for
 *	scripts), hashes it with Argon2id (libsodium) and writes the hash
 *	into [console] users for USER.  A USER not yet in the file is
 *	added when --role (and optionally --name, and --school for an
 *	account of one school; without it the account sees every school)
 *	is given.  The password
 *	itself is never written or logged.  The change is in the audit
 *	trail.
 *
 * DIAGNOSTICS
 *	Exit 0 done, 1 failed (why on stderr), 2 bad usage.
 *
 * SPDX-License-Identifier: MIT
 */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "aupctl/aupctl_conf.h"
#include "aupctl/aupctl.h"
#include "aupctl/aupctl_school.h"
#include "config/conf.h"
#include "console/console_users.h"
#include "store/actions.h"
#include "util/xalloc.h"

#define AC_MIN_PASSWORD	10	/* characters */
#define AC_USAGE "usage: aupctl [-c FILE] console passwd USER [--role ROLE] " \
	"[--name NAME]\n           [--school NAME]\n"

/* ac_read_line - one line from stdin, echo off on a terminal */
static char *
ac_read_line(const char *prompt)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (tty) {
		fputs(prompt, stderr);
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	n = getline(&line, &cap, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (n < 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

/* ac_password - the new password, asked twice on a terminal */
static char *
ac_password(void)
{
	char *a = ac_read_line("New console password: "), *b;

	if (a == NULL || !isatty(STDIN_FILENO))
		return a;
	b = ac_read_line("The same again: ");
	if (b == NULL || strcmp(a, b) != 0) {
		fprintf(stderr, "aupctl console passwd: the two passwords "
		    "differ\n");
		free(a);
		a = NULL;
	}
	free(b);
	return a;
}

/* ac_passwd - set the hash of one user */
static int
ac_passwd(const struct conf *cf, const char *user, const char *role,
    const char *name, const char *school)
{
	char *pw = ac_password(), *hash = NULL, *err = NULL;
	struct passwd *me = getpwuid(getuid());
	struct actor a = { .user = me ? me->pw_name : "?", .via = "aupctl",
	    .unix_user = me ? me->pw_name : "?",
	    .sudo_user = getenv("SUDO_USER") };
	int rc = 1;

	if (a.sudo_user != NULL)
		a.user = a.sudo_user;
	if (pw == NULL)
		fprintf(stderr, "aupctl console passwd: no password given\n");
	else if (strlen(pw) < AC_MIN_PASSWORD)
		fprintf(stderr, "aupctl console passwd: use at least %d "
		    "characters\n", AC_MIN_PASSWORD);
	else if ((hash = console_password_hash(pw)) == NULL)
		fprintf(stderr, "aupctl console passwd: cannot hash (out of "
		    "memory?)\n");
	else if (console_users_set_password(cf->console.users, user, role,
	    name, school, hash, &err) < 0)
		fprintf(stderr, "aupctl console passwd: %s\n", err);
	else {
		printf("Password set for %s in %s.\n", user, cf->console.users);
		rc = 0;
	}
	if (pw != NULL)
		sodium_memzero(pw, strlen(pw));
	(void)actions_record(cf, &a, "passwd", NULL, rc ? "failed" : "ok",
	    NULL, user, NULL);
	free(pw);
	free(hash);
	free(err);
	return rc;
}

/* aupctl_console - `aupctl console passwd USER [--role R] [--name N]` */
int
aupctl_console(const char *conf_path, int argc, char **argv,
    const struct policy *const *registry)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	const char *role = NULL, *name = NULL, *school = NULL;
	struct conf *cf;
	int c, rc;

	if (aupctl_take_school(&argc, argv, &school) < 0)
		return fputs(AC_USAGE, stderr), 2;
	/* optind 0: a fresh scan that permutes (aupctl_main's was "+") */
	optind = 0;
	while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		if (c == 'r')
			role = optarg;
		else if (c == 'n')
			name = optarg;
		else
			return fputs(AC_USAGE, stderr), 2;
	}
	if (argc < 2 || strcmp(argv[1], "passwd") != 0 || optind != argc - 2)
		return fputs(AC_USAGE, stderr), 2;
	cf = aupctl_conf_load(conf_path, registry, true);
	if (cf == NULL)
		return 1;
	if (aupctl_check_school(cf, "console passwd", school) < 0) {
		conf_release(cf);
		return 1;
	}
	if (cf->console.users == NULL) {
		fprintf(stderr, "aupctl console passwd: set [console] users "
		    "in %s first\n", conf_path);
		conf_release(cf);
		return 1;
	}
	rc = ac_passwd(cf, argv[optind + 1], role, name, school);
	conf_release(cf);
	return rc;
}
