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
 *	Columns are found by name, ignoring case and spacing, from the
 *	lists in [directory] (parent_email_columns and friends); their
 *	defaults are every name an MIS is known to use (UK-SCHOOL-DATA.md
 *	section 4), so most schools never set them.  Extra columns are
 *	ignored.
 *
 *	parents.csv: every e-mail column found is read, since one export
 *	may carry several.  A cell may hold several addresses separated by
 *	";", "," or white space, or "Name <address>".  Each goes through
 *	addr_problem() (an address without a dot in its domain is not one)
 *	and addr_normalize() into a hash table: lookups are O(1).  Empty
 *	cells are contacts without e-mail and are fine.
 *
 *	pupils.csv: forename (legal) and surname are required, UPN and date
 *	of birth optional.  When only a preferred forename column exists it
 *	is stored as the forename.  Dates (here and in exemptions.csv) are
 *	read by date_parse(): YYYY-MM-DD or DD/MM/YYYY.  A pupil with a bad
 *	date is kept without it (its names still help detection).  An
 *	optional e-mail column (pupil_email_columns: `email`, `pupil
 *	email`, `personal email`) holds the personal addresses some
 *	families give: they have the role `personal` and staff may not
 *	write to them (pupil-mail); directory_is_pupil_personal() asks.
 *
 *	exemptions.csv: sender, policy, recipient and expires are required,
 *	approved_by and note optional.  An exemption runs to the end of its
 *	expiry day in local time.  Which policies an exemption may name is
 *	read from the registry (struct policy's `liftable`), the one place
 *	it is written.  Expired rows are kept, reported, and never match.
 *
 *	Junk: exports carry placeholders ("n/a", "none", "-") and typos.
 *	One unusable row is a warning naming file:line, and the row (or
 *	the one bad address in a cell) is skipped, so a reload still
 *	happens.  When more rows are unusable than usable, the file is not
 *	what it claims to be (a wrong column, a wrong file), and that is
 *	an error.  After DIRECTORY_MAX_WARNINGS warnings for one file the
 *	rest are counted in one line.
 *
 * DIAGNOSTICS
 *	Errors and warnings go to the errbuf as "file:line: text".  Messages
 *	about pupils.csv never contain a cell value (names, UPNs and dates
 *	of birth are the data this product protects); messages about
 *	parents and exemptions quote the bad address, which is needed to
 *	fix it.
 *
 * SEE ALSO
 *	csv_table(3), addr(3), date(3), SPEC.md section 3
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/csv_table.h"
#include "config/directory.h"
#include "policies/policy.h"
#include "util/addr.h"
#include "util/date.h"
#include "util/xalloc.h"

/* Warnings listed per file before the rest are only counted. */
#define DIRECTORY_MAX_WARNINGS	10

/* How one file went: rows used, rows skipped, warnings given. */
struct directory_tally {
	const struct csv_table *t;
	struct errbuf *eb;
	size_t	 used;		/* rows that gave something */
	size_t	 skipped;	/* rows that gave nothing usable */
	size_t	 warned;	/* warnings so far */
};

/* exemptions.csv optional columns (SPEC 3) */
static const char *const directory_approved_names[] = {
	"approved_by", "approved by", NULL
};
static const char *const directory_note_names[] = {
	"note", "notes", NULL
};

/* directory_names - a configured list as a NULL-terminated array */
static const char **
directory_names(const struct conf_list *list)
{
	const char **names = xcalloc(list->count + 1, sizeof(char *));

	for (size_t i = 0; i < list->count; i++)
		names[i] = list->items[i];
	return names;
}

/* directory_column - column of the first name of `list` that exists */
static int
directory_column(const struct csv_table *t, const struct conf_list *list)
{
	const char *one[2] = { NULL, NULL };
	int col;

	for (size_t i = 0; i < list->count; i++) {
		one[0] = list->items[i];
		if ((col = csv_table_column(t, one)) >= 0)
			return col;
	}
	return -1;
}

/* directory_missing - a required column is not there: say what was tried */
static void
directory_missing(struct errbuf *eb, const struct csv_table *t,
    const char *what, const char *key, const struct conf_list *names)
{
	GString *tried = g_string_new(NULL);

	for (size_t i = 0; i < names->count; i++)
		g_string_append_printf(tried, "%s%s", i ? ", " : "",
		    names->items[i]);
	errbuf_add(eb, t->name, 1, "no %s column: the header has none of "
	    "the names in [directory] %s (%s)%s", what, key,
	    tried->len ? tried->str : "empty",
	    t->ncols == 1 && t->delim == ',' ? "; is the file separated by "
	    "something other than ',' or ';'?" : "");
	g_string_free(tried, TRUE);
}

/* directory_warn - a row problem, listed until there are too many */
static void __attribute__((format(printf, 3, 4)))
directory_warn(struct directory_tally *ty, unsigned line, const char *fmt,
    ...)
{
	va_list ap;
	char *msg;

	if (ty->warned++ >= DIRECTORY_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	errbuf_warn(ty->eb, ty->t->name, line, "%s", msg);
	free(msg);
}

/* directory_tally_end - the count of unlisted warnings; most rows bad? */
static void
directory_tally_end(struct directory_tally *ty, const char *what)
{
	size_t bad = ty->skipped + ty->t->nskipped;

	if (ty->warned > DIRECTORY_MAX_WARNINGS)
		errbuf_warn(ty->eb, ty->t->name, 0, "%zu more problems like "
		    "the ones above (not listed)",
		    ty->warned - DIRECTORY_MAX_WARNINGS);
	if (bad > ty->used)
		errbuf_add(ty->eb, ty->t->name, 0, "%zu of %zu rows have no "
		    "usable %s: is this the right file, and the right "
		    "column?", bad, bad + ty->used, what);
}

/* directory_dup - copy of a cell, or NULL when it is empty */
static char *
directory_dup(const char *cell)
{
	return cell[0] != '\0' ? xstrdup(cell) : NULL;
}

/* directory_add_parent - one address into the table; false if junk */
static bool
directory_add_parent(struct directory *d, struct directory_tally *ty,
    const struct csv_row *row, int col, const char *word)
{
	const char *why = addr_problem(word);
	char *key;

	if (why != NULL || (key = addr_normalize(word)) == NULL) {
		directory_warn(ty, row->line, "column %s: \"%s\" %s; skipped",
		    ty->t->header[col], word, why ? why :
		    "is not an e-mail address");
		return false;
	}
	if (g_hash_table_contains(d->parents, key))
		free(key);
	else
		g_hash_table_add(d->parents, key);
	return true;
}

/*
 * directory_parent_piece - one ";"- or ","-separated part of a cell;
 * counts the addresses that were good and bad
 */
static void
directory_parent_piece(struct directory *d, struct directory_tally *ty,
    const struct csv_row *row, int col, char *piece, size_t count[2])
{
	char *lt = strchr(piece, '<'), *gt, *save = NULL, *word;

	/* "Rachel Scott <rachel@example.com>": the display name goes. */
	if (lt != NULL && (gt = strchr(lt, '>')) != NULL) {
		gt[1] = '\0';
		count[directory_add_parent(d, ty, row, col, lt)]++;
		return;
	}
	for (word = strtok_r(piece, " \t\r\n", &save); word != NULL;
	    word = strtok_r(NULL, " \t\r\n", &save))
		count[directory_add_parent(d, ty, row, col, word)]++;
}

/* directory_parent_cell - every address in one cell */
static void
directory_parent_cell(struct directory *d, struct directory_tally *ty,
    const struct csv_row *row, int col, size_t count[2])
{
	char *copy = xstrdup(csv_table_cell(row, col)), *save = NULL, *piece;

	for (piece = strtok_r(copy, ";,", &save); piece != NULL;
	    piece = strtok_r(NULL, ";,", &save))
		directory_parent_piece(d, ty, row, col, piece, count);
	free(copy);
}

/* directory_load_parents - parents.csv into the hash table */
static void
directory_load_parents(struct directory *d,
    const struct directory_settings *dirs, struct errbuf *eb)
{
	const char **names = directory_names(&dirs->parent_email_columns);
	struct directory_tally ty = { .eb = eb };
	struct csv_table *t;

	if ((t = csv_table_load(dirs->parents, eb)) == NULL) {
		free(names);
		return;
	}
	ty.t = t;
	if (csv_table_column(t, names) < 0) {
		directory_missing(eb, t, "e-mail", "parent_email_columns",
		    &dirs->parent_email_columns);
		csv_table_free(t);
		free(names);
		return;
	}
	for (size_t i = 0; i < t->nrows; i++) {
		size_t count[2] = { 0, 0 };	/* bad, good */

		/* Every e-mail column counts: exports often have two. */
		for (int col = -1; (col = csv_table_column_next(t, names,
		    col)) >= 0;)
			directory_parent_cell(d, &ty, &t->rows[i], col, count);
		if (count[1] > 0)
			ty.used++;
		else if (count[0] > 0)
			ty.skipped++;
	}
	directory_tally_end(&ty, "e-mail address");
	csv_table_free(t);
	free(names);
}

/* directory_dob - a normalised date of birth, or NULL if not a date */
static char *
directory_dob(const char *cell)
{
	struct date d;
	char buf[11];

	if (!date_parse(cell, &d))
		return NULL;
	return xstrdup(date_iso(&d, buf));
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
directory_pupil_row(struct pupil *p, struct directory_tally *ty,
    const struct csv_row *row, const struct directory_pupil_cols *c)
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
	if (dob[0] != '\0' && (p->dob = directory_dob(dob)) == NULL) {
		directory_warn(ty, row->line, "date of birth is not "
		    DATE_FORMATS "; the pupil is kept without it");
		ty->skipped++;
	} else if (dob[0] != '\0')
		ty->used++;
	return p->upn != NULL || p->forename != NULL ||
	    p->preferred != NULL || p->surname != NULL || dob[0] != '\0';
}

/* directory_pupil_columns - find the columns; false if some are missing */
static bool
directory_pupil_columns(const struct csv_table *t,
    const struct directory_settings *dirs, struct directory_pupil_cols *c,
    struct errbuf *eb)
{
	c->upn = directory_column(t, &dirs->pupil_upn_columns);
	c->forename = directory_column(t, &dirs->pupil_forename_columns);
	c->preferred = directory_column(t, &dirs->pupil_preferred_columns);
	c->surname = directory_column(t, &dirs->pupil_surname_columns);
	c->dob = directory_column(t, &dirs->pupil_dob_columns);
	/* With only a preferred forename, that is the forename we have. */
	if (c->forename < 0) {
		c->forename = c->preferred;
		c->preferred = -1;
	}
	if (c->forename < 0)
		directory_missing(eb, t, "forename", "pupil_forename_columns "
		    "or pupil_preferred_columns", &dirs->pupil_forename_columns);
	if (c->surname < 0)
		directory_missing(eb, t, "surname", "pupil_surname_columns",
		    &dirs->pupil_surname_columns);
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

/* directory_pupil_emails - every address of the pupils' email column */
static void
directory_pupil_emails(struct directory *d, const struct csv_table *t,
    const struct directory_settings *dirs, struct errbuf *eb)
{
	int col = directory_column(t, &dirs->pupil_email_columns);
	char *copy, *save, *word, *key;

	for (size_t i = 0; col >= 0 && i < t->nrows; i++) {
		copy = xstrdup(csv_table_cell(&t->rows[i], col));
		save = NULL;
		for (word = strtok_r(copy, ";, \t", &save); word != NULL;
		    word = strtok_r(NULL, ";, \t", &save)) {
			/* Never quote it: a pupil's address is pupil data. */
			if ((key = addr_normalize(word)) == NULL)
				errbuf_add(eb, t->name, t->rows[i].line,
				    "column %s: not an e-mail address",
				    t->header[col]);
			else if (g_hash_table_contains(d->pupil_emails, key))
				free(key);
			else
				g_hash_table_add(d->pupil_emails, key);
		}
		free(copy);
	}
}

/* directory_load_pupils - pupils.csv into the roster */
static void
directory_load_pupils(struct directory *d,
    const struct directory_settings *dirs, struct errbuf *eb)
{
	struct directory_tally ty = { .eb = eb };
	struct directory_pupil_cols c;
	struct csv_table *t;
	struct pupil *p;

	if ((t = csv_table_load(dirs->pupils, eb)) == NULL)
		return;
	ty.t = t;
	if (directory_pupil_columns(t, dirs, &c, eb)) {
		d->pupils = xcalloc(t->nrows ? t->nrows : 1, sizeof(*p));
		for (size_t i = 0; i < t->nrows; i++) {
			p = &d->pupils[d->npupils];
			if (directory_pupil_row(p, &ty, &t->rows[i], &c))
				d->npupils++;
			else
				directory_pupil_clear(p);
		}
		/* Rows are judged by their dates; the CSV's own count too. */
		if (c.dob < 0)
			ty.used = d->npupils;
		directory_tally_end(&ty, "date of birth");
	}
	directory_pupil_emails(d, t, dirs, eb);
	csv_table_free(t);
}

/* directory_policy_ok - may an exemption name this policy? */
static bool
directory_policy_ok(const char *policy, const struct policy *const *registry,
    const struct csv_table *t, unsigned line, struct errbuf *eb)
{
	GString *names;

	for (size_t i = 0; registry[i] != NULL; i++) {
		if (strcmp(registry[i]->name, policy) != 0)
			continue;
		if (registry[i]->liftable)
			return true;
		errbuf_add(eb, t->name, line, "policy %s cannot be lifted by "
		    "an exemption", policy);
		return false;
	}
	names = g_string_new(NULL);
	for (size_t i = 0; registry[i] != NULL; i++)
		if (registry[i]->liftable)
			g_string_append_printf(names, "%s%s", names->len ?
			    ", " : "", registry[i]->name);
	errbuf_add(eb, t->name, line, "unknown policy %s (an exemption may "
	    "name: %s)", policy[0] != '\0' ? policy : "(empty)",
	    names->len ? names->str : "no policy");
	g_string_free(names, TRUE);
	return false;
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
	if (cell[0] == '\0' || addr_pattern_problem(cell) != NULL)
		return NULL;
	if (strcmp(cell, "*") == 0 || strncmp(cell, "*@", 2) == 0)
		return directory_lower(cell);
	return addr_normalize(cell);
}

/* Columns of exemptions.csv, -1 when absent. */
struct directory_exemption_cols {
	int	sender, policy, recipient, expires, approved_by, note;
};

/* directory_bad_value - a cell that is not what it should be */
static void
directory_bad_value(struct directory_tally *ty, unsigned line,
    const char *what, const char *value, const char *expect)
{
	ty->skipped++;
	if (value[0] == '\0')
		directory_warn(ty, line, "%s is empty (expected %s); row "
		    "skipped", what, expect);
	else
		directory_warn(ty, line, "%s \"%s\" is not %s; row skipped",
		    what, value, expect);
}

/* directory_exemption_row - check one row into `e`; false if unusable */
static bool
directory_exemption_row(struct exemption *e, struct directory_tally *ty,
    const struct csv_row *row, const struct directory_exemption_cols *c,
    const struct policy *const *registry)
{
	const char *sender = csv_table_cell(row, c->sender);
	const char *rcpt = csv_table_cell(row, c->recipient);
	const char *expires = csv_table_cell(row, c->expires);
	struct date day;
	char buf[11];

	memset(e, 0, sizeof(*e));
	e->line = row->line;
	e->policy = directory_lower(csv_table_cell(row, c->policy));
	/* Naming a policy that cannot be lifted is a mistake about the
	 * rules, not junk in a row: an error, whatever else the row has. */
	if (!directory_policy_ok(e->policy, registry, ty->t, row->line,
	    ty->eb))
		return false;
	if (addr_problem(sender) != NULL ||
	    (e->sender = addr_normalize(sender)) == NULL) {
		directory_bad_value(ty, row->line, "sender", sender,
		    "an e-mail address");
		return false;
	}
	if ((e->recipient = directory_recipient(rcpt)) == NULL) {
		directory_bad_value(ty, row->line, "recipient", rcpt,
		    "an address, *@domain or *");
		return false;
	}
	if (!date_parse(expires, &day)) {
		directory_bad_value(ty, row->line, "expires", expires,
		    "a date (" DATE_FORMATS ")");
		return false;
	}
	e->expires_end = date_day_end(&day);
	e->expires = xstrdup(date_iso(&day, buf));
	e->approved_by = xstrdup(csv_table_cell(row, c->approved_by));
	e->note = xstrdup(csv_table_cell(row, c->note));
	return true;
}

/* directory_exemption_columns - find the columns; false if missing */
static bool
directory_exemption_columns(const struct csv_table *t,
    const struct directory_settings *dirs,
    struct directory_exemption_cols *c, struct errbuf *eb)
{
	const struct {
		int *col;
		const char *what, *key;
		const struct conf_list *names;
	} required[] = {
		{ &c->sender, "sender", "exemption_sender_columns",
		    &dirs->exemption_sender_columns },
		{ &c->policy, "policy", "exemption_policy_columns",
		    &dirs->exemption_policy_columns },
		{ &c->recipient, "recipient", "exemption_recipient_columns",
		    &dirs->exemption_recipient_columns },
		{ &c->expires, "expires", "exemption_expires_columns",
		    &dirs->exemption_expires_columns },
	};
	const struct conf_list approved = { (char **)directory_approved_names,
	    2 }, note = { (char **)directory_note_names, 2 };
	bool ok = true;

	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if ((*required[i].col = directory_column(t,
		    required[i].names)) < 0) {
			directory_missing(eb, t, required[i].what,
			    required[i].key, required[i].names);
			ok = false;
		}
	c->approved_by = directory_column(t, &approved);
	c->note = directory_column(t, &note);
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
directory_load_exemptions(struct directory *d,
    const struct directory_settings *dirs,
    const struct policy *const *registry, time_t now, struct errbuf *eb)
{
	struct directory_tally ty = { .eb = eb };
	struct directory_exemption_cols c;
	struct csv_table *t;
	struct exemption *e;

	if ((t = csv_table_load(dirs->exemptions, eb)) == NULL)
		return;
	ty.t = t;
	if (directory_exemption_columns(t, dirs, &c, eb)) {
		d->exemptions = xcalloc(t->nrows ? t->nrows : 1, sizeof(*e));
		for (size_t i = 0; i < t->nrows; i++) {
			e = &d->exemptions[d->nexemptions];
			if (!directory_exemption_row(e, &ty, &t->rows[i], &c,
			    registry)) {
				directory_exemption_clear(e);
				continue;
			}
			ty.used++;
			d->nexemptions++;
			if (e->expires_end < now)
				errbuf_warn(eb, t->name, e->line, "exemption "
				    "for %s from %s expired on %s", e->sender,
				    e->policy, e->expires);
		}
		directory_tally_end(&ty, "exemption");
	}
	csv_table_free(t);
}

/* directory_load - read whichever of the three files are configured */
struct directory *
directory_load(const struct directory_settings *dirs,
    const struct policy *const *registry, time_t now, struct errbuf *eb)
{
	struct directory *d = xcalloc(1, sizeof(*d));

	d->parents = g_hash_table_new_full(g_str_hash, g_str_equal, free,
	    NULL);
	d->pupil_emails = g_hash_table_new_full(g_str_hash, g_str_equal,
	    free, NULL);
	if (dirs->parents != NULL)
		directory_load_parents(d, dirs, eb);
	if (dirs->pupils != NULL)
		directory_load_pupils(d, dirs, eb);
	if (dirs->exemptions != NULL)
		directory_load_exemptions(d, dirs, registry, now, eb);
	return d;
}

/* directory_is_pupil_personal - a pupil's personal address? */
bool
directory_is_pupil_personal(const struct directory *d, const char *addr)
{
	char *key;
	bool found;

	if (d == NULL || d->pupil_emails == NULL || addr == NULL ||
	    (key = addr_normalize(addr)) == NULL)
		return false;
	found = g_hash_table_contains(d->pupil_emails, key);
	free(key);
	return found;
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
	if (d->pupil_emails != NULL)
		g_hash_table_destroy(d->pupil_emails);
	for (size_t i = 0; i < d->npupils; i++)
		directory_pupil_clear(&d->pupils[i]);
	for (size_t i = 0; i < d->nexemptions; i++)
		directory_exemption_clear(&d->exemptions[i]);
	free(d->pupils);
	free(d->exemptions);
	free(d);
	return NULL;
}
