/*
 * spf_dns - the DNS layers under spf.c's libspf2 server
 *
 * SYNOPSIS
 *	spf_dns_stack(), spf_dns_begin(), spf_dns_end(),
 *	spf_dns_thread_end()
 *
 * DESCRIPTION
 *	Two libspf2 DNS layers, stacked:
 *
 *	  zone layer (local records)	libspf2's SPF_dns_zone; every name
 *					that has a record also gets a
 *					catch-all "ANY -> NO_DATA" entry,
 *					so it is answered only from the
 *					file and never falls through
 *	  resolver layer (ours)		res_nquery() on a per-thread
 *					resolver state, within the check's
 *					deadline; absent when offline
 *
 *	Time bound.  spf_dns_begin() gives this thread's check a deadline
 *	(CLOCK_MONOTONIC).  Before each query the resolver layer looks at
 *	what is left: with less than a second left it answers TRY_AGAIN
 *	without asking; otherwise it sets the thread's res_state to one
 *	try (retry = 1) and the largest per-server timeout (retrans) for
 *	which glibc's worst case - retrans for the first server plus
 *	(retrans << i) / nscount for server i, each at least 1 s (glibc
 *	2.36 res_send.c, send_dg) - still fits, asking fewer servers when
 *	even 1 s each would not.  A silent resolver therefore yields
 *	temperror within dns_timeout, however many lookups the record
 *	asks for.  libspf2's own resolver layer cannot do this: its
 *	thread-local res_state is private and always uses resolv.conf's
 *	timeout and attempts.
 *	XXX glibc falls back to TCP on a truncated answer and that read
 *	has no timeout of its own; only the configured (trusted) resolver
 *	is ever asked, so this is accepted.  A private UDP/TCP query loop
 *	with poll() would remove it.
 *
 *	RFC 7208 details handled here: type SPF (99) is never asked for
 *	(3.1, 14.1: discontinued), every RCODE other than NOERROR and
 *	NXDOMAIN is a temporary failure (2.6.6), and any failed lookup is
 *	remembered so spf.c can turn the whole check into temperror (5)
 *	where libspf2 would let the mechanism silently not match.
 *
 *	Threads.  The only mutable state, the res_state and the running
 *	check's deadline, lives in a per-thread structure under one
 *	process-wide pthread key.  The layers themselves are read-only
 *	once built, so one stack serves every thread.
 *
 * DIAGNOSTICS
 *	spf_dns_stack() adds errors to an errbuf (a bad nameserver
 *	address, a record libspf2 refuses).  Lookups never fail loudly:
 *	they answer TRY_AGAIN, and spf_dns_end() says so.
 *
 * SPDX-License-Identifier: MIT
 */
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <spf2/spf.h>
#include <spf2/spf_dns_zone.h>

#include "policies/sender_auth/spf_dns.h"
#include "util/xalloc.h"

#define SPF_DNS_MAX_ANSWER	65536	/* largest DNS message */

/* Settings of our resolver layer (its hook). */
struct spf_dns_resolver {
	bool	 has_ns;	/* query `ns` instead of resolv.conf's */
	struct sockaddr_in ns;
};

/* Per-thread state: the resolver and the running check's deadline. */
struct spf_dns_thread {
	struct __res_state res;
	bool	 res_ready;	/* res_ninit() done */
	bool	 res_has_ns;	/* res was pointed at res_ns */
	struct sockaddr_in res_ns;
	struct timespec deadline;
	bool	 timed_out;	/* a lookup ran out of time */
	bool	 dns_failed;	/* a lookup failed: the result is temperror */
};

static pthread_once_t spf_dns_once = PTHREAD_ONCE_INIT;
static pthread_key_t spf_dns_key;

/* spf_dns_thread_free - pthread key destructor */
static void
spf_dns_thread_free(void *arg)
{
	struct spf_dns_thread *th = arg;

	if (th->res_ready)
		res_nclose(&th->res);
	free(th);
}

/* spf_dns_thread - this thread's state, created on first use */
static struct spf_dns_thread *
spf_dns_thread(void)
{
	struct spf_dns_thread *th = pthread_getspecific(spf_dns_key);

	if (th == NULL) {
		th = xcalloc(1, sizeof(*th));
		if (pthread_setspecific(spf_dns_key, th) != 0)
			abort();
	}
	return th;
}

/* spf_dns_ms_left - milliseconds until the check's deadline (may be < 0) */
static long
spf_dns_ms_left(const struct spf_dns_thread *th)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (th->deadline.tv_sec - now.tv_sec) * 1000L +
	    (th->deadline.tv_nsec - now.tv_nsec) / 1000000L;
}

