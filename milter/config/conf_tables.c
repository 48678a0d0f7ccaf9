/*
 * conf_tables - the [milter], [school], [directory] and [notify] tables
 *
 * SYNOPSIS
 *	conf_milter_params[], conf_school_params[], conf_directory_params[],
 *	conf_notify_params[], conf_policy_common_params[],
 *	conf_console_params[], conf_store_params[]
 *
 * DESCRIPTION
 *	Every key of the core sections is declared here once, with its
 *	type, default and one line of help.  The loader, `aup-milter -d`
 *	and the manual page all read these tables.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>

#include "config/conf.h"
#include "config/conf_tables.h"

#define M(field) offsetof(struct milter_settings, field)
#define S(field) offsetof(struct school_settings, field)
#define D(field) offsetof(struct directory_settings, field)
#define P(field) offsetof(struct policy_common, field)
#define N(field) offsetof(struct notify_settings, field)
#define C(field) offsetof(struct console_settings, field)

static const char *const on_error_words[] = { "tempfail", "accept", NULL };
static const char *const notify_words[] = { "each", "digest", "off", NULL };
static const char *const reply_words[] = { "auto", "full", "short", NULL };

const struct conf_param conf_milter_params[] = {
	{ "socket", CONF_STRING, "unix:/run/aup-milter/aup-milter.sock",
	    M(socket), 0, 0, NULL, "where the MTA connects: unix:PATH or "
	    "inet:PORT@HOST" },
	{ "mode", CONF_MODE, "enforce", M(mode), 0, 0, NULL,
	    "enforce, or monitor: log what would happen, change nothing" },
	{ "on_error", CONF_CHOICE, "tempfail", M(on_error), 0, 0,
	    on_error_words, "what an internal error does to a message" },
	{ "event_log", CONF_PATH, "/var/log/aup-milter/events.jsonl",
	    M(event_log), 0, 0, NULL, "one JSON line per message" },
	{ "quarantine_dir", CONF_PATH, "/var/lib/aup-milter/quarantine",
	    M(quarantine_dir), 0, 0, NULL, "the quarantine store" },
	{ "trusted_networks", CONF_CIDRS, "127.0.0.0/8, ::1",
	    M(trusted_networks), 0, 0, NULL, "clients whose mail from school "
	    "addresses is outbound without a login" },
	/* The school's mail service (Microsoft 365, Google Workspace) as a
	 * client: config/connectors.c reads the items, engine/roles.c
	 * decides what a match means. */
	{ "trusted_clients", CONF_LIST, NULL, M(trusted_clients), 0, 0,
	    NULL, "the school's mail service connecting without a login: "
	    "subject:NAME (a verified client certificate) or ADDR[/BITS]" },
	{ "user", CONF_STRING, NULL, M(user), 0, 0, NULL,
	    "started as root: the unprivileged user to run as (required)" },
	{ "group", CONF_STRING, NULL, M(group), 0, 0, NULL,
	    "group of the socket and the quarantine (the MTA and reviewers)" },
	{ "pidfile", CONF_PATH, NULL, M(pidfile), 0, 0, NULL,
	    "write the process id here" },
	{ "socket_mode", CONF_INT, "0660", M(socket_mode), 0, 0777, NULL,
	    "permissions of a unix socket" },
	{ "spool_dir", CONF_PATH, "/var/tmp", M(spool_dir), 0, 0, NULL,
	    "temporary files for large messages" },
	{ "spool_threshold", CONF_INT, "1048576", M(spool_threshold), 4096,
	    1073741824, NULL, "bytes of a message kept in memory" },
	{ "templates", CONF_PATH, NULL, M(templates), 0, 0, NULL,
	    "folder of reply texts that replace the built-in ones" },
	{ "schools", CONF_PATH, NULL, M(schools), 0, 0, NULL,
	    "folder of school files (NAME.conf), one per school" },
	{ "syslog_facility", CONF_STRING, "mail", M(syslog_facility), 0, 0,
	    NULL, "syslog facility" },
	{ "max_depth", CONF_INT, "5", M(max_depth), 1, 50, NULL,
	    "archive and message nesting inspected" },
	{ "max_entries", CONF_INT, "10000", M(max_entries), 1, 1000000, NULL,
	    "archive entries inspected per message" },
	{ "max_expanded_mb", CONF_INT, "200", M(max_expanded_mb), 1, 100000,
	    NULL, "MiB expanded from archives per message" },
	{ "max_ratio", CONF_INT, "100", M(max_ratio), 2, 100000, NULL,
	    "largest expansion ratio of an archive entry" },
	{ "max_text_kb", CONF_INT, "4096", M(max_text_kb), 16, 1048576, NULL,
	    "KiB of text extracted per part for scanning" },
	{ "verbose", CONF_BOOL, "no", M(verbose), 0, 0, NULL,
	    "debug logging" },
	{ "quarantine_days", CONF_INT, "30", M(quarantine_days), 0, 36500,
	    NULL, "days a held message is kept (`aupctl quarantine expire`); "
	    "0 keeps them" },
	{ "release_secret", CONF_PATH, "/var/lib/aup-milter/release.key",
	    M(release_secret), 0, 0, NULL, "key of the release mark (made "
	    "0640 at startup if missing)" },
	{ "notify", CONF_CHOICE, "each", M(notify), 0, 0, notify_words,
	    "tell the DSL of each held message, in a daily digest, or not" },
	{ "notify_sender", CONF_BOOL, "yes", M(notify_sender), 0, 0, NULL,
	    "tell the sender of a held outbound message" },
	{ "notify_recipients", CONF_BOOL, "no", M(notify_recipients), 0, 0,
	    NULL, "tell the school recipients of a held inbound message" },
	{ "sendmail_path", CONF_PATH, "/usr/sbin/sendmail", M(sendmail_path),
	    0, 0, NULL, "sendmail(1) that re-injects released messages" },
	{ "reply", CONF_CHOICE, "auto", M(reply), 0, 0, reply_words,
	    "a refusal's reply: full, short (two lines; the explanation "
	    "goes to a school sender as a notice), or auto (short for mail "
	    "submitted on the server with sendmail(1), full over SMTP)" },
	{ "deferred_interval", CONF_INT, "30", M(deferred_interval), 1, 3600,
	    NULL, "seconds between looks for deferred mail that is due" },
	{ "clock_file", CONF_PATH, NULL, M(clock_file), 0, 0, NULL,
	    "for tests only: read the time from this file (seconds since "
	    "the epoch)" },
	{ NULL, 0, NULL, 0, 0, 0, NULL, NULL }
};

