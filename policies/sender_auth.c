/*
 * sender_auth - no forged or disguised senders (SPEC 2.5)
 *
 * SYNOPSIS
 *	policy_sender_auth
 *
 * DESCRIPTION
 *	AUP: "Email messages must not be forged" and "must not be sent
 *	using another person's email account".  Three checks:
 *
 *	Inbound SPF.  Mail from outside (not authenticated, not from
 *	trusted_networks) gets an SPF check of MAIL FROM, or of HELO for
 *	the null sender (policies/sender_auth/spf.c, libspf2).  Each RFC 7208 result
 *	maps to an action: spf_fail, spf_softfail, spf_temperror and
 *	spf_permerror; none, neutral and pass never object.  A
 *	Received-SPF header (RFC 7208 9.1) is put at the top of every
 *	message checked, whatever the result.
 *
 *	Every mailbox of every From header counts (group members, a From
 *	written in RFC 2047 encoded words, policies/sender_auth/from_list.c);
 *	more than one From header gets `action` in both directions.
 *
 *	Own-domain spoofing.  Inbound mail whose header From or envelope
 *	sender is in the school's domains gets `action` (default reject),
 *	unless its envelope sender is in the school's domains and SPF
 *	passes, or its envelope domain (or a parent of it) is listed in
 *	allowed_services and SPF passes - a listed service still has to
 *	prove, through its own SPF record, that the mail came from it.
 *
 *	Sending as someone else.  Authenticated outbound mail: the login
 *	(a full address, or a bare name taken as name@first school
 *	domain) must equal the envelope sender and the header From.  An
 *	office_senders member may use the office address; the delegations
 *	file lets a login send as other addresses (shared mailboxes).
 *	Otherwise `action`, and the reply names the login and the address
 *	tried.  Outbound mail from trusted_networks without a login is
 *	judged by its envelope sender only: there is no login to compare.
 *
 *	Evaluation reads only the immutable settings and the shared SPF
 *	checker, which is safe on many threads (see policies/sender_auth/spf.c).
 *
 * CONFIGURATION
 *	[sender-auth] action (spoofing and sending as someone else),
 *	spf_fail (reject), spf_softfail (flag), spf_temperror (flag),
 *	spf_permerror (flag), local_records (FILE), allowed_services
 *	(domains), delegations (CSV: login, may_send_as), dns_timeout
 *	(10 s, 1..60).
 *
 * DIAGNOSTICS
 *	configure() reports, with file:line, bad local_records lines, bad
 *	delegation rows (missing columns, a login or address that is not
 *	one), and allowed_services entries that are not domain names.
 *	evaluate() never fails: DNS trouble is an SPF temperror.
 *
 * SEE ALSO
 *	policies/sender_auth/spf.c, policies/sender_auth/local_records.c, conf/templates/sender-auth*.txt
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/addr.h"
#include "config/csv_table.h"
#include "policies/sender_auth/from_list.h"
#include "policies/sender_auth/local_records.h"
#include "policies/policy.h"
#include "engine/roles.h"
#include "policies/sender_auth/spf.h"
#include "util/xalloc.h"

/* One row of the delegations file. */
struct sender_auth_delegation {
	char	*login;		/* normalised login address */
	char	*pattern;	/* an address or *@domain it may send as */
};

struct sender_auth_settings {
	struct policy_common common;	/* action, mode (the loader's) */
	enum result spf_fail;
	enum result spf_softfail;
	enum result spf_temperror;
	enum result spf_permerror;
	char	*local_records;		/* FILE or NULL */
	struct conf_list allowed_services; /* envelope domains */
	char	*delegations;		/* CSV or NULL */
	long	 dns_timeout;		/* seconds per SPF check */
	/* built by configure(), freed by unconfigure() */
	struct spf *spf;
	struct sender_auth_delegation *delegates;
	size_t	 ndelegates;
};

#define S(field)	offsetof(struct sender_auth_settings, field)

static const char *const sender_auth_actions[] = {
	"reject", "quarantine", "flag", "off", NULL
};

