/*
 * macro-echo-milter - test tool: a libmilter filter that writes the macros
 * the MTA sent to a log file, one line per event, so shell tests can check
 * what a milter really sees behind Postfix (XCLIENT ADDR=, LOGIN=, the
 * queue id).  Never installed; built only by "make check".
 *
 * Usage: macro-echo-milter -p SOCKET -l LOGFILE
 *   SOCKET is in libmilter syntax: unix:/path or inet:PORT@127.0.0.1.
 *
 * Log lines (values that the MTA did not send are written as "(unset)";
 * spaces and control characters in values are written as '_'):
 *   connect hostname=H client_addr=A client_name=N daemon_name=D
 *   mail from=<F> auth_authen=U auth_type=T
 *   rcpt to=<R>
 *   eom i=Q auth_authen=U auth_type=T client_addr=A daemon_name=D rcpts=N action=X
 *   abort
 *   close
 *
 * The verdict at end of message comes from the message itself, so one
 * running filter serves every case: a header "X-Test-Action: reject"
 * gives a three-line 550 5.7.1 reply, "tempfail" a 451 4.7.1 reply,
 * "discard" SMFIS_DISCARD; anything else accepts.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libmilter/mfapi.h>

#define UNSET	"(unset)"

enum action {
	ACT_ACCEPT,
	ACT_REJECT,
	ACT_TEMPFAIL,
	ACT_DISCARD
};

static const char *const action_names[] = {
	"accept", "reject", "tempfail", "discard"
};

struct conn {
	unsigned	rcpts;		/* recipients of the current message */
	enum action	action;		/* from X-Test-Action: */
};

static FILE *log_fp;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* clean_copy - copy a value for the log, making it one space-free token */
static void
clean_copy(char *dst, size_t size, const char *src)
{
	size_t	i;

	if (src == NULL)
		src = UNSET;
	for (i = 0; i + 1 < size && src[i] != '\0'; i++)
		dst[i] = ((unsigned char)src[i] <= ' ' || src[i] == 0x7f) ?
		    '_' : src[i];
	dst[i] = '\0';
}

/* log_line - append one formatted line to the log and flush it */
static void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
log_line(const char *fmt, ...)
{
	va_list	ap;

	pthread_mutex_lock(&log_lock);
	va_start(ap, fmt);
	vfprintf(log_fp, fmt, ap);
	va_end(ap);
	fputc('\n', log_fp);
	fflush(log_fp);
	pthread_mutex_unlock(&log_lock);
}

/* macro - a macro value cleaned for the log, in the caller's buffer */
static const char *
macro(SMFICTX *ctx, const char *name, char *buf, size_t size)
{
	clean_copy(buf, size, smfi_getsymval(ctx, (char *)name));
	return buf;
}

/* echo_connect - log the connect-stage macros and set up connection state */
static sfsistat
echo_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *addr)
{
	struct conn *c;
	char	h[256], a[256], n[256], d[256];

	(void)addr;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return SMFIS_TEMPFAIL;
	smfi_setpriv(ctx, c);
	clean_copy(h, sizeof(h), hostname);
	log_line("connect hostname=%s client_addr=%s client_name=%s daemon_name=%s",
	    h, macro(ctx, "{client_addr}", a, sizeof(a)),
	    macro(ctx, "{client_name}", n, sizeof(n)),
	    macro(ctx, "{daemon_name}", d, sizeof(d)));
	return SMFIS_CONTINUE;
}

/* echo_envfrom - reset message state and log the sender and auth macros */
static sfsistat
echo_envfrom(SMFICTX *ctx, char **argv)
{
	struct conn *c = smfi_getpriv(ctx);
	char	f[512], u[256], t[64];

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	c->rcpts = 0;
	c->action = ACT_ACCEPT;
	clean_copy(f, sizeof(f), argv[0]);
	log_line("mail from=%s auth_authen=%s auth_type=%s", f,
	    macro(ctx, "{auth_authen}", u, sizeof(u)),
	    macro(ctx, "{auth_type}", t, sizeof(t)));
	return SMFIS_CONTINUE;
}

/* echo_envrcpt - count and log one envelope recipient */
static sfsistat
echo_envrcpt(SMFICTX *ctx, char **argv)
{
	struct conn *c = smfi_getpriv(ctx);
	char	r[512];

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	c->rcpts++;
	clean_copy(r, sizeof(r), argv[0]);
	log_line("rcpt to=%s", r);
	return SMFIS_CONTINUE;
}

