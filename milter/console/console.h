/*
 * console - aup-console, the DSL's console in a web browser (SPEC 9)
 *
 * A second front end on the milter's configuration and store: the
 * pages call the same store functions (qindex, audit, actions, report)
 * as aupctl.  http.c turns libmicrohttpd's callbacks into one struct
 * request per HTTP request and a struct reply the page fills in; every
 * page starts with the checks in console_require().  All HTML is
 * written with util/html.h, which escapes every value.
 */
#ifndef AUP_CONSOLE_H
#define AUP_CONSOLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

#include "config/conf.h"
#include "console/access.h"
#include "console/console_users.h"
#include "console/session.h"
#include "store/actions.h"

#define CONSOLE_COOKIE		"aup_session"
#define CONSOLE_MAX_POST	(64 * 1024)	/* bytes of a form */

struct cidr_list;

/* The running console: one per process, shared by its threads. */
struct console {
	struct conf *cf;		/* the configuration snapshot */
	struct sessions *sessions;
	pthread_mutex_t users_lock;	/* guards users */
	struct console_users *users;	/* reloaded when the file changes */
	struct cidr_list *proxies;	/* [console] trusted_proxies */
	char	*dummy_hash;		/* verified for unknown users, so a
					 * wrong name costs what a wrong
					 * password costs */
};

/* A submitted form: keys and values in order (a key may repeat). */
struct form {
	GPtrArray *keys;
	GPtrArray *values;
};

/* One HTTP request, as the pages see it. */
struct request {
	struct console *c;
	struct MHD_Connection *conn;
	const char *method;		/* "GET", "POST" */
	const char *path;		/* "/held/REF" */
	char	*address;		/* the client (after a trusted proxy) */
	bool	 post;
	struct form form;
	struct session_view sv;		/* sv.user NULL: not signed in */
	bool	 have_session;
	bool	 set_cookie;		/* sv is new: send its cookie */
	time_t	 now;
	char	*scope;			/* the signed-in account's school:
					 * its rows only; NULL = every school
					 * ("*", or a single-school service) */
};

/* What a page answers. */
struct reply {
	unsigned status;		/* 200, 303, 403... */
	GString	*body;
	const char *type;		/* Content-Type */
	char	*location;		/* for 303: a path of this console */
	char	*disposition;		/* Content-Disposition, or NULL */
	bool	 end_session;		/* clear the cookie */
};

/* form_get - the first value of a field, or NULL */
const char *form_get(const struct form *f, const char *key);
/* form_arg - a query-string argument (GET), or NULL */
const char *request_arg(const struct request *r, const char *key);
/* request_actor - the audit trail's view of who acts */
void	request_actor(const struct request *r, struct actor *a);
/* console_user - the signed-in user's row (a copy of role, name and
 * school, each when not NULL); false if the account is gone from the
 * users file */
bool	console_user_current(struct console *c, const char *user,
	    enum access_role *role, char **name, char **school);
/*
 * request_in_scope - may the signed-in account see a row of `school`?
 * When not, the attempt (`action` on `ref`) goes to the audit trail and
 * the page answers as for a reference that does not exist (404).
 */
bool	request_in_scope(const struct request *r, const char *action,
	    const char *ref, const char *school);
/* request_service - the service's staff on a service of many schools
 * (lists show each row's school) */
bool	request_service(const struct request *r);
/* request_school - the snapshot of a row's school (the main one for ""
 * or a school no longer configured) */
const struct conf *request_school(const struct request *r,
	    const char *school);

/* reply_page_begin - the page head, navigation and heading */
void	reply_page_begin(const struct request *r, struct reply *out,
	    const char *title);
/* reply_page_end - the page foot */
void	reply_page_end(struct reply *out);
/* reply_redirect - 303 to a path of this console */
void	reply_redirect(struct reply *out, const char *path);
/* reply_error - a page with a status and one sentence */
void	reply_error(const struct request *r, struct reply *out,
	    unsigned status, const char *text);
/* reply_csrf_field - the hidden CSRF input of a form */
void	reply_csrf_field(const struct request *r, struct reply *out);
/* reply_when - local "YYYY-MM-DD HH:MM" into buf[32] ("" for 0) */
void	reply_when(time_t t, char buf[32]);

/* The pages (page_*.c). */
void	page_login(struct request *r, struct reply *out);
void	page_logout(struct request *r, struct reply *out);
void	page_held(struct request *r, struct reply *out);
void	page_held_bulk(struct request *r, struct reply *out);
void	page_message(struct request *r, struct reply *out, const char *ref);
void	page_message_act(struct request *r, struct reply *out,
	    const char *ref);
void	page_message_eml(struct request *r, struct reply *out,
	    const char *ref);
void	page_audit(struct request *r, struct reply *out);
void	page_alerts(struct request *r, struct reply *out);
void	page_alert(struct request *r, struct reply *out, const char *id);
void	page_alert_act(struct request *r, struct reply *out, const char *id);
/* page_deferred - GET /deferred; page_deferred_act - POST /deferred/REF */
void	page_deferred(struct request *r, struct reply *out);
void	page_deferred_act(struct request *r, struct reply *out,
	    const char *ref);
void	page_reports(struct request *r, struct reply *out);
/* page_stylesheet - the one stylesheet */
void	page_stylesheet(struct request *r, struct reply *out);

/* console_dispatch - route a request to its page (routes.c) */
void	console_dispatch(struct request *r, struct reply *out);

#endif
