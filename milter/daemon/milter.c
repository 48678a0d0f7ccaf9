/*
 * milter - translate libmilter callbacks into message-model events
 *
 * SYNOPSIS
 *	milter_desc, milter_set_eventlog(), milter_active_sessions()
 *
 * DESCRIPTION
 *	Connection state lives only behind smfi_setpriv (libmilter's worker
 *	pool may run one connection's callbacks on different threads).  The
 *	per-message model is reset at MAIL FROM, so several messages on one
 *	connection and aborted transactions are handled.  Each message
 *	takes the configuration snapshot current at MAIL FROM and keeps it
 *	until it is done, so a reload never changes the rules under a
 *	message in flight.
 *
 *	Everything is decided at end of message, by the same engine call
 *	`aupctl test` makes; milter_act.c carries the verdict out.  We
 *	negotiate SMFIP_HDR_LEADSPC so header values arrive byte for byte
 *	and a rewrite can keep everything it does not change.
 *
 * DIAGNOSTICS
 *	A message we cannot even record (spool disk full) is tempfailed.
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmilter/mfapi.h>
#include <libmilter/mfdef.h>

#include "config/conf.h"
#include "config/school_pick.h"
#include "engine/engine.h"
#include "util/log.h"
#include "daemon/milter.h"
#include "daemon/milter_act.h"
#include "engine/msg.h"
#include "util/xalloc.h"

struct conn {
	char	*client_addr;
	char	*client_name;
	char	*helo;
	char	*daemon_name;
	struct conf *conf;	/* snapshot of the message in progress */
	struct school_pick pick; /* the message's school (school_pick.h) */
	struct msg *msg;	/* NULL between messages */
	bool	 failed;	/* could not record the message */
	bool	 leadspc;	/* header values keep their leading space */
	bool	 local;		/* from sendmail(1) on the server: the MTA */
				/* gave the sender without angle brackets */
	unsigned long noreply;	/* MILTER_NOREPLY stages the MTA agreed */
				/* not to wait for */
	bool	 rcpt_refused;	/* a recipient of a second school came */
				/* where RCPT could not be answered */
};

/*
 * Stages whose reply the MTA need not wait for (SMFIP_NR_*, milter
 * protocol 6): connect, HELO, each header, end of headers and each body
 * chunk.  Nothing is decided there, so a reply only costs a round trip
 * (a dozen or more per message); a failure seen there (no model, spool
 * full) is answered at end of message, which then tempfails.
 *
 * MAIL and RCPT join them when the configuration has one school
 * (MILTER_NOREPLY_ONE_SCHOOL): nothing is decided there either, and the
 * MTA then sends the whole envelope and content without waiting, so a
 * message costs two round trips instead of one per recipient more (each
 * round trip passes through libmilter's pool controller, which polls
 * every open connection: at 16 connections about a tenth of the CPU per
 * message, RESULTS.md).  With several schools RCPT keeps its reply: a
 * recipient of a second school is tempfailed there (school_pick.c).  A
 * reload that adds schools while a connection that negotiated without
 * RCPT replies is open tempfails a message with recipients of two
 * schools at its end, whole (conn.rcpt_refused).
 */
#define MILTER_NOREPLY	(SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_HDR | \
			 SMFIP_NR_EOH | SMFIP_NR_BODY)
#define MILTER_NOREPLY_ONE_SCHOOL	(SMFIP_NR_MAIL | SMFIP_NR_RCPT)

static struct eventlog *milter_eventlog;	/* set before smfi_main */
static atomic_uint milter_sessions;

/* milter_set_eventlog - install the event log (before smfi_main) */
void
milter_set_eventlog(struct eventlog *el)
{
	milter_eventlog = el;
}

/* milter_active_sessions - open connections */
unsigned
milter_active_sessions(void)
{
	return atomic_load(&milter_sessions);
}

/* conn_go - go on: no reply where the MTA does not wait for one */
static sfsistat
conn_go(const struct conn *c, unsigned long stage)
{
	return c != NULL && (c->noreply & stage) != 0 ? SMFIS_NOREPLY :
	    SMFIS_CONTINUE;
}

/* conn_fail - a stage without a model: tempfail now, or at end of message */
static sfsistat
conn_fail(const struct conn *c, unsigned long stage)
{
	return c != NULL && (c->noreply & stage) != 0 ? SMFIS_NOREPLY :
	    SMFIS_TEMPFAIL;
}

/* conn_message_done - forget the message and its snapshot */
static void
conn_message_done(struct conn *c)
{
	c->msg = msg_free(c->msg);
	c->conf = conf_release(c->conf);
	c->failed = false;
	c->rcpt_refused = false;
}

/* conn_new - connection state behind smfi_setpriv, or NULL */
static struct conn *
conn_new(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c != NULL)
		return c;
	c = xcalloc(1, sizeof(*c));
	if (smfi_setpriv(ctx, c) != MI_SUCCESS) {
		free(c);
		return NULL;
	}
	atomic_fetch_add(&milter_sessions, 1);
	return c;
}

