/*
 * conf - the configuration snapshot: settings, data files, templates
 *
 * One INI file (SPEC section 3) plus the CSV data files and the reply
 * templates it names become one immutable, reference-counted snapshot.
 * conf_load() builds a snapshot or reports every error with file:line;
 * the daemon swaps snapshots atomically on SIGUSR1 (conf_current,
 * conf_replace) and each message keeps the snapshot it started with.
 */
#ifndef AUP_CONF_H
#define AUP_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "config/conf_param.h"
#include "config/school.h"
#include "util/errbuf.h"
#include "engine/verdict.h"

struct directory;
struct template_set;
struct policy;
struct cidr_list;
struct connectors;

/* [milter] */
struct milter_settings {
	char	*socket;		/* unix:/path or inet:port@host */
	enum mode mode;
	int	 on_error;		/* 0 tempfail, 1 accept */
	char	*event_log;
	char	*quarantine_dir;
	struct conf_list trusted_networks;
	struct conf_list trusted_clients; /* the school's mail service */
	char	*user;			/* drop privileges to this user */
	char	*group;			/* socket and quarantine group */
	char	*pidfile;
	long	 socket_mode;		/* e.g. 0660 */
	char	*spool_dir;		/* temporary files for large bodies */
	long	 spool_threshold;	/* bytes kept in memory per message */
	char	*templates;		/* folder of reply templates */
	char	*schools;		/* folder of school files, or NULL */
	char	*syslog_facility;
	long	 max_depth;		/* SPEC 4 limits */
	long	 max_entries;
	long	 max_expanded_mb;
	long	 max_ratio;
	long	 max_text_kb;
	bool	 verbose;
	long	 quarantine_days;	/* retention of held messages, 0 = keep */
	char	*release_secret;	/* key of the X-AUP-Release mark */
	int	 notify;		/* 0 each, 1 digest, 2 off */
	bool	 notify_sender;		/* tell an outbound sender */
	bool	 notify_recipients;	/* tell inbound school recipients */
	char	*sendmail_path;		/* sendmail(1) for released messages */
	int	 reply;			/* REPLY_AUTO, REPLY_FULL, REPLY_SHORT */
	long	 deferred_interval;	/* seconds between looks for due mail */
	char	*clock_file;		/* tests only: "now" from this file */
};

/* [milter] reply values */
#define REPLY_AUTO	0	/* full over SMTP, short for local submission */
#define REPLY_FULL	1
#define REPLY_SHORT	2

/* [notify]: how notices leave (SPEC 12) */
struct notify_settings {
	char	*relay;			/* HOST:PORT of the SMTP relay */
	char	*from;			/* envelope and header sender; NULL = */
					/* aup-milter@ the first school domain */
	long	 retry;			/* seconds before the first retry */
	long	 retry_max;		/* longest wait between tries */
};

/* [milter] notify values */
#define NOTIFY_EACH	0
#define NOTIFY_DIGEST	1
#define NOTIFY_OFF	2

/* [store]: where what is kept after the decision lives (SPEC 11) */
struct store_settings {
	int	 backend;		/* STORE_BACKEND_* */
	char	*dsn;			/* libpq connection string */
	long	 event_queue;		/* event rows waiting for PostgreSQL */
};

/* [store] backend values (the order of store/store.h's enum) */
#define STORE_BACKEND_SQLITE	 0
#define STORE_BACKEND_POSTGRESQL 1

/* [console]: aup-console, the DSL's web console (SPEC 9) */
struct console_settings {
	char	*listen;		/* HOST:PORT of the HTTP listener */
	char	*base_url;		/* what notices link to */
	char	*users;			/* console-users.csv, or NULL */
	char	*tls_cert;		/* HTTPS itself when both are set */
	char	*tls_key;
	struct conf_list trusted_proxies; /* may set user_header */
	char	*user_header;		/* single sign-on user, or NULL */
	long	 session_minutes;	/* idle time before signing in again */
	long	 login_attempts;	/* wrong passwords before a lock-out */
	long	 lockout_minutes;
	long	 page_size;		/* rows per page */
};


/* One registered policy with its parsed settings. */
struct policy_slot {
	const struct policy *policy;
	void	*settings;		/* policy->settings_size bytes */
	bool	 configured;		/* configure() succeeded */
};