/* spf_dns_glibc_worst - seconds glibc may wait: one try, n servers */
static long
spf_dns_glibc_worst(long retrans, int n)
{
	long total = retrans;

	/* res_send.c send_dg(): (retrans << ns) / nscount, at least 1 */
	for (int i = 1; i < n; i++) {
		long s = (retrans << i) / n;
		total += s > 0 ? s : 1;
	}
	return total;
}

/*
 * spf_dns_plan - fit one query into `seconds`: how many servers to ask and
 * their retrans.  seconds >= 1.
 */
static void
spf_dns_plan(long seconds, int servers, int *use, long *retrans)
{
	int n = servers > 0 ? servers : 1;

	while (n > 1 && spf_dns_glibc_worst(1, n) > seconds)
		n--;
	*retrans = 1;
	while (*retrans < seconds &&
	    spf_dns_glibc_worst(*retrans + 1, n) <= seconds)
		(*retrans)++;
	*use = n;
}

/* spf_dns_thread_res - make th->res ready for resolver `r`; 0 or -1 */
static int
spf_dns_thread_res(struct spf_dns_thread *th, const struct spf_dns_resolver *r)
{
	if (th->res_ready && th->res_has_ns == r->has_ns &&
	    (!r->has_ns || memcmp(&th->res_ns, &r->ns, sizeof(r->ns)) == 0))
		return 0;
	if (th->res_ready)
		res_nclose(&th->res);
	memset(&th->res, 0, sizeof(th->res));
	th->res_ready = false;
	if (res_ninit(&th->res) != 0)
		return -1;
	th->res_ready = true;
	th->res_has_ns = r->has_ns;
	if (r->has_ns) {
		th->res.nsaddr_list[0] = r->ns;
		th->res.nscount = 1;
		th->res_ns = r->ns;
	}
	return 0;
}

/*
 * spf_dns_query - res_nquery() within the deadline; the answer length, or
 * -1 with *herrno set (HOST_NOT_FOUND, NO_DATA or TRY_AGAIN).  Any
 * TRY_AGAIN marks the check as failed (RFC 7208 5: temperror).
 */
static int
spf_dns_query(struct spf_dns_thread *th, const struct spf_dns_resolver *r,
    const char *domain, ns_type type, unsigned char *buf, int *herrno)
{
	long left = spf_dns_ms_left(th) / 1000, retrans, started;
	int use, servers, n;

	*herrno = TRY_AGAIN;
	if (left < 1)
		th->timed_out = true;
	if (left < 1 || spf_dns_thread_res(th, r) != 0) {
		th->dns_failed = true;
		return -1;
	}
	servers = th->res.nscount;
	spf_dns_plan(left, servers, &use, &retrans);
	th->res.retry = 1;
	th->res.retrans = (int)retrans;
	th->res.nscount = use;
	started = spf_dns_ms_left(th);
	n = res_nquery(&th->res, domain, ns_c_in, type, buf,
	    SPF_DNS_MAX_ANSWER);
	th->res.nscount = servers;
	if (n >= 0)
		return n > SPF_DNS_MAX_ANSWER ? SPF_DNS_MAX_ANSWER : n;
	if (th->res.res_h_errno == HOST_NOT_FOUND ||
	    th->res.res_h_errno == NO_DATA) {
		*herrno = th->res.res_h_errno;
		return -1;
	}
	/*
	 * RFC 7208 2.6.6: any RCODE but 0 and 3 is a temporary error.
	 * glibc's errno does not tell a timeout from SERVFAIL; the clock
	 * does: a timeout used up (nearly) all of retrans.
	 */
	if (started - spf_dns_ms_left(th) >= retrans * 1000 - 100)
		th->timed_out = true;
	th->dns_failed = true;
	return -1;
}

/* spf_dns_rr_put - store one datum as answer number `i`; false on failure */
static bool
spf_dns_rr_put(SPF_dns_rr_t *rr, int i, const void *data, size_t len,
    bool string)
{
	if (SPF_dns_rr_buf_realloc(rr, i, len + (string ? 1 : 0)) !=
	    SPF_E_SUCCESS)
		return false;
	memcpy(rr->rr[i], data, len);
	if (string)
		((char *)rr->rr[i])[len] = '\0';
	return true;
}

/* spf_dns_rr_txt - join the character-strings of TXT rdata into `out` */
static size_t
spf_dns_rr_txt(const unsigned char *rdata, size_t rdlen, char *out)
{
	size_t n = 0;

	while (rdlen > 0) {
		size_t len = *rdata++;

		rdlen--;
		if (len > rdlen)
			len = rdlen;
		memcpy(out + n, rdata, len);
		n += len;
		rdata += len;
		rdlen -= len;
	}
	return n;
}

/*
 * spf_dns_rr_one - convert one answer's rdata; false if it is malformed.
 * `msg`..`eom` is the whole message (names in rdata may point back).
 */