static const struct conf_param sender_auth_params[] = {
	{ .name = "spf_fail", .type = CONF_RESULT, .default_value = "reject",
	  .offset = S(spf_fail), .choices = sender_auth_actions,
	  .help = "SPF fail: the sender's domain forbids the client" },
	{ .name = "spf_softfail", .type = CONF_RESULT, .default_value = "flag",
	  .offset = S(spf_softfail), .choices = sender_auth_actions,
	  .help = "SPF softfail: the domain discourages the client" },
	{ .name = "spf_temperror", .type = CONF_RESULT,
	  .default_value = "flag", .offset = S(spf_temperror),
	  .choices = sender_auth_actions,
	  .help = "SPF temperror: DNS failed or took over dns_timeout" },
	{ .name = "spf_permerror", .type = CONF_RESULT,
	  .default_value = "flag", .offset = S(spf_permerror),
	  .choices = sender_auth_actions,
	  .help = "SPF permerror: the domain's SPF record is broken" },
	{ .name = "local_records", .type = CONF_PATH,
	  .offset = S(local_records),
	  .help = "DNS records (NAME TYPE VALUE) answered before DNS" },
	{ .name = "allowed_services", .type = CONF_DOMAINS,
	  .offset = S(allowed_services),
	  .help = "envelope domains of services that may send with the "
	  "school's From (SPF must pass)" },
	{ .name = "delegations", .type = CONF_PATH, .offset = S(delegations),
	  .help = "CSV (login, may_send_as) of shared mailboxes" },
	{ .name = "dns_timeout", .type = CONF_INT, .default_value = "10",
	  .offset = S(dns_timeout), .min = 1, .max = 60,
	  .help = "seconds one SPF check may spend on DNS" },
	{ .name = NULL }
};

static const char *const sender_auth_template_vars[] = {
	"login", "tried", "field", "spf_result", "spf_reason", "domain",
	"client_ip", "sender", NULL
};

/* sender_auth_valid_domain - letters, digits, '-', '_' and inner dots */
static bool
sender_auth_valid_domain(const char *d)
{
	size_t len = strlen(d);

	if (len == 0 || len > 253 || d[0] == '.' || d[len - 1] == '.' ||
	    strstr(d, "..") != NULL)
		return false;
	for (; *d != '\0'; d++)
		if (!isalnum((unsigned char)*d) && strchr("-_.", *d) == NULL)
			return false;
	return true;
}

/* sender_auth_check_services - allowed_services must be domain names */
static void
sender_auth_check_services(struct sender_auth_settings *st,
    const struct school *sc, struct errbuf *eb)
{
	for (size_t i = 0; i < st->allowed_services.count; i++) {
		char *d = st->allowed_services.items[i];

		if (d[0] == '@')
			memmove(d, d + 1, strlen(d));
		for (char *p = d; *p != '\0'; p++)
			*p = (char)tolower((unsigned char)*p);
		if (!sender_auth_valid_domain(d))
			errbuf_add(eb, sc->config_path, 0, "[sender-auth] "
			    "allowed_services: \"%s\" is not a domain name", d);
	}
}

/* sender_auth_add_delegate - remember that `login` may send as `pattern` */
static void
sender_auth_add_delegate(struct sender_auth_settings *st, const char *login,
    const char *pattern)
{
	char *p = xstrdup(pattern);

	for (char *c = p; *c != '\0'; c++)
		*c = (char)tolower((unsigned char)*c);
	st->delegates = xreallocarray(st->delegates, st->ndelegates + 1,
	    sizeof(*st->delegates));
	st->delegates[st->ndelegates].login = xstrdup(login);
	st->delegates[st->ndelegates++].pattern = p;
}

