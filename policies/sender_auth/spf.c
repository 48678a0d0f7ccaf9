/*
 * spf - SPF checks (RFC 7208) with libspf2, bounded in time
 *
 * SYNOPSIS
 *	spf_new(), spf_free(), spf_check(), spf_answer_clear(),
 *	spf_outcome_name(), spf_thread_end()
 *
 * DESCRIPTION
 *	libspf2 does the evaluation (mechanisms, include, redirect,
 *	macros, the ten-lookup limit); this module feeds it DNS answers
 *	and turns its response into one of the seven RFC 7208 results, a
 *	plain reason and a Received-SPF header value (RFC 7208 9.1).
 *
 *	The libspf2 server asks spf_dns.c's layers: the site's local
 *	records, then a resolver that stops every check at its deadline
 *	(dns_timeout), so a silent resolver gives temperror in time.
 *
 *	Threads.  One libspf2 SPF_server_t per configuration snapshot is
 *	shared by all worker threads; requests and responses are per
 *	check.  This is safe because (1) libspf2's README says the server
 *	is reusable and thread-safe, (2) its source only reads the server
 *	while evaluating (SPF_request_query_mailfrom, SPF_record_interpret,
 *	SPF_server_get_record) and the zone layer's lookup only reads and
 *	copies its table, which is complete before the first check, and
 *	(3) the one piece of mutable state, the resolver's res_state,
 *	lives in a per-thread structure under a pthread key, together
 *	with the check's deadline (spf_dns.c).  tests/unit/policies/test_spf.c
 *	runs checks from eight threads on one server and compares every
 *	answer; it also runs clean under valgrind --tool=helgrind.  The
 *	alternative - one server per thread under a key per snapshot -
 *	would leak keys on every reload.  libspf2's log handlers are
 *	process globals; they are set once, under pthread_once, before
 *	any server exists.
 *
 *	Replies never quote the domain's own explanation (exp=): it is
 *	text chosen by whoever controls the sender's DNS.
 *
 * CONFIGURATION
 *	[sender-auth] dns_timeout, local_records (through sender_auth.c).
 *
 * DIAGNOSTICS
 *	spf_new() adds errors to an errbuf (bad nameserver address,
 *	timeout out of range).  spf_check() has no failure: DNS trouble
 *	is temperror, a record libspf2 cannot interpret is permerror.
 *	libspf2's internal errors abort after a log line (its error
 *	handler must not return); its warnings are logged, its info and
 *	debug output is dropped so it can never reach aupctl's JSON.
 *
 * SEE ALSO
 *	RFC 7208; policies/sender_auth/local_records.c; TECH-NOTES section 5.
 *
 * SPDX-License-Identifier: MIT
 */
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <spf2/spf.h>

#include "util/log.h"
#include "policies/sender_auth/spf.h"
#include "policies/sender_auth/spf_dns.h"
#include "util/xalloc.h"

#define SPF_MAX_SHOWN	255	/* longest name quoted in a reason */

struct spf {
	SPF_server_t *server;	/* shared, read-only while checking */
	SPF_dns_server_t *layers; /* its DNS stack (spf_dns.c) */
	long	 timeout;	/* seconds for one check */
	char	*receiver;	/* Received-SPF receiver= */
};



static pthread_once_t spf_once = PTHREAD_ONCE_INIT;

static const char *const spf_outcome_names[] = {
	[SPF_OUTCOME_NONE] = "none",
	[SPF_OUTCOME_NEUTRAL] = "neutral",
	[SPF_OUTCOME_PASS] = "pass",
	[SPF_OUTCOME_FAIL] = "fail",
	[SPF_OUTCOME_SOFTFAIL] = "softfail",
	[SPF_OUTCOME_TEMPERROR] = "temperror",
	[SPF_OUTCOME_PERMERROR] = "permerror",
};

/* spf_outcome_name - the RFC 7208 word for a result */
const char *
spf_outcome_name(enum spf_outcome r)
{
	return spf_outcome_names[r];
}

/* spf_log_error - libspf2 internal error: log, then abort (noreturn) */
__attribute__((noreturn)) static void
spf_log_error(const char *file, int line, const char *msg)
{
	log_warnx("libspf2 internal error: %s:%d: %s", file ? file : "?",
	    line, msg ? msg : "");
	abort();
}

/* spf_log_warning - libspf2 warning: to the log */
static void
spf_log_warning(const char *file, int line, const char *msg)
{
	log_warnx("libspf2: %s", msg ? msg : "");
}

/* spf_log_drop - libspf2 info and debug output: dropped */
static void
spf_log_drop(const char *file, int line, const char *msg)
{
}