const struct conf_param conf_notify_params[] = {
	{ "relay", CONF_STRING, "127.0.0.1:25", N(relay), 0, 0, NULL,
	    "HOST:PORT of the SMTP server notices are sent to" },
	{ "from", CONF_ADDRESS, NULL, N(from), 0, 0, NULL,
	    "sender of notices (default: aup-milter@ the first school "
	    "domain)" },
	{ "retry", CONF_INT, "60", N(retry), 1, 86400, NULL,
	    "seconds before a notice the relay did not take is tried again "
	    "(doubling each time; given up after 5 days)" },
	{ "retry_max", CONF_INT, "3600", N(retry_max), 1, 86400, NULL,
	    "longest wait in seconds between two tries of a notice" },
	{ NULL, 0, NULL, 0, 0, 0, NULL, NULL }
};

#define ST(field) offsetof(struct store_settings, field)
static const char *const backend_words[] = { "sqlite", "postgresql", NULL };

const struct conf_param conf_store_params[] = {
	{ "backend", CONF_CHOICE, "sqlite", ST(backend), 0, 0, backend_words,
	    "sqlite: files and an index under quarantine_dir (one node); "
	    "postgresql: everything in the database dsn names, shared by "
	    "several nodes" },
	{ "dsn", CONF_STRING, NULL, ST(dsn), 0, 0, NULL,
	    "backend postgresql: the libpq connection string, e.g. "
	    "\"host=db.example dbname=aup user=aup\"" },
	{ "event_queue", CONF_INT, "20000", ST(event_queue), 100, 1000000,
	    NULL, "backend postgresql: event rows kept in memory while the "
	    "database is slow or down (more are counted in the log; every "
	    "event stays in the local event log)" },
	{ NULL, 0, NULL, 0, 0, 0, NULL, NULL }
};

