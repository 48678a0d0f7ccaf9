/*
 * pupil_data - pupil personal data never leaves the school unencrypted
 *
 * SYNOPSIS
 *	policy_pupil_data
 *
 * DESCRIPTION
 *	SPEC 2.3 and 4.  Outbound mail is scanned part by part: the message
 *	text (with the Subject, which travels in clear even when the
 *	attachments are encrypted), and every attachment, archive entries
 *	included, through the detectors of milter/pupil/.  A part "carries
 *	pupil data" at min_identifiers distinct identifiers (a pupil's
 *	name, UPN and date of birth are three), or at one identifier with a
 *	sensitive category within 300 characters or heading its table.
 *	Encrypted parts pass, and so does a message whose top-level body is
 *	S/MIME-enveloped or PGP/MIME-encrypted (by structure, analysis.h),
 *	but for its Subject, which is scanned; a message whose MIME
 *	structure is ambiguous cannot be scanned as the recipient will see
 *	it and gets `action` too;
 *	with min_encryption = strong, a part protected only by weak
 *	encryption (ZipCrypto, Office RC4/XOR, 40-bit PDF) is refused as if
 *	it were open.  Mail to any recipient outside the school gets
 *	`action` (default reject); mail to colleagues only gets
 *	`internal_action` (flag); mail whose outside recipients are all in
 *	`trusted_domains` (the local authority's children's services, for
 *	urgent safeguarding referrals) gets `trusted_action` (flag).  An
 *	exemption in exemptions.csv naming pupil-data lifts it per
 *	recipient.
 *	The reply names the part (a file name only when it holds no pupil
 *	name: "the attached Word document" otherwise), what kinds and how
 *	many identifiers were found, never a value, and how to send it
 *	safely (template pupil-data).
 *	The same detectors count the identifiers of any value the engine
 *	is about to log or show (policy.h identifiers: the Subject, file
 *	names, reasons), so that it withholds them.
 *
 * CONFIGURATION
 *	[pupil-data] action, internal_action, trusted_domains,
 *	trusted_action, min_identifiers, min_encryption (any | strong),
 *	keywords (file or folder of lists; default built-in, the same as
 *	conf/pupil-data/keywords.txt), mode.
 *
 * DIAGNOSTICS
 *	The reason (event log, aupctl) gives kinds, counts and the part's
 *	path, with any path component that holds an identifier withheld.
 *	-1 (on_error) when the analysis or the pattern engine fails.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "analysis/analysis.h"
#include "config/directory.h"
#include "policies/policy.h"
#include "policies/pupil_data/pupil_scan.h"
#include "util/xalloc.h"

#define PUPIL_DATA_SHOWN 3	/* parts named in the reply */

struct pupil_data_settings {
	struct policy_common common;
	enum result internal_action;
	enum result trusted_action;
	struct conf_list trusted_domains;
	long	 min_identifiers;
	int	 min_encryption;	/* 0 any, 1 strong */
	char	*keywords;
	struct pupil_rules *rules;	/* built by configure() */
};

static const char *const pupil_data_actions[] = { "reject", "quarantine",
    "flag", "off", NULL };
static const char *const pupil_data_strengths[] = { "any", "strong", NULL };

#define S(f) offsetof(struct pupil_data_settings, f)
static const struct conf_param pupil_data_params[] = {
	{ "internal_action", CONF_RESULT, "flag", S(internal_action), 0, 0,
	    pupil_data_actions, "pupil data sent only to colleagues" },
	{ "trusted_domains", CONF_DOMAINS, NULL, S(trusted_domains), 0, 0, NULL,
	    "recipient domains (and their subdomains) that get "
	    "trusted_action" },
	{ "trusted_action", CONF_RESULT, "flag", S(trusted_action), 0, 0,
	    pupil_data_actions, "pupil data sent only to trusted_domains "
	    "(and colleagues)" },
	{ "min_identifiers", CONF_INT, "3", S(min_identifiers), 1, 100000,
	    NULL, "distinct identifiers that make a part carry pupil data" },
	{ "min_encryption", CONF_CHOICE, "any", S(min_encryption), 0, 0,
	    pupil_data_strengths, "any encryption, or strong only (AES, "
	    "Office agile) rather than ZipCrypto" },
	{ "keywords", CONF_PATH, NULL, S(keywords), 0, 0, NULL,
	    "file or folder of sensitive-category lists (default built-in)" },
	{ NULL, 0, NULL, 0, 0, 0, NULL, NULL }
};
#undef S

