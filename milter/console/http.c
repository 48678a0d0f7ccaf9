/*
 * http - libmicrohttpd glue: requests in, replies out, the checks that
 * every request passes
 *
 * SYNOPSIS
 *	http_start(), form_get(), request_arg(),
 *	request_actor(), console_user_current()
 *
 * DESCRIPTION
 *	libmicrohttpd calls http_handler() several times per request: the
 *	first call makes the request's context, the middle ones feed a
 *	POST body to the form parser (at most CONSOLE_MAX_POST bytes, in
 *	the url-encoded or multipart form a browser sends), the last one
 *	answers.  Before any page runs:
 *	- the client address is the peer's, or for a peer in
 *	  [console] trusted_proxies the last X-Forwarded-For entry;
 *	- the session comes from the cookie; a trusted proxy may name the
 *	  user in [console] user_header (single sign-on), a header nobody
 *	  else may set; the account and its role are looked up again in
 *	  the users file on every request, so a removed account or a
 *	  changed role takes effect at once;
 *	- every POST must carry the session's CSRF token (403 if not).
 *	Every reply carries Content-Security-Policy: default-src 'self'
 *	(no inline script or style, no frames, forms only to this
 *	console), X-Frame-Options: DENY, nosniff, no-referrer and
 *	no-store; the cookie is Secure, HttpOnly and SameSite=Strict.
 *
 * SPDX-License-Identifier: MIT
 */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <microhttpd.h>

#include "config/cidr.h"
#include "config/school_pick.h"
#include "console/console.h"
#include "console/http.h"
#include "util/log.h"
#include "util/xalloc.h"

#define HTTP_CSP "default-src 'self'; frame-ancestors 'none'; " \
	"form-action 'self'; base-uri 'none'"

/* The context of one request across libmicrohttpd's calls. */
struct http_ctx {
	struct request r;
	struct MHD_PostProcessor *pp;
	size_t	 posted;
	bool	 too_large;
	bool	 bad_form;
};

/* form_get - first value of a field */
const char *
form_get(const struct form *f, const char *key)
{
	for (guint i = 0; f->keys != NULL && i < f->keys->len; i++)
		if (strcmp(g_ptr_array_index(f->keys, i), key) == 0)
			return g_ptr_array_index(f->values, i);
	return NULL;
}

