/*
 * executables - risky executable content is held for the DSL (SPEC 2.4)
 *
 * SYNOPSIS
 *	policy_executables
 *
 * DESCRIPTION
 *	Every record of the message analysis (MIME leaves, and entries of
 *	archives at any depth) is judged by what it is, not by what the
 *	sender declared.  A record is risky when, in this order:
 *	- it is the EICAR anti-virus test file;
 *	- its content is of a risky kind (`risky_kinds`: PE, ELF and
 *	  Mach-O programs and libraries, MSI, scripts, shortcuts, disk
 *	  images), named as such or not - a program named .pdf is reported
 *	  as a type/extension mismatch;
 *	- its name carries a right-to-left or left-to-right override
 *	  (U+202E, U+202D), which makes "fdp.exe" display as "exe.pdf";
 *	- its name ends in a risky extension (`risky_extensions`), after
 *	  the trailing dots and spaces Windows ignores; "report.pdf.exe" is
 *	  reported as a double extension;
 *	- it is an Office document with a macro project (`macros`), or
 *	  active content the analysis found (`hazard`: HTML smuggling, a
 *	  OneNote notebook with embedded files); a part's second name
 *	  (Content-Type name= beside filename=) is judged like the first;
 *	- it is an encrypted archive whose entry names are hidden (an
 *	  encrypted entry named as an archive counts), when
 *	  `encrypted_inbound` / `encrypted_outbound` says so (default:
 *	  inbound only, so staff can still send pupil data in an encrypted
 *	  archive; its visible entry names are judged like any other);
 *	- it could not be inspected for a reason in `uninspectable`: limits
 *	  (depth, entries, expanded size, ratio, time) always count, a
 *	  corrupt file only when it is a container - a broken PDF is not
 *	  hiding anything, a broken zip may be; for the message as a
 *	  whole only limits count (nesting, time...), not malformed MIME.
 *	Message text parts are judged only for EICAR: a script pasted into
 *	a message is text, not a program.
 *
 *	Bidirectional embeddings and isolates (U+202A..C, U+2066..9) are
 *	left alone on purpose: they cannot reorder the Latin letters of an
 *	extension, and families who write in Arabic or Urdu use them.
 *
 * CONFIGURATION
 *	[executables] action (quarantine | reject | flag | off), mode,
 *	risky_extensions, risky_kinds, allowed_script_extensions,
 *	allowed_types and allowed_types_roles (scripts that pass only when
 *	the sender and every recipient have one of those roles), macros,
 *	uninspectable, encrypted_inbound, encrypted_outbound.
 *
 * DIAGNOSTICS
 *	The reason names the first finding and how many there were, with
 *	file names escaped (name_safe) and withheld when the pupil-data
 *	detectors find identifiers in them (SPEC 7); kinds are named in
 *	plain English (analysis_kind_label: "a Python script").  A file
 *	found inside another says where, by the kind and name of what holds
 *	it and of the attachment it came in: "payload.exe: a Windows program
 *	(inside the PDF document report.pdf)", "(inside the zip archive
 *	inner.zip, in the zip archive files.zip)".  An analysis that could
 *	not run is an internal error (-1, on_error).
 *
 * SEE ALSO
 *	milter/analysis/analysis.h, conf/templates/executables.txt
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "analysis/analysis.h"
#include "policies/policy.h"
#include "policies/pupil_data/pupil_scan.h"
#include "util/xalloc.h"

#define EXEC_MAX_LISTED	5	/* findings named in the reply */

enum exec_encrypted {
	EXEC_ENC_HIDDEN = 0,	/* hold archives whose names are hidden */
	EXEC_ENC_ALL,		/* hold every encrypted archive */
	EXEC_ENC_NONE		/* hold none for being encrypted */
};

struct executables_settings {
	struct policy_common common;
	struct conf_list risky_extensions;
	struct conf_list risky_kinds;
	struct conf_list allowed_script_extensions;
	struct conf_list allowed_types;
	struct conf_list allowed_types_roles;
	struct conf_list uninspectable;
	bool	 macros;
	bool	 macros_without_code;
	int	 encrypted_inbound;
	int	 encrypted_outbound;
	struct pupil_rules *rules;	/* to withhold names with pupil data */
};

static const char *const executables_actions[] = { "quarantine", "reject",
    "flag", "off", NULL };

