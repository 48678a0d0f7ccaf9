/*
 * directory - the school's data files: parents, pupils, exemptions
 *
 * SYNOPSIS
 *	directory_load(), directory_is_parent(), directory_exemption_find(),
 *	directory_free()
 *
 * DESCRIPTION
 *	SPEC section 3.  Three CSV files exported from the school MIS (or
 *	written by the office), read through csv_table(3) and checked once
 *	per configuration snapshot; afterwards the directory is read-only,
 *	so any number of milter threads may query it without a lock.
 *
 *	Columns are found by name, ignoring case and spacing; every name
 *	an MIS is known to use is accepted (UK-SCHOOL-DATA.md section 4.4,
 *	"Recommended alias map"), and extra columns are ignored.
 *
 *	parents.csv: every e-mail column (email, primary email, home
 *	email, ...) is read, since one export may carry several.  A cell
 *	may hold several addresses separated by ";", "," or white space,
 *	or "Name <address>".  Each goes through addr_normalize() into a
 *	hash table: lookups are O(1).  Empty cells are contacts without
 *	e-mail and are fine.
 *
 *	pupils.csv: forename (legal) and surname are required, UPN and date
 *	of birth optional.  When only a preferred forename column exists it
 *	is stored as the forename.  Dates of birth are YYYY-MM-DD or
 *	DD/MM/YYYY and are stored as YYYY-MM-DD.  A pupil with a bad date
 *	is kept without it (its names still help detection).
 *
 *	exemptions.csv: sender, policy, recipient and expires are required,
 *	approved_by and note optional.  An exemption runs to the end of its
 *	expiry day in local time.  `liftable` lists the policies an
 *	exemption may name; executables and sender-auth never can (SPEC),
 *	and a NULL `liftable` allows every other name.  Expired rows are
 *	kept, reported as warnings, and never match.
 *
 * DIAGNOSTICS
 *	Errors and warnings go to the errbuf as "file:line: text".  Errors
 *	about pupils.csv never contain a cell value (names, UPNs and dates
 *	of birth are the data this product protects); errors about parents
 *	and exemptions quote the bad address, which is needed to fix it.
 *
 * SEE ALSO
 *	csv_table(3), addr(3), SPEC.md section 3
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/addr.h"
#include "config/csv_table.h"
#include "config/directory.h"
#include "util/xalloc.h"

/* parents.csv e-mail columns (UK-SCHOOL-DATA.md 4.4, 4.1, 4.3) */
static const char *const directory_email_names[] = {
	"email", "contact email", "email address", "home email",
	"(contact) home email", "primary email", "primaryemail",
	"personal email", "main email", "parent email", "guardian email",
	"emailaddress", "guardianemail", NULL
};

/* pupils.csv columns (SPEC 3, UK-SCHOOL-DATA.md 4.2 and 4.4) */
static const char *const directory_upn_names[] = {
	"upn", "unique pupil number", "former upn", NULL
};
static const char *const directory_forename_names[] = {
	"forename", "legal forename", "first name", "legal first name",
	"firstname", "studentforename", "givenname", "given name", NULL
};
static const char *const directory_preferred_names[] = {
	"preferred forename", "preferred name", "prefforename",
	"preferred first name", "preferredfirstname", NULL
};
static const char *const directory_surname_names[] = {
	"surname", "legal surname", "last name", "legal last name",
	"lastname", "studentsurname", "familyname", "family name",
	"preferred surname", "prefsurname", "preferredlastname", NULL
};
static const char *const directory_dob_names[] = {
	"dob", "date of birth", "birthdate", "birth date", NULL
};

/* exemptions.csv columns (SPEC 3) */
static const char *const directory_sender_names[] = { "sender", NULL };
static const char *const directory_policy_names[] = { "policy", NULL };
static const char *const directory_recipient_names[] = { "recipient", NULL };
static const char *const directory_expires_names[] = {
	"expires", "expiry", "expiry date", NULL
};
static const char *const directory_approved_names[] = {
	"approved_by", "approved by", NULL
};
static const char *const directory_note_names[] = {
	"note", "notes", NULL
};

/* SPEC 3: these protect everyone, so no exemption may name them. */
static const char *const directory_never_liftable[] = {
	"executables", "sender-auth", NULL
};

/* directory_column - column of the first name in `names` that exists */
static int
directory_column(const struct csv_table *t, const char *const *names)
{
	const char *one[2] = { NULL, NULL };
	int col;

	for (; *names != NULL; names++) {
		one[0] = *names;
		if ((col = csv_table_column(t, one)) >= 0)
			return col;
	}
	return -1;
}