/* request_arg - a query-string argument */
const char *
request_arg(const struct request *r, const char *key)
{
	const char *v = MHD_lookup_connection_value(r->conn,
	    MHD_GET_ARGUMENT_KIND, key);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* request_actor - who acts, for the audit trail */
void
request_actor(const struct request *r, struct actor *a)
{
	memset(a, 0, sizeof(*a));
	a->user = r->sv.user;
	a->role = access_role_name(r->sv.role);
	a->via = "console";
	a->address = r->address;
	a->scope = r->scope;
	/* What the person does outside a message is their school's record;
	 * the service's staff are "*". */
	a->school = r->scope != NULL ? r->scope : r->c->cf->nschools > 0 ?
	    "*" : NULL;
}

/* request_in_scope - a row of the account's school (or of any) */
bool
request_in_scope(const struct request *r, const char *action,
    const char *ref, const char *school)
{
	struct actor a;
	char *msg = NULL;

	if (actions_in_scope(r->scope, school))
		return true;
	request_actor(r, &a);
	actions_refuse_unseen(r->c->cf, &a, action, ref, NULL, &msg);
	free(msg);
	return false;
}

/* request_service - every school, and more than one */
bool
request_service(const struct request *r)
{
	return r->scope == NULL && r->c->cf->nschools > 0;
}

/* request_school - a row's school's snapshot, for its settings */
const struct conf *
request_school(const struct request *r, const char *school)
{
	const struct conf *sc = conf_school_named(r->c->cf, school);

	return sc != NULL ? sc : r->c->cf;
}

/* http_scope - the scope of an account's school column */
static char *
http_scope(const struct console *c, char *school)
{
	if (c->cf->nschools == 0 || school == NULL ||
	    strcmp(school, "*") == 0) {
		free(school);
		return NULL;
	}
	return school;
}

/* http_users_fresh - reload the users file if it changed; lock held */
static void
http_users_fresh(struct console *c)
{
	struct console_users *u;
	struct stat st;
	char *err = NULL;

	if (c->cf->console.users == NULL ||
	    stat(c->cf->console.users, &st) < 0 ||
	    (c->users != NULL && st.st_mtime == c->users->mtime))
		return;
	if ((u = console_users_load(c->cf->console.users, &err)) == NULL) {
		log_warnx("console: %s (keeping the accounts read before)",
		    err);
		free(err);
		return;
	}
	console_users_free(c->users);
	c->users = u;
}

/* console_user_current - the account's role now */
bool
console_user_current(struct console *c, const char *user, enum access_role *role,
    char **name, char **school)
{
	const struct console_user *row;
	bool found;

	pthread_mutex_lock(&c->users_lock);
	http_users_fresh(c);
	row = console_users_find(c->users, user);
	found = row != NULL;
	if (found) {
		if (role != NULL)
			*role = row->role;
		if (name != NULL)
			*name = xstrdup(row->name);
		if (school != NULL)
			*school = xstrdup(row->school);
	}
	pthread_mutex_unlock(&c->users_lock);
	return found;
}

/* http_post_field - the form parser's callback: one (piece of a) value */
static enum MHD_Result
http_post_field(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *content_type,
    const char *transfer_encoding, const char *data, uint64_t off,
    size_t size)
{
	struct http_ctx *h = cls;
	struct form *f = &h->r.form;

	(void)kind; (void)filename; (void)content_type;
	(void)transfer_encoding;
	if (off > 0 && f->keys->len > 0 && strcmp(g_ptr_array_index(f->keys,
	    f->keys->len - 1), key) == 0) {
		char *old = g_ptr_array_index(f->values, f->values->len - 1);
		char *joined = xasprintf("%s%.*s", old, (int)size, data);

		free(old);
		g_ptr_array_index(f->values, f->values->len - 1) = joined;
		return MHD_YES;
	}
	g_ptr_array_add(f->keys, xstrdup(key));
	g_ptr_array_add(f->values, xstrndup(data, size));
	return MHD_YES;
}

/* http_peer - the peer's numeric address (new string) */
static char *
http_peer(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char host[NI_MAXHOST];
	socklen_t len;

	if (ci == NULL || ci->client_addr == NULL)
		return xstrdup("unknown");
	len = ci->client_addr->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	if (getnameinfo(ci->client_addr, len, host, sizeof(host), NULL, 0,
	    NI_NUMERICHOST) != 0)
		return xstrdup("unknown");
	return xstrdup(host);
}

/* http_from_proxy - is the peer a trusted proxy? */
static bool
http_from_proxy(const struct console *c, const char *peer)
{
	return c->proxies != NULL && cidr_list_contains(c->proxies, peer);
}

/* http_address - the client: the peer, or what a trusted proxy says */
static char *
http_address(struct request *r, bool proxied)
{
	const char *xff = MHD_lookup_connection_value(r->conn,
	    MHD_HEADER_KIND, "X-Forwarded-For");
	const char *last;
	char *peer = http_peer(r->conn), *addr;

	if (!proxied || xff == NULL)
		return peer;
	last = strrchr(xff, ',');
	last = last != NULL ? last + 1 : xff;
	while (*last == ' ')
		last++;
	addr = xstrndup(last, strcspn(last, " "));
	free(peer);
	return addr[0] != '\0' ? addr : (free(addr), xstrdup("unknown"));
}

/* http_sso - a trusted proxy names the user: make or keep its session;
 * false when it names someone who is not a console user */
static bool
http_sso(struct request *r, const char *user)
{
	enum access_role role;
	char *school = NULL;

	if (!console_user_current(r->c, user, &role, NULL, &school))
		return false;
	r->scope = http_scope(r->c, school);
	if (r->have_session && r->sv.user != NULL &&
	    strcasecmp(r->sv.user, user) == 0)
		return true;
	if (r->have_session)
		sessions_end(r->c->sessions, r->sv.id);
	session_view_clear(&r->sv);
	sessions_start(r->c->sessions, user, role, r->now, &r->sv);
	r->have_session = r->set_cookie = true;
	return true;
}

/* http_session - the request's session and user; false: refuse (403) */
static bool
http_session(struct request *r, bool proxied)
{
	struct console *c = r->c;
	const char *cookie = MHD_lookup_connection_value(r->conn,
	    MHD_COOKIE_KIND, CONSOLE_COOKIE);
	const char *sso = NULL;
	enum access_role role;
	char *school = NULL;

	r->have_session = sessions_find(c->sessions, cookie, r->now, &r->sv);
	if (proxied && c->cf->console.user_header != NULL)
		sso = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
		    c->cf->console.user_header);
	if (sso != NULL && sso[0] != '\0')
		return http_sso(r, sso);
	if (r->sv.user == NULL)
		return true;
	if (!console_user_current(c, r->sv.user, &role, NULL, &school)) {
		/* The account is gone: so is every session of it. */
		sessions_end_user(c->sessions, r->sv.user);
		free(r->sv.user);
		r->sv.user = NULL;
		r->sv.role = ACCESS_NONE;
		r->have_session = false;
		return true;
	}
	r->sv.role = role;
	r->scope = http_scope(c, school);
	return true;
}