static const char *const executables_enc_words[] = { "names-hidden", "all",
    "none", NULL };

#define X(field) offsetof(struct executables_settings, field)

static const struct conf_param executables_params[] = {
	{ "risky_extensions", CONF_WORDS, "exe, dll, com, scr, pif, cpl, "
	    "sys, drv, ocx, msi, msp, mst, msix, appx, appxbundle, msc, bat, "
	    "cmd, ps1, psm1, psd1, ps1xml, psc1, vbs, vbe, js, jse, wsf, wsh, "
	    "wsc, hta, sct, jar, lnk, url, scf, reg, inf, chm, hlp, gadget, "
	    "application, appref-ms, settingcontent-ms, library-ms, iso, img, "
	    "vhd, vhdx, dmg, xll, docm, dotm, xlsm, xltm, xlam, pptm, potm, "
	    "ppam, ppsm, sldm", X(risky_extensions), 0, 0, NULL,
	    "file name extensions held whatever the content" },
	{ "risky_kinds", CONF_WORDS, "pe, elf, macho, msi, script, lnk, iso, "
	    "eicar", X(risky_kinds), 0, 0, NULL,
	    "content kinds held whatever the name (analysis kinds)" },
	{ "allowed_script_extensions", CONF_WORDS, NULL,
	    X(allowed_script_extensions), 0, 0, NULL,
	    "scripts with these extensions pass (e.g. py for lessons)" },
	{ "allowed_types", CONF_WORDS, NULL, X(allowed_types), 0, 0, NULL,
	    "scripts with these extensions pass when the sender and every "
	    "recipient have a role in allowed_types_roles" },
	{ "allowed_types_roles", CONF_WORDS, "staff, office",
	    X(allowed_types_roles), 0, 0, NULL,
	    "roles between which allowed_types pass" },
	{ "uninspectable", CONF_WORDS, "depth, entries, expanded-size, ratio, "
	    "time, nesting, truncated, corrupt, ambiguous, format, "
	    "compression, unsupported", X(uninspectable),
	    0, 0, NULL, "reasons a part cannot be inspected that hold it" },
	{ "macros", CONF_BOOL, "yes", X(macros), 0, 0, NULL,
	    "hold Office documents with macros" },
	{ "macros_without_code", CONF_BOOL, "no", X(macros_without_code), 0,
	    0, NULL, "hold macro-enabled documents that carry no macro code" },
	{ "encrypted_inbound", CONF_CHOICE, "names-hidden",
	    X(encrypted_inbound), 0, 0, executables_enc_words,
	    "inbound encrypted archives held: names-hidden, all or none" },
	{ "encrypted_outbound", CONF_CHOICE, "none", X(encrypted_outbound),
	    0, 0, executables_enc_words,
	    "outbound encrypted archives held: names-hidden, all or none" },
	{ NULL, 0, NULL, 0, 0, 0, NULL, NULL }
};

static const char *const executables_vars[] = { "findings", "count",
    NULL };

/* Reasons that are limits: they count on any record. */
static const char *const executables_limit_reasons[] = { "depth",
    "entries", "expanded-size", "ratio", "time", "nesting", "truncated",
    NULL };

struct findings {
	GPtrArray *items;	/* one sentence per risky record */
	const struct analysis *an;
	const struct pupil_rules *rules;
	time_t	 now;
	bool	 roles_ok;	/* allowed_types apply to this message */
};

/* Extensions of the harmless-looking files a program hides behind. */
static const char *const executables_decoy_ext[] = { "pdf", "doc",
    "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "rtf", "txt",
    "csv", "jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "heic",
    "mp3", "mp4", "mov", "wav", "avi", "htm", "html", "eml", "msg", "ics",
    "vcf", "zip", "rar", "7z", NULL };

/* executables_in - is word in a NULL-terminated static list? */
static bool
executables_in(const char *const *list, const char *word)
{
	for (size_t i = 0; word != NULL && list[i] != NULL; i++)
		if (strcasecmp(list[i], word) == 0)
			return true;
	return false;
}

/*
 * executables_ext - the extension Windows would use: after the last dot,
 * once trailing dots and spaces are dropped; into buf, "" if none.
 * `prev` gets the extension before it ("pdf" of "report.pdf.exe").
 */