const struct conf_param conf_school_params[] = {
	{ "name", CONF_STRING, NULL, S(name), 0, 0, NULL,
	    "the school's name, used in replies" },
	{ "domains", CONF_DOMAINS, NULL, S(domains), 0, 0, NULL,
	    "the school's mail domains (required)" },
	{ "office", CONF_ADDRESSES, NULL, S(office), 0, 0, NULL,
	    "the office account(s) (required)" },
	{ "office_senders", CONF_ADDRESSES, NULL, S(office_senders), 0, 0, NULL,
	    "logins that may send as the office" },
	{ "pupils", CONF_PATTERNS, NULL, S(pupils), 0, 0, NULL,
	    "pupil addresses: *@domain patterns or addresses" },
	{ "dsl", CONF_ADDRESS, NULL, S(dsl), 0, 0, NULL,
	    "the Designated Safeguarding Lead's address" },
	{ "policy_url", CONF_URL, NULL, S(policy_url), 0, 0, NULL,
	    "where staff read the Acceptable Use Policy" },
	{ "phone", CONF_STRING, NULL, S(phone), 0, 0, NULL,
	    "the school's phone number (a pupil may give it out)" },
	{ "address", CONF_STRING, NULL, S(address), 0, 0, NULL,
	    "the school's postal address (a pupil may give it out)" },
	{ NULL, 0, NULL, 0, 0, 0, NULL, NULL }
};

const struct conf_param conf_directory_params[] = {
	{ "parents", CONF_PATH, NULL, D(parents), 0, 0, NULL,
	    "parents.csv: parent and carer addresses" },
	{ "pupils", CONF_PATH, NULL, D(pupils), 0, 0, NULL,
	    "pupils.csv: the roster for pupil-data matching" },
	{ "exemptions", CONF_PATH, NULL, D(exemptions), 0, 0, NULL,
	    "exemptions.csv: approved exceptions with expiry dates" },
	{ "correspondents", CONF_PATH, NULL, D(correspondents), 0, 0, NULL,
	    "correspondents.csv: who pupils may write to (pupil-mail)" },
	{ "personal_domains", CONF_DOMAINS, NULL, D(personal_domains), 0, 0,
	    NULL, "consumer mail domains added to the built-in list" },
	/* Column names: what MIS exports call them (UK-SCHOOL-DATA.md 4). */
	{ "parent_email_columns", CONF_LIST, "email, e-mail, email address, "
	    "e-mail address, contact email, contact email address, "
	    "home email, (contact) home email, primary email, primaryemail, "
	    "personal email, main email, parent email, guardian email, "
	    "emailaddress, guardianemail", D(parent_email_columns), 0, 0,
	    NULL, "parents.csv: e-mail columns (every one found is read)" },
	{ "pupil_upn_columns", CONF_LIST, "upn, unique pupil number, "
	    "former upn", D(pupil_upn_columns), 0, 0, NULL,
	    "pupils.csv: the UPN column" },
	{ "pupil_forename_columns", CONF_LIST, "forename, legal forename, "
	    "first name, legal first name, firstname, studentforename, "
	    "givenname, given name", D(pupil_forename_columns), 0, 0, NULL,
	    "pupils.csv: the (legal) forename column" },
	{ "pupil_preferred_columns", CONF_LIST, "preferred forename, "
	    "preferred name, prefforename, preferred first name, "
	    "preferredfirstname", D(pupil_preferred_columns), 0, 0, NULL,
	    "pupils.csv: the preferred forename column" },
	{ "pupil_surname_columns", CONF_LIST, "surname, legal surname, "
	    "last name, legal last name, lastname, studentsurname, "
	    "familyname, family name, preferred surname, prefsurname, "
	    "preferredlastname", D(pupil_surname_columns), 0, 0, NULL,
	    "pupils.csv: the surname column" },
	{ "pupil_dob_columns", CONF_LIST, "dob, date of birth, birthdate, "
	    "birth date", D(pupil_dob_columns), 0, 0, NULL,
	    "pupils.csv: the date of birth column" },
	{ "pupil_email_columns", CONF_LIST, "email, pupil email, "
	    "personal email", D(pupil_email_columns), 0, 0, NULL,
	    "pupils.csv: a pupil's personal address, if the family gave one" },
	{ "exemption_sender_columns", CONF_LIST, "sender",
	    D(exemption_sender_columns), 0, 0, NULL,
	    "exemptions.csv: the sender column" },
	{ "exemption_policy_columns", CONF_LIST, "policy",
	    D(exemption_policy_columns), 0, 0, NULL,
	    "exemptions.csv: the policy column" },
	{ "exemption_recipient_columns", CONF_LIST, "recipient",
	    D(exemption_recipient_columns), 0, 0, NULL,
	    "exemptions.csv: the recipient column" },
	{ "exemption_expires_columns", CONF_LIST, "expires, expiry, "
	    "expiry date", D(exemption_expires_columns), 0, 0, NULL,
	    "exemptions.csv: the expiry date column" },
	{ NULL, 0, NULL, 0, 0, 0, NULL, NULL }
};

