/*
 * spf - SPF checks (RFC 7208) with libspf2, bounded in time
 *
 * One `struct spf` per configuration snapshot, shared by every worker
 * thread: it holds an immutable libspf2 server whose DNS stack is the
 * site's local records (answered only from the file) above a resolver
 * layer that keeps one resolver state per thread and stops every check
 * at its deadline.  spf_check() never fails: DNS trouble is temperror,
 * a broken record is permerror.  See spf.c for the evidence behind the
 * thread-safety and timeout claims.
 */
#ifndef AUP_SPF_H
#define AUP_SPF_H

#include <stdbool.h>

#include "util/errbuf.h"
#include "policies/sender_auth/local_records.h"

enum spf_outcome {
	SPF_OUTCOME_NONE = 0,	/* no SPF record, or nothing to check */
	SPF_OUTCOME_NEUTRAL,	/* ?all: the domain makes no assertion */
	SPF_OUTCOME_PASS,	/* the client may send for the domain */
	SPF_OUTCOME_FAIL,	/* -all: the client may not */
	SPF_OUTCOME_SOFTFAIL,	/* ~all: probably may not */
	SPF_OUTCOME_TEMPERROR,	/* DNS failed or timed out */
	SPF_OUTCOME_PERMERROR	/* the record cannot be interpreted */
};

struct spf_options {
	long	 dns_timeout;		/* seconds for one whole check, >= 1 */
	const struct local_records *records; /* answered before DNS; may be
					 * NULL; copied, not kept */
	const char *receiver;		/* host named in Received-SPF;
					 * NULL = gethostname() */
	const char *nameserver;		/* IPv4 "ADDR" or "ADDR:PORT" to ask
					 * instead of resolv.conf's; NULL */
	bool	 offline;		/* no DNS at all: names without local
					 * records do not exist (tests) */
};

struct spf_answer {
	enum spf_outcome result;
	const char *identity;		/* "mailfrom" or "helo" */
	char	*domain;		/* domain whose policy was asked, or
					 * NULL when there was none */
	char	*reason;		/* one plain line: why this result */
	char	*received_spf;		/* Received-SPF value (RFC 7208 9.1),
					 * without the name; may hold folds */
};

/*
 * spf_new - build a checker; NULL with errors in eb when the options
 * are unusable (bad nameserver, timeout out of range).
 */
struct spf *spf_new(const struct spf_options *opts, struct errbuf *eb);
/* spf_free - accepts NULL, returns NULL */
struct spf *spf_free(struct spf *s);
/*
 * spf_check - evaluate MAIL FROM `mail_from` (brackets stripped; "" is
 * the null sender, which checks `helo` instead) sent from `client_ip`.
 * Fills `out` (free it with spf_answer_clear).  Safe to call from many
 * threads at once on one `struct spf`.
 */
void	spf_check(const struct spf *s, const char *client_ip,
	    const char *helo, const char *mail_from, struct spf_answer *out);
/*
 * spf_thread_end - free the calling thread's resolver state.  Threads
 * that exit free theirs by themselves; a main thread that ran checks
 * calls this before exit so that leak checkers stay quiet.
 */
void	spf_thread_end(void);
/* spf_answer_clear - free what spf_check put in an answer */
void	spf_answer_clear(struct spf_answer *a);
/* spf_outcome_name - "pass", "fail", "softfail", ... (RFC 7208 words) */
const char *spf_outcome_name(enum spf_outcome r);

#endif