static bool
spf_dns_rr_one(SPF_dns_rr_t *rr, int i, int type, const unsigned char *msg,
    const unsigned char *eom, const unsigned char *rdata, size_t rdlen)
{
	char name[NS_MAXDNAME], *txt;
	bool ok;

	switch (type) {
	case ns_t_a:
		return rdlen == 4 && spf_dns_rr_put(rr, i, rdata, 4, false);
	case ns_t_aaaa:
		return rdlen == 16 && spf_dns_rr_put(rr, i, rdata, 16, false);
	case ns_t_mx:
	case ns_t_ptr:
		if (type == ns_t_mx && rdlen < 3)
			return false;
		if (dn_expand(msg, eom, rdata + (type == ns_t_mx ? 2 : 0),
		    name, sizeof(name)) < 0)
			return false;
		return spf_dns_rr_put(rr, i, name, strlen(name), true);
	default:
		txt = xmalloc(rdlen + 1);
		ok = spf_dns_rr_put(rr, i, txt,
		    spf_dns_rr_txt(rdata, rdlen, txt), true);
		free(txt);
		return ok;
	}
}

/*
 * spf_dns_rr_parse - the answers of `type` in a DNS message.  Every length
 * is checked against the end of the message; a message that lies about
 * its lengths is a temporary failure.
 */
static SPF_dns_rr_t *
spf_dns_rr_parse(SPF_dns_server_t *d, const char *domain, ns_type type,
    const unsigned char *buf, int len)
{
	SPF_dns_rr_t *rr = SPF_dns_rr_new_init(d, domain, type, 0,
	    NETDB_SUCCESS);
	const unsigned char *p = buf + HFIXEDSZ, *eom = buf + len;
	int qd, an, n, count = 0;

	if (rr == NULL)
		abort();
	if (len < HFIXEDSZ)
		goto bad;
	qd = buf[4] << 8 | buf[5];
	an = buf[6] << 8 | buf[7];
	for (int i = 0; i < qd; i++) {
		if ((n = dn_skipname(p, eom)) < 0 || eom - p < n + QFIXEDSZ)
			goto bad;
		p += n + QFIXEDSZ;
	}
	for (int i = 0; i < an; i++) {
		int rtype;
		size_t rdlen;

		if ((n = dn_skipname(p, eom)) < 0 || eom - p < n + RRFIXEDSZ)
			goto bad;
		p += n;
		rtype = p[0] << 8 | p[1];
		rdlen = (size_t)(p[8] << 8 | p[9]);
		p += RRFIXEDSZ;
		if ((size_t)(eom - p) < rdlen)
			goto bad;
		/* CNAMEs come with the records they lead to; skip them. */
		if (rtype == (int)type &&
		    spf_dns_rr_one(rr, count, rtype, buf, eom, p, rdlen))
			count++;
		p += rdlen;
	}
	rr->num_rr = count;
	if (count == 0)
		rr->herrno = NO_DATA;
	return rr;
bad:
	rr->num_rr = 0;
	rr->herrno = TRY_AGAIN;
	return rr;
}

/* spf_dns_resolver_lookup - the resolver layer's lookup (libspf2 hook) */
static SPF_dns_rr_t *
spf_dns_resolver_lookup(SPF_dns_server_t *d, const char *domain, ns_type type,
    int should_cache)
{
	struct spf_dns_thread *th = spf_dns_thread();
	unsigned char *buf;
	SPF_dns_rr_t *rr;
	int herrno, n;

	/* RFC 7208 3.1 and 14.1: type SPF (99) is no longer used. */
	if (type == ns_t_spf) {
		n = -1;
		herrno = NO_DATA;
		buf = NULL;
	} else {
		buf = xmalloc(SPF_DNS_MAX_ANSWER);
		n = spf_dns_query(th, d->hook, domain, type, buf, &herrno);
	}
	if (n < 0)
		rr = SPF_dns_rr_new_init(d, domain, type, 0, herrno);
	else
		rr = spf_dns_rr_parse(d, domain, type, buf, n);
	free(buf);
	if (rr == NULL)
		abort();
	if (rr->herrno == TRY_AGAIN)
		th->dns_failed = true;
	return rr;
}

/* spf_dns_resolver_destroy - free the layer (libspf2 calls it) */
static void
spf_dns_resolver_destroy(SPF_dns_server_t *d)
{
	free(d->hook);
	free(d);
}

/* spf_dns_resolver_new - our resolver layer */
static SPF_dns_server_t *
spf_dns_resolver_new(const struct spf_dns_resolver *settings)
{
	/* libspf2 frees layers with free(): allocate them with malloc. */
	SPF_dns_server_t *d = xcalloc(1, sizeof(*d));
	struct spf_dns_resolver *r = xmalloc(sizeof(*r));

	*r = *settings;
	d->destroy = spf_dns_resolver_destroy;
	d->lookup = spf_dns_resolver_lookup;
	d->name = "aup-resolver";
	d->hook = r;
	return d;
}