/* Keys every policy section has; `action` choices come from the policy. */
const struct conf_param conf_policy_common_params[] = {
	{ "action", CONF_RESULT, NULL, P(action), 0, 0, NULL,
	    "what the policy does when it objects" },
	{ "mode", CONF_MODE, NULL, P(mode), 1, 0, NULL,
	    "enforce, monitor, or inherit [milter] mode" },
	{ NULL, 0, NULL, 0, 0, 0, NULL, NULL }
};

/* [console]: aup-console, the DSL's web console (SPEC 9) */
const struct conf_param conf_console_params[] = {
	{ "listen", CONF_STRING, "127.0.0.1:8025", C(listen), 0, 0, NULL,
	    "HOST:PORT the console listens on (behind the HTTPS proxy)" },
	{ "base_url", CONF_STRING, NULL, C(base_url), 0, 0, NULL,
	    "the console's address as people reach it, for notices" },
	{ "users", CONF_PATH, NULL, C(users), 0, 0, NULL,
	    "console-users.csv: user, name, role, school, password" },
	{ "tls_cert", CONF_PATH, NULL, C(tls_cert), 0, 0, NULL,
	    "serve HTTPS with this certificate (PEM) and tls_key" },
	{ "tls_key", CONF_PATH, NULL, C(tls_key), 0, 0, NULL,
	    "the private key of tls_cert (PEM)" },
	{ "trusted_proxies", CONF_LIST, NULL, C(trusted_proxies), 0, 0, NULL,
	    "reverse proxies whose user_header names the signed-in user" },
	{ "user_header", CONF_STRING, NULL, C(user_header), 0, 0, NULL,
	    "single sign-on: the header a trusted proxy sets, e.g. "
	    "X-Remote-User" },
	{ "session_minutes", CONF_INT, "60", C(session_minutes), 5, 1440,
	    NULL, "minutes without a request before signing in again" },
	{ "login_attempts", CONF_INT, "5", C(login_attempts), 1, 100, NULL,
	    "wrong passwords in a row that lock an account" },
	{ "lockout_minutes", CONF_INT, "15", C(lockout_minutes), 1, 10080,
	    NULL, "how long a locked account stays locked" },
	{ "page_size", CONF_INT, "50", C(page_size), 10, 500, NULL,
	    "rows per page of the Held and Audit lists" },
	{ NULL, 0, NULL, 0, 0, 0, NULL, NULL }
};