/* sender_auth_delegation_row - one row: a login and ';'-separated targets */
static void
sender_auth_delegation_row(struct sender_auth_settings *st,
    const struct school *sc, const struct csv_table *t,
    const struct csv_row *row, const int col[2], struct errbuf *eb)
{
	char *login = roles_login_address(sc, csv_table_cell(row, col[0]));
	char *targets = xstrdup(csv_table_cell(row, col[1]));
	char *save = NULL, *item;
	int n = 0;

	if (login == NULL)
		errbuf_add(eb, t->name, row->line, "login \"%s\" is not an "
		    "address or a user name", csv_table_cell(row, col[0]));
	for (item = strtok_r(targets, ";", &save); item != NULL;
	    item = strtok_r(NULL, ";", &save)) {
		char *copy = addr_strip_brackets(item);

		if (copy[0] == '\0') {
			free(copy);
			continue;
		}
		n++;
		if (!addr_is_valid_pattern(copy) || strcmp(copy, "*") == 0)
			errbuf_add(eb, t->name, row->line, "may_send_as \"%s\" "
			    "is not an address or *@domain", copy);
		else if (login != NULL)
			sender_auth_add_delegate(st, login, copy);
		free(copy);
	}
	if (n == 0)
		errbuf_add(eb, t->name, row->line, "may_send_as is empty");
	free(targets);
	free(login);
}

/* sender_auth_load_delegations - read the delegations CSV file */
static void
sender_auth_load_delegations(struct sender_auth_settings *st,
    const struct school *sc, struct errbuf *eb)
{
	static const char *const login_names[] = { "login", "user",
	    "username", NULL };
	static const char *const as_names[] = { "may_send_as", "may send as",
	    "send_as", "send as", NULL };
	struct csv_table *t = csv_table_load(st->delegations, eb);
	int col[2];

	if (t == NULL)
		return;
	col[0] = csv_table_column(t, login_names);
	col[1] = csv_table_column(t, as_names);
	if (col[0] < 0 || col[1] < 0)
		errbuf_add(eb, t->name, 1, "needs the columns login and "
		    "may_send_as");
	else
		for (size_t i = 0; i < t->nrows; i++)
			sender_auth_delegation_row(st, sc, t, &t->rows[i], col,
			    eb);
	csv_table_free(t);
}

/* sender_auth_unconfigure - free what configure() built */
static void
sender_auth_unconfigure(void *settings)
{
	struct sender_auth_settings *st = settings;

	st->spf = spf_free(st->spf);
	for (size_t i = 0; i < st->ndelegates; i++) {
		free(st->delegates[i].login);
		free(st->delegates[i].pattern);
	}
	free(st->delegates);
	st->delegates = NULL;
	st->ndelegates = 0;
}

/* sender_auth_configure - load local records and delegations, build SPF */
static int
sender_auth_configure(void *settings, const struct school *sc,
    struct errbuf *eb)
{
	struct sender_auth_settings *st = settings;
	struct local_records *lr = NULL;
	size_t before = eb->nerrors;

	if (st->local_records != NULL)
		lr = local_records_load(st->local_records, eb);
	sender_auth_check_services(st, sc, eb);
	if (st->delegations != NULL)
		sender_auth_load_delegations(st, sc, eb);
	if (eb->nerrors == before) {
		struct spf_options opts = { .dns_timeout = st->dns_timeout,
		    .records = lr };

		st->spf = spf_new(&opts, eb);
	}
	local_records_free(lr);
	if (eb->nerrors != before) {
		sender_auth_unconfigure(st);
		return -1;
	}
	return 0;
}

/* sender_auth_may_send_as - may `login` use the address `as`? */
static bool
sender_auth_may_send_as(const struct sender_auth_settings *st,
    const struct school *sc, const char *login, const char *as)
{
	if (strcmp(login, as) == 0)
		return true;
	if (school_is_office(sc, as) &&
	    school_is_office_sender(sc, login))
		return true;
	for (size_t i = 0; i < st->ndelegates; i++)
		if (strcmp(st->delegates[i].login, login) == 0 &&
		    addr_matches(as, st->delegates[i].pattern))
			return true;
	return false;
}

/* sender_auth_outbound - the login must match the sender identities */
static void
sender_auth_outbound(const struct policy_ctx *ctx,
    const struct sender_auth_settings *st, const struct from_list *fl,
    struct policy_outcome *out)
{
	const struct msg_facts *f = ctx->facts;
	const char *field = NULL, *tried = NULL;