/* echo_header - pick up the verdict requested by X-Test-Action: */
static sfsistat
echo_header(SMFICTX *ctx, char *name, char *value)
{
	struct conn *c = smfi_getpriv(ctx);
	size_t	i;

	if (c == NULL || strcasecmp(name, "X-Test-Action") != 0)
		return SMFIS_CONTINUE;
	while (*value == ' ' || *value == '\t')
		value++;
	for (i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
		if (strncasecmp(value, action_names[i],
		    strlen(action_names[i])) == 0)
			c->action = (enum action)i;
	return SMFIS_CONTINUE;
}

/* echo_eom - log the end-of-message macros and apply the verdict */
static sfsistat
echo_eom(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);
	char	q[64], u[256], t[64], a[256], d[256];

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	log_line("eom i=%s auth_authen=%s auth_type=%s client_addr=%s "
	    "daemon_name=%s rcpts=%u action=%s",
	    macro(ctx, "i", q, sizeof(q)),
	    macro(ctx, "{auth_authen}", u, sizeof(u)),
	    macro(ctx, "{auth_type}", t, sizeof(t)),
	    macro(ctx, "{client_addr}", a, sizeof(a)),
	    macro(ctx, "{daemon_name}", d, sizeof(d)),
	    c->rcpts, action_names[c->action]);
	switch (c->action) {
	case ACT_REJECT:
		smfi_setmlreply(ctx, "550", "5.7.1",
		    "Message refused by the macro-echo test milter.",
		    "Second line: 100%% of the reply reaches the client.",
		    "Third line: Ref TEST-REJECT-1",
		    NULL);
		return SMFIS_REJECT;
	case ACT_TEMPFAIL:
		smfi_setreply(ctx, "451", "4.7.1",
		    "Try again later (macro-echo test milter)");
		return SMFIS_TEMPFAIL;
	case ACT_DISCARD:
		return SMFIS_DISCARD;
	case ACT_ACCEPT:
		break;
	}
	return SMFIS_CONTINUE;
}

/* echo_abort - log an aborted message */
static sfsistat
echo_abort(SMFICTX *ctx)
{
	(void)ctx;
	log_line("abort");
	return SMFIS_CONTINUE;
}

/* echo_close - log the end of the connection and free its state */
static sfsistat
echo_close(SMFICTX *ctx)
{
	free(smfi_getpriv(ctx));
	smfi_setpriv(ctx, NULL);
	log_line("close");
	return SMFIS_CONTINUE;
}

static struct smfiDesc echo_desc = {
	"macro-echo",		/* filter name */
	SMFI_VERSION,		/* version code */
	0,			/* no message changes */
	echo_connect,		/* connection info */
	NULL,			/* SMTP HELO */
	echo_envfrom,		/* envelope sender */
	echo_envrcpt,		/* envelope recipient */
	echo_header,		/* header */
	NULL,			/* end of header */
	NULL,			/* body block */
	echo_eom,		/* end of message */
	echo_abort,		/* message aborted */
	echo_close,		/* connection closed */
	NULL,			/* unknown SMTP command */
	NULL,			/* DATA */
	NULL			/* negotiate */
};

/* usage - print the command line and exit */
static void
usage(const char *prog)
{
	fprintf(stderr, "usage: %s -p SOCKET -l LOGFILE\n", prog);
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *sock = NULL, *logfile = NULL;
	int	opt;

	while ((opt = getopt(argc, argv, "p:l:")) != -1) {
		switch (opt) {
		case 'p':
			sock = optarg;
			break;
		case 'l':
			logfile = optarg;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (sock == NULL || logfile == NULL)
		usage(argv[0]);
	if ((log_fp = fopen(logfile, "a")) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], logfile,
		    strerror(errno));
		return 1;
	}
	/* The socket must be writable by Postfix's smtpd (user postfix). */
	umask(0);
	if (smfi_setconn((char *)sock) == MI_FAILURE ||
	    smfi_register(echo_desc) == MI_FAILURE ||
	    smfi_opensocket(1) == MI_FAILURE) {
		fprintf(stderr, "%s: cannot set up libmilter on %s\n",
		    argv[0], sock);
		return 1;
	}
	log_line("ready socket=%s", sock);
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