/* cb_negotiate - ask for header edits, leading spaces, our macros and
 * no replies where none is needed (MILTER_NOREPLY) */
static sfsistat
cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	unsigned long want = SMFIF_ADDHDRS | SMFIF_CHGHDRS;
	unsigned long noreply = MILTER_NOREPLY;
	struct conf *cf;
	struct conn *c;

	if ((f0 & want) != want)
		return SMFIS_REJECT;
	c = conn_new(ctx);
	if (c == NULL)
		return SMFIS_TEMPFAIL;
	cf = conf_current();
	if (cf != NULL && cf->nschools == 0)
		noreply |= MILTER_NOREPLY_ONE_SCHOOL;
	(void)conf_release(cf);
	c->leadspc = (f1 & SMFIP_HDR_LEADSPC) != 0;
	c->noreply = f1 & noreply;
	*pf0 = want | (f0 & SMFIF_SETSYMLIST);
	*pf1 |= (f1 & SMFIP_HDR_LEADSPC) | c->noreply;
	*pf2 = *pf3 = 0;
	if (f0 & SMFIF_SETSYMLIST) {
		(void)smfi_setsymlist(ctx, SMFIM_CONNECT,
		    "j {client_addr} {client_name} {daemon_name}");
		(void)smfi_setsymlist(ctx, SMFIM_HELO,
		    "{cert_subject} {cert_issuer} {verify}");
		(void)smfi_setsymlist(ctx, SMFIM_ENVFROM,
		    "i {auth_authen} {auth_type} {mail_addr}");
		(void)smfi_setsymlist(ctx, SMFIM_EOM, "i");
	}
	return SMFIS_CONTINUE;
}

/* sockaddr_text - textual address of the client, or NULL */
static char *
sockaddr_text(const _SOCK_ADDR *sa)
{
	char buf[INET6_ADDRSTRLEN];
	const void *src = NULL;

	if (sa == NULL)
		return NULL;
	if (sa->sa_family == AF_INET)
		src = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		src = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	if (src == NULL || inet_ntop(sa->sa_family, src, buf, sizeof(buf)) ==
	    NULL)
		return NULL;
	return xstrdup(buf);
}

/* cb_connect - a new SMTP client */
static sfsistat
cb_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
	struct conn *c = smfi_getpriv(ctx);
	const char *macro = smfi_getsymval(ctx, "{client_addr}");
	const char *daemon = smfi_getsymval(ctx, "{daemon_name}");

	if (c == NULL && (c = conn_new(ctx)) == NULL)
		return SMFIS_TEMPFAIL;
	free(c->client_addr);
	free(c->client_name);
	free(c->daemon_name);
	c->client_addr = macro != NULL && macro[0] != '\0' ? xstrdup(macro) :
	    sockaddr_text(hostaddr);
	c->client_name = xstrdup(hostname != NULL ? hostname : "unknown");
	c->daemon_name = daemon != NULL ? xstrdup(daemon) : NULL;
	return conn_go(c, SMFIP_NR_CONN);
}

/* cb_helo - remember the HELO name */
static sfsistat
cb_helo(SMFICTX *ctx, char *name)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	free(c->helo);
	c->helo = xstrdup(name != NULL ? name : "");
	return conn_go(c, SMFIP_NR_HELO);
}

/*
 * cert_subject - the client certificate's subject when the MTA verified
 * it.  Postfix sends {cert_subject} only for a certificate it trusts
 * and has no {verify}; Sendmail sends the subject of any certificate
 * and says in {verify} whether it checked out.
 */
static const char *
cert_subject(SMFICTX *ctx)
{
	const char *subject = smfi_getsymval(ctx, "{cert_subject}");
	const char *verify = smfi_getsymval(ctx, "{verify}");

	if (subject == NULL || subject[0] == '\0')
		return NULL;
	if (verify != NULL && strcmp(verify, "OK") != 0)
		return NULL;
	return subject;
}

/* cb_envfrom - a new message: reset the model, take the snapshot */
static sfsistat
cb_envfrom(SMFICTX *ctx, char **argv)
{
	struct conn *c = smfi_getpriv(ctx);
	const char *auth = smfi_getsymval(ctx, "{auth_authen}");

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	conn_message_done(c);
	c->conf = conf_current();
	if (c->conf == NULL)
		return conn_fail(c, SMFIP_NR_MAIL);
	c->msg = msg_new(c->conf->milter.spool_dir,
	    (size_t)c->conf->milter.spool_threshold);
	msg_set_connection(c->msg, c->client_addr, c->client_name, c->helo,
	    c->daemon_name);
	msg_set_auth(c->msg, auth);
	msg_set_client_cert(c->msg, cert_subject(ctx));
	msg_set_sender(c->msg, argv[0]);
	school_pick_sender(&c->pick, c->conf, c->msg->sender);
	c->local = argv[0] != NULL && argv[0][0] != '<';
	msg_set_queue_id(c->msg, smfi_getsymval(ctx, "i"));
	return conn_go(c, SMFIP_NR_MAIL);
}