	if (!f->authenticated || ctx->msg->auth == NULL ||
	    ctx->msg->auth[0] == '\0') {
		policy_outcome_set(out, RESULT_PASS, "no login (trusted "
		    "network): judged by the envelope sender %s",
		    f->sender != NULL ? f->sender : "<>");
		return;
	}
	if (f->login == NULL) {
		policy_outcome_set(out, st->common.action, "the login \"%s\" "
		    "is not an address or a user name", ctx->msg->auth);
		policy_outcome_var(out, "login", "%s", ctx->msg->auth);
		policy_outcome_var(out, "tried", "%s", f->sender != NULL ?
		    f->sender : "(none)");
		policy_outcome_var(out, "field", "envelope sender");
		return;
	}
	if (f->sender != NULL &&
	    !sender_auth_may_send_as(st, ctx->school, f->login, f->sender)) {
		field = "envelope sender";
		tried = f->sender;
	} else {
		/* every mailbox of every From: clients show different ones */
		for (size_t i = 0; i < fl->count && tried == NULL; i++)
			if (!sender_auth_may_send_as(st, ctx->school, f->login,
			    fl->addrs[i])) {
				field = "header From";
				tried = fl->addrs[i];
			}
	}
	if (tried == NULL) {
		policy_outcome_set(out, RESULT_PASS, "logged in as %s, sending "
		    "as %s", f->login, f->header_from != NULL ?
		    f->header_from : f->sender != NULL ? f->sender : "<>");
		return;
	}
	policy_outcome_set(out, st->common.action, "sending as someone else: "
	    "logged in as %s but the %s is %s", f->login, field, tried);
	policy_outcome_var(out, "login", "%s", f->login);
	policy_outcome_var(out, "tried", "%s", tried);
	policy_outcome_var(out, "field", "%s", field);
}

/* sender_auth_spf_action - the configured action for an SPF result */
static enum result
sender_auth_spf_action(const struct sender_auth_settings *st,
    enum spf_outcome r)
{
	enum result action = RESULT_PASS;

	switch (r) {
	case SPF_OUTCOME_FAIL:
		action = st->spf_fail;
		break;
	case SPF_OUTCOME_SOFTFAIL:
		action = st->spf_softfail;
		break;
	case SPF_OUTCOME_TEMPERROR:
		action = st->spf_temperror;
		break;
	case SPF_OUTCOME_PERMERROR:
		action = st->spf_permerror;
		break;
	case SPF_OUTCOME_NONE:
	case SPF_OUTCOME_NEUTRAL:
	case SPF_OUTCOME_PASS:
		break;
	}
	return action == RESULT_OFF ? RESULT_PASS : action;
}

/* sender_auth_is_service - envelope domain listed in allowed_services? */
static bool
sender_auth_is_service(const struct sender_auth_settings *st,
    const char *sender)
{
	const char *domain = addr_domain(sender);
	size_t dlen = strlen(domain);

	for (size_t i = 0; i < st->allowed_services.count; i++) {
		const char *svc = st->allowed_services.items[i];
		size_t slen = strlen(svc);

		/* The domain itself or any subdomain (bounces.svc). */
		if (dlen >= slen &&
		    strcasecmp(domain + dlen - slen, svc) == 0 &&
		    (dlen == slen || domain[dlen - slen - 1] == '.'))
			return true;
	}
	return false;
}

/*
 * sender_auth_claimed - the school address an inbound message claims
 * without proof, or NULL when it claims none or proves it.
 */
static const char *
sender_auth_claimed(const struct policy_ctx *ctx,
    const struct sender_auth_settings *st, const struct from_list *fl,
    enum spf_outcome spf)
{
	const struct msg_facts *f = ctx->facts;
	bool env = f->sender != NULL &&
	    school_has_domain(ctx->school, f->sender);
	const char *from = NULL;

	/* any mailbox of any From header, group members included */
	for (size_t i = 0; i < fl->count && from == NULL; i++)
		if (school_has_domain(ctx->school, fl->addrs[i]))
			from = fl->addrs[i];
	if (!env && from == NULL)
		return NULL;
	if (spf == SPF_OUTCOME_PASS && f->sender != NULL &&
	    (env || sender_auth_is_service(st, f->sender)))
		return NULL;
	return from != NULL ? from : f->sender;
}

