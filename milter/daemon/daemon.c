/*
 * daemon - aup-milter: load the configuration, open the socket, serve
 *
 * SYNOPSIS
 *	aup-milter [-c FILE] [-f] [-t] [-d] [-n] [-v]
 *	aup-milter --help | --version
 *
 * DESCRIPTION
 *	-c FILE	the configuration (default /etc/aup-milter/aup-milter.conf)
 *	-f	stay in the foreground and log to stderr as well as syslog
 *	-t	check the configuration and data files, print every problem
 *		as FILE:LINE: message, exit 0 (good) or 1
 *	-d	print every parameter with its default and exit
 *	-n	print every parameter in force, with the file:line that set
 *		it or "default", and exit (1 when the file has errors)
 *	-v	debug logging
 *
 *	Startup, in two phases like Postfix's pre_init/post_init: as root,
 *	load the configuration, open the milter socket (smfi_opensocket)
 *	and set its owner and mode, detach, write the pidfile (a new file,
 *	never through a symbolic link); then drop
 *	privileges to [milter] user (setgroups, setgid, setuid, each
 *	checked), create the release secret if it is missing (as the
 *	milter's user, mode 0640), initialise GMime and libcurl, open the
 *	event log, block the signals in every thread and start the signal
 *	thread, the notice sender thread (daemon_notices.c) and the
 *	thread that sends deferred mail when it is due
 *	(deferred_thread.c), and run smfi_main().
 *
 *	Signals: libmilter's own signal thread takes SIGTERM, SIGINT and
 *	also SIGHUP as "stop" (verified in libmilter's signal.c and by the
 *	end-to-end test), so SIGHUP cannot be a reload.  Ours takes
 *	SIGUSR1 = reload configuration and data atomically (a broken new
 *	configuration is logged and the old one kept) and SIGUSR2 = reopen
 *	the event log (after logrotate).  On stop we wait up to
 *	DAEMON_DRAIN_SECONDS for connections to finish, then stop the
 *	notice sender (a notice it was sending stays queued).
 *
 *	Started as root, it needs [milter] user and refuses to start
 *	without it (before it opens the socket): like Postfix, which never
 *	runs its mail-handling processes as root, the filter that parses
 *	hostile mail must not either, and a silent default account would
 *	fail later on files it cannot write.  A user whose id is 0 is
 *	refused too.  -t run as root warns when user is not set.
 *
 * DIAGNOSTICS
 *	Startup problems go to stderr and syslog and exit 1.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmime/gmime.h>
#include <libmilter/mfapi.h>

#include "daemon/daemon.h"
#include "daemon/daemon_malloc.h"
#include "daemon/daemon_notices.h"
#include "daemon/daemon_reload.h"
#include "daemon/deferred_thread.h"
#include "util/log.h"
#include "daemon/milter.h"
#include "store/notices_send.h"
#include "store/release.h"
#include "store/store.h"
#include "util/xalloc.h"
#include "util/zone.h"

#define DAEMON_DRAIN_SECONDS	10
#define DAEMON_MAX_DATA		(1024 * 1024)	/* largest milter packet */

struct daemon_opts {
	const char *conf_path;
	bool	 foreground;
	bool	 check_only;
	bool	 print_defaults;
	bool	 print_settings;
	bool	 verbose;
};

#define DAEMON_USAGE \
	"usage: aup-milter [-c FILE] [-f] [-t] [-d] [-n] [-v]\n" \
	"       aup-milter --help | --version\n"

/* daemon_usage - synopsis on stderr; exit 2 */
static void __attribute__((noreturn))
daemon_usage(void)
{
	fputs(DAEMON_USAGE, stderr);
	exit(2);
}