static const char *const pupil_data_vars[] = { "found", "parts",
    "audience", NULL };

/* One part that carries pupil data (or is only weakly encrypted). */
struct pupil_part {
	char	*label;		/* for the reply: "the message text", ... */
	char	*path;		/* for the log: identifiers withheld */
	struct pupil_findings f;
	bool	 weak;		/* weak encryption, contents unknown */
	const char *encryption;	/* its label when weak */
};

struct pupil_report {
	struct pupil_part *parts;
	size_t	 count;
	bool	 body_seen;	/* "the message text" reported once */
	char	*weak_path;	/* entries below it are not repeated */
};

/* pupil_data_configure - compile the detectors for this snapshot */
static int
pupil_data_configure(void *settings, const struct school *sc,
    struct errbuf *eb)
{
	struct pupil_data_settings *s = settings;

	s->rules = pupil_rules_new(sc->directory, s->keywords, eb);
	return s->rules != NULL ? 0 : -1;
}

/* pupil_data_unconfigure - free the detectors */
static void
pupil_data_unconfigure(void *settings)
{
	struct pupil_data_settings *s = settings;

	s->rules = pupil_rules_free(s->rules);
}

/* pupil_data_trusted - is the address's domain (or a parent) trusted? */
static bool
pupil_data_trusted(const struct pupil_data_settings *s, const char *addr)
{
	const char *d = addr != NULL ? strrchr(addr, '@') : NULL;

	if (d == NULL)
		return false;
	d++;
	for (size_t i = 0; i < s->trusted_domains.count; i++) {
		const char *t = s->trusted_domains.items[i];
		size_t dl = strlen(d), tl = strlen(t);

		if (t[0] == '@' || t[0] == '.')
			t++, tl--;
		if (strcasecmp(d, t) == 0 || (dl > tl &&
		    d[dl - tl - 1] == '.' && strcasecmp(d + dl - tl, t) == 0))
			return true;
	}
	return false;
}

/* pupil_data_audience - the action for these recipients: `action` if
 * any is outside the school and not trusted or exempt, then
 * trusted_action, then internal_action; PASS when exemptions lift every
 * outside recipient (*exempt says which) */
static enum result
pupil_data_audience(const struct policy_ctx *ctx, const char **who,
    const struct exemption **exempt)
{
	const struct pupil_data_settings *s = ctx->settings;
	size_t outside = 0, trusted = 0, lifted = 0;

	*exempt = NULL;
	*who = "to colleagues only";
	if (ctx->facts->internal)
		return s->internal_action;
	for (size_t i = 0; i < ctx->msg->nrcpts; i++) {
		const struct msg_rcpt *r = &ctx->msg->rcpts[i];
		const char *a = r->norm != NULL ? r->norm : r->addr;
		const struct exemption *e;

		if (a == NULL || school_has_domain(ctx->school, a))
			continue;
		e = ctx->facts->sender == NULL ? NULL :
		    directory_exemption_find(ctx->school->directory,
		    ctx->facts->sender, "pupil-data", a, ctx->now);
		if (e != NULL) {
			lifted++;
			*exempt = e;
		} else if (pupil_data_trusted(s, a))
			trusted++;
		else
			outside++;
	}
	if (outside > 0) {
		*who = "outside the school";
		return s->common.action;
	}
	if (trusted > 0) {
		*who = "to a trusted organisation";
		return s->trusted_action;
	}
	return lifted > 0 ? RESULT_PASS : s->internal_action;
}