/* spf_init_once - libspf2's log handlers (process globals) */
static void
spf_init_once(void)
{
	SPF_error_handler = spf_log_error;
	SPF_warning_handler = spf_log_warning;
	SPF_info_handler = spf_log_drop;
	SPF_debug_handler = spf_log_drop;
}

/* spf_receiver - the host name for Received-SPF */
static char *
spf_receiver(const char *configured)
{
	char host[256];

	if (configured != NULL && *configured != '\0')
		return xstrdup(configured);
	if (gethostname(host, sizeof(host)) != 0)
		return xstrdup("localhost");
	host[sizeof(host) - 1] = '\0';
	return xstrdup(host);
}

/* spf_new - a shared checker for one configuration */
struct spf *
spf_new(const struct spf_options *opts, struct errbuf *eb)
{
	SPF_dns_server_t *layers;
	struct spf *s;

	(void)pthread_once(&spf_once, spf_init_once);
	if (opts->dns_timeout < 1 || opts->dns_timeout > 3600) {
		errbuf_add(eb, NULL, 0, "dns_timeout must be 1 to 3600 "
		    "seconds");
		return NULL;
	}
	layers = spf_dns_stack(opts->records, opts->nameserver,
	    opts->offline, eb);
	if (layers == NULL)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->layers = layers;
	s->timeout = opts->dns_timeout;
	s->receiver = spf_receiver(opts->receiver);
	if ((s->server = SPF_server_new_dns(layers, 0)) == NULL)
		abort();
	if (SPF_server_set_rec_dom(s->server, s->receiver) != SPF_E_SUCCESS)
		abort();
	return s;
}

/* spf_free - free the server and its DNS layers */
struct spf *
spf_free(struct spf *s)
{
	if (s == NULL)
		return NULL;
	/* libspf2 1.2.10 does not free a stack given to SPF_server_new_dns
	 * (checked with valgrind); SPF_dns_free frees every layer. */
	SPF_server_free(s->server);
	SPF_dns_free(s->layers);
	free(s->receiver);
	free(s);
	return NULL;
}

/* spf_thread_end - free this thread's resolver state */
void
spf_thread_end(void)
{
	spf_dns_thread_end();
}

/* spf_answer_clear - free an answer's strings */
void
spf_answer_clear(struct spf_answer *a)
{
	free(a->domain);
	free(a->reason);
	free(a->received_spf);
	memset(a, 0, sizeof(*a));
}

/* spf_clean - printable ASCII copy of untrusted text, at most a line */
static char *
spf_clean(const char *in)
{
	size_t n = strlen(in);
	char *out;

	if (n > SPF_MAX_SHOWN)
		n = SPF_MAX_SHOWN;
	out = xstrndup(in, n);
	for (char *p = out; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
	return out;
}

/* spf_is_dot_atom - can the value go unquoted (RFC 5322 dot-atom)? */
static bool
spf_is_dot_atom(const char *v)
{
	bool dot = true;

	if (*v == '\0')
		return false;
	for (; *v != '\0'; v++) {
		if (*v == '.') {
			if (dot)
				return false;
			dot = true;
		} else if (isalnum((unsigned char)*v) ||
		    strchr("!#$%&'*+-/=?^_`{|}~", *v) != NULL)
			dot = false;
		else
			return false;
	}
	return !dot;
}

/* spf_kv - append "key=value; " quoting the value when it must be */
static void
spf_kv(char **buf, const char *key, const char *value)
{
	char *clean = spf_clean(value), *q, *old = *buf;
	size_t n = 0;

	if (spf_is_dot_atom(clean)) {
		*buf = xasprintf("%s%s=%s;", old, key, clean);
	} else {
		q = xmalloc(strlen(clean) * 2 + 1);
		for (const char *p = clean; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				q[n++] = '\\';
			q[n++] = *p;
		}
		q[n] = '\0';
		*buf = xasprintf("%s%s=\"%s\";", old, key, q);
		free(q);
	}
	free(old);
	free(clean);
}

/* spf_received - build the Received-SPF value of a finished answer */
static void
spf_received(const struct spf *s, struct spf_answer *a,
    const char *client_ip, const char *helo, const char *mail_from,
    const char *problem)
{
	char *comment = spf_clean(a->reason), *kv = xstrdup("");

	/* A comment must not close early or escape: no ( ) or \ in it. */
	for (char *p = comment; *p != '\0'; p++)
		if (*p == '(' || *p == ')' || *p == '\\')
			*p = '?';
	if (client_ip != NULL)
		spf_kv(&kv, " client-ip", client_ip);
	if (mail_from != NULL && *mail_from != '\0')
		spf_kv(&kv, " envelope-from", mail_from);
	if (helo != NULL && *helo != '\0')
		spf_kv(&kv, " helo", helo);
	if (problem != NULL)
		spf_kv(&kv, " problem", problem);
	spf_kv(&kv, " receiver", s->receiver);
	spf_kv(&kv, " identity", a->identity);
	a->received_spf = xasprintf("%s (%s: %s)\n\t%s",
	    spf_outcome_name(a->result), s->receiver, comment, kv + 1);
	free(comment);
	free(kv);
}

/* spf_domain_ok - a multi-label domain name (RFC 7208 4.3)? */
static bool
spf_domain_ok(const char *d)
{
	size_t label = 0, labels = 0, len = strlen(d);

	if (len == 0 || len > 253)
		return false;
	for (const char *p = d; ; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0 && !(*p == '\0' && labels > 0 &&
			    p[-1] == '.'))
				return false;
			if (label > 0)
				labels++;
			label = 0;
			if (*p == '\0')
				break;
		} else if ((unsigned char)*p <= 0x20 || *p == 0x7f ||
		    ++label > 63)
			return false;
	}
	return labels >= 2;
}