static void
executables_ext(const char *name, char *buf, size_t size, char *prev,
    size_t psize)
{
	const char *base = strrchr(name, '/');
	size_t end, dot, pdot;

	buf[0] = prev[0] = '\0';
	base = base != NULL ? base + 1 : name;
	end = strlen(base);
	while (end > 0 && (base[end - 1] == '.' || base[end - 1] == ' '))
		end--;
	for (dot = end; dot > 0 && base[dot - 1] != '.'; dot--)
		;
	if (dot <= 1 || end - dot >= size)
		return;
	memcpy(buf, base + dot, end - dot);
	buf[end - dot] = '\0';
	for (pdot = dot - 1; pdot > 0 && base[pdot - 1] != '.'; pdot--)
		;
	if (pdot > 1 && dot - 1 - pdot < psize && dot - 1 > pdot) {
		memcpy(prev, base + pdot, dot - 1 - pdot);
		prev[dot - 1 - pdot] = '\0';
	}
}

/* executables_is_decoy - does an inner extension look like a document's? */
static bool
executables_is_decoy(const char *ext)
{
	size_t n = strlen(ext);
	bool alpha = false;

	if (n < 2 || n > 4)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)ext[i]))
			return false;
		alpha = alpha || isalpha((unsigned char)ext[i]);
	}
	return alpha;
}

/* executables_has_override - a U+202D or U+202E in a UTF-8 name? */
static bool
executables_has_override(const char *name)
{
	return strstr(name, "\xe2\x80\xae") != NULL ||
	    strstr(name, "\xe2\x80\xad") != NULL;
}

/*
 * executables_name - how a finding names its part: the escaped file name
 * (or path), withheld when the pupil-data detectors find identifiers in
 * it (SPEC 7: pupil data is never logged, and reasons are logged)
 */
static char *
executables_name(const struct findings *f, const char *name)
{
	struct pupil_findings pf;

	if (f->rules != NULL && pupil_scan(f->rules, name, strlen(name),
	    false, f->now, &pf) == 0 && pf.distinct > 0)
		return xasprintf("[withheld: %u identifier%s]", pf.distinct,
		    pf.distinct == 1 ? "" : "s");
	return xstrdup(name);
}

/* executables_parent - the record a is inside (the nearest one before
 * it, one level up, whose path begins a's path), or NULL */
static const struct attachment *
executables_parent(const struct analysis *an, const struct attachment *a)
{
	size_t n;

	for (const struct attachment *p = a; a->depth > 0 && p > an->items;) {
		p--;
		n = strlen(p->path);
		if (p->depth + 1 == a->depth &&
		    strncmp(a->path, p->path, n) == 0 &&
		    (a->path[n] == '/' || a->path[n] == '.'))
			return p;
	}
	return NULL;
}

/* executables_container - "the PDF document report.pdf", "the attached
 * message forwarded.eml", "the Outlook winmail.dat", "the message text" */
static char *
executables_container(const struct findings *f, const struct attachment *p)
{
	const char *label = analysis_kind_label(p);
	char *name, *s;

	if (p->is_body)
		return xstrdup("the message text");
	if (p->detected_type != NULL &&
	    (strncmp(p->detected_type, "message/", 8) == 0 ||
	    strcmp(p->detected_type, "application/mbox") == 0))
		label = "attached message";
	else if (strcmp(p->kind, "text") == 0)
		label = "text file";
	else if (strcmp(p->kind, "other") == 0)
		label = "embedded object";
	if (p->name_safe == NULL || strstr(label, p->name_safe) != NULL)
		return xasprintf("the %s", label);
	name = executables_name(f, p->name_safe);
	s = xasprintf("the %s %s", label, name);
	free(name);
	return s;
}

/* executables_where - where a nested record was found: " (inside the PDF
 * document report.pdf)", and the attachment it came in when that is
 * further out; "" for an attachment */
static char *
executables_where(const struct findings *f, const struct attachment *a)
{
	const struct attachment *p = executables_parent(f->an, a), *top, *up;
	char *in, *out, *where;

	if (a->depth == 0)
		return xstrdup("");
	if (p == NULL)
		return xstrdup(" (inside another file)");
	for (top = p; (up = executables_parent(f->an, top)) != NULL; top = up)
		;
	in = executables_container(f, p);
	out = top != p ? executables_container(f, top) : NULL;
	where = out != NULL ? xasprintf(" (inside %s, in %s)", in, out) :
	    xasprintf(" (inside %s)", in);
	free(in);
	free(out);
	return where;
}

