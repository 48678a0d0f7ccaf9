/*
 * closed_days - the days the school is shut (working-hours, SPEC 2.8)
 *
 * SYNOPSIS
 *	hours_date_parse(), hours_closed_load(), hours_closed_has(),
 *	hours_closed_free()
 *
 * DESCRIPTION
 *	closed-days.csv has a header row and, per row, either `date` (one
 *	day) or `from` and `to` (inclusive), and an optional `note`
 *	(holidays, bank holidays, training days), read with csv_table(3).
 *	Dates are YYYY-MM-DD or DD/MM/YYYY.  Days are kept as YYYYMMDD
 *	numbers, which order like the calendar, so a lookup is a few
 *	comparisons per row (a school has a few dozen rows a year).
 *
 * DIAGNOSTICS
 *	"closed-days.csv:LINE: ..." for a row with no date, a bad date or
 *	a range that ends before it starts; a missing column is an error at
 *	line 1.  Bad rows are dropped; the loader's caller fails the
 *	configuration on any error.
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config/csv_table.h"
#include "policies/working_hours/hours.h"
#include "util/xalloc.h"

static const char *const closed_date_names[] = { "date", "day", NULL };
static const char *const closed_from_names[] = { "from", "start",
    "first day", NULL };
static const char *const closed_to_names[] = { "to", "end", "last day",
    NULL };

/* closed_digits - n digits at *sp (advanced) */
static bool
closed_digits(const char **sp, size_t min, size_t max, int *out)
{
	size_t n = 0;

	*out = 0;
	while (n < max && isdigit((unsigned char)(*sp)[n]))
		*out = *out * 10 + ((*sp)[n++] - '0');
	*sp += n;
	return n >= min;
}

/* closed_real - a day on the calendar? */
static bool
closed_real(int y, int m, int d)
{
	return y >= 1900 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	    g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
}

/* hours_date_parse - YYYY-MM-DD or DD/MM/YYYY */
bool
hours_date_parse(const char *s, int *ymd)
{
	const char *p = s;
	int y, m, d;

	if (closed_digits(&p, 4, 4, &y) && *p == '-') {
		p++;
		if (!closed_digits(&p, 2, 2, &m) || *p++ != '-' ||
		    !closed_digits(&p, 2, 2, &d) || *p != '\0')
			return false;
	} else {
		p = s;
		if (!closed_digits(&p, 1, 2, &d) || *p++ != '/' ||
		    !closed_digits(&p, 1, 2, &m) || *p++ != '/' ||
		    !closed_digits(&p, 4, 4, &y) || *p != '\0')
			return false;
	}
	if (!closed_real(y, m, d))
		return false;
	*ymd = y * 10000 + m * 100 + d;
	return true;
}

/* closed_row - one row into `out`; false (error reported) if bad */
static bool
closed_row(const struct csv_table *t, const struct csv_row *row,
    const int col[3], struct hours_closed *out, struct errbuf *eb)
{
	const char *date = csv_table_cell(row, col[0]);
	const char *from = csv_table_cell(row, col[1]);
	const char *to = csv_table_cell(row, col[2]);

	out->line = row->line;
	if (date[0] != '\0') {
		if (!hours_date_parse(date, &out->from)) {
			errbuf_add(eb, t->name, row->line, "date \"%s\" is not "
			    "YYYY-MM-DD or DD/MM/YYYY", date);
			return false;
		}
		out->to = out->from;
		return true;
	}
	if (from[0] == '\0' && to[0] == '\0') {
		errbuf_add(eb, t->name, row->line, "no date, and no from and "
		    "to");
		return false;
	}
	if (!hours_date_parse(from, &out->from) ||
	    !hours_date_parse(to[0] != '\0' ? to : from, &out->to)) {
		errbuf_add(eb, t->name, row->line, "from \"%s\" / to \"%s\" "
		    "are not dates (YYYY-MM-DD or DD/MM/YYYY)", from, to);
		return false;
	}
	if (out->to < out->from) {
		errbuf_add(eb, t->name, row->line, "the range ends (%s) "
		    "before it starts (%s)", to, from);
		return false;
	}
	return true;
}

/* hours_closed_load - read the file */
struct hours_closed_days *
hours_closed_load(const char *path, struct errbuf *eb)
{
	struct hours_closed_days *c = xcalloc(1, sizeof(*c));
	struct csv_table *t = csv_table_load(path, eb);
	int col[3];

	if (t == NULL)
		return c;
	col[0] = csv_table_column(t, closed_date_names);
	col[1] = csv_table_column(t, closed_from_names);
	col[2] = csv_table_column(t, closed_to_names);
	if (col[0] < 0 && col[1] < 0)
		errbuf_add(eb, t->name, 1, "no column named date (or from "
		    "and to)");
	else {
		c->items = xcalloc(t->nrows + 1, sizeof(*c->items));
		for (size_t i = 0; i < t->nrows; i++)
			if (closed_row(t, &t->rows[i], col,
			    &c->items[c->count], eb))
				c->count++;
	}
	csv_table_free(t);
	return c;
}

/* hours_closed_has - a closed day? */
bool
hours_closed_has(const struct hours_closed_days *c, int ymd)
{
	for (size_t i = 0; c != NULL && i < c->count; i++)
		if (ymd >= c->items[i].from && ymd <= c->items[i].to)
			return true;
	return false;
}

/* hours_closed_free - free the list */
struct hours_closed_days *
hours_closed_free(struct hours_closed_days *c)
{
	if (c != NULL) {
		free(c->items);
		free(c);
	}
	return NULL;
}