/* pupil_data_generic - how to name a part whose file name is withheld */
static const char *
pupil_data_generic(const char *kind)
{
	static const struct {
		const char *kinds, *label;
	} map[] = {
		{ " docx doc docm odt rtf ", "the attached Word document" },
		{ " xlsx xls xlsm ods csv ", "the attached spreadsheet" },
		{ " pdf ", "the attached PDF" },
		{ " pptx ppt pptm odp ", "the attached presentation" },
		{ " text html ", "the attached text file" },
	};
	char *k = xasprintf(" %s ", kind != NULL ? kind : "");
	const char *label = "the attached file";

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strstr(map[i].kinds, k) != NULL)
			label = map[i].label;
	free(k);
	return label;
}

/* pupil_data_name_ok - a file name that holds no pupil identifier */
static bool
pupil_data_name_ok(const struct policy_ctx *ctx, const char *name)
{
	const struct pupil_data_settings *s = ctx->settings;
	struct pupil_findings f;

	if (name == NULL || *name == '\0')
		return false;
	return pupil_scan(s->rules, name, strlen(name), false, ctx->now,
	    &f) == 0 && f.distinct == 0;
}

/* pupil_data_label - the part as the reply names it */
static char *
pupil_data_label(const struct policy_ctx *ctx, const struct attachment *a)
{
	if (a->is_body)
		return xstrdup("the message text");
	if (!pupil_data_name_ok(ctx, a->name_safe))
		return xstrdup(pupil_data_generic(a->kind));
	if (a->depth > 0)
		return xasprintf("the file \"%s\" inside an attachment",
		    a->name_safe);
	return xasprintf("the attachment \"%s\"", a->name_safe);
}

/* pupil_data_path - the part's path for the log, every component that
 * holds an identifier withheld, control characters as '?' */
