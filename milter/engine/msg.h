/*
 * msg - the message model: connection facts, envelope, headers, body
 *
 * Both front ends fill one of these the same way: the milter from
 * libmilter callbacks, `aupctl test` from an .eml file split into the
 * same header and body events.  The engine then derives the facts
 * (direction, roles) and runs the policies.  A msg is reset for every
 * message of a connection; strings are owned by the msg.
 */
#ifndef AUP_MSG_H
#define AUP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gmime/gmime.h>

struct spool;

struct msg_header {
	char	*name;
	char	*raw;		/* value as received after the colon: leading
				 * space kept, folds as "\n" + white space */
	char	*value;		/* unfolded and trimmed */
};

struct msg_rcpt {
	char	*raw;		/* argv[0] of RCPT TO, for smfi_delrcpt */
	char	*addr;		/* brackets stripped */
	char	*norm;		/* addr_normalize(), or NULL if not an address */
};

struct msg {
	/* connection */
	char	*client_addr;	/* textual IP, or NULL when unknown */
	char	*client_name;
	char	*helo;
	char	*daemon_name;
	char	*cert_subject;	/* verified TLS client certificate subject
				 * ({cert_subject}), or NULL */
	/* envelope */
	char	*auth;		/* SASL login ({auth_authen}) or NULL */
	char	*sender;	/* MAIL FROM, brackets stripped; "" = <> */
	struct msg_rcpt *rcpts;
	size_t	 nrcpts;
	char	*queue_id;	/* Postfix queue id (macro i), or NULL */
	/* content */
	struct msg_header *headers;
	size_t	 nheaders;
	struct spool *spool;	/* headers + CRLF + body, as on the wire */
	bool	 in_body;
};

enum role {
	ROLE_EXTERNAL = 0,	/* anything else */
	ROLE_OFFICE,		/* the office account(s) */
	ROLE_STAFF,		/* school domains, not office or pupil */
	ROLE_PUPIL,		/* [school] pupils patterns */
	ROLE_PARENT,		/* in the parents directory */
	ROLE_PERSONAL		/* consumer mail domain, not a known parent */
};

enum direction {
	DIRECTION_INBOUND = 0,
	DIRECTION_OUTBOUND
};

/* What the engine derives once, before the policies run. */
struct msg_facts {
	enum direction direction;
	bool	 internal;	/* outbound, every recipient in the school */
	bool	 authenticated;	/* a SASL login was given */
	bool	 trusted_client; /* client address in trusted_networks */
	bool	 connector;	/* the school's mail service (trusted_clients) */
	char	*login;		/* the login as an address, or NULL */
	char	*sender;	/* normalised envelope sender, or NULL */
	char	*header_from;	/* normalised first From mailbox, or NULL */
	enum role sender_role;
	enum role *rcpt_roles;	/* one per msg->rcpts */
};

/* msg_new - an empty message; bodies above threshold spool to spool_dir */
struct msg *msg_new(const char *spool_dir, size_t threshold);
/* msg_free - accepts NULL, returns NULL */
struct msg *msg_free(struct msg *m);

void	msg_set_connection(struct msg *m, const char *client_addr,
	    const char *client_name, const char *helo, const char *daemon);
void	msg_set_auth(struct msg *m, const char *login);
/* msg_set_client_cert - {cert_subject} of a verified certificate, or NULL */
void	msg_set_client_cert(struct msg *m, const char *subject);
void	msg_set_sender(struct msg *m, const char *mail_from);
void	msg_add_rcpt(struct msg *m, const char *rcpt_to);
void	msg_set_queue_id(struct msg *m, const char *qid);
/* msg_add_header - append a header; 0, or -1 (spool write error) */
int	msg_add_header(struct msg *m, const char *name, const char *raw);
/* msg_end_headers - the empty line; 0 or -1 */
int	msg_end_headers(struct msg *m);
/* msg_append_body - body bytes as on the wire (CRLF); 0 or -1 */
int	msg_append_body(struct msg *m, const void *buf, size_t len);

/* msg_header - the nth (0-based) header named `name`, or NULL */
const struct msg_header *msg_header(const struct msg *m, const char *name,
	    size_t nth);
/* msg_header_count - how many headers named `name` */
size_t	msg_header_count(const struct msg *m, const char *name);
/* msg_size - bytes of the whole message */
uint64_t msg_size(const struct msg *m);
/* msg_stream - a new GMimeStream of the whole message (caller unrefs) */
GMimeStream *msg_stream(const struct msg *m);
/* msg_subject - decoded Subject (UTF-8; free with g_free) or NULL */
char	*msg_subject(const struct msg *m);

/* role_name - "office", "staff", ... */
const char *role_name(enum role r);
/* direction_name - "inbound" / "outbound" */
const char *direction_name(enum direction d);

#endif
