/*
 * test_spf - SPF results through the real libspf2, never the internet
 *
 * DESCRIPTION
 *	Most tests run libspf2 over the site's local records only
 *	(`offline`): every RFC 7208 result, include, redirect, macros,
 *	mx/a/aaaa mechanisms and the HELO identity.  The resolver layer is
 *	tested against servers this program starts on 127.0.0.1: a tiny
 *	DNS responder (answers from a table, NXDOMAIN, SERVFAIL), a socket
 *	that never answers (the dns_timeout bound) and a closed port.
 *	Client addresses are TEST-NET ones: libspf2 passes 127.0.0.1.
 *
 * SPDX-License-Identifier: MIT
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <ctype.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/errbuf.h"
#include "policies/sender_auth/local_records.h"
#include "policies/sender_auth/spf.h"
#include "util/xalloc.h"

static const char zone_text[] =
    "pass.test     TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
    "soft.test     TXT \"v=spf1 ip4:192.0.2.1 ~all\"\n"
    "neutral.test  TXT \"v=spf1 ?all\"\n"
    "notspf.test   TXT \"google-site-verification=abc\"\n"
    "aonly.test    A   192.0.2.99\n"
    "unknown.test  TXT \"v=spf1 foo:bar -all\"\n"
    "twice.test    TXT \"v=spf1 -all\"\n"
    "twice.test    TXT \"v=spf1 +all\"\n"
    "incnone.test  TXT \"v=spf1 include:notspf.test -all\"\n"
    "inc.test      TXT \"v=spf1 include:pass.test -all\"\n"
    "redir.test    TXT \"v=spf1 redirect=soft.test\"\n"
    "loop.test     TXT \"v=spf1 include:loop.test -all\"\n"
    "macro.test    TXT \"v=spf1 exists:%{i}.%{l}._spf.macro.test -all\"\n"
    "198.51.100.7.alice._spf.macro.test A 127.0.0.2\n"
    "mx.test       TXT \"v=spf1 mx a:v6.mx.test -all\"\n"
    "mx.test       MX  10 mail.mx.test\n"
    "mail.mx.test  A   203.0.113.5\n"
    "v6.mx.test    AAAA 2001:db8::5\n"
    "helo.test     TXT \"v=spf1 ip4:198.51.100.9 -all\"\n"
    "far.test      TXT \"v=spf1 a:x1.far.test a:x2.far.test "
    "a:x3.far.test a:x4.far.test -all\"\n";

static struct local_records *zone;

/* now_s - monotonic seconds */
static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* checker - an SPF checker over the zone; nameserver NULL = offline */
static struct spf *
checker(const char *nameserver, long timeout)
{
	struct spf_options o = { .dns_timeout = timeout, .records = zone,
	    .receiver = "mx.school.test", .nameserver = nameserver,
	    .offline = nameserver == NULL };
	struct errbuf eb;
	struct spf *s;

	errbuf_init(&eb);
	s = spf_new(&o, &eb);
	assert_non_null(s);
	assert_int_equal(eb.nerrors, 0);
	errbuf_clear(&eb);
	return s;
}

/* expect - one check must give `want`; returns nothing, frees all */
static void
expect(const struct spf *s, const char *ip, const char *helo,
    const char *from, enum spf_outcome want)
{
	struct spf_answer a;

	spf_check(s, ip, helo, from, &a);
	if (a.result != want)
		print_error("%s from %s: got %s (%s), want %s\n", from, ip,
		    spf_outcome_name(a.result), a.reason,
		    spf_outcome_name(want));
	assert_int_equal(a.result, want);
	assert_non_null(a.reason);
	assert_non_null(a.received_spf);
	assert_true(strncmp(a.received_spf, spf_outcome_name(want),
	    strlen(spf_outcome_name(want))) == 0);
	spf_answer_clear(&a);
}