/* daemon_help - --help: what each option does, on stdout; exit 0 */
static void __attribute__((noreturn))
daemon_help(void)
{
	printf(DAEMON_USAGE "\n"
	    "The school email Acceptable Use Policy filter (a milter).\n\n"
	    "  -c FILE     the configuration (default %s)\n"
	    "  -f          stay in the foreground, log to stderr too\n"
	    "  -t          check the configuration and data files; every\n"
	    "              problem as FILE:LINE; exit 0 when it loads\n"
	    "  -d          print every setting with its default\n"
	    "  -n          print every setting in force and where it was set\n"
	    "  -v          debug logging\n"
	    "  --help      this text\n"
	    "  --version   the version\n\n"
	    "Signals: SIGUSR1 reloads the configuration and data files,\n"
	    "SIGUSR2 reopens the event log, SIGTERM stops.\n"
	    "See aup-milter(8) and aup-milter.conf(5).\n",
	    DAEMON_DEFAULT_CONF);
	exit(0);
}

/* daemon_parse - command line */
static void
daemon_parse(int argc, char **argv, struct daemon_opts *o)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'H' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	o->conf_path = DAEMON_DEFAULT_CONF;
	while ((c = getopt_long(argc, argv, "c:ftdnvh", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'c': o->conf_path = optarg; break;
		case 'f': o->foreground = true; break;
		case 't': o->check_only = true; break;
		case 'd': o->print_defaults = true; break;
		case 'n': o->print_settings = true; break;
		case 'v': o->verbose = true; break;
		case 'h':
		case 'H': daemon_help();
		case 'V':
			printf("aup-milter %s\n", PACKAGE_VERSION);
			exit(0);
		default: daemon_usage();
		}
	}
	if (optind != argc)
		daemon_usage();
}

/* The -c path made absolute; kept for the life of the process. */
static char *daemon_conf_path;

/* daemon_absolute - the configuration path made absolute */
static const char *
daemon_absolute(const char *path)
{
	free(daemon_conf_path);
	daemon_conf_path = realpath(path, NULL);
	return daemon_conf_path != NULL ? daemon_conf_path : path;
}

/*
 * daemon_check_store - backend postgresql: the server answers and the
 * schema is the one this program needs (an error at [store] dsn).
 * SQLite is made on first use, so -t (often run as root) writes nothing.
 */
static int
daemon_check_store(const struct conf *cf, const char *path,
    struct errbuf *eb)
{
	char *err = NULL;

	if (cf->store.backend != STORE_BACKEND_POSTGRESQL ||
	    store_check(cf, &err) == 0)
		return 0;
	errbuf_add(eb, path, conf_set_line(cf, "store", "dsn"), "[store] "
	    "dsn: %s", err);
	free(err);
	return -1;
}

/*
 * daemon_ready_store - open the store once, as the milter's user, before
 * the notice sender and the deferred thread start: a fresh SQLite index
 * and its tables are made here, not by two threads racing for the file,
 * and a store that cannot be opened stops the start with its reason
 * instead of tempfailing every hold.
 */
static void
daemon_ready_store(const struct conf *cf)
{
	char *err = NULL;

	if (store_check(cf, &err) < 0)
		fatalx("the store: %s", err);
}

/* daemon_check - -t: every problem with file:line; exit status */
static int
daemon_check(const struct daemon_opts *o,
    const struct policy *const *registry)
{
	struct errbuf eb;
	struct conf *cf;

	errbuf_init(&eb);
	g_mime_init();
	cf = conf_load(o->conf_path, registry, &eb);
	if (cf != NULL && geteuid() == 0 && cf->milter.user == NULL)
		errbuf_warn(&eb, o->conf_path, 0, "[milter] user is not set: "
		    "started as root, aup-milter refuses to start (set user "
		    "= aup-milter, or start it as that user)");
	if (cf != NULL && daemon_check_store(cf, o->conf_path, &eb) < 0)
		cf = conf_release(cf);
	errbuf_print(&eb, stderr);
	if (cf != NULL && cf->nschools > 0)
		printf("%s: %zu schools in %s\n", o->conf_path, cf->nschools,
		    cf->milter.schools);
	if (cf != NULL)
		printf("%s: configuration OK (%u parent addresses, %zu pupils, "
		    "%zu exemptions, %zu warnings)\n", o->conf_path,
		    daemon_parent_count(cf), daemon_pupil_count(cf),
		    daemon_exemption_count(cf), eb.nwarnings);
	errbuf_clear(&eb);
	conf_release(cf);
	g_mime_shutdown();
	return cf != NULL ? 0 : 1;
}