/* executables_add - record one finding about attachment a */
static void
executables_add(struct findings *f, const struct attachment *a,
    const char *what)
{
	char *name = executables_name(f, a->name_safe != NULL ? a->name_safe :
	    a->path), *where = executables_where(f, a);

	g_ptr_array_add(f->items, xasprintf("%s: %s%s", name, what, where));
	free(name);
	free(where);
}

/* executables_risky_kind - is the content of a risky kind (a label)? */
static const char *
executables_risky_kind(const struct executables_settings *s,
    const struct attachment *a, const char *ext, bool roles_ok)
{
	if (a->is_body || a->kind == NULL ||
	    !conf_list_contains(&s->risky_kinds, a->kind))
		return NULL;
	if (strcmp(a->kind, "script") == 0 &&
	    (conf_list_contains(&s->allowed_script_extensions, ext) ||
	    (roles_ok && conf_list_contains(&s->allowed_types, ext))))
		return NULL;
	return analysis_kind_label(a);
}

/* executables_describe - what is risky about content and a name the part
 * carries, or NULL */
static char *
executables_describe(const struct executables_settings *s,
    const struct attachment *a, const char *fname, bool roles_ok)
{
	char ext[32], prev[32];
	const char *label;
	bool risky_name, twice;

	executables_ext(fname != NULL ? fname : "", ext, sizeof(ext), prev,
	    sizeof(prev));
	label = executables_risky_kind(s, a, ext, roles_ok);
	if (fname != NULL && !a->is_body &&
	    executables_has_override(fname))
		return xasprintf("the name hides its type with a right-to-left "
		    "override character%s%s", label ? "; it is a " : "",
		    label ? label : "");
	risky_name = !a->is_body && ext[0] != '\0' &&
	    conf_list_contains(&s->risky_extensions, ext);
	twice = risky_name && executables_is_decoy(prev) &&
	    !conf_list_contains(&s->risky_extensions, prev);
	if (label != NULL && !risky_name &&
	    executables_in(executables_decoy_ext, ext))
		return xasprintf("type/extension mismatch: a %s named .%s",
		    label, ext);
	if (twice)
		return xasprintf("double extension .%s.%s hides a %s", prev,
		    ext, label ? label : "risky file type");
	if (label != NULL)
		return xasprintf("a %s", label);
	if (risky_name)
		return xasprintf("risky file type .%s", ext);
	return NULL;
}

/* executables_by_type - EICAR, macros, risky content or name; true if
 * found */
static bool
executables_by_type(const struct executables_settings *s,
    const struct attachment *a, struct findings *f)
{
	char *what, *other;

	if (a->is_eicar) {
		executables_add(f, a, "the EICAR anti-virus test file");
		return true;
	}
	if (s->macros && !a->is_body && a->has_macros) {
		executables_add(f, a, "an Office document with macros");
		return true;
	}
	if (a->hazard != NULL && !a->is_body) {
		executables_add(f, a, a->hazard);
		return true;
	}
	if ((what = executables_describe(s, a, a->name, f->roles_ok)) == NULL &&
	    a->other_name != NULL &&
	    (other = executables_describe(s, a, a->other_name,
	    f->roles_ok)) != NULL) {
		char *also = executables_name(f, a->other_name_safe);

		what = xasprintf("also named %s: %s", also, other);
		free(also);
		free(other);
	}
	if (what == NULL && s->macros_without_code && a->macro_empty)
		what = xstrdup("a macro-enabled document without macro code");
	if (what == NULL)
		return false;
	executables_add(f, a, what);
	free(what);
	return true;
}

/* executables_hold_encrypted - does the direction's rule hold it? */
static bool
executables_hold_encrypted(const struct policy_ctx *ctx,
    const struct attachment *a)
{
	const struct executables_settings *s = ctx->settings;
	int rule = ctx->facts->direction == DIRECTION_OUTBOUND ?
	    s->encrypted_outbound : s->encrypted_inbound;
	bool container = a->is_archive ||
	    analysis_kind_is(a->kind, KIND_CONTAINER);

	if (!a->encrypted || !container)
		return false;
	return rule == EXEC_ENC_ALL ||
	    (rule == EXEC_ENC_HIDDEN && a->names_hidden);
}