/* cb_envrcpt - one recipient */
static sfsistat
cb_envrcpt(SMFICTX *ctx, char **argv)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c == NULL || c->msg == NULL)
		return conn_fail(c, SMFIP_NR_RCPT);
	/* One school's policies judge one copy: the client sends the
	 * other school's recipients again, in a message of their own. */
	if (!school_pick_rcpt(&c->pick, c->conf, argv[0])) {
		if ((c->noreply & SMFIP_NR_RCPT) != 0) {
			c->rcpt_refused = true;
			return SMFIS_NOREPLY;
		}
		(void)smfi_setreply(ctx, "452", "4.5.3",
		    (char *)SCHOOL_PICK_REPLY);
		return SMFIS_TEMPFAIL;
	}
	msg_add_rcpt(c->msg, argv[0]);
	return conn_go(c, SMFIP_NR_RCPT);
}

/* cb_header - one header, value as received */
static sfsistat
cb_header(SMFICTX *ctx, char *name, char *value)
{
	struct conn *c = smfi_getpriv(ctx);
	char *spaced = NULL;

	if (c == NULL || c->msg == NULL)
		return conn_fail(c, SMFIP_NR_HDR);
	/* Without HDR_LEADSPC the MTA ate the space after the colon. */
	if (!c->leadspc)
		value = spaced = xasprintf(" %s", value);
	if (!c->failed && msg_add_header(c->msg, name, value) < 0) {
		log_warn("%s: cannot spool the message in %s",
		    c->msg->queue_id ? c->msg->queue_id : "NOQUEUE",
		    c->conf->milter.spool_dir);
		c->failed = true;
	}
	free(spaced);
	return conn_go(c, SMFIP_NR_HDR);
}

/* cb_eoh - end of headers */
static sfsistat
cb_eoh(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c == NULL || c->msg == NULL)
		return conn_fail(c, SMFIP_NR_EOH);
	if (!c->failed && msg_end_headers(c->msg) < 0)
		c->failed = true;
	return conn_go(c, SMFIP_NR_EOH);
}

/* cb_body - a chunk of the body */
static sfsistat
cb_body(SMFICTX *ctx, unsigned char *buf, size_t len)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c == NULL || c->msg == NULL)
		return conn_fail(c, SMFIP_NR_BODY);
	if (!c->failed && msg_append_body(c->msg, buf, len) < 0) {
		log_warn("%s: cannot spool the message in %s",
		    c->msg->queue_id ? c->msg->queue_id : "NOQUEUE",
		    c->conf->milter.spool_dir);
		c->failed = true;
	}
	return conn_go(c, SMFIP_NR_BODY);
}

/* cb_eom - judge the message and carry the verdict out */
static sfsistat
cb_eom(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);
	const char *qid = smfi_getsymval(ctx, "i");
	sfsistat rc;

	if (c == NULL || c->msg == NULL)
		return SMFIS_TEMPFAIL;
	if (c->rcpt_refused) {
		log_info("%s: tempfailed: recipients of two schools came "
		    "while the configuration changed to several schools",
		    qid != NULL ? qid : "NOQUEUE");
		(void)smfi_setreply(ctx, "451", "4.3.0", (char *)
		    "The filter's configuration changed while this message "
		    "came in: please send it again");
		conn_message_done(c);
		return SMFIS_TEMPFAIL;
	}
	if (qid != NULL)
		msg_set_queue_id(c->msg, qid);
	rc = milter_act(ctx, school_pick_done(&c->pick, c->conf), c->msg, c->failed, c->leadspc, c->local,
	    milter_eventlog);
	conn_message_done(c);
	return rc;
}

/* cb_abort - the MTA gave up on the message */
static sfsistat
cb_abort(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c != NULL)
		conn_message_done(c);
	return SMFIS_CONTINUE;
}

/* cb_close - the connection ends; priv may be NULL */
static sfsistat
cb_close(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c == NULL)
		return SMFIS_CONTINUE;
	conn_message_done(c);
	free(c->client_addr);
	free(c->client_name);
	free(c->helo);
	free(c->daemon_name);
	free(c);
	(void)smfi_setpriv(ctx, NULL);
	atomic_fetch_sub(&milter_sessions, 1);
	return SMFIS_CONTINUE;
}

struct smfiDesc milter_desc = {
	.xxfi_name = "aup-milter",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS,
	.xxfi_connect = cb_connect,
	.xxfi_helo = cb_helo,
	.xxfi_envfrom = cb_envfrom,
	.xxfi_envrcpt = cb_envrcpt,
	.xxfi_header = cb_header,
	.xxfi_eoh = cb_eoh,
	.xxfi_body = cb_body,
	.xxfi_eom = cb_eom,
	.xxfi_abort = cb_abort,
	.xxfi_close = cb_close,
	.xxfi_unknown = NULL,
	.xxfi_data = NULL,
	.xxfi_negotiate = cb_negotiate,
};