/* daemon_print_settings - -n: the settings in force, or the errors */
static int
daemon_print_settings(const struct daemon_opts *o,
    const struct policy *const *registry)
{
	struct errbuf eb;
	struct conf *cf;

	errbuf_init(&eb);
	g_mime_init();
	cf = conf_load(o->conf_path, registry, &eb);
	if (cf == NULL)
		errbuf_print(&eb, stderr);
	else
		conf_print_settings(cf, stdout);
	errbuf_clear(&eb);
	g_mime_shutdown();
	return cf != NULL ? conf_release(cf), 0 : 1;
}

/* daemon_socket_path - the file of a unix: socket, or NULL */
static const char *
daemon_socket_path(const char *conn)
{
	if (strncmp(conn, "unix:", 5) == 0)
		return conn + 5;
	if (strncmp(conn, "local:", 6) == 0)
		return conn + 6;
	if (strchr(conn, ':') == NULL)
		return conn;
	return NULL;
}

/* daemon_lookup - uid and gid of [milter] user and group */
static void
daemon_lookup(const struct conf *cf, uid_t *uid, gid_t *gid)
{
	struct passwd *pw;
	struct group *gr;

	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (cf->milter.user != NULL) {
		if ((pw = getpwnam(cf->milter.user)) == NULL)
			fatalx("[milter] user %s does not exist", cf->milter.user);
		if (pw->pw_uid == 0 && geteuid() == 0)
			fatalx("[milter] user %s is root: name the unprivileged "
			    "account to run as (e.g. aup-milter); refusing to "
			    "start", cf->milter.user);
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	}
	if (cf->milter.group != NULL) {
		if ((gr = getgrnam(cf->milter.group)) == NULL)
			fatalx("[milter] group %s does not exist",
			    cf->milter.group);
		*gid = gr->gr_gid;
	}
}

/* daemon_require_user - started as root: [milter] user is a must */
static void
daemon_require_user(const struct conf *cf)
{
	if (geteuid() == 0 && cf->milter.user == NULL)
		fatalx("running as root needs [milter] user (the unprivileged "
		    "account to run as, e.g. aup-milter); refusing to start");
}

/* daemon_open_socket - register and open the milter socket */
static void
daemon_open_socket(const struct conf *cf, uid_t uid, gid_t gid)
{
	const char *path = daemon_socket_path(cf->milter.socket);
	mode_t old = umask(0777 & ~(mode_t)cf->milter.socket_mode);

	if (smfi_setconn(cf->milter.socket) != MI_SUCCESS)
		fatalx("cannot use socket %s", cf->milter.socket);
	(void)smfi_setmaxdatasize(DAEMON_MAX_DATA);
	if (smfi_register(milter_desc) != MI_SUCCESS)
		fatalx("smfi_register failed");
	if (smfi_opensocket(true) != MI_SUCCESS)
		fatalx("cannot open socket %s (is another aup-milter running, "
		    "or is the folder missing?)", cf->milter.socket);
	umask(old);
	if (path == NULL)
		return;
	if (chmod(path, (mode_t)cf->milter.socket_mode) < 0)
		fatal("chmod %s", path);
	if (geteuid() == 0 && (uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    chown(path, uid, gid) < 0)
		fatal("chown %s", path);
}

/* daemon_drop_privileges - become [milter] user, checked at each step */
static void
daemon_drop_privileges(const struct conf *cf, uid_t uid, gid_t gid)
{
	if (geteuid() != 0 || cf->milter.user == NULL)
		return;
	if (setgroups(1, &gid) < 0)
		fatal("setgroups");
	if (setgid(gid) < 0)
		fatal("setgid %u", (unsigned)gid);
	if (setuid(uid) < 0)
		fatal("setuid %u", (unsigned)uid);
	if (setuid(0) == 0)
		fatalx("could still become root after dropping privileges");
}

/* daemon_release_secret - make the release key (as the milter user) */
static void
daemon_release_secret(const struct conf *cf)
{
	char *err = NULL;

	if (release_secret_ensure(cf->milter.release_secret, &err) < 0) {
		log_warnx("%s; released messages will be held again", err);
		free(err);
	}
}

/*
 * daemon_write_pidfile - the process id, if configured: a new file,
 * never through a link (a stale file, or a link planted in its place,
 * is removed first; O_EXCL and O_NOFOLLOW refuse whatever appears
 * meanwhile)
 */
static void
daemon_write_pidfile(const struct conf *cf)
{
	const char *path = cf->milter.pidfile;
	char buf[32];
	int fd, n;

	if (path == NULL)
		return;
	if (unlink(path) < 0 && errno != ENOENT)
		fatal("cannot replace pidfile %s", path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd < 0)
		fatal("cannot create pidfile %s", path);
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, (size_t)n) != n || close(fd) != 0)
		fatal("cannot write pidfile %s", path);
}