/*
 * Where a snapshot's store handle (store/store.h) lives: made from
 * [store] and quarantine_dir on first use by store_of(), dropped with
 * the last snapshot that shares the slot (config/ does not see store/).
 * A main snapshot's schools share its slot, and a reload whose [store]
 * and quarantine_dir are unchanged keeps it, so one pool of PostgreSQL
 * connections and one event writer serve every school.
 */
struct conf_store_slot {
	struct store *handle;
	void	(*drop)(struct store *);
	unsigned refs;			/* atomic */
};

struct conf {
	char	*path;			/* the INI file (a school's: its file) */
	char	*dir;			/* the main file's folder: shared */
					/* defaults (safeguarding lists) */
	char	*main_path;		/* a school's: the main file, else NULL */
	char	*id;			/* a school's: file name without .conf */
	time_t	 loaded_at;
	/*
	 * When the daemon serving this snapshot started (0 outside it): a
	 * release claimed before then may have died with the old process
	 * before the MTA heard the answer (release.c).
	 */
	time_t	 started_at;
	struct milter_settings milter;
	struct school_settings school;
	struct directory_settings dirs;
	struct notify_settings notify;
	struct school view;		/* what policies see (school.h) */
	struct console_settings console;
	struct store_settings store;
	struct conf_store_slot *store_slot;	/* conf_store.c */
	struct cidr_list *trusted;	/* parsed trusted_networks */
	struct connectors *connectors;	/* parsed trusted_clients */
	struct directory *directory;	/* parents, pupils, exemptions */
	struct template_set *templates;	/* reply texts */
	struct policy_slot *slots;	/* in registry order */
	size_t	 nslots;
	const struct policy *const *registry;
	char	**set_keys;		/* "section\nkey" set in the file */
	unsigned *set_lines;		/* the line each was set on */
	size_t	 nset;
	size_t	 nset_main;		/* a school's: the first nset_main keys */
					/* were set in the main file */
	/* [milter] schools: one snapshot each, sorted by id (conf_schools.c) */
	struct conf **schools;
	size_t	 nschools;
	struct _GHashTable *by_domain;	/* domain -> struct conf * */
	size_t	 nreused;		/* schools shared with the last snapshot */
	char	*fingerprint;		/* its inputs (conf_fingerprint.c) */
	/* reference count; touched only through conf_acquire/conf_release */
	unsigned refs;
};

/*
 * conf_load - read the INI file at `path`, the data files and templates
 * it names, and configure every policy of `registry` (NULL-terminated).
 * Returns a snapshot with one reference, or NULL with every problem in
 * eb (file:line).  Warnings (expired exemptions) are added to eb too.
 */
struct conf *conf_load(const char *path,
	    const struct policy *const *registry, struct errbuf *eb);
/*
 * conf_reload - the same, sharing with `prev` (may be NULL) the schools
 * whose files, data files and shared inputs have not changed
 */
struct conf *conf_reload(const char *path,
	    const struct policy *const *registry, const struct conf *prev,
	    struct errbuf *eb);
/* conf_acquire - one more reference; returns cf */
struct conf *conf_acquire(struct conf *cf);
/* conf_release - drop a reference, free on the last; returns NULL */
struct conf *conf_release(struct conf *cf);

/*
 * The daemon's current snapshot: conf_current() returns it with a new
 * reference (release it when the message is done); conf_replace() swaps
 * in a new one and drops the daemon's reference to the old.
 */
struct conf *conf_current(void);
void	conf_replace(struct conf *cf);

/* conf_set_line - the line of the file that set [section] key, or 0 */
unsigned conf_set_line(const struct conf *cf, const char *section,
	    const char *key);
/* conf_set_where - the same, and the file that set it (a school's or main) */
unsigned conf_set_where(const struct conf *cf, const char *section,
	    const char *key, const char **file);
/* conf_slot - the slot of the policy named `name`, or NULL */
const struct policy_slot *conf_slot(const struct conf *cf, const char *name);
/* conf_policy_mode - a policy's effective mode (inherit resolved) */
enum mode conf_policy_mode(const struct conf *cf, const struct policy_slot *s);
/* conf_print_defaults - every parameter with its default (-d) */
void	conf_print_defaults(const struct policy *const *registry, FILE *fp);
/* conf_print_settings - every parameter in force and where from (-n) */
void	conf_print_settings(const struct conf *cf, FILE *fp);

#endif