/* spf_dns_zone - the zone layer of the local records, above `below` */
static SPF_dns_server_t *
spf_dns_zone(const struct local_records *lr, SPF_dns_server_t *below,
    struct errbuf *eb)
{
	static const ns_type types[] = {
		[LOCAL_RECORD_TXT] = ns_t_txt, [LOCAL_RECORD_A] = ns_t_a,
		[LOCAL_RECORD_AAAA] = ns_t_aaaa, [LOCAL_RECORD_MX] = ns_t_mx,
	};
	SPF_dns_server_t *z = SPF_dns_zone_new(below, "local-records", 0);
	size_t n = lr != NULL ? lr->count : 0;

	if (z == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		const struct local_record *rec = &lr->items[i];

		if (SPF_dns_zone_add_str(z, rec->name, types[rec->type],
		    NETDB_SUCCESS, rec->value) != SPF_E_SUCCESS)
			errbuf_add(eb, lr->path, rec->line, "libspf2 refused "
			    "this record");
	}
	/* Then, once per name, "no other data": never fall through. */
	for (size_t i = 0; i < n; i++) {
		bool first = true;

		for (size_t j = 0; j < i && first; j++)
			first = strcmp(lr->items[j].name,
			    lr->items[i].name) != 0;
		if (first && SPF_dns_zone_add_str(z, lr->items[i].name,
		    ns_t_any, NO_DATA, NULL) != SPF_E_SUCCESS)
			abort();
	}
	return z;
}

/* spf_dns_nameserver - parse "ADDR" or "ADDR:PORT"; 0 or -1 */
static int
spf_dns_nameserver(const char *text, struct sockaddr_in *sin)
{
	char *copy = xstrdup(text), *colon = strchr(copy, ':'), *end;
	long port = 53;
	int rc = 0;

	memset(sin, 0, sizeof(*sin));
	if (colon != NULL) {
		*colon = '\0';
		errno = 0;
		port = strtol(colon + 1, &end, 10);
		if (*end != '\0' || errno != 0 || port < 1 || port > 65535)
			rc = -1;
	}
	if (inet_pton(AF_INET, copy, &sin->sin_addr) != 1)
		rc = -1;
	sin->sin_family = AF_INET;
	sin->sin_port = htons((unsigned short)port);
	free(copy);
	return rc;
}


/* spf_dns_init_once - the thread key */
static void
spf_dns_init_once(void)
{
	if (pthread_key_create(&spf_dns_key, spf_dns_thread_free) != 0)
		abort();
}

/* spf_dns_stack - the layers for one configuration */
SPF_dns_server_t *
spf_dns_stack(const struct local_records *lr, const char *nameserver,
    bool offline, struct errbuf *eb)
{
	struct spf_dns_resolver r = { .has_ns = nameserver != NULL };
	SPF_dns_server_t *layer = NULL;
	size_t errors = eb->nerrors;

	(void)pthread_once(&spf_dns_once, spf_dns_init_once);
	if (nameserver != NULL && spf_dns_nameserver(nameserver, &r.ns) != 0) {
		errbuf_add(eb, NULL, 0, "\"%s\" is not an IPv4 address "
		    "with an optional :port", nameserver);
		return NULL;
	}
	if (!offline)
		layer = spf_dns_resolver_new(&r);
	if (offline || (lr != NULL && lr->count > 0))
		layer = spf_dns_zone(lr, layer, eb);
	if (eb->nerrors != errors) {
		SPF_dns_free(layer);
		return NULL;
	}
	return layer;
}

/* spf_dns_begin - this thread's check starts; lookups stop at +seconds */
void
spf_dns_begin(long seconds)
{
	struct spf_dns_thread *th;

	(void)pthread_once(&spf_dns_once, spf_dns_init_once);
	th = spf_dns_thread();
	clock_gettime(CLOCK_MONOTONIC, &th->deadline);
	th->deadline.tv_sec += seconds;
	th->timed_out = th->dns_failed = false;
}

/* spf_dns_end - the check is over: did any lookup fail or time out? */
struct spf_dns_status
spf_dns_end(void)
{
	struct spf_dns_thread *th = spf_dns_thread();

	return (struct spf_dns_status){ .timed_out = th->timed_out,
	    .failed = th->dns_failed };
}

/* spf_dns_thread_end - free this thread's state (exiting threads do it) */
void
spf_dns_thread_end(void)
{
	void *th;

	(void)pthread_once(&spf_dns_once, spf_dns_init_once);
	if ((th = pthread_getspecific(spf_dns_key)) != NULL) {
		(void)pthread_setspecific(spf_dns_key, NULL);
		spf_dns_thread_free(th);
	}
}