/* executables_by_state - hidden names, uninspectable */
static bool
executables_by_state(const struct policy_ctx *ctx,
    const struct attachment *a, struct findings *f)
{
	const struct executables_settings *s = ctx->settings;
	const char *r = a->uninspectable;
	char *what;

	if (executables_hold_encrypted(ctx, a)) {
		executables_add(f, a, a->names_hidden ? "an encrypted archive "
		    "that hides its file names" : "an encrypted archive");
		return true;
	}
	if (r == NULL || !conf_list_contains(&s->uninspectable, r))
		return false;
	if (!executables_in(executables_limit_reasons, r) && !a->is_archive &&
	    !analysis_kind_is(a->kind, KIND_CONTAINER))
		return false;
	if (strcmp(r, "compression") == 0)
		what = xasprintf("cannot be inspected: unsupported compression "
		    "(%s)", a->detail != NULL ? a->detail : "unknown");
	else if (a->detail != NULL)
		what = xasprintf("cannot be inspected (%s: %s)", r, a->detail);
	else
		what = xasprintf("cannot be inspected (%s)", r);
	executables_add(f, a, what);
	free(what);
	return true;
}

/* executables_scan - every record; the findings in walk order */
static void
executables_scan(const struct policy_ctx *ctx, const struct analysis *an,
    struct findings *f)
{
	const struct executables_settings *s = ctx->settings;

	/* A whole message counts for limits and for ambiguity (two
	 * Content-Type headers, two boundaries): mail clients disagree on
	 * what its parts are, and the reading not taken here can carry a
	 * program.  A merely malformed message (a part without headers)
	 * is read the same way by everyone. */
	if (an->uninspectable != NULL &&
	    (executables_in(executables_limit_reasons, an->uninspectable) ||
	    strcmp(an->uninspectable, "ambiguous") == 0) &&
	    conf_list_contains(&s->uninspectable, an->uninspectable))
		g_ptr_array_add(f->items, strcmp(an->uninspectable,
		    "ambiguous") == 0 ? xstrdup("the message: its MIME "
		    "structure is ambiguous (conflicting Content-Type, "
		    "boundary or other MIME headers that mail clients read "
		    "differently)") : xasprintf("the message: its structure "
		    "cannot be inspected: %s", an->uninspectable));
	for (size_t i = 0; i < an->count; i++) {
		const struct attachment *a = &an->items[i];

		if (!executables_by_type(s, a, f))
			(void)executables_by_state(ctx, a, f);
	}
}

/* executables_list - "first; second; ... (and N more)" */
static char *
executables_list(const struct findings *f)
{
	GString *s = g_string_new(NULL);
	size_t n = f->items->len;

	for (size_t i = 0; i < n && i < EXEC_MAX_LISTED; i++)
		g_string_append_printf(s, "%s%s", i ? "; " : "",
		    (char *)g_ptr_array_index(f->items, i));
	if (n > EXEC_MAX_LISTED)
		g_string_append_printf(s, " (and %zu more)",
		    n - EXEC_MAX_LISTED);
	return g_string_free(s, FALSE);
}

/* executables_roles_ok - do the sender and every recipient have a role
 * between which allowed_types pass? */
static bool
executables_roles_ok(const struct policy_ctx *ctx,
    const struct executables_settings *s)
{
	const struct msg_facts *facts = ctx->facts;

	if (s->allowed_types.count == 0 || facts == NULL ||
	    !conf_list_contains(&s->allowed_types_roles,
	    role_name(facts->sender_role)))
		return false;
	for (size_t i = 0; i < ctx->msg->nrcpts; i++)
		if (facts->rcpt_roles == NULL ||
		    !conf_list_contains(&s->allowed_types_roles,
		    role_name(facts->rcpt_roles[i])))
			return false;
	return true;
}

/* executables_evaluate - judge one message */
static int
executables_evaluate(const struct policy_ctx *ctx,
    struct policy_outcome *out)
{
	const struct executables_settings *s = ctx->settings;
	const struct analysis *an = policy_ctx_analysis(ctx);
	struct findings f;
	char *list;

