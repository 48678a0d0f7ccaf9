/*
 * actions - what a reviewer does to a held message: release, delete,
 * mark reviewed (SPEC 6 and 9)
 *
 * One implementation for every front end: `aupctl quarantine` and the
 * console call these functions, which check the message's state, act,
 * and write the audit trail (the store's audit table, and the event
 * log when the front end has one open).  Each returns 0 done, 1 refused
 * (the message is not in a state that allows it; nothing changed) or -1
 * failed, and sets *msg to one sentence for the person (free it).
 *
 * A person scoped to one school (actor.scope) finds another school's
 * message exactly as a reference that does not exist ("no held message
 * REF": nothing confirms it exists), and the attempt is audited under
 * the person's school.  Every record of a message's action carries
 * the message's school.
 */
#ifndef AUP_ACTIONS_H
#define AUP_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "config/conf.h"
#include "store/eventlog.h"

/* Who acts, as the audit trail records it. */
struct actor {
	const char *user;	/* the person: console user, or SUDO_USER or
				 * the Unix user for aupctl */
	const char *role;	/* console role, or NULL */
	const char *via;	/* "console" or "aupctl" */
	const char *address;	/* the client's address (console), or NULL */
	const char *unix_user;	/* aupctl: the Unix user, else NULL */
	const char *sudo_user;	/* aupctl: $SUDO_USER, or NULL */
	struct eventlog *events; /* also logged here when not NULL */
	const char *scope;	/* the one school whose messages this person
				 * may see and act on; NULL = every school */
	const char *school;	/* the school an audit record belongs to
				 * (actions_record): the message's, else the
				 * person's ("*" the service's); NULL = "" */
};

/*
 * actions_release - re-inject held message `ref` with a release mark to
 * its original recipients (nto = 0) or to `to`.  The index records the
 * release first (so the milter finds it) and takes it back if sendmail
 * fails: a message is released once.
 */
int	actions_release(const struct conf *cf, const struct actor *a,
	    const char *ref, const char *const *to, size_t nto,
	    const char *reason, char **msg);
/* actions_delete - remove the stored files; the index keeps the row */
int	actions_delete(const struct conf *cf, const struct actor *a,
	    const char *ref, const char *reason, char **msg);
/* actions_review - mark a held message reviewed (it stays held) */
int	actions_review(const struct conf *cf, const struct actor *a,
	    const char *ref, const char *reason, char **msg);
/*
 * actions_record - one audit record of `action` ("show", "export",
 * "list", "sign-in"...) with `result` in both trails; `extra` (taken,
 * may be NULL) adds members to the event log line.  0, or -1 when a
 * trail could not be written.
 */
int	actions_record(const struct conf *cf, const struct actor *a,
	    const char *action, const char *ref, const char *result,
	    const char *reason, const char *detail, json_object *extra);
/*
 * actions_in_scope - may a person of `scope` (NULL = every school) see a
 * row of `school`?
 */
bool	actions_in_scope(const char *scope, const char *school);
/*
 * actions_refuse_unseen - audit an attempt on a reference the person's
 * school has not (result "refused"); *msg says "no held message REF"
 */
void	actions_refuse_unseen(const struct conf *cf, const struct actor *a,
	    const char *action, const char *ref, const char *reason,
	    char **msg);
/* actions_valid_ref - is this a reference code (and a safe file name)? */
bool	actions_valid_ref(const char *ref);

#endif
