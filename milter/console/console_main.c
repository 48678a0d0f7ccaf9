/*
 * console_main - aup-console: the DSL's console in a web browser
 *
 * SYNOPSIS
 *	aup-console [-c FILE]
 *
 * DESCRIPTION
 *	Loads the milter's configuration (the same file and the same
 *	checks as aup-milter -t), the [console] users file, then serves
 *	HTTP (or HTTPS with tls_cert and tls_key) on [console] listen
 *	until SIGTERM or SIGINT.  It runs as the user it is started as:
 *	the systemd unit starts it as the milter's user, which can read
 *	and write the quarantine store and the release secret, and
 *	nothing else.  The main thread only waits for signals; requests
 *	are served on libmicrohttpd's threads.
 *
 * DIAGNOSTICS
 *	Exit 0 after a signal, 1 when it cannot start (why on stderr).
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>
#include <microhttpd.h>
#include <sodium.h>

#include "config/cidr.h"
#include "console/console.h"
#include "console/http.h"
#include "policies/policy.h"
#include "util/log.h"
#include "util/xalloc.h"

#ifndef AUP_CONSOLE_DEFAULT_CONF
#define AUP_CONSOLE_DEFAULT_CONF SYSCONFDIR "/aup-milter/aup-milter.conf"
#endif

/* console_setup - configuration, accounts, proxies; -1 with *err */
static int
console_setup(struct console *c, const char *path, char **err)
{
	struct errbuf eb;

	errbuf_init(&eb);
	c->cf = conf_load(path, policy_registry, &eb);
	if (c->cf == NULL) {
		errbuf_print(&eb, stderr);
		errbuf_clear(&eb);
		*err = xasprintf("%s: the configuration has errors", path);
		return -1;
	}
	c->proxies = cidr_list_parse(&c->cf->console.trusted_proxies,
	    c->cf->path, 0, &eb);
	if (eb.nerrors > 0) {
		errbuf_print(&eb, stderr);
		errbuf_clear(&eb);
		*err = xstrdup("[console] trusted_proxies has errors");
		return -1;
	}
	errbuf_clear(&eb);
	if (c->cf->console.users != NULL &&
	    (c->users = console_users_load(c->cf->console.users, err)) == NULL)
		return -1;
	if (c->users == NULL && c->cf->console.user_header == NULL) {
		*err = xstrdup("[console] needs users (local accounts) or "
		    "user_header with trusted_proxies (single sign-on)");
		return -1;
	}
	/* A hash to verify when the name is unknown (same cost). */
	c->dummy_hash = console_password_hash("unknown user");
	if (c->dummy_hash == NULL) {
		*err = xstrdup("cannot make a password hash (out of memory?)");
		return -1;
	}
	c->sessions = sessions_new(c->cf->console.session_minutes * 60,
	    c->cf->console.login_attempts,
	    c->cf->console.lockout_minutes * 60);
	pthread_mutex_init(&c->users_lock, NULL);
	return 0;
}

/* console_read_pem - a TLS file's text, or NULL with *err */
static char *
console_read_pem(const char *path, char **err)
{
	gchar *data = NULL;
	GError *ge = NULL;

	if (!g_file_get_contents(path, &data, NULL, &ge)) {
		*err = xasprintf("%s", ge->message);
		g_error_free(ge);
		return NULL;
	}
	return data;
}

/* console_wait - block until SIGTERM or SIGINT */
static void
console_wait(void)
{
	sigset_t set;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
		;	/* the users file is read again when it changes */
}

/* console_run - start, serve, stop */
static int
console_run(struct console *c, char **err)
{
	char *cert = NULL, *key = NULL;
	struct MHD_Daemon *d;

	if ((c->cf->console.tls_cert == NULL) !=
	    (c->cf->console.tls_key == NULL)) {
		*err = xstrdup("[console] tls_cert and tls_key go together");
		return -1;
	}
	if (c->cf->console.tls_cert != NULL &&
	    ((cert = console_read_pem(c->cf->console.tls_cert, err)) == NULL ||
	    (key = console_read_pem(c->cf->console.tls_key, err)) == NULL)) {
		g_free(cert);
		return -1;
	}
	d = http_start(c, cert, key, err);
	if (d != NULL) {
		fprintf(stderr, "aup-console: listening on %s%s\n",
		    c->cf->console.listen, cert ? " (HTTPS)" : "");
		console_wait();
		MHD_stop_daemon(d);
	}
	if (key != NULL)
		sodium_memzero(key, strlen(key));
	g_free(cert);
	g_free(key);
	return d != NULL ? 0 : -1;
}

int
main(int argc, char **argv)
{
	const char *path = AUP_CONSOLE_DEFAULT_CONF;
	struct console c = { 0 };
	sigset_t set;
	char *err = NULL;
	int ch, rc = 1;

	while ((ch = getopt(argc, argv, "c:")) != -1) {
		if (ch != 'c') {
			fprintf(stderr, "usage: aup-console [-c FILE]\n");
			return 2;
		}
		path = optarg;
	}
	if (sodium_init() < 0) {
		fprintf(stderr, "aup-console: libsodium cannot start\n");
		return 1;
	}
	/* Block the stop signals in every thread; main waits for them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	g_mime_init();
	log_init("aup-console", "mail", true);
	if (console_setup(&c, path, &err) == 0 && console_run(&c, &err) == 0)
		rc = 0;
	if (err != NULL)
		fprintf(stderr, "aup-console: %s\n", err);
	free(err);
	sessions_free(c.sessions);
	console_users_free(c.users);
	cidr_list_free(c.proxies);
	free(c.dummy_hash);
	conf_release(c.cf);
	g_mime_shutdown();
	return rc;
}