/* directory_missing - report a missing column, listing accepted names */
static void
directory_missing(struct errbuf *eb, const struct csv_table *t,
    const char *const *names, const char *const *more)
{
	GString *also = g_string_new(NULL);

	for (const char *const *n = names + 1; *n != NULL; n++)
		g_string_append_printf(also, "%s%s", also->len ? ", " : "", *n);
	for (; more != NULL && *more != NULL; more++)
		g_string_append_printf(also, "%s%s", also->len ? ", " : "",
		    *more);
	if (also->len > 0)
		errbuf_add(eb, t->name, 1, "no column named %s (also "
		    "accepted: %s)", names[0], also->str);
	else
		errbuf_add(eb, t->name, 1, "no column named %s", names[0]);
	g_string_free(also, TRUE);
}

/* directory_dup - copy of a cell, or NULL when it is empty */
static char *
directory_dup(const char *cell)
{
	return cell[0] != '\0' ? xstrdup(cell) : NULL;
}

/* directory_add_parent - normalise one address into the parent table */
static void
directory_add_parent(struct directory *d, struct errbuf *eb,
    const struct csv_table *t, const struct csv_row *row, int col,
    const char *word)
{
	char *key;

	if ((key = addr_normalize(word)) == NULL) {
		errbuf_add(eb, t->name, row->line, "column %s: \"%s\" is not "
		    "an e-mail address", t->header[col], word);
		return;
	}
	if (g_hash_table_contains(d->parents, key))
		free(key);
	else
		g_hash_table_add(d->parents, key);
}

/* directory_parent_piece - one ";"- or ","-separated part of a cell */
static void
directory_parent_piece(struct directory *d, struct errbuf *eb,
    const struct csv_table *t, const struct csv_row *row, int col,
    char *piece)
{
	char *lt = strchr(piece, '<'), *gt, *save = NULL, *word;

	/* "Rachel Scott <rachel@example.com>": the display name goes. */
	if (lt != NULL && (gt = strchr(lt, '>')) != NULL) {
		gt[1] = '\0';
		directory_add_parent(d, eb, t, row, col, lt);
		return;
	}
	for (word = strtok_r(piece, " \t\r\n", &save); word != NULL;
	    word = strtok_r(NULL, " \t\r\n", &save))
		directory_add_parent(d, eb, t, row, col, word);
}

/* directory_parent_cell - every address in one cell */
static void
directory_parent_cell(struct directory *d, struct errbuf *eb,
    const struct csv_table *t, const struct csv_row *row, int col)
{
	char *copy = xstrdup(csv_table_cell(row, col)), *save = NULL, *piece;

	for (piece = strtok_r(copy, ";,", &save); piece != NULL;
	    piece = strtok_r(NULL, ";,", &save))
		directory_parent_piece(d, eb, t, row, col, piece);
	free(copy);
}

/* directory_load_parents - parents.csv into the hash table */
static void
directory_load_parents(struct directory *d, const char *path,
    struct errbuf *eb)
{
	struct csv_table *t;
	int col;

	if ((t = csv_table_load(path, eb)) == NULL)
		return;
	if (csv_table_column(t, directory_email_names) < 0)
		directory_missing(eb, t, directory_email_names, NULL);
	for (size_t i = 0; i < t->nrows; i++) {
		/* Every e-mail column counts: exports often have two. */
		for (col = -1; (col = csv_table_column_next(t,
		    directory_email_names, col)) >= 0;)
			directory_parent_cell(d, eb, t, &t->rows[i], col);
	}
	csv_table_free(t);
}

/* directory_number - read minlen..maxlen digits at *sp */
static bool
directory_number(const char **sp, size_t minlen, size_t maxlen, int *out)
{
	const char *s = *sp;
	size_t n = 0;

	*out = 0;
	while (n < maxlen && isdigit((unsigned char)s[n]))
		*out = *out * 10 + (s[n++] - '0');
	if (n < minlen)
		return false;
	*sp = s + n;
	return true;
}

/* directory_date_is_real - is y-m-d a date on the calendar? */
static bool
directory_date_is_real(int y, int m, int d)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < 1900 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= days[m - 1] + (m == 2 && leap);
}