/* http_headers - the security headers of every reply */
static void
http_headers(struct MHD_Response *resp, const struct request *r,
    const struct reply *out)
{
	char *cookie = NULL;

	MHD_add_response_header(resp, "Content-Security-Policy", HTTP_CSP);
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "Content-Type", out->type);
	if (out->location != NULL)
		MHD_add_response_header(resp, "Location", out->location);
	if (out->disposition != NULL)
		MHD_add_response_header(resp, "Content-Disposition",
		    out->disposition);
	if (out->end_session)
		cookie = xasprintf("%s=; Path=/; Max-Age=0; Secure; HttpOnly; "
		    "SameSite=Strict", CONSOLE_COOKIE);
	else if (r->set_cookie)
		cookie = xasprintf("%s=%s; Path=/; Max-Age=%ld; Secure; "
		    "HttpOnly; SameSite=Strict", CONSOLE_COOKIE, r->sv.id,
		    r->c->cf->console.session_minutes * 60);
	if (cookie != NULL)
		MHD_add_response_header(resp, "Set-Cookie", cookie);
	free(cookie);
}

/* http_answer - queue a reply */
static enum MHD_Result
http_answer(struct request *r, struct reply *out)
{
	size_t len = out->body->len;
	char *body = g_string_free(out->body, FALSE);
	struct MHD_Response *resp;
	enum MHD_Result rc;

	out->body = NULL;
	resp = MHD_create_response_from_buffer_with_free_callback(len, body,
	    g_free);
	if (resp == NULL) {
		g_free(body);
		return MHD_NO;
	}
	http_headers(resp, r, out);
	rc = MHD_queue_response(r->conn, out->status, resp);
	MHD_destroy_response(resp);
	return rc;
}

/* http_serve - the checks, then the page */
static enum MHD_Result
http_serve(struct http_ctx *h)
{
	struct request *r = &h->r;
	struct reply out = { .status = 200, .body = g_string_new(NULL),
	    .type = "text/html; charset=utf-8" };
	char *peer = http_peer(r->conn);
	bool proxied = http_from_proxy(r->c, peer);
	enum MHD_Result rc;

	free(peer);
	r->address = http_address(r, proxied);
	r->now = time(NULL);
	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0 &&
	    !r->post)
		reply_error(r, &out, MHD_HTTP_METHOD_NOT_ALLOWED,
		    "This console answers GET and POST only.");
	else if (h->too_large)
		reply_error(r, &out, MHD_HTTP_CONTENT_TOO_LARGE,
		    "The form is too large.");
	else if (h->bad_form)
		reply_error(r, &out, MHD_HTTP_BAD_REQUEST,
		    "The form could not be read.");
	else if (!http_session(r, proxied))
		reply_error(r, &out, MHD_HTTP_FORBIDDEN,
		    "You signed in at the school's login, but you have no "
		    "account on this console. Ask the DSL to add you.");
	else if (r->post && (!r->have_session ||
	    !session_csrf_ok(&r->sv, form_get(&r->form, "csrf"))))
		reply_error(r, &out, MHD_HTTP_FORBIDDEN,
		    "This form has expired or did not come from this console. "
		    "Go back, reload the page and try again.");
	else
		console_dispatch(r, &out);
	rc = http_answer(r, &out);
	free(out.location);
	free(out.disposition);
	return rc;
}