	if (an == NULL) {
		policy_outcome_set(out, RESULT_PASS, "analysis failed");
		return -1;
	}
	f.items = g_ptr_array_new_with_free_func(free);
	f.an = an;
	f.rules = s->rules;
	f.now = ctx->now;
	f.roles_ok = executables_roles_ok(ctx, s);
	executables_scan(ctx, an, &f);
	if (f.items->len > 0) {
		list = executables_list(&f);
		if (f.items->len > 1)
			policy_outcome_set(out, s->common.action, "%s (and %u "
			    "more)", (char *)g_ptr_array_index(f.items, 0),
			    f.items->len - 1);
		else
			policy_outcome_set(out, s->common.action, "%s",
			    (char *)g_ptr_array_index(f.items, 0));
		policy_outcome_var(out, "findings", "%s", list);
		policy_outcome_var(out, "count", "%u", f.items->len);
		g_free(list);
	}
	g_ptr_array_free(f.items, TRUE);
	return 0;
}

/* executables_check_list - every item of a list is a word we know */
static int
executables_check_list(const struct school *sc, const struct conf_list *l,
    const char *key, const char *const *known, struct errbuf *eb)
{
	int rc = 0;

	for (size_t i = 0; i < l->count; i++) {
		const char *w = l->items[i];
		bool ok = known != NULL ? executables_in(known, w) :
		    w[0] != '\0' && w[0] != '.' && strchr(w, '/') == NULL;

		if (!ok) {
			errbuf_add(eb, sc->config_path, 0, "[executables] %s: "
			    "\"%s\" is not %s", key, w, known != NULL ?
			    "a known value" : "an extension (write exe, "
			    "not .exe)");
			rc = -1;
		}
	}
	return rc;
}

/* executables_check_kinds - every risky kind is a kind of the analysis */
static int
executables_check_kinds(const struct school *sc, const struct conf_list *l,
    struct errbuf *eb)
{
	int rc = 0;

	for (size_t i = 0; i < l->count; i++)
		if (analysis_kind_find(l->items[i]) == NULL) {
			errbuf_add(eb, sc->config_path, 0, "[executables] "
			    "risky_kinds: \"%s\" is not a known value",
			    l->items[i]);
			rc = -1;
		}
	return rc;
}

/* executables_configure - validate the lists */
static int
executables_configure(void *settings, const struct school *sc,
    struct errbuf *eb)
{
	static const char *const reasons[] = { "depth", "entries",
	    "expanded-size", "ratio", "time", "nesting", "truncated",
	    "corrupt", "ambiguous", "format", "compression", "unsupported",
	    NULL };
	static const char *const roles[] = { "office", "staff", "pupil",
	    "parent", "personal", "external", NULL };
	struct executables_settings *s = settings;
	int rc = 0;

	rc |= executables_check_list(sc, &s->risky_extensions,
	    "risky_extensions", NULL, eb);
	rc |= executables_check_list(sc, &s->allowed_script_extensions,
	    "allowed_script_extensions", NULL, eb);
	rc |= executables_check_list(sc, &s->allowed_types, "allowed_types",
	    NULL, eb);
	rc |= executables_check_list(sc, &s->allowed_types_roles,
	    "allowed_types_roles", roles, eb);
	rc |= executables_check_kinds(sc, &s->risky_kinds, eb);
	rc |= executables_check_list(sc, &s->uninspectable, "uninspectable",
	    reasons, eb);
	if (rc == 0 && (s->rules = pupil_rules_new(sc->directory, NULL,
	    eb)) == NULL)
		rc = -1;
	return rc < 0 ? -1 : 0;
}

/* executables_unconfigure - free the detectors that withhold names */
static void
executables_unconfigure(void *settings)
{
	struct executables_settings *s = settings;

	s->rules = pupil_rules_free(s->rules);
}

const struct policy policy_executables = {
	.name = "executables",
	.summary = "programs, scripts, macros and disguised or "
	    "uninspectable files are held for the DSL",
	.params = executables_params,
	.settings_size = sizeof(struct executables_settings),
	.default_action = RESULT_QUARANTINE,
	.actions = executables_actions,
	.liftable = false,
	.needs_analysis = true,
	.template_vars = executables_vars,
	.configure = executables_configure,
	.unconfigure = executables_unconfigure,
	.reads_text = policy_reads_no_text,
	.evaluate = executables_evaluate,
};