/* directory_parse_iso - strict YYYY-MM-DD */
static bool
directory_parse_iso(const char *s, int *y, int *m, int *d)
{
	return directory_number(&s, 4, 4, y) && *s++ == '-' &&
	    directory_number(&s, 2, 2, m) && *s++ == '-' &&
	    directory_number(&s, 2, 2, d) && *s == '\0' &&
	    directory_date_is_real(*y, *m, *d);
}

/* directory_parse_uk - DD/MM/YYYY (one-digit day or month allowed) */
static bool
directory_parse_uk(const char *s, int *y, int *m, int *d)
{
	return directory_number(&s, 1, 2, d) && *s++ == '/' &&
	    directory_number(&s, 1, 2, m) && *s++ == '/' &&
	    directory_number(&s, 4, 4, y) && *s == '\0' &&
	    directory_date_is_real(*y, *m, *d);
}

/* directory_dob - a normalised date of birth, or NULL if not a date */
static char *
directory_dob(const char *cell)
{
	int y, m, d;

	if (!directory_parse_iso(cell, &y, &m, &d) &&
	    !directory_parse_uk(cell, &y, &m, &d))
		return NULL;
	return xasprintf("%04d-%02d-%02d", y, m, d);
}

/* directory_upper - upper-case copy of a cell, or NULL when empty */
static char *
directory_upper(const char *cell)
{
	char *s = directory_dup(cell);

	for (char *p = s; p != NULL && *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	return s;
}

/* Columns of pupils.csv, -1 when absent. */
struct directory_pupil_cols {
	int	upn, forename, preferred, surname, dob;
};

/* directory_pupil_row - one row into `p`; false when the row is empty */
static bool
directory_pupil_row(struct pupil *p, const struct csv_table *t,
    const struct csv_row *row, const struct directory_pupil_cols *c,
    struct errbuf *eb)
{
	const char *dob = csv_table_cell(row, c->dob);

	memset(p, 0, sizeof(*p));
	p->line = row->line;
	p->upn = directory_upper(csv_table_cell(row, c->upn));
	p->forename = directory_dup(csv_table_cell(row, c->forename));
	p->preferred = directory_dup(csv_table_cell(row, c->preferred));
	p->surname = directory_dup(csv_table_cell(row, c->surname));
	if (p->preferred != NULL && p->forename != NULL &&
	    strcasecmp(p->preferred, p->forename) == 0) {
		free(p->preferred);
		p->preferred = NULL;
	}
	/* Never quote the value: a date of birth is pupil data. */
	if (dob[0] != '\0' && (p->dob = directory_dob(dob)) == NULL)
		errbuf_add(eb, t->name, row->line, "date of birth is not "
		    "YYYY-MM-DD or DD/MM/YYYY");
	return p->upn != NULL || p->forename != NULL ||
	    p->preferred != NULL || p->surname != NULL || dob[0] != '\0';
}

/* directory_pupil_columns - find the columns; false if some are missing */
static bool
directory_pupil_columns(const struct csv_table *t,
    struct directory_pupil_cols *c, struct errbuf *eb)
{
	c->upn = directory_column(t, directory_upn_names);
	c->forename = directory_column(t, directory_forename_names);
	c->preferred = directory_column(t, directory_preferred_names);
	c->surname = directory_column(t, directory_surname_names);
	c->dob = directory_column(t, directory_dob_names);
	/* With only a preferred forename, that is the forename we have. */
	if (c->forename < 0) {
		c->forename = c->preferred;
		c->preferred = -1;
	}
	if (c->forename < 0)
		directory_missing(eb, t, directory_forename_names,
		    directory_preferred_names);
	if (c->surname < 0)
		directory_missing(eb, t, directory_surname_names, NULL);
	return c->forename >= 0 && c->surname >= 0;
}

/* directory_pupil_clear - free the strings of one pupil */
static void
directory_pupil_clear(struct pupil *p)
{
	free(p->upn);
	free(p->forename);
	free(p->preferred);
	free(p->surname);
	free(p->dob);
}

/* directory_load_pupils - pupils.csv into the roster */
static void
directory_load_pupils(struct directory *d, const char *path,
    struct errbuf *eb)
{
	struct directory_pupil_cols c;
	struct csv_table *t;
	struct pupil *p;

	if ((t = csv_table_load(path, eb)) == NULL)
		return;
	if (directory_pupil_columns(t, &c, eb)) {
		d->pupils = xcalloc(t->nrows ? t->nrows : 1, sizeof(*p));
		for (size_t i = 0; i < t->nrows; i++) {
			p = &d->pupils[d->npupils];
			if (directory_pupil_row(p, t, &t->rows[i], &c, eb))
				d->npupils++;
			else
				directory_pupil_clear(p);
		}
	}
	csv_table_free(t);
}

/* directory_in_list - is `name` one of a NULL-terminated list? */
static bool
directory_in_list(const char *const *list, const char *name)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

/* directory_policy_ok - may an exemption name this policy? */
static bool
directory_policy_ok(const char *policy, const char *const *liftable,
    const struct csv_table *t, unsigned line, struct errbuf *eb)
{
	GString *names;

	if (directory_in_list(directory_never_liftable, policy)) {
		errbuf_add(eb, t->name, line, "policy %s cannot be lifted by "
		    "an exemption", policy);
		return false;
	}
	if (liftable == NULL || directory_in_list(liftable, policy))
		return true;
	names = g_string_new(NULL);
	for (const char *const *n = liftable; *n != NULL; n++)
		g_string_append_printf(names, "%s%s", names->len ? ", " : "",
		    *n);
	errbuf_add(eb, t->name, line, "unknown policy %s (an exemption may "
	    "name: %s)", policy[0] != '\0' ? policy : "(empty)",
	    names->len ? names->str : "no policy");
	g_string_free(names, TRUE);
	return false;
}

/* directory_day_end - the last second of a day, local time */
static time_t
directory_day_end(int y, int m, int d)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d + 1;	/* mktime() rolls over into the next month */
	tm.tm_isdst = -1;
	return mktime(&tm) - 1;
}

