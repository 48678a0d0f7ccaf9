/*
 * correspondents - load and look up pupils' approved correspondents
 *
 * SYNOPSIS
 *	correspondents_load(), correspondents_find(), correspondents_free()
 *
 * DESCRIPTION
 *	Read through csv_table(3); columns by name, any case; extra
 *	columns ignored.  Addresses go through addr_normalize() (so
 *	+tags and case do not matter) and patterns are matched with
 *	addr_matches(), like exemptions.  A school approves a handful of
 *	rows (a pen-pal school, a library, a grandparent), so a lookup is
 *	a scan.
 *
 * DIAGNOSTICS
 *	Errors: "correspondents.csv:LINE: address \"x\" is not an address
 *	or *@domain", the same for pupils and expires, a missing column at
 *	line 1.  Warnings: "correspondent ADDRESS expired on DATE".  A
 *	pupils cell is never quoted (a pupil's address is pupil data).
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "config/csv_table.h"
#include "policies/pupil_mail/correspondents.h"
#include "util/addr.h"
#include "util/xalloc.h"

static const char *const corr_address_names[] = { "address",
    "correspondent", "email", NULL };
static const char *const corr_pupils_names[] = { "pupils", "pupil", NULL };
static const char *const corr_approved_names[] = { "approved_by",
    "approved by", NULL };
static const char *const corr_expires_names[] = { "expires", "expiry",
    "expiry date", NULL };

/* corr_pattern - normalised address or lower-case pattern, or NULL */
static char *
corr_pattern(const char *cell, bool star_ok)
{
	char *p;

	if (cell[0] == '\0' || !addr_is_valid_pattern(cell))
		return NULL;
	if (strcmp(cell, "*") == 0)
		return star_ok ? xstrdup("*") : NULL;
	if (strncmp(cell, "*@", 2) == 0) {
		p = xstrdup(cell);
		for (char *q = p; *q != '\0'; q++)
			*q = (char)tolower((unsigned char)*q);
		return p;
	}
	return addr_normalize(cell);
}

/* corr_day_end - last second of YYYY-MM-DD (or DD/MM/YYYY), local time */
static bool
corr_day_end(const char *s, time_t *out)
{
	int y, m, d, n = 0;
	struct tm tm;

	if (!(sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 &&
	    s[n] == '\0') && !(sscanf(s, "%2d/%2d/%4d%n", &d, &m, &y, &n) ==
	    3 && s[n] == '\0'))
		return false;
	if (y < 1900 || m < 1 || m > 12 || d < 1 ||
	    !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d + 1;	/* mktime() rolls over */
	tm.tm_isdst = -1;
	*out = mktime(&tm) - 1;
	return true;
}

/* corr_clear - free one row */
static void
corr_clear(struct correspondent *r)
{
	free(r->address);
	free(r->pupils);
	free(r->approved_by);
	free(r->expires);
}

/* corr_row - check one row into `r`; false (reported) if bad */
static bool
corr_row(const struct csv_table *t, const struct csv_row *row,
    const int col[4], struct correspondent *r, struct errbuf *eb)
{
	const char *addr = csv_table_cell(row, col[0]);
	const char *expires = csv_table_cell(row, col[3]);
	bool ok = true;

	memset(r, 0, sizeof(*r));
	r->line = row->line;
	if ((r->address = corr_pattern(addr, false)) == NULL) {
		errbuf_add(eb, t->name, row->line, "address \"%s\" is not an "
		    "address or *@domain", addr);
		ok = false;
	}
	if ((r->pupils = corr_pattern(csv_table_cell(row, col[1]), true)) ==
	    NULL) {
		errbuf_add(eb, t->name, row->line, "pupils is not *, a pupil "
		    "address or *@domain");
		ok = false;
	}
	if (!corr_day_end(expires, &r->expires_end)) {
		errbuf_add(eb, t->name, row->line, "expires \"%s\" is not a "
		    "date (YYYY-MM-DD or DD/MM/YYYY)", expires);
		ok = false;
	}
	r->approved_by = xstrdup(csv_table_cell(row, col[2]));
	r->expires = xstrdup(expires);
	return ok;
}

/* correspondents_load - the file */
struct correspondents *
correspondents_load(const char *path, time_t now, struct errbuf *eb)
{
	struct correspondents *c = xcalloc(1, sizeof(*c));
	struct csv_table *t = csv_table_load(path, eb);
	struct correspondent *r;
	int col[4];

	if (t == NULL)
		return c;
	col[0] = csv_table_column(t, corr_address_names);
	col[1] = csv_table_column(t, corr_pupils_names);
	col[2] = csv_table_column(t, corr_approved_names);
	col[3] = csv_table_column(t, corr_expires_names);
	if (col[0] < 0 || col[1] < 0 || col[3] < 0) {
		errbuf_add(eb, t->name, 1, "columns address, pupils and "
		    "expires are required (approved_by and note optional)");
		csv_table_free(t);
		return c;
	}
	c->items = xcalloc(t->nrows + 1, sizeof(*c->items));
	for (size_t i = 0; i < t->nrows; i++) {
		r = &c->items[c->count];
		if (!corr_row(t, &t->rows[i], col, r, eb)) {
			corr_clear(r);
			continue;
		}
		c->count++;
		if (r->expires_end < now)
			errbuf_warn(eb, t->name, r->line, "correspondent %s "
			    "expired on %s", r->address, r->expires);
	}
	csv_table_free(t);
	return c;
}

/* correspondents_find - a current approval */
const struct correspondent *
correspondents_find(const struct correspondents *c, const char *outside,
    const char *pupil, time_t now)
{
	for (size_t i = 0; c != NULL && outside != NULL && pupil != NULL &&
	    i < c->count; i++) {
		const struct correspondent *r = &c->items[i];

		if (r->expires_end >= now && addr_matches(outside, r->address) &&
		    addr_matches(pupil, r->pupils))
			return r;
	}
	return NULL;
}

/* correspondents_free - free everything */
struct correspondents *
correspondents_free(struct correspondents *c)
{
	if (c == NULL)
		return NULL;
	for (size_t i = 0; i < c->count; i++)
		corr_clear(&c->items[i]);
	free(c->items);
	free(c);
	return NULL;
}