/* sender_auth_spf_vars - the SPF answer as template variables */
static void
sender_auth_spf_vars(const struct msg *m, const struct spf_answer *a,
    struct policy_outcome *out)
{
	policy_outcome_var(out, "spf_result", "%s",
	    spf_outcome_name(a->result));
	policy_outcome_var(out, "spf_reason", "%s", a->reason);
	policy_outcome_var(out, "domain", "%s", a->domain != NULL ?
	    a->domain : "(none)");
	policy_outcome_var(out, "client_ip", "%s", m->client_addr != NULL ?
	    m->client_addr : "(unknown)");
	policy_outcome_var(out, "sender", "%s", m->sender != NULL &&
	    m->sender[0] != '\0' ? m->sender : "<>");
}

/* sender_auth_inbound - SPF, Received-SPF and own-domain spoofing */
static void
sender_auth_inbound(const struct policy_ctx *ctx,
    const struct sender_auth_settings *st, const struct from_list *fl,
    struct policy_outcome *out)
{
	const struct msg *m = ctx->msg;
	enum result spf_action, spoof_action = RESULT_PASS;
	const char *claimed, *word;
	struct spf_answer a;

	if (ctx->facts->trusted_client) {
		policy_outcome_set(out, RESULT_PASS, "trusted network: SPF "
		    "not checked");
		return;
	}
	spf_check(st->spf, m->client_addr, m->helo,
	    m->sender != NULL ? m->sender : "", &a);
	header_edits_push(&out->edits, HEADER_INSERT, "Received-SPF", 0,
	    a.received_spf);
	sender_auth_spf_vars(m, &a, out);
	word = spf_outcome_name(a.result);
	spf_action = sender_auth_spf_action(st, a.result);
	if ((claimed = sender_auth_claimed(ctx, st, fl, a.result)) != NULL &&
	    st->common.action != RESULT_OFF)
		spoof_action = st->common.action;
	if (spoof_action != RESULT_PASS && spoof_action >= spf_action) {
		policy_outcome_set(out, spoof_action, "forged school sender: "
		    "%s is in the school's domains but the message came from "
		    "outside (SPF %s: %s)", claimed, word, a.reason);
		policy_outcome_var(out, "tried", "%s", claimed);
		out->template = "sender-auth-spoof";
	} else if (spf_action != RESULT_PASS) {
		policy_outcome_set(out, spf_action, "SPF %s: %s", word,
		    a.reason);
		out->template = "sender-auth-spf";
	} else
		policy_outcome_set(out, RESULT_PASS, "SPF %s: %s", word,
		    a.reason);
	spf_answer_clear(&a);
}

/* sender_auth_evaluate - judge one message */
static int
sender_auth_evaluate(const struct policy_ctx *ctx,
    struct policy_outcome *out)
{
	const struct sender_auth_settings *st = ctx->settings;
	struct from_list fl;

	from_list_get(ctx->msg, &fl);
	if (fl.headers > 1 && st->common.action != RESULT_OFF) {
		/* RFC 5322 allows one; clients show the first or the last */
		policy_outcome_set(out, st->common.action, "forged sender: %zu "
		    "From headers (mail programs show different ones)",
		    fl.headers);
		policy_outcome_var(out, "tried", "%s", fl.count > 0 ?
		    fl.addrs[0] : "(none)");
		policy_outcome_var(out, "login", "%s", ctx->facts->login ?
		    ctx->facts->login : "(none)");
		policy_outcome_var(out, "field", "header From");
	} else if (ctx->facts->direction == DIRECTION_OUTBOUND)
		sender_auth_outbound(ctx, st, &fl, out);
	else
		sender_auth_inbound(ctx, st, &fl, out);
	from_list_clear(&fl);
	return 0;
}

const struct policy policy_sender_auth = {
	.name = "sender-auth",
	.summary = "no forged or disguised senders: SPF, own-domain "
	    "spoofing, sending as someone else",
	.params = sender_auth_params,
	.settings_size = sizeof(struct sender_auth_settings),
	.default_action = RESULT_REJECT,
	.actions = sender_auth_actions,
	.liftable = false,
	.needs_analysis = false,
	.template_vars = sender_auth_template_vars,
	.configure = sender_auth_configure,
	.unconfigure = sender_auth_unconfigure,
	.reads_text = policy_reads_no_text,
	.evaluate = sender_auth_evaluate,
};