/* spf_pass_fail_softfail_neutral_from_local_records */
static void
spf_pass_fail_softfail_neutral_from_local_records(void **state)
{
	struct spf *s = checker(NULL, 5);

	expect(s, "192.0.2.7", "mx.pass.test", "a@pass.test",
	    SPF_OUTCOME_PASS);
	expect(s, "203.0.113.9", "mx.pass.test", "a@pass.test",
	    SPF_OUTCOME_FAIL);
	expect(s, "203.0.113.9", "x.soft.test", "a@soft.test",
	    SPF_OUTCOME_SOFTFAIL);
	expect(s, "203.0.113.9", "x.test", "a@neutral.test",
	    SPF_OUTCOME_NEUTRAL);
	spf_free(s);
}

/* spf_none_when_no_record_or_no_spf_text */
static void
spf_none_when_no_record_or_no_spf_text(void **state)
{
	struct spf *s = checker(NULL, 5);

	expect(s, "203.0.113.9", "x.test", "a@notspf.test",
	    SPF_OUTCOME_NONE);
	expect(s, "203.0.113.9", "x.test", "a@aonly.test", SPF_OUTCOME_NONE);
	expect(s, "203.0.113.9", "x.test", "a@nowhere.test",
	    SPF_OUTCOME_NONE);
	spf_free(s);
}

/* spf_permerror_for_broken_records */
static void
spf_permerror_for_broken_records(void **state)
{
	struct spf *s = checker(NULL, 5);
	struct spf_answer a;

	expect(s, "203.0.113.9", "x.test", "a@unknown.test",
	    SPF_OUTCOME_PERMERROR);
	expect(s, "203.0.113.9", "x.test", "a@twice.test",
	    SPF_OUTCOME_PERMERROR);
	expect(s, "203.0.113.9", "x.test", "a@incnone.test",
	    SPF_OUTCOME_PERMERROR);
	expect(s, "203.0.113.9", "x.test", "a@loop.test",
	    SPF_OUTCOME_PERMERROR);
	spf_check(s, "203.0.113.9", "x.test", "a@unknown.test", &a);
	assert_non_null(strstr(a.reason, "Unknown mechanism"));
	assert_non_null(strstr(a.received_spf, "problem="));
	spf_answer_clear(&a);
	spf_free(s);
}

/* spf_include_redirect_and_macros_are_evaluated */
static void
spf_include_redirect_and_macros_are_evaluated(void **state)
{
	struct spf *s = checker(NULL, 5);

	expect(s, "192.0.2.50", "x.test", "a@inc.test", SPF_OUTCOME_PASS);
	expect(s, "198.51.100.1", "x.test", "a@inc.test", SPF_OUTCOME_FAIL);
	expect(s, "192.0.2.1", "x.test", "a@redir.test", SPF_OUTCOME_PASS);
	expect(s, "198.51.100.1", "x.test", "a@redir.test",
	    SPF_OUTCOME_SOFTFAIL);
	/* exists:%{i}.%{l}._spf... expands the client IP and local part */
	expect(s, "198.51.100.7", "x.test", "alice@macro.test",
	    SPF_OUTCOME_PASS);
	expect(s, "198.51.100.7", "x.test", "bob@macro.test",
	    SPF_OUTCOME_FAIL);
	expect(s, "198.51.100.8", "x.test", "alice@macro.test",
	    SPF_OUTCOME_FAIL);
	spf_free(s);
}

/* spf_mx_a_and_ipv6_mechanisms_use_local_records */
static void
spf_mx_a_and_ipv6_mechanisms_use_local_records(void **state)
{
	struct spf *s = checker(NULL, 5);

	expect(s, "203.0.113.5", "x.test", "a@mx.test", SPF_OUTCOME_PASS);
	expect(s, "2001:db8::5", "x.test", "a@mx.test", SPF_OUTCOME_PASS);
	expect(s, "::ffff:203.0.113.5", "x.test", "a@mx.test",
	    SPF_OUTCOME_PASS);
	expect(s, "2001:db8::6", "x.test", "a@mx.test", SPF_OUTCOME_FAIL);
	expect(s, "203.0.113.6", "x.test", "a@mx.test", SPF_OUTCOME_FAIL);
	spf_free(s);
}