/* directory_lower - lower-case copy */
static char *
directory_lower(const char *s)
{
	char *copy = xstrdup(s);

	for (char *p = copy; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return copy;
}

/* directory_recipient - normalised recipient pattern, or NULL if bad */
static char *
directory_recipient(const char *cell)
{
	if (cell[0] == '\0' || !addr_is_valid_pattern(cell))
		return NULL;
	if (strcmp(cell, "*") == 0 || strncmp(cell, "*@", 2) == 0)
		return directory_lower(cell);
	return addr_normalize(cell);
}

/* Columns of exemptions.csv, -1 when absent. */
struct directory_exemption_cols {
	int	sender, policy, recipient, expires, approved_by, note;
};

/* directory_bad_value - report a cell that is not what it should be */
static void
directory_bad_value(struct errbuf *eb, const struct csv_table *t,
    unsigned line, const char *what, const char *value, const char *expect)
{
	if (value[0] == '\0')
		errbuf_add(eb, t->name, line, "%s is empty (expected %s)",
		    what, expect);
	else
		errbuf_add(eb, t->name, line, "%s \"%s\" is not %s", what,
		    value, expect);
}

/* directory_exemption_row - check one row into `e`; false if invalid */
static bool
directory_exemption_row(struct exemption *e, const struct csv_table *t,
    const struct csv_row *row, const struct directory_exemption_cols *c,
    const char *const *liftable, struct errbuf *eb)
{
	const char *sender = csv_table_cell(row, c->sender);
	const char *rcpt = csv_table_cell(row, c->recipient);
	const char *expires = csv_table_cell(row, c->expires);
	bool ok = true;
	int y, m, d;

	memset(e, 0, sizeof(*e));
	e->line = row->line;
	if ((e->sender = addr_normalize(sender)) == NULL) {
		directory_bad_value(eb, t, row->line, "sender", sender,
		    "an e-mail address");
		ok = false;
	}
	e->policy = directory_lower(csv_table_cell(row, c->policy));
	if (!directory_policy_ok(e->policy, liftable, t, row->line, eb))
		ok = false;
	if ((e->recipient = directory_recipient(rcpt)) == NULL) {
		directory_bad_value(eb, t, row->line, "recipient", rcpt,
		    "an address, *@domain or *");
		ok = false;
	}
	if (directory_parse_iso(expires, &y, &m, &d))
		e->expires_end = directory_day_end(y, m, d);
	else {
		directory_bad_value(eb, t, row->line, "expires", expires,
		    "a date (YYYY-MM-DD)");
		ok = false;
	}
	e->expires = xstrdup(expires);
	e->approved_by = xstrdup(csv_table_cell(row, c->approved_by));
	e->note = xstrdup(csv_table_cell(row, c->note));
	return ok;
}

/* directory_exemption_columns - find the columns; false if missing */
static bool
directory_exemption_columns(const struct csv_table *t,
    struct directory_exemption_cols *c, struct errbuf *eb)
{
	static const char *const *const required[] = {
		directory_sender_names, directory_policy_names,
		directory_recipient_names, directory_expires_names
	};
	bool ok = true;

	c->sender = directory_column(t, directory_sender_names);
	c->policy = directory_column(t, directory_policy_names);
	c->recipient = directory_column(t, directory_recipient_names);
	c->expires = directory_column(t, directory_expires_names);
	c->approved_by = directory_column(t, directory_approved_names);
	c->note = directory_column(t, directory_note_names);
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (directory_column(t, required[i]) < 0) {
			directory_missing(eb, t, required[i], NULL);
			ok = false;
		}
	return ok;
}

/* directory_exemption_clear - free the strings of one exemption */
static void
directory_exemption_clear(struct exemption *e)
{
	free(e->sender);
	free(e->policy);
	free(e->recipient);
	free(e->expires);
	free(e->approved_by);
	free(e->note);
}

/* directory_load_exemptions - exemptions.csv, checked */
static void
directory_load_exemptions(struct directory *d, const char *path,
    const char *const *liftable, time_t now, struct errbuf *eb)
{
	struct directory_exemption_cols c;
	struct csv_table *t;
	struct exemption *e;

	if ((t = csv_table_load(path, eb)) == NULL)
		return;
	if (directory_exemption_columns(t, &c, eb)) {
		d->exemptions = xcalloc(t->nrows ? t->nrows : 1, sizeof(*e));
		for (size_t i = 0; i < t->nrows; i++) {
			e = &d->exemptions[d->nexemptions];
			if (!directory_exemption_row(e, t, &t->rows[i], &c,
			    liftable, eb)) {
				directory_exemption_clear(e);
				continue;
			}
			d->nexemptions++;
			if (e->expires_end < now)
				errbuf_warn(eb, t->name, e->line, "exemption "
				    "for %s from %s expired on %s", e->sender,
				    e->policy, e->expires);
		}
	}
	csv_table_free(t);
}

/* directory_load - read whichever of the three files are configured */
struct directory *
directory_load(const char *parents_path, const char *pupils_path,
    const char *exemptions_path, const char *const *liftable, time_t now,
    struct errbuf *eb)
{
	struct directory *d = xcalloc(1, sizeof(*d));

	d->parents = g_hash_table_new_full(g_str_hash, g_str_equal, free,
	    NULL);
	if (parents_path != NULL)
		directory_load_parents(d, parents_path, eb);
	if (pupils_path != NULL)
		directory_load_pupils(d, pupils_path, eb);
	if (exemptions_path != NULL)
		directory_load_exemptions(d, exemptions_path, liftable, now,
		    eb);
	return d;
}

/* directory_is_parent - one hash probe on the normalised address */
bool
directory_is_parent(const struct directory *d, const char *addr)
{
	char *key;
	bool found;

	if (d == NULL || addr == NULL || (key = addr_normalize(addr)) == NULL)
		return false;
	found = g_hash_table_contains(d->parents, key);
	free(key);
	return found;
}

/* directory_exemption_find - a current exemption covering this mail */
const struct exemption *
directory_exemption_find(const struct directory *d, const char *sender,
    const char *policy, const char *rcpt, time_t now)
{
	const struct exemption *found = NULL;
	char *from, *to;

	if (d == NULL || sender == NULL || policy == NULL || rcpt == NULL ||
	    (from = addr_normalize(sender)) == NULL)
		return NULL;
	/* Callers pass a normalised recipient; a raw one works as well. */
	if ((to = addr_normalize(rcpt)) == NULL)
		to = xstrdup(rcpt);
	for (size_t i = 0; i < d->nexemptions && found == NULL; i++) {
		const struct exemption *e = &d->exemptions[i];

		if (e->expires_end >= now && strcmp(e->sender, from) == 0 &&
		    strcmp(e->policy, policy) == 0 &&
		    addr_matches(to, e->recipient))
			found = e;
	}
	free(from);
	free(to);
	return found;
}

/* directory_free - free everything; NULL is fine */
struct directory *
directory_free(struct directory *d)
{
	if (d == NULL)
		return NULL;
	if (d->parents != NULL)
		g_hash_table_destroy(d->parents);
	for (size_t i = 0; i < d->npupils; i++)
		directory_pupil_clear(&d->pupils[i]);
	for (size_t i = 0; i < d->nexemptions; i++)
		directory_exemption_clear(&d->exemptions[i]);
	free(d->pupils);
	free(d->exemptions);
	free(d);
	return NULL;
}
