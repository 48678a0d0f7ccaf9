/*
 * page_login - sign-in, sign-out and the stylesheet
 *
 * SYNOPSIS
 *	page_login(), page_logout(), page_stylesheet()
 *
 * DESCRIPTION
 *	GET /login starts an anonymous session, so the form has a CSRF
 *	token like every other.  POST /login checks the account's lock,
 *	then the password (Argon2id, libsodium); an unknown name costs a
 *	verification too and gets the same answer as a wrong password.
 *	[console] login_attempts wrong passwords in a row lock the
 *	account for lockout_minutes (and ten times as many lock the
 *	client address).  A right password replaces the anonymous
 *	session with a new one.  Every sign-in, refusal and lock is in
 *	the audit trail.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "console/console.h"
#include "util/html.h"
#include "util/xalloc.h"

#define LOGIN_MAX_NAME	128

/* login_form - the form, with a message when there is one */
static void
login_form(struct request *r, struct reply *out, const char *message)
{
	GString *b = out->body;

	reply_page_begin(r, out, "Sign in");
	if (message != NULL)
		html_printf(b, "<p class=\"error\" role=\"alert\">%s</p>",
		    message);
	html_raw(b, "<form method=\"post\" action=\"/login\" class=\"login\">");
	reply_csrf_field(r, out);
	html_raw(b, "<label for=\"user\">User name</label>"
	    "<input id=\"user\" name=\"user\" autocomplete=\"username\" "
	    "required autofocus><label for=\"password\">Password</label>"
	    "<input id=\"password\" name=\"password\" type=\"password\" "
	    "autocomplete=\"current-password\" required>"
	    "<button>Sign in</button></form>");
	reply_page_end(out);
}

/* login_record - the audit record of a sign-in or sign-out */
static void
login_record(struct request *r, const char *action, const char *user,
    const char *result, const char *detail)
{
	struct actor a;
	char *school = NULL;

	request_actor(r, &a);
	a.user = user;
	a.role = NULL;
	/* under the account's school, so its DSL sees its sign-ins */
	if (r->c->cf->nschools > 0 && console_user_current(r->c, user, NULL,
	    NULL, &school))
		a.school = school;
	(void)actions_record(r->c->cf, &a, action, NULL, result, NULL,
	    detail, NULL);
	free(school);
}

/* login_check - the password of an account; the row's role on success */
static bool
login_check(struct console *c, const char *user, const char *password,
    enum access_role *role)
{
	const struct console_user *row;
	char *hash = NULL;
	bool ok;

	pthread_mutex_lock(&c->users_lock);
	row = console_users_find(c->users, user);
	if (row != NULL && row->password[0] != '\0') {
		hash = xstrdup(row->password);
		*role = row->role;
	}
	pthread_mutex_unlock(&c->users_lock);
	/* Outside the lock: a verification takes a fraction of a second. */
	ok = crypto_pwhash_str_verify(hash != NULL ? hash : c->dummy_hash,
	    password, strlen(password)) == 0 && hash != NULL;
	free(hash);
	return ok;
}

/* login_post - a sign-in attempt */
static void
login_post(struct request *r, struct reply *out)
{
	const char *user = form_get(&r->form, "user");
	const char *password = form_get(&r->form, "password");
	enum access_role role = ACCESS_NONE;
	time_t until;
	char *msg;

	if (user == NULL || password == NULL || user[0] == '\0' ||
	    strlen(user) > LOGIN_MAX_NAME) {
		login_form(r, out, "Enter your user name and password.");
		return;
	}
	(void)console_user_current(r->c, user, &role, NULL, NULL); /* reload */
	if (sessions_locked(r->c->sessions, user, r->address, r->now,
	    &until)) {
		login_record(r, "sign-in", user, "refused", "locked");
		msg = xasprintf("Too many wrong passwords: signing in is "
		    "locked for %ld more minute%s. Ask the DSL if you have "
		    "forgotten your password.", (long)(until - r->now + 59) /
		    60, until - r->now > 60 ? "s" : "");
		out->status = 429;
		login_form(r, out, msg);
		free(msg);
		return;
	}
	if (!login_check(r->c, user, password, &role)) {
		sessions_failed(r->c->sessions, user, r->address, r->now);
		login_record(r, "sign-in", user, "refused", "wrong user name or password");
		out->status = 403;
		login_form(r, out, "Wrong user name or password.");
		return;
	}
	sessions_succeeded(r->c->sessions, user);
	sessions_end(r->c->sessions, r->sv.id);
	session_view_clear(&r->sv);
	sessions_start(r->c->sessions, user, role, r->now, &r->sv);
	r->have_session = r->set_cookie = true;
	login_record(r, "sign-in", r->sv.user, "ok", NULL);
	reply_redirect(out, "/");
}

/* page_login - GET shows the form, POST signs in */
void
page_login(struct request *r, struct reply *out)
{
	if (r->post) {
		login_post(r, out);
		return;
	}
	if (r->sv.user != NULL) {
		reply_redirect(out, "/");
		return;
	}
	if (!r->have_session) {
		sessions_start(r->c->sessions, NULL, ACCESS_NONE, r->now, &r->sv);
		r->have_session = r->set_cookie = true;
	}
	login_form(r, out, NULL);
}

/* page_logout - end the session */
void
page_logout(struct request *r, struct reply *out)
{
	if (r->sv.user != NULL)
		login_record(r, "sign-out", r->sv.user, "ok", NULL);
	sessions_end(r->c->sessions, r->sv.id);
	out->end_session = true;
	reply_redirect(out, "/login");
}