/* spf_null_sender_checks_the_helo_name */
static void
spf_null_sender_checks_the_helo_name(void **state)
{
	struct spf *s = checker(NULL, 5);
	struct spf_answer a;

	spf_check(s, "198.51.100.9", "helo.test", "", &a);
	assert_int_equal(a.result, SPF_OUTCOME_PASS);
	assert_string_equal(a.identity, "helo");
	assert_string_equal(a.domain, "helo.test");
	assert_non_null(strstr(a.received_spf, "identity=helo;"));
	assert_null(strstr(a.received_spf, "envelope-from="));
	spf_answer_clear(&a);
	expect(s, "198.51.100.10", "helo.test", "", SPF_OUTCOME_FAIL);
	/* RFC 7208 4.3: a single-label name is not checked */
	expect(s, "198.51.100.10", "DESKTOP-7H2KQ", "", SPF_OUTCOME_NONE);
	expect(s, "198.51.100.10", NULL, "", SPF_OUTCOME_NONE);
	spf_free(s);
}

/* spf_unknown_client_address_gives_none */
static void
spf_unknown_client_address_gives_none(void **state)
{
	struct spf *s = checker(NULL, 5);

	expect(s, NULL, "x.test", "a@pass.test", SPF_OUTCOME_NONE);
	expect(s, "not-an-ip", "x.test", "a@pass.test", SPF_OUTCOME_NONE);
	spf_free(s);
}

/* received_spf_header_follows_rfc7208 */
static void
received_spf_header_follows_rfc7208(void **state)
{
	struct spf *s = checker(NULL, 5);
	struct spf_answer a;

	spf_check(s, "192.0.2.7", "mx.pass.test", "Ann@pass.test", &a);
	assert_string_equal(a.received_spf,
	    "pass (mx.school.test: domain of Ann@pass.test designates "
	    "192.0.2.7 as permitted sender)\n\tclient-ip=192.0.2.7; "
	    "envelope-from=\"Ann@pass.test\"; helo=mx.pass.test; "
	    "receiver=mx.school.test; identity=mailfrom;");
	spf_answer_clear(&a);
	/* hostile HELO and sender: quoted, no line breaks, no ( ) */
	spf_check(s, "2001:db8::7", "evil (x)\r\nX-Bad: 1",
	    "we\"ird)@pass.test", &a);
	assert_non_null(strstr(a.received_spf, "client-ip=\"2001:db8::7\";"));
	assert_non_null(strstr(a.received_spf,
	    "envelope-from=\"we\\\"ird)@pass.test\";"));
	assert_non_null(strstr(a.received_spf, "helo=\"evil (x)??X-Bad: 1\""));
	assert_null(strchr(a.received_spf, '\r'));
	assert_int_equal(strchr(a.received_spf, '\n') - a.received_spf,
	    strcspn(a.received_spf, "\n"));
	assert_null(strchr(strchr(a.received_spf, '\n') + 1, '\n'));
	/* the comment cannot close early: the sender's ')' is replaced */
	assert_non_null(strstr(a.received_spf, "(mx.school.test: domain of "
	    "we\"ird?@pass.test does not designate 2001:db8::7 as "
	    "permitted sender)\n"));
	spf_answer_clear(&a);
	spf_free(s);
}

/* bad_checker_options_are_reported */
static void
bad_checker_options_are_reported(void **state)
{
	struct spf_options o = { .dns_timeout = 0 };
	struct errbuf eb;

	errbuf_init(&eb);
	assert_null(spf_new(&o, &eb));
	assert_non_null(strstr(errbuf_first(&eb), "dns_timeout"));
	errbuf_clear(&eb);
	o.dns_timeout = 5;
	o.nameserver = "nope";
	errbuf_init(&eb);
	assert_null(spf_new(&o, &eb));
	assert_non_null(strstr(errbuf_first(&eb), "\"nope\" is not an IPv4"));
	errbuf_clear(&eb);
}