/* http_handler - libmicrohttpd's access handler */
static enum MHD_Result
http_handler(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct http_ctx *h = *con_cls;

	(void)version;
	if (h == NULL) {
		h = xcalloc(1, sizeof(*h));
		h->r.c = cls;
		h->r.conn = conn;
		h->r.method = method;
		h->r.path = url;
		h->r.post = strcmp(method, "POST") == 0;
		h->r.form.keys = g_ptr_array_new_with_free_func(free);
		h->r.form.values = g_ptr_array_new_with_free_func(free);
		if (h->r.post && (h->pp = MHD_create_post_processor(conn, 4096,
		    http_post_field, h)) == NULL)
			h->bad_form = true;
		*con_cls = h;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		h->posted += *upload_size;
		if (h->posted > CONSOLE_MAX_POST)
			h->too_large = true;
		else if (h->pp != NULL && MHD_post_process(h->pp, upload,
		    *upload_size) != MHD_YES)
			h->bad_form = true;
		*upload_size = 0;
		return MHD_YES;
	}
	return http_serve(h);
}

/* http_completed - free a request's context */
static void
http_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode code)
{
	struct http_ctx *h = *con_cls;

	(void)cls; (void)conn; (void)code;
	if (h == NULL)
		return;
	if (h->pp != NULL)
		MHD_destroy_post_processor(h->pp);
	g_ptr_array_free(h->r.form.keys, TRUE);
	g_ptr_array_free(h->r.form.values, TRUE);
	session_view_clear(&h->r.sv);
	free(h->r.address);
	free(h->r.scope);
	free(h);
	*con_cls = NULL;
}

/* http_listen_addr - [console] listen as a socket address; -1 if bad */
static int
http_listen_addr(const char *listen, struct sockaddr_storage *ss,
    char **err)
{
	char *copy = xstrdup(listen), *host = copy, *port;
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST |
	    AI_NUMERICSERV, .ai_socktype = SOCK_STREAM }, *ai = NULL;
	int rc = -1;

	port = strrchr(copy, ':');
	if (port != NULL) {
		*port++ = '\0';
		if (host[0] == '[' && host[strlen(host) - 1] == ']') {
			host++;
			host[strlen(host) - 1] = '\0';
		}
	}
	if (port == NULL || getaddrinfo(host, port, &hints, &ai) != 0)
		*err = xasprintf("[console] listen = %s: not HOST:PORT with a "
		    "numeric address (127.0.0.1:8025, [::1]:8025)", listen);
	else {
		memcpy(ss, ai->ai_addr, ai->ai_addrlen);
		rc = 0;
	}
	if (ai != NULL)
		freeaddrinfo(ai);
	free(copy);
	return rc;
}

/* http_start - listen and serve on libmicrohttpd's threads */
struct MHD_Daemon *
http_start(struct console *c, const char *tls_cert, const char *tls_key,
    char **err)
{
	struct sockaddr_storage ss = { 0 };
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	struct MHD_Daemon *d;

	if (http_listen_addr(c->cf->console.listen, &ss, err) < 0)
		return NULL;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (tls_cert != NULL)
		flags |= MHD_USE_TLS;
	d = MHD_start_daemon(flags, 0, NULL, NULL, http_handler, c,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)4,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)200,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)50,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
	    MHD_OPTION_NOTIFY_COMPLETED, http_completed, NULL,
	    tls_cert != NULL ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END,
	    tls_cert, MHD_OPTION_HTTPS_MEM_KEY, tls_key, MHD_OPTION_END);
	if (d == NULL)
		*err = xasprintf("cannot listen on %s", c->cf->console.listen);
	return d;
}