/* spf_parse_ip - client address text to libspf2's request; false if bad */
static bool
spf_parse_ip(const char *text, SPF_request_t *rq, char *shown,
    size_t shown_len)
{
	char *copy = xstrdup(text), *p = copy;
	struct in6_addr a6;
	struct in_addr a4;
	bool ok = true;

	if (strncasecmp(p, "IPv6:", 5) == 0)
		p += 5;
	if (*p == '[' && p[strlen(p) - 1] == ']') {
		p[strlen(p) - 1] = '\0';
		p++;
	}
	if (inet_pton(AF_INET, p, &a4) == 1) {
		SPF_request_set_ipv4(rq, a4);
		inet_ntop(AF_INET, &a4, shown, (socklen_t)shown_len);
	} else if (inet_pton(AF_INET6, p, &a6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&a6)) {
			memcpy(&a4, &a6.s6_addr[12], 4);
			SPF_request_set_ipv4(rq, a4);
			inet_ntop(AF_INET, &a4, shown, (socklen_t)shown_len);
		} else {
			SPF_request_set_ipv6(rq, a6);
			inet_ntop(AF_INET6, &a6, shown, (socklen_t)shown_len);
		}
	} else
		ok = false;
	free(copy);
	return ok;
}

/*
 * spf_invalid - classify libspf2's INVALID result.  It means the check
 * never got to evaluate: a failed DNS lookup of the record (temperror),
 * a record that does not compile (permerror, RFC 7208 4.6), or no
 * usable record at all (none).
 */
static enum spf_outcome
spf_invalid(SPF_response_t *rs, SPF_errcode_t rc, const char **problem)
{
	int n = SPF_response_messages(rs);

	if (rc == SPF_E_DNS_ERROR)
		return SPF_OUTCOME_TEMPERROR;
	for (int i = 0; i < n; i++)
		if (SPF_error_code(SPF_response_message(rs, i)) ==
		    SPF_E_DNS_ERROR)
			return SPF_OUTCOME_TEMPERROR;
	for (int i = 0; i < n; i++) {
		SPF_errcode_t code = SPF_error_code(SPF_response_message(rs,
		    i));

		if (code != SPF_E_SUCCESS && code != SPF_E_NOT_SPF) {
			*problem = SPF_strerror(code);
			return SPF_OUTCOME_PERMERROR;
		}
	}
	return SPF_OUTCOME_NONE;
}

/* spf_result_of - libspf2's answer in RFC 7208 terms */
static enum spf_outcome
spf_result_of(SPF_response_t *rs, SPF_errcode_t rc,
    const struct spf_dns_status *dns, const char **problem)
{
	/*
	 * A mechanism whose lookup failed may simply not match in
	 * libspf2 (a:name with SERVFAIL gives fail); RFC 7208 5 says any
	 * failed lookup ends the check with temperror.
	 */
	if (dns->failed)
		return SPF_OUTCOME_TEMPERROR;
	switch (SPF_response_result(rs)) {
	case SPF_RESULT_PASS:
		return SPF_OUTCOME_PASS;
	case SPF_RESULT_FAIL:
		return SPF_OUTCOME_FAIL;
	case SPF_RESULT_SOFTFAIL:
		return SPF_OUTCOME_SOFTFAIL;
	case SPF_RESULT_NEUTRAL:
		return SPF_OUTCOME_NEUTRAL;
	case SPF_RESULT_NONE:
		return SPF_OUTCOME_NONE;
	case SPF_RESULT_PERMERROR:
		*problem = SPF_strerror(SPF_response_errcode(rs));
		return SPF_OUTCOME_PERMERROR;
	case SPF_RESULT_TEMPERROR:
		return SPF_OUTCOME_TEMPERROR;
	case SPF_RESULT_INVALID:
		break;
	}
	return spf_invalid(rs, rc, problem);
}