/* ---- DNS servers on loopback for the resolver layer ---- */

enum { T_A = 1, T_MX = 15, T_TXT = 16, T_AAAA = 28 };

struct fake_rr {
	const char *name;
	int	 type;
	const char *data;	/* A: dotted; MX: "PREF HOST"; TXT: text */
};

/* over 255 characters: a TXT record of two character-strings */
#define LONG_SPF "v=spf1 ip4:198.51.100.30 " \
	"exists:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa." \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa." \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa." \
	"wire.test " \
	"exists:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb." \
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb." \
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb." \
	"wire.test -all"

static const struct fake_rr fake_zone[] = {
	{ "wire.test", T_TXT, "v=spf1 mx a:host.wire.test "
	    "include:inc.wire.test -all" },
	{ "wire.test", T_MX, "10 mx.wire.test" },
	{ "mx.wire.test", T_A, "198.51.100.20" },
	{ "host.wire.test", T_A, "198.51.100.21" },
	{ "inc.wire.test", T_TXT, "v=spf1 ip4:198.51.100.22 ?all" },
	{ "broken.wire.test", T_TXT, "v=spf1 a:servfail.wire.test -all" },
	{ "long.wire.test", T_TXT, LONG_SPF },
	{ NULL, 0, NULL }
};

struct fake_server {
	int	 fd;
	char	 addr[32];	/* "127.0.0.1:PORT" */
	bool	 answers;	/* false: a resolver that never answers */
	atomic_bool stop;
	atomic_int queries;	/* questions received */
	pthread_t thread;
};

/* fake_qname - the question's name, dotted and lower case; its end */
static size_t
fake_qname(const unsigned char *q, size_t len, char *name)
{
	size_t i = 12, n = 0;

	while (i < len && q[i] != 0 && n < 250) {
		size_t l = q[i++];

		for (size_t j = 0; j < l && i < len; j++)
			name[n++] = (char)tolower(q[i++]);
		name[n++] = '.';
	}
	name[n > 0 ? n - 1 : 0] = '\0';
	return i + 1;
}

/* fake_rdata - encode one answer's rdata; its length */
static size_t
fake_rdata(const struct fake_rr *rr, unsigned char *out)
{
	size_t n = 0, len;
	const char *p;
	int pref;

	switch (rr->type) {
	case T_A:
		inet_pton(AF_INET, rr->data, out);
		return 4;
	case T_MX:
		pref = atoi(rr->data);
		out[n++] = (unsigned char)(pref >> 8);
		out[n++] = (unsigned char)pref;
		for (p = strchr(rr->data, ' ') + 1; *p != '\0'; p += len) {
			len = strcspn(p, ".");
			out[n++] = (unsigned char)len;
			memcpy(out + n, p, len);
			n += len;
			if (p[len] == '.')
				p++;
		}
		out[n++] = 0;
		return n;
	}
	for (p = rr->data; *p != '\0'; p += len) {
		len = strlen(p) > 200 ? 200 : strlen(p);
		out[n++] = (unsigned char)len;
		memcpy(out + n, p, len);
		n += len;
	}
	return n;
}

/* fake_answer - build the response to query q; its length */
static size_t
fake_answer(const unsigned char *q, size_t len, unsigned char *r)
{
	char name[256];
	size_t end = fake_qname(q, len, name) + 4, n = end;
	int type = q[end - 4] << 8 | q[end - 3], count = 0;
	bool known = false;

	memcpy(r, q, end);
	r[2] = 0x80 | (q[2] & 0x01);	/* QR, RD copied */
	r[3] = 0x80;			/* RA, NOERROR */
	memset(r + 6, 0, 6);
	for (const struct fake_rr *rr = fake_zone; rr->name != NULL; rr++) {
		size_t rdlen;

		if (strcmp(rr->name, name) != 0)
			continue;
		known = true;
		if (rr->type != type)
			continue;
		memcpy(r + n, "\xc0\x0c", 2);
		r[n + 2] = 0;
		r[n + 3] = (unsigned char)type;
		memcpy(r + n + 4, "\x00\x01\x00\x00\x00\x3c", 6);
		rdlen = fake_rdata(rr, r + n + 12);
		r[n + 10] = (unsigned char)(rdlen >> 8);
		r[n + 11] = (unsigned char)rdlen;
		n += 12 + rdlen;
		count++;
	}
	r[7] = (unsigned char)count;
	if (strcmp(name, "servfail.wire.test") == 0)
		r[3] |= 2;
	else if (!known)
		r[3] |= 3;
	return n;
}

