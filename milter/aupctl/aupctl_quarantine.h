/*
 * aupctl_quarantine - `aupctl quarantine`: the DSL's review (SPEC 6)
 *
 * aupctl_quarantine.c has the dispatcher and list, expire and digest;
 * aupctl_quarantine_show.c has show, release and delete.  The helpers
 * below are shared by the two files only.
 */
#ifndef AUP_AUPCTL_QUARANTINE_H
#define AUP_AUPCTL_QUARANTINE_H

#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "config/conf.h"
#include "store/actions.h"
#include "store/eventlog.h"
#include "policies/policy.h"

/* One review command: configuration, store, audit trail, acting user. */
struct aq {
	struct conf *cf;
	const char *dir;		/* quarantine_dir */
	struct store *st;		/* the store (store_of(cf)) */
	struct eventlog *audit;		/* the event log */
	char	*user;			/* getpwuid(getuid()) */
	const char *sudo_user;		/* $SUDO_USER, or NULL */
	struct actor actor;		/* who acts, for store/actions.c */
	const char *school;		/* --school NAME, or NULL: every
					 * school (actor.scope once checked) */
};

/*
 * aupctl_quarantine - `aupctl -c FILE quarantine SUBCOMMAND ...`; argv[0]
 * is "quarantine".  Exit 0 done, 1 refused or failed, 2 bad usage.
 */
int	aupctl_quarantine(const char *conf_path, int argc, char **argv,
	    const struct policy *const *registry);

/*
 * aq_run - take --school out of argv, aq_setup(), run `run` on argv
 * (argv[0] is the subcommand), aq_teardown(): the dispatch of
 * `aupctl quarantine`, `deferred` and `alerts`.  Exit status; 2 bad usage.
 */
int	aq_run(const char *conf_path, int argc, char **argv,
	    const struct policy *const *registry,
	    int (*run)(struct aq *, int, char **));
/*
 * aq_in_scope - may this command see a row of `school`?  When not, the
 * attempt is audited (`action` on `ref`, refused) and false returned:
 * the caller says the reference does not exist.
 */
bool	aq_in_scope(struct aq *q, const char *action, const char *ref,
	    const char *school);

/* aq_show, aq_release, aq_delete, aq_review - the subcommands (argv[0]
 * is theirs) */
int	aq_show(struct aq *q, int argc, char **argv);
int	aq_release(struct aq *q, int argc, char **argv);
int	aq_delete(struct aq *q, int argc, char **argv);
int	aq_review(struct aq *q, int argc, char **argv);

/*
 * aq_audit - one audit record of ACTION ("show", "list"...): the event
 * log's {"event": "quarantine-ACTION", "ref", "user", "sudo_user",
 * "result", ...extra} and a row of the store's audit table (takes
 * `extra`, may be NULL); 0, or -1 with a message on stderr.
 */
int	aq_audit(struct aq *q, const char *event, const char *ref,
	    const char *result, json_object *extra);
/* aq_setup - configuration (checking q->school), audit trail and acting
 * user (also for `aupctl deferred` and `alerts`); 0, or -1 with a message
 * on stderr */
int	aq_setup(struct aq *q, const char *conf_path,
	    const struct policy *const *registry);
/* aq_teardown - free what aq_setup made */
void	aq_teardown(struct aq *q);
/* aq_clean - text safe to print on a terminal (new string; "" for NULL) */
char	*aq_clean(const char *s);
/* aq_meta - the stored REF.json, or NULL (message on stderr) */
json_object *aq_meta(const struct aq *q, const char *ref);
/* aq_print_json - print a value pretty on stdout, and free it */
void	aq_print_json(json_object *o);
/* aq_when - local "YYYY-MM-DD HH:MM" of a time into buf[32] */
void	aq_when(time_t t, char buf[32]);

#endif