/* daemon_load - the startup configuration, or exit 1 */
static struct conf *
daemon_load(const struct daemon_opts *o,
    const struct policy *const *registry)
{
	struct errbuf eb;
	struct conf *cf;

	errbuf_init(&eb);
	cf = conf_load(o->conf_path, registry, &eb);
	for (size_t i = 0; i < eb.nerrors; i++)
		log_warnx("%s", eb.errors[i]);
	for (size_t i = 0; i < eb.nwarnings; i++)
		log_warnx("warning: %s", eb.warnings[i]);
	if (cf != NULL && daemon_check_store(cf, o->conf_path, &eb) < 0) {
		log_warnx("%s", eb.errors[eb.nerrors - 1]);
		cf = conf_release(cf);
	}
	errbuf_clear(&eb);
	if (cf == NULL)
		fatalx("%s: configuration has errors; not starting",
		    o->conf_path);
	return cf;
}

/* daemon_serve - run libmilter until stopped, then drain */
static int
daemon_serve(void)
{
	int rc = smfi_main();

	for (int i = 0; i < DAEMON_DRAIN_SECONDS * 10 &&
	    milter_active_sessions() > 0; i++)
		usleep(100000);
	log_info("stopped (%u connections still open)",
	    milter_active_sessions());
	return rc == MI_SUCCESS ? 0 : 1;
}

/* daemon_main - aup-milter */
int
daemon_main(int argc, char **argv, const struct policy *const *registry)
{
	struct daemon_opts o = { 0 };
	struct conf *cf;
	uid_t uid;
	gid_t gid;
	int rc;

	daemon_parse(argc, argv, &o);
	(void)daemon_malloc_tune();	/* before any thread: daemon_malloc.c */
	(void)zone_pin();		/* before any thread: util/zone.c */
	/* daemon() changes to /: keep the configuration's path absolute so
	 * its relative paths and later reloads still resolve. */
	o.conf_path = daemon_absolute(o.conf_path);
	if (o.print_defaults) {
		conf_print_defaults(registry, stdout);
		return 0;
	}
	if (o.check_only)
		return daemon_check(&o, registry);
	if (o.print_settings)
		return daemon_print_settings(&o, registry);
	log_init("aup-milter", "mail", true);
	log_set_verbose(o.verbose);
	cf = daemon_load(&o, registry);
	log_init("aup-milter", cf->milter.syslog_facility, true);
	log_set_verbose(o.verbose || cf->milter.verbose);
	daemon_require_user(cf);
	daemon_lookup(cf, &uid, &gid);
	daemon_open_socket(cf, uid, gid);
	if (!o.foreground && daemon(0, 0) < 0)
		fatal("cannot detach");
	log_init("aup-milter", cf->milter.syslog_facility, o.foreground);
	daemon_write_pidfile(cf);
	daemon_drop_privileges(cf, uid, gid);
	daemon_release_secret(cf);
	g_mime_init();		/* after fork(): no threads before detaching */
	if (notices_send_init() < 0)
		fatalx("cannot initialise libcurl for the notices");
	daemon_ready_store(cf);
	daemon_reload_start(o.conf_path, registry, cf, o.verbose);
	daemon_notices_start();
	deferred_thread_start();
	log_info("started: socket %s, mode %s, %zu policies", cf->milter.socket,
	    mode_name(cf->milter.mode), cf->nslots);
	rc = daemon_serve();
	deferred_thread_stop();
	daemon_notices_stop();
	daemon_reload_stop();
	return rc;
}