/* fake_serve - answer queries until told to stop */
static void *
fake_serve(void *arg)
{
	struct fake_server *fs = arg;
	unsigned char q[512], r[4096];

	while (!atomic_load(&fs->stop)) {
		struct pollfd pfd = { .fd = fs->fd, .events = POLLIN };
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n;

		if (poll(&pfd, 1, 50) <= 0)
			continue;
		n = recvfrom(fs->fd, q, sizeof(q), 0, (struct sockaddr *)&from,
		    &flen);
		if (n > 0)
			atomic_fetch_add(&fs->queries, 1);
		if (n < 17)
			continue;
		(void)sendto(fs->fd, r, fake_answer(q, (size_t)n, r), 0,
		    (struct sockaddr *)&from, flen);
	}
	return NULL;
}

/* fake_start - a UDP server on 127.0.0.1; answering or silent */
static struct fake_server *
fake_start(bool answers)
{
	struct fake_server *fs = xcalloc(1, sizeof(*fs));
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fs->fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fs->fd >= 0);
	assert_int_equal(bind(fs->fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	assert_int_equal(getsockname(fs->fd, (struct sockaddr *)&sin, &len),
	    0);
	snprintf(fs->addr, sizeof(fs->addr), "127.0.0.1:%u",
	    ntohs(sin.sin_port));
	fs->answers = answers;
	if (answers)
		assert_int_equal(pthread_create(&fs->thread, NULL, fake_serve,
		    fs), 0);
	return fs;
}

/* fake_stop - stop and free a server */
static void
fake_stop(struct fake_server *fs)
{
	atomic_store(&fs->stop, true);
	if (fs->answers)
		pthread_join(fs->thread, NULL);
	close(fs->fd);
	free(fs);
}

/* resolver_answers_are_evaluated_mx_a_include_and_long_txt */
static void
resolver_answers_are_evaluated_mx_a_include_and_long_txt(void **state)
{
	struct fake_server *fs = fake_start(true);
	struct spf *s = checker(fs->addr, 5);

	expect(s, "198.51.100.20", "x.test", "a@wire.test", SPF_OUTCOME_PASS);
	expect(s, "198.51.100.21", "x.test", "a@wire.test", SPF_OUTCOME_PASS);
	expect(s, "198.51.100.22", "x.test", "a@wire.test", SPF_OUTCOME_PASS);
	expect(s, "198.51.100.23", "x.test", "a@wire.test", SPF_OUTCOME_FAIL);
	expect(s, "198.51.100.30", "x.test", "a@long.wire.test",
	    SPF_OUTCOME_PASS);
	expect(s, "198.51.100.31", "x.test", "a@long.wire.test",
	    SPF_OUTCOME_FAIL);
	expect(s, "198.51.100.20", "x.test", "a@nxdomain.wire.test",
	    SPF_OUTCOME_NONE);
	/* local records still come first */
	expect(s, "192.0.2.7", "x.test", "a@pass.test", SPF_OUTCOME_PASS);
	spf_free(s);
	fake_stop(fs);
}

/* servfail_inside_a_mechanism_gives_temperror_not_fail */
static void
servfail_inside_a_mechanism_gives_temperror_not_fail(void **state)
{
	struct fake_server *fs = fake_start(true);
	struct spf *s = checker(fs->addr, 5);
	struct spf_answer a;

	spf_check(s, "198.51.100.40", "x.test", "a@broken.wire.test", &a);
	assert_int_equal(a.result, SPF_OUTCOME_TEMPERROR);
	assert_non_null(strstr(a.reason, "temporary DNS failure"));
	assert_non_null(strstr(a.received_spf, "problem=\"DNS failure\""));
	spf_answer_clear(&a);
	spf_free(s);
	fake_stop(fs);
}

/* a_name_with_local_records_never_reaches_dns */
static void
a_name_with_local_records_never_reaches_dns(void **state)
{
	struct fake_server *fs = fake_start(false);
	struct spf *s = checker(fs->addr, 3);

	/* aonly.test has an A record only: TXT is "no data", not DNS */
	expect(s, "203.0.113.9", "x.test", "a@aonly.test", SPF_OUTCOME_NONE);
	expect(s, "192.0.2.7", "x.test", "a@pass.test", SPF_OUTCOME_PASS);
	assert_int_equal(atomic_load(&fs->queries), 0);
	spf_free(s);
	fake_stop(fs);
}

/* silent_resolver_gives_temperror_within_dns_timeout */
static void
silent_resolver_gives_temperror_within_dns_timeout(void **state)
{
	struct fake_server *fs = fake_start(false);
	struct spf *s = checker(fs->addr, 1);
	struct spf_answer a;
	double t0 = now_s(), took;

	spf_check(s, "203.0.113.9", "x.test", "a@slow.example", &a);
	took = now_s() - t0;
	print_message("# silent resolver, dns_timeout 1 s: %.3f s\n", took);
	assert_int_equal(a.result, SPF_OUTCOME_TEMPERROR);
	assert_non_null(strstr(a.reason, "did not finish within 1 s"));
	assert_non_null(strstr(a.received_spf, "problem=\"DNS timeout\""));
	/* it waited for the timeout and then gave up (never hangs) */
	assert_true(took >= 0.9 && took < 1 + 3);
	spf_answer_clear(&a);
	spf_free(s);
	fake_stop(fs);
}

/* many_lookups_still_end_within_dns_timeout */
static void
many_lookups_still_end_within_dns_timeout(void **state)
{
	struct fake_server *fs = fake_start(false);
	struct spf *s = checker(fs->addr, 2);
	double t0 = now_s(), took;

	/* far.test (local) names four hosts that only DNS could answer */
	expect(s, "203.0.113.9", "x.test", "a@far.test",
	    SPF_OUTCOME_TEMPERROR);
	took = now_s() - t0;
	print_message("# four silent lookups, dns_timeout 2 s: %.3f s\n",
	    took);
	/* one 2 s budget for all four, not 2 s each */
	assert_true(took >= 1.9 && took < 4 * 2);
	spf_free(s);
	fake_stop(fs);
}

/* refused_resolver_gives_temperror_at_once */
static void
refused_resolver_gives_temperror_at_once(void **state)
{
	struct fake_server *fs = fake_start(false);
	char addr[32];
	struct spf *s;
	double t0;

	/* a port nobody listens on: ICMP port unreachable */
	memcpy(addr, fs->addr, sizeof(addr));
	fake_stop(fs);
	s = checker(addr, 5);
	t0 = now_s();
	expect(s, "203.0.113.9", "x.test", "a@gone.example",
	    SPF_OUTCOME_TEMPERROR);
	/* refused at once: before the 5 s timeout could end it */
	assert_true(now_s() - t0 < 5);
	spf_free(s);
}

/* Work for the concurrency test. */
struct work {
	const struct spf *s;
	int	 mismatches;
};

static const struct {
	const char *ip, *from;
	enum spf_outcome want;
} work_cases[] = {
	{ "192.0.2.7", "a@pass.test", SPF_OUTCOME_PASS },
	{ "203.0.113.9", "a@pass.test", SPF_OUTCOME_FAIL },
	{ "203.0.113.9", "a@soft.test", SPF_OUTCOME_SOFTFAIL },
	{ "203.0.113.9", "a@neutral.test", SPF_OUTCOME_NEUTRAL },
	{ "203.0.113.9", "a@notspf.test", SPF_OUTCOME_NONE },
	{ "203.0.113.9", "a@unknown.test", SPF_OUTCOME_PERMERROR },
	{ "192.0.2.50", "a@inc.test", SPF_OUTCOME_PASS },
	{ "198.51.100.7", "alice@macro.test", SPF_OUTCOME_PASS },
	{ "2001:db8::5", "a@mx.test", SPF_OUTCOME_PASS },
	{ "198.51.100.20", "a@wire.test", SPF_OUTCOME_PASS },
	{ "198.51.100.23", "a@wire.test", SPF_OUTCOME_FAIL },
	{ "198.51.100.40", "a@broken.wire.test", SPF_OUTCOME_TEMPERROR },
};

/* work_run - many checks on the shared checker; count wrong answers */
static void *
work_run(void *arg)
{
	struct work *w = arg;
	size_t n = sizeof(work_cases) / sizeof(work_cases[0]);

	for (size_t i = 0; i < 60 * n; i++) {
		struct spf_answer a;

		spf_check(w->s, work_cases[i % n].ip, "x.test",
		    work_cases[i % n].from, &a);
		if (a.result != work_cases[i % n].want)
			w->mismatches++;
		spf_answer_clear(&a);
	}
	return NULL;
}

/* concurrent_checks_on_one_checker_all_agree */
static void
concurrent_checks_on_one_checker_all_agree(void **state)
{
	struct fake_server *fs = fake_start(true);
	struct spf *s = checker(fs->addr, 5);
	pthread_t t[8];
	struct work w[8];

	for (int i = 0; i < 8; i++) {
		w[i] = (struct work){ .s = s };
		assert_int_equal(pthread_create(&t[i], NULL, work_run, &w[i]),
		    0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].mismatches, 0);
	}
	spf_free(s);
	fake_stop(fs);
}

