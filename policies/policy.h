/*
 * policy - the interface every policy implements (SPEC section 2)
 *
 * A policy is one constant value in one file under policies/, registered
 * by one line in policies/registry.c.  It sees the message model, the
 * facts the engine derived (direction, roles), the lazily computed
 * analysis, and its own settings; never libmilter.  It returns a result
 * with a short reason (logged; never pupil data), optional template
 * variables for the reply text, and, for rewrites, header edits.
 *
 * Policies are re-entrant: many messages are evaluated at once on
 * libmilter's worker threads.  Settings are read-only after configure().
 */
#ifndef AUP_POLICY_H
#define AUP_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "config/school.h"
#include "config/conf_param.h"
#include "util/errbuf.h"
#include "engine/header_edit.h"
#include "engine/msg.h"
#include "engine/verdict.h"
#include "engine/verdict_alert.h"

struct analysis;

/* Template variables a policy passes to its reply template. */
struct policy_var {
	char	*name;
	char	*value;
};

struct policy_outcome {
	enum result result;		/* pass unless the policy objects */
	char	*reason;		/* short, for the log and JSON */
	const char *template;		/* template name; NULL = policy name */
	struct policy_var *vars;	/* {name} substitutions for the reply */
	size_t	 nvars;
	struct header_edits edits;	/* header changes of a rewrite */
	struct verdict_alerts alerts;	/* alerts to raise (verdict_alert.h) */
	/* defer: when to deliver, as an instant and as the school reads
	 * it (ISO 8601 with offset; "07:30 on Monday 5 January 2027") */
	time_t	 deliver_at;
	char	*deliver_iso;
	char	*deliver_text;
	/* a static word the event log keeps for reports, e.g. "urgent"
	 * (an override was used); NULL for none */
	const char *tag;
};

struct policy_ctx {
	const struct school *school;	/* the school, read-only */
	const void *settings;		/* this policy's settings struct */
	const struct msg *msg;		/* envelope, headers, body */
	const struct msg_facts *facts;	/* direction, roles */
	time_t	 now;			/* time of evaluation */
	const char *ref;		/* the message's reference code */
	struct engine_run *run;		/* for policy_ctx_analysis() */
};

struct policy {
	const char *name;		/* "parent-contact": section, log tag */
	const char *summary;		/* one line for -d and the manual */
	const struct conf_param *params; /* keys besides action and mode */
	size_t	 settings_size;		/* starts with struct policy_common */
	enum result default_action;
	const char *const *actions;	/* allowed `action` words, or NULL */
	bool	 liftable;		/* exemptions may lift it */
	/* reads attachments and text: the first enabled policy that does
	 * and every one after it run in the engine's CPU gate, so one
	 * that waits on the network (sender-auth) must come before it in
	 * the registry */
	bool	 needs_analysis;
	/* {names} its templates may use besides the common ones (school,
	 * policy_url, ref, office, dsl, policy); NULL-terminated */
	const char *const *template_vars;
	/* validate settings, build derived data; 0 or -1 with errors in eb */
	int	(*configure)(void *settings, const struct school *sc,
		    struct errbuf *eb);
	/* free derived data configure() built (settings strings are
	 * freed by the loader); may be NULL */
	void	(*unconfigure)(void *settings);
	/* does it read the text the analysis extracts (struct attachment
	 * text) when judging this message, by its direction, roles and
	 * settings?  Asked before any policy runs: the analysis extracts
	 * text only when a policy says yes.  Required: a policy that never
	 * reads text names policy_reads_no_text, and conf_load() refuses a
	 * registry with a policy that says neither (an omission would
	 * otherwise leave a new policy blind to attachment text). */
	bool	(*reads_text)(const struct policy_ctx *ctx);
	/* judge one message; 0, or -1 on internal error (-> on_error) */
	int	(*evaluate)(const struct policy_ctx *ctx,
		    struct policy_outcome *out);
	/* the IANA time zone its settings name (working-hours), which
	 * `aupctl test --at` reads a local time in; may be NULL */
	const char *(*time_zone)(const void *settings);
	/* how many distinct pupil identifiers text[0..len) holds as of
	 * `now` (pupil-data: its detectors), so that what reaches a log,
	 * a header, a reason or a notice can be withheld (SPEC 7); may be
	 * NULL */
	unsigned (*identifiers)(const void *settings, const char *text,
		    size_t len, time_t now);
};

/*
 * policy_ctx_analysis - the message's analysis, computed on first use and
 * shared by all policies; NULL on internal error (return -1 then).
 */
const struct analysis *policy_ctx_analysis(const struct policy_ctx *ctx);

/* policy_outcome_set - set result and reason (printf-style) */
void	policy_outcome_set(struct policy_outcome *out, enum result r,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* policy_outcome_var - add a template variable (printf-style value) */
void	policy_outcome_var(struct policy_outcome *out, const char *name,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* policy_outcome_clear - free reason, vars and edits */
void	policy_outcome_clear(struct policy_outcome *out);

/* policy_reads_no_text - the reads_text of a policy that never reads
 * extracted text (always false) */
bool	policy_reads_no_text(const struct policy_ctx *ctx);

/* policy_find - a policy of a registry by name, or NULL */
const struct policy *policy_find(const struct policy *const *registry,
	    const char *name);

/* The policies aup-milter ships, in evaluation order (registry.c). */
extern const struct policy *const policy_registry[];

#endif