static char *
pupil_data_path(const struct policy_ctx *ctx, const char *path)
{
	gchar **comp = g_strsplit(path != NULL ? path : "", "/", -1);
	GString *out = g_string_new(NULL);
	char *res;

	for (size_t i = 0; comp[i] != NULL; i++) {
		if (i > 0)
			g_string_append_c(out, '/');
		if (i > 0 && !pupil_data_name_ok(ctx, comp[i]))
			g_string_append(out, "[name withheld]");
		else
			g_string_append(out, comp[i]);
	}
	for (char *p = out->str; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	res = xstrdup(out->str);
	g_string_free(out, TRUE);
	g_strfreev(comp);
	return res;
}

/* pupil_data_add - remember one offending part (the message text once:
 * its text and HTML forms keep the larger count) */
static void
pupil_data_add(struct pupil_report *rep, char *label, char *path,
    const struct pupil_findings *f, const char *weak)
{
	struct pupil_part *p;

	for (size_t i = 0; i < rep->count && strcmp(label,
	    "the message text") == 0; i++) {
		if (strcmp(rep->parts[i].label, label) != 0)
			continue;
		if (f->distinct > rep->parts[i].f.distinct)
			rep->parts[i].f = *f;
		free(label);
		free(path);
		return;
	}
	rep->parts = xreallocarray(rep->parts, rep->count + 1,
	    sizeof(*rep->parts));
	p = &rep->parts[rep->count++];
	*p = (struct pupil_part){ .label = label, .path = path,
	    .weak = weak != NULL, .encryption = weak };
	if (f != NULL)
		p->f = *f;
}

/* pupil_data_weak - with min_encryption = strong, a weakly encrypted
 * part counts as unprotected (entries of a reported archive are not
 * repeated) */
static void
pupil_data_weak(const struct policy_ctx *ctx, const struct attachment *a,
    struct pupil_report *rep)
{
	const struct pupil_data_settings *s = ctx->settings;
	size_t wl = rep->weak_path != NULL ? strlen(rep->weak_path) : 0;

	if (s->min_encryption == 0 || a->strength == ENCRYPTION_STRONG)
		return;
	if (wl > 0 && strncmp(a->path, rep->weak_path, wl) == 0 &&
	    a->path[wl] == '/')
		return;
	free(rep->weak_path);
	rep->weak_path = xstrdup(a->path);
	pupil_data_add(rep, pupil_data_label(ctx, a),
	    pupil_data_path(ctx, a->path), NULL,
	    a->encryption != NULL ? a->encryption : "weak");
}

/* pupil_data_scan_part - scan one part (the Subject in front of the
 * first message text); 0 or -1 */
static int
pupil_data_scan_part(const struct policy_ctx *ctx,
    const struct attachment *a, const char *subject,
    struct pupil_findings *f)
{
	const struct pupil_data_settings *s = ctx->settings;
	bool csv = a->kind != NULL && strcmp(a->kind, "csv") == 0;
	char *buf;
	size_t slen;
	int rc;

	if (subject == NULL)
		return pupil_scan(s->rules, a->text, a->text_len, csv,
		    ctx->now, f);
	slen = strlen(subject);
	buf = xmalloc(slen + 1 + a->text_len + 1);
	memcpy(buf, subject, slen);
	buf[slen] = '\n';
	memcpy(buf + slen + 1, a->text, a->text_len);
	buf[slen + 1 + a->text_len] = '\0';
	rc = pupil_scan(s->rules, buf, slen + 1 + a->text_len, csv, ctx->now,
	    f);
	free(buf);
	return rc;
}

/* pupil_data_scan - every part of the message; 0 or -1 */
static int
pupil_data_scan(const struct policy_ctx *ctx, const struct analysis *an,
    struct pupil_report *rep)
{
	const struct pupil_data_settings *s = ctx->settings;
	char *subject = msg_subject(ctx->msg);
	const char *pending = subject;
	struct pupil_findings f;
	int rc = 0;

	for (size_t i = 0; i < an->count && rc == 0; i++) {
		const struct attachment *a = &an->items[i];

		if (a->encrypted) {
			pupil_data_weak(ctx, a, rep);
			continue;
		}
		if (a->text == NULL || a->text_len == 0)
			continue;
		rc = pupil_data_scan_part(ctx, a, a->is_body ? pending : NULL,
		    &f);
		if (a->is_body)
			pending = NULL;
		if (rc == 0 && pupil_findings_carry(&f,
		    (unsigned)s->min_identifiers))
			pupil_data_add(rep, pupil_data_label(ctx, a),
			    pupil_data_path(ctx, a->path), &f, NULL);
	}
	if (rc == 0 && pending != NULL) {
		rc = pupil_scan(s->rules, pending, strlen(pending), false,
		    ctx->now, &f);
		if (rc == 0 && pupil_findings_carry(&f,
		    (unsigned)s->min_identifiers))
			pupil_data_add(rep, xstrdup("the subject line"),
			    xstrdup("subject"), &f, NULL);
	}
	g_free(subject);
	return rc;
}

/* pupil_data_subject - an encrypted message: the Subject still travels
 * in clear; 0 or -1 */
static int
pupil_data_subject(const struct policy_ctx *ctx, struct pupil_report *rep)
{
	const struct pupil_data_settings *s = ctx->settings;
	char *subject = msg_subject(ctx->msg);
	struct pupil_findings f;
	int rc = 0;

	if (subject != NULL && (rc = pupil_scan(s->rules, subject,
	    strlen(subject), false, ctx->now, &f)) == 0 &&
	    pupil_findings_carry(&f, (unsigned)s->min_identifiers))
		pupil_data_add(rep, xstrdup("the subject line"),
		    xstrdup("subject"), &f, NULL);
	g_free(subject);
	return rc;
}

/* pupil_data_unreadable - MIME that mail clients read differently: what
 * the recipient's client shows cannot be scanned, so it does not leave */
static void
pupil_data_unreadable(struct policy_outcome *out, enum result action,
    const char *who)
{
	policy_outcome_set(out, action, "pupil data cannot be checked, sent "
	    "%s: the message's MIME structure is ambiguous (conflicting "
	    "Content-Type, boundary or other MIME headers)", who);
	policy_outcome_var(out, "found", "a message whose structure mail "
	    "programs read in different ways, so it could not be checked");
	policy_outcome_var(out, "parts", "the message");
	policy_outcome_var(out, "audience", "%s", who);
}

/* pupil_data_kinds - "30 pupil names, 30 UPNs and 2 dates of birth" (or
 * with tags: "30 name, 30 upn, 2 dob" for the log) */
static void
pupil_data_kinds(GString *out, const struct pupil_findings *f, bool tags)
{
	unsigned shown = 0, total = 0;

	for (unsigned k = 0; k < PUPIL_KINDS; k++)
		total += f->kinds[k] > 0;
	for (unsigned k = 0; k < PUPIL_KINDS; k++) {
		if (f->kinds[k] == 0)
			continue;
		if (shown > 0)
			g_string_append(out, !tags && shown + 1 == total ?
			    " and " : ", ");
		g_string_append_printf(out, "%u %s", f->kinds[k], tags ?
		    pupil_kind_tag(k) : pupil_kind_name(k, f->kinds[k]));
		shown++;
	}
}

/* pupil_data_cats - the linked categories: "SEN and medical" */
static void
pupil_data_cats(GString *out, const struct pupil_rules *r, uint32_t cats)
{
	unsigned total = 0, shown = 0;

	for (unsigned c = 0; c < r->cats.count; c++)
		total += (cats >> c) & 1u;
	for (unsigned c = 0; c < r->cats.count; c++) {
		if (((cats >> c) & 1u) == 0)
			continue;
		if (shown > 0)
			g_string_append(out, shown + 1 == total ? " and " :
			    ", ");
		g_string_append(out, r->cats.names[c]);
		shown++;
	}
}

/* pupil_data_describe - one part for the reply (tags = false) or the
 * log (tags = true) */
static void
pupil_data_describe(GString *out, const struct pupil_rules *r,
    const struct pupil_part *p, bool tags)
{
	g_string_append(out, tags ? p->path : p->label);
	if (p->weak) {
		g_string_append_printf(out, tags ? " weak encryption %s" :
		    " (protected only by weak %s encryption)",
		    strcmp(p->encryption, "zipcrypto") == 0 ? "ZipCrypto" :
		    p->encryption);
		return;
	}
	g_string_append(out, tags ? ": " : " (");
	pupil_data_kinds(out, &p->f, tags);
	if (p->f.linked != 0) {
		g_string_append(out, tags ? "; category " : ", with ");
		pupil_data_cats(out, r, p->f.linked);
		if (!tags)
			g_string_append(out, " information");
	}
	if (!tags)
		g_string_append_c(out, ')');
}

/* pupil_data_object - result, reason and reply variables */
static void
pupil_data_object(const struct policy_ctx *ctx, struct policy_outcome *out,
    const struct pupil_report *rep, enum result action, const char *who)
{
	const struct pupil_data_settings *s = ctx->settings;
	GString *found = g_string_new(NULL), *log = g_string_new(NULL),
	    *parts = g_string_new(NULL);

	for (size_t i = 0; i < rep->count; i++) {
		if (i > 0)
			g_string_append(log, " | ");
		pupil_data_describe(log, s->rules, &rep->parts[i], true);
		if (i >= PUPIL_DATA_SHOWN)
			continue;
		if (i > 0) {
			g_string_append(found, "; ");
			g_string_append(parts, ", ");
		}
		pupil_data_describe(found, s->rules, &rep->parts[i], false);
		g_string_append(parts, rep->parts[i].label);
	}
	if (rep->count > PUPIL_DATA_SHOWN)
		g_string_append_printf(found, "; and %zu more",
		    rep->count - PUPIL_DATA_SHOWN);
	policy_outcome_set(out, action, "pupil data not encrypted, sent "
	    "%s: %s", who, log->str);
	policy_outcome_var(out, "found", "%s", found->str);
	policy_outcome_var(out, "parts", "%s", parts->str);
	policy_outcome_var(out, "audience", "%s", who);
	g_string_free(found, TRUE);
	g_string_free(log, TRUE);
	g_string_free(parts, TRUE);
}

/* pupil_data_report_free - free the offending parts */
static void
pupil_data_report_free(struct pupil_report *rep)
{
	for (size_t i = 0; i < rep->count; i++) {
		free(rep->parts[i].label);
		free(rep->parts[i].path);
	}
	free(rep->parts);
	free(rep->weak_path);
}

/* pupil_data_reads_text - outbound mail the audience does not pass */
static bool
pupil_data_reads_text(const struct policy_ctx *ctx)
{
	const struct exemption *e;
	const char *who;
	enum result action;

	if (ctx->facts->direction != DIRECTION_OUTBOUND)
		return false;
	action = pupil_data_audience(ctx, &who, &e);
	return action != RESULT_OFF && action != RESULT_PASS;
}

/* pupil_data_evaluate - judge one message */
static int
pupil_data_evaluate(const struct policy_ctx *ctx, struct policy_outcome *out)
{
	const struct exemption *e;
	const struct analysis *an;
	struct pupil_report rep = { 0 };
	const char *who;
	enum result action;

	if (ctx->facts->direction != DIRECTION_OUTBOUND)
		return 0;
	action = pupil_data_audience(ctx, &who, &e);
	if (action == RESULT_PASS && e != NULL) {
		policy_outcome_set(out, RESULT_PASS, "exemption approved by %s "
		    "until %s (exemptions.csv line %u)", e->approved_by ?
		    e->approved_by : "?", e->expires, e->line);
		return 0;
	}
	if (action == RESULT_OFF || action == RESULT_PASS)
		return 0;
	if ((an = policy_ctx_analysis(ctx)) == NULL)
		return -1;
	if (an->uninspectable != NULL &&
	    strcmp(an->uninspectable, "ambiguous") == 0) {
		pupil_data_unreadable(out, action, who);
		return 0;
	}
	if ((an->message_encrypted ? pupil_data_subject(ctx, &rep) :
	    pupil_data_scan(ctx, an, &rep)) < 0) {
		pupil_data_report_free(&rep);
		return -1;
	}
	if (rep.count > 0)
		pupil_data_object(ctx, out, &rep, action, who);
	else if (an->message_encrypted)
		policy_outcome_set(out, RESULT_PASS, "message encrypted (%s)",
		    an->message_encryption ? an->message_encryption : "?");
	pupil_data_report_free(&rep);
	return 0;
}

/* pupil_data_identifiers - distinct identifiers in text (0 on error) */
static unsigned
pupil_data_identifiers(const void *settings, const char *text, size_t len,
    time_t now)
{
	const struct pupil_data_settings *s = settings;
	struct pupil_findings f;

	if (s->rules == NULL || pupil_scan(s->rules, text, len, false, now,
	    &f) < 0)
		return 0;
	return f.distinct;
}

const struct policy policy_pupil_data = {
	.name = "pupil-data",
	.summary = "pupil personal data never leaves the school unencrypted",
	.params = pupil_data_params,
	.settings_size = sizeof(struct pupil_data_settings),
	.default_action = RESULT_REJECT,
	.actions = pupil_data_actions,
	.liftable = true,
	.needs_analysis = true,
	.template_vars = pupil_data_vars,
	.configure = pupil_data_configure,
	.unconfigure = pupil_data_unconfigure,
	.reads_text = pupil_data_reads_text,
	.evaluate = pupil_data_evaluate,
	.identifiers = pupil_data_identifiers,
};