/* setup - load the zone once */
static int
setup(void **state)
{
	struct errbuf eb;

	errbuf_init(&eb);
	zone = local_records_parse(zone_text, strlen(zone_text), "zone",
	    &eb);
	errbuf_print(&eb, stderr);
	errbuf_clear(&eb);
	return zone == NULL ? -1 : 0;
}

/* teardown - free the zone */
static int
teardown(void **state)
{
	spf_thread_end();
	zone = local_records_free(zone);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    spf_pass_fail_softfail_neutral_from_local_records),
		cmocka_unit_test(spf_none_when_no_record_or_no_spf_text),
		cmocka_unit_test(spf_permerror_for_broken_records),
		cmocka_unit_test(
		    spf_include_redirect_and_macros_are_evaluated),
		cmocka_unit_test(
		    spf_mx_a_and_ipv6_mechanisms_use_local_records),
		cmocka_unit_test(spf_null_sender_checks_the_helo_name),
		cmocka_unit_test(spf_unknown_client_address_gives_none),
		cmocka_unit_test(received_spf_header_follows_rfc7208),
		cmocka_unit_test(bad_checker_options_are_reported),
		cmocka_unit_test(
		    resolver_answers_are_evaluated_mx_a_include_and_long_txt),
		cmocka_unit_test(
		    servfail_inside_a_mechanism_gives_temperror_not_fail),
		cmocka_unit_test(a_name_with_local_records_never_reaches_dns),
		cmocka_unit_test(
		    silent_resolver_gives_temperror_within_dns_timeout),
		cmocka_unit_test(many_lookups_still_end_within_dns_timeout),
		cmocka_unit_test(refused_resolver_gives_temperror_at_once),
		cmocka_unit_test(concurrent_checks_on_one_checker_all_agree),
	};

	return cmocka_run_group_tests_name("spf", tests, setup, teardown);
}