/* spf_reason - one plain line explaining the result */
static char *
spf_reason(const struct spf *s, const struct spf_dns_status *dns,
    enum spf_outcome r, const char *who, const char *domain,
    const char *ip, const char *problem)
{
	switch (r) {
	case SPF_OUTCOME_PASS:
		return xasprintf("domain of %s designates %s as permitted "
		    "sender", who, ip);
	case SPF_OUTCOME_FAIL:
		return xasprintf("domain of %s does not designate %s as "
		    "permitted sender", who, ip);
	case SPF_OUTCOME_SOFTFAIL:
		return xasprintf("domain of transitioning %s does not "
		    "designate %s as permitted sender", who, ip);
	case SPF_OUTCOME_NEUTRAL:
		return xasprintf("%s is neither permitted nor denied by "
		    "domain of %s", ip, who);
	case SPF_OUTCOME_NONE:
		return xasprintf("domain of %s does not publish an SPF "
		    "record", who);
	case SPF_OUTCOME_TEMPERROR:
		if (dns->timed_out)
			return xasprintf("DNS lookups for %s did not finish "
			    "within %ld s", domain, s->timeout);
		return xasprintf("temporary DNS failure looking up %s",
		    domain);
	case SPF_OUTCOME_PERMERROR:
		break;
	}
	return xasprintf("the SPF record of %s cannot be used: %s", domain,
	    problem != NULL ? problem : "unknown error");
}

/* spf_early - finish an answer that needs no DNS (result none) */
static void
spf_early(const struct spf *s, struct spf_answer *a, const char *why,
    const char *client_ip, const char *helo, const char *mail_from)
{
	char *clean = spf_clean(why);

	a->result = SPF_OUTCOME_NONE;
	a->reason = clean;
	spf_received(s, a, client_ip, helo, mail_from, NULL);
}

/* spf_run - ask libspf2; fills result and reason */
static void
spf_run(const struct spf *s, SPF_request_t *rq, struct spf_answer *a,
    const char *who, const char *ip, const char **problem)
{
	SPF_response_t *rs = NULL;
	char *shown_who = spf_clean(who), *shown_dom = spf_clean(a->domain);
	struct spf_dns_status dns;
	SPF_errcode_t rc;

	spf_dns_begin(s->timeout);
	rc = SPF_request_query_mailfrom(rq, &rs);
	dns = spf_dns_end();
	*problem = NULL;
	a->result = spf_result_of(rs, rc, &dns, problem);
	a->reason = spf_reason(s, &dns, a->result, shown_who, shown_dom, ip,
	    *problem);
	if (a->result == SPF_OUTCOME_TEMPERROR)
		*problem = dns.timed_out ? "DNS timeout" : "DNS failure";
	SPF_response_free(rs);
	free(shown_who);
	free(shown_dom);
}

/* spf_check - evaluate one sender */
void
spf_check(const struct spf *s, const char *client_ip, const char *helo,
    const char *mail_from, struct spf_answer *out)
{
	const char *at = mail_from != NULL ? strrchr(mail_from, '@') : NULL;
	const char *problem = NULL;
	char ip[INET6_ADDRSTRLEN], *who;
	SPF_request_t *rq;

	memset(out, 0, sizeof(*out));
	/* RFC 7208 2.4: the null sender is checked through HELO. */
	if (at != NULL && at != mail_from && at[1] != '\0') {
		out->identity = "mailfrom";
		out->domain = xstrdup(at + 1);
		who = xstrdup(mail_from);
	} else {
		out->identity = "helo";
		out->domain = helo != NULL && *helo != '\0' ?
		    xstrdup(helo) : NULL;
		who = xasprintf("postmaster@%s", helo != NULL ? helo : "");
	}
	for (char *p = out->domain; p != NULL && *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	if ((rq = SPF_request_new(s->server)) == NULL)
		abort();
	if (client_ip == NULL || !spf_parse_ip(client_ip, rq, ip, sizeof(ip)))
		spf_early(s, out, "the client address is unknown", NULL,
		    helo, mail_from);
	else if (out->domain == NULL)
		spf_early(s, out, "no sender domain and no HELO name to "
		    "check", ip, helo, mail_from);
	else if (!spf_domain_ok(out->domain))
		spf_early(s, out, "the sender domain is not a multi-label "
		    "domain name", ip, helo, mail_from);
	else {
		if (helo != NULL && *helo != '\0')
			(void)SPF_request_set_helo_dom(rq, helo);
		if (SPF_request_set_env_from(rq, strcmp(out->identity,
		    "mailfrom") == 0 ? mail_from : "") != 0)
			abort();
		spf_run(s, rq, out, who, ip, &problem);
		spf_received(s, out, ip, helo, mail_from, problem);
	}
	SPF_request_free(rq);
	free(who);
}
