/*
 * csv_table - read a CSV export from a school MIS into memory
 *
 * SYNOPSIS
 *	csv_table_load(), csv_table_parse(), csv_table_column(),
 *	csv_table_column_next(), csv_table_cell(), csv_table_free()
 *
 * DESCRIPTION
 *	The directory files (SPEC section 3) are whatever a school's MIS
 *	or a spreadsheet wrote: UTF-8 with or without a byte-order mark,
 *	Windows-1252 or UTF-16 (csv_text(3) converts them), separated by
 *	',' ';' or TAB (csv_text(3) finds which), CRLF or LF line ends,
 *	RFC 4180 quoting.  libcsv does the quoting in strict mode; this
 *	module adds what libcsv does not know: line numbers, recovery from
 *	a malformed row, and UTF-8 checks.
 *
 *	The input is fed to libcsv one physical line at a time, so the
 *	line a row starts on is known when its first byte is parsed.  A
 *	row is "open" from the first line that has something other than
 *	blanks until libcsv reports its end; a quoted field with line
 *	breaks keeps it open over several lines.
 *
 *	Recovery: a stray quote makes libcsv stop; the row is dropped and
 *	the parser restarts at the next line.  A quote that is not closed
 *	swallows the lines after it, up to the next quote or the end of
 *	the file; then the row is dropped and parsing restarts on the line
 *	after the one where that row began.  One bad row costs one row,
 *	not the rest of the file.
 *
 *	Rows whose cells are all empty (",,,") count as blank lines.  Cells
 *	beyond the header are tolerated only when empty (a trailing comma).
 *
 * DIAGNOSTICS
 *	A malformed data row is a warning, "file:line: ...; row skipped",
 *	and is counted in `nskipped`: one bad row must not stop a reload,
 *	and the caller decides whether too many rows were lost.  A header
 *	row that cannot be read is an error.  Messages never quote cell
 *	values: the files hold pupils' personal data.  csv_table_load()
 *	and csv_table_parse() return NULL only when the file cannot be
 *	read or has no usable header row.
 *
 * SEE ALSO
 *	csv(3) (libcsv), directory(3)
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>
#include <glib.h>

#include "config/csv_table.h"
#include "config/csv_text.h"
#include "util/xalloc.h"

/* Restarts after unclosed quotes each re-read the rest of the file. */
#define CSV_TABLE_MAX_RESTARTS	100

struct csv_table_state {
	struct csv_table *t;
	struct errbuf	*eb;
	char		**cells;	/* cells of the row being read */
	size_t		 ncells;
	size_t		 cellcap;
	long		 bad_utf8_col;	/* first cell not UTF-8, or -1 */
	bool		 row_open;	/* a row has begun and not ended */
	unsigned	 row_line;	/* line the open row began on */
	size_t		 row_offset;	/* byte offset of that line */
	bool		 have_header;
	bool		 header_failed;	/* the first row was malformed */
	char		 delim;		/* ',', ';' or TAB */
};

/* csv_table_trim - copy of [s, s+len) without outer white space */
static char *
csv_table_trim(const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

/* csv_table_drop_cells - forget the cells of the current row */
static void
csv_table_drop_cells(struct csv_table_state *st)
{
	for (size_t i = 0; i < st->ncells; i++)
		free(st->cells[i]);
	st->ncells = 0;
	st->bad_utf8_col = -1;
}

/* csv_table_on_cell - libcsv callback: one field has been read */
static void
csv_table_on_cell(void *data, size_t len, void *arg)
{
	struct csv_table_state *st = arg;

	/* A NUL byte fails validation too: it cannot be in a name. */
	if (st->bad_utf8_col < 0 && !g_utf8_validate(data, (gssize)len, NULL))
		st->bad_utf8_col = (long)st->ncells;
	if (st->ncells == st->cellcap) {
		st->cellcap = st->cellcap ? st->cellcap * 2 : 16;
		st->cells = xreallocarray(st->cells, st->cellcap,
		    sizeof(char *));
	}
	st->cells[st->ncells++] = csv_table_trim(data, len);
}

/* csv_table_take_cells - move the current cells into a new array */
static char **
csv_table_take_cells(struct csv_table_state *st, size_t n)
{
	char **cells = xcalloc(n ? n : 1, sizeof(char *));

	memcpy(cells, st->cells, n * sizeof(char *));
	for (size_t i = n; i < st->ncells; i++)
		free(st->cells[i]);
	st->ncells = 0;
	st->bad_utf8_col = -1;
	return cells;
}

/* csv_table_row_is_blank - are all cells of the current row empty? */
static bool
csv_table_row_is_blank(const struct csv_table_state *st, size_t from)
{
	for (size_t i = from; i < st->ncells; i++)
		if (st->cells[i][0] != '\0')
			return false;
	return true;
}

/* csv_table_row_error - report a bad row and drop it */
static void
csv_table_row_error(struct csv_table_state *st, const char *what)
{
	if (!st->have_header) {
		errbuf_add(st->eb, st->t->name, st->row_line, "header row: %s",
		    what);
		st->header_failed = true;
	} else {
		errbuf_warn(st->eb, st->t->name, st->row_line, "%s; row "
		    "skipped", what);
		st->t->nskipped++;
	}
	csv_table_drop_cells(st);
}

/* csv_table_add_row - append the current cells as a data row */
static void
csv_table_add_row(struct csv_table_state *st)
{
	struct csv_table *t = st->t;
	struct csv_row *row;
	size_t n = st->ncells < t->ncols ? st->ncells : t->ncols;

	/* The capacity is the next power of two: grow at each one. */
	if ((t->nrows & (t->nrows - 1)) == 0)
		t->rows = xreallocarray(t->rows, t->nrows ? t->nrows * 2 : 1,
		    sizeof(*t->rows));
	row = &t->rows[t->nrows++];
	row->line = st->row_line;
	row->ncells = n;
	row->cells = csv_table_take_cells(st, n);
}

/* csv_table_on_row - libcsv callback: the end of a row */
static void
csv_table_on_row(int term, void *arg)
{
	struct csv_table_state *st = arg;
	char *msg;

	(void)term;	/* the terminator (or -1 at end of input) */
	st->row_open = false;
	if (st->header_failed || csv_table_row_is_blank(st, 0)) {
		csv_table_drop_cells(st);
		return;
	}
	if (st->bad_utf8_col >= 0) {
		/* Text is UTF-8 by now (csv_text.c): only a NUL is left. */
		msg = xasprintf("column %ld is not text (it holds a NUL byte)",
		    st->bad_utf8_col + 1);
		csv_table_row_error(st, msg);
		free(msg);
	} else if (!st->have_header) {
		st->t->ncols = st->ncells;
		st->t->header = csv_table_take_cells(st, st->ncells);
		st->have_header = true;
	} else if (!csv_table_row_is_blank(st, st->t->ncols)) {
		msg = xasprintf("row has %zu cells but the header has %zu "
		    "columns", st->ncells, st->t->ncols);
		csv_table_row_error(st, msg);
		free(msg);
	} else
		csv_table_add_row(st);
}

/* csv_table_line_end - offset just past the line that starts at pos */
static size_t
csv_table_line_end(const char *data, size_t len, size_t pos)
{
	while (pos < len) {
		if (data[pos] == '\n')
			return pos + 1;
		/* A lone CR ends a line too (old Mac exports). */
		if (data[pos] == '\r' &&
		    (pos + 1 == len || data[pos + 1] != '\n'))
			return pos + 1;
		pos++;
	}
	return len;
}

/* csv_table_has_text - does [pos, end) hold more than blanks? */
static bool
csv_table_has_text(const char *data, size_t pos, size_t end)
{
	for (; pos < end; pos++)
		if (!isspace((unsigned char)data[pos]))
			return true;
	return false;
}

/* csv_table_quote_error - libcsv stopped at a quote on line `line` */
static void
csv_table_quote_error(struct csv_table_state *st, unsigned line)
{
	char *msg;

	st->row_open = false;
	if (line == st->row_line) {
		csv_table_row_error(st, "stray quote: a field that contains "
		    "\" must be in quotes, with each \" doubled");
		return;
	}
	msg = xasprintf("a quoted field that starts on this line runs on "
	    "to line %u: is a closing \" missing?", line);
	csv_table_row_error(st, msg);
	free(msg);
}

/* csv_table_parser_init - a strict parser that aborts when out of memory */
static void
csv_table_parser_init(struct csv_parser *p, char delim)
{
	csv_init(p, CSV_STRICT | CSV_STRICT_FINI);
	csv_set_delim(p, (unsigned char)delim);
	/* With xrealloc, a short csv_parse() can only mean a parse error. */
	csv_set_realloc_func(p, xrealloc);
}

/* csv_table_restart - a fresh parser after an error */
static void
csv_table_restart(struct csv_parser *p, char delim)
{
	csv_free(p);
	csv_table_parser_init(p, delim);
}

/*
 * csv_table_pass - parse from `pos` (which begins line `line`) to the end.
 * Returns the offset to restart from after an unclosed quote, or `len`.
 */
static size_t
csv_table_pass(struct csv_table_state *st, const char *data, size_t len,
    size_t pos, unsigned line)
{
	struct csv_parser p;
	size_t end, n;

	csv_table_parser_init(&p, st->delim);
	st->row_open = false;
	for (; pos < len; pos = end, line++) {
		end = csv_table_line_end(data, len, pos);
		if (!st->row_open && csv_table_has_text(data, pos, end)) {
			st->row_open = true;
			st->row_line = line;
			st->row_offset = pos;
		}
		n = csv_parse(&p, data + pos, end - pos, csv_table_on_cell,
		    csv_table_on_row, st);
		if (n == end - pos)
			continue;
		csv_table_quote_error(st, line);
		csv_table_restart(&p, st->delim);
		/* A quote opened lines ago: re-read the lines after it. */
		if (line != st->row_line) {
			end = csv_table_line_end(data, len, st->row_offset);
			line = st->row_line;
		}
	}
	if (csv_fini(&p, csv_table_on_cell, csv_table_on_row, st) == 0) {
		csv_free(&p);
		return len;
	}
	csv_free(&p);
	csv_table_row_error(st, "a quoted field is never closed "
	    "(a \" with no matching \")");
	return csv_table_line_end(data, len, st->row_offset);
}

/* csv_table_parse_text - build a table from decoded text */
static struct csv_table *
csv_table_parse_text(const struct csv_text *text, const char *name,
    struct errbuf *eb)
{
	struct csv_table_state st = { .eb = eb, .bad_utf8_col = -1 };
	const char *data = text->data;
	size_t pos = text->skip, len = text->len;
	unsigned line = text->skip > 0 ? 2 : 1, restarts = 0;

	st.t = xcalloc(1, sizeof(*st.t));
	st.t->name = xstrdup(name);
	st.t->encoding = text->encoding;
	st.t->delim = st.delim = text->delim;
	while ((pos = csv_table_pass(&st, data, len, pos, line)) < len &&
	    !st.header_failed) {
		/* Go on with the line after the row with the open quote. */
		line = st.row_line + 1;
		if (++restarts > CSV_TABLE_MAX_RESTARTS) {
			errbuf_add(eb, name, line, "too many unclosed quotes; "
			    "the rest of the file was not read");
			break;
		}
	}
	csv_table_drop_cells(&st);
	free(st.cells);
	if (!st.have_header) {
		if (!st.header_failed)
			errbuf_add(eb, name, 0, "no header row (the file is "
			    "empty)");
		return csv_table_free(st.t);
	}
	return st.t;
}

/* csv_table_parse - build a table from CSV bytes in memory */
struct csv_table *
csv_table_parse(const char *data, size_t len, const char *name,
    struct errbuf *eb)
{
	struct csv_text text;
	struct csv_table *t;

	if (csv_text_decode(data, len, &text) < 0) {
		errbuf_add(eb, name, 0, "the file is marked as UTF-16 but is "
		    "not (save it as \"CSV UTF-8\")");
		return NULL;
	}
	t = csv_table_parse_text(&text, name, eb);
	csv_text_free(&text);
	return t;
}

/* csv_table_read_file - whole file into memory; NULL and errno on failure */
static char *
csv_table_read_file(const char *path, size_t *lenp)
{
	FILE *fp;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int saved;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	do {
		if (cap - len < 8192) {
			cap = cap ? cap * 2 : 65536;
			buf = xrealloc(buf, cap);
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
	} while (n > 0);
	if (ferror(fp)) {
		saved = errno;
		fclose(fp);
		free(buf);
		errno = saved;
		return NULL;
	}
	fclose(fp);
	*lenp = len;
	return buf;
}

/* csv_table_load - read and parse a CSV file */
struct csv_table *
csv_table_load(const char *path, struct errbuf *eb)
{
	struct csv_table *t;
	size_t len = 0;
	char *data;

	if ((data = csv_table_read_file(path, &len)) == NULL) {
		errbuf_add(eb, path, 0, "cannot read: %s", strerror(errno));
		return NULL;
	}
	t = csv_table_parse(data, len, path, eb);
	free(data);
	return t;
}

/* csv_table_skip_space - first character that is not white space */
static const char *
csv_table_skip_space(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/* csv_table_name_eq - header equality: case and spacing do not matter */
static bool
csv_table_name_eq(const char *a, const char *b)
{
	a = csv_table_skip_space(a);
	b = csv_table_skip_space(b);
	while (*a != '\0' && *b != '\0') {
		if (isspace((unsigned char)*a) && isspace((unsigned char)*b)) {
			a = csv_table_skip_space(a);
			b = csv_table_skip_space(b);
			continue;
		}
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
		a++;
		b++;
	}
	return *csv_table_skip_space(a) == '\0' &&
	    *csv_table_skip_space(b) == '\0';
}

/* csv_table_column_next - first matching column after index `after` */
int
csv_table_column_next(const struct csv_table *t, const char *const *names,
    int after)
{
	for (size_t i = after < 0 ? 0 : (size_t)after + 1; i < t->ncols; i++)
		for (const char *const *n = names; *n != NULL; n++)
			if (csv_table_name_eq(t->header[i], *n))
				return (int)i;
	return -1;
}

/* csv_table_column - first column whose header is one of `names` */
int
csv_table_column(const struct csv_table *t, const char *const *names)
{
	return csv_table_column_next(t, names, -1);
}

/* csv_table_cell - a cell, or "" past the end of a short row */
const char *
csv_table_cell(const struct csv_row *row, int col)
{
	if (col < 0 || (size_t)col >= row->ncells)
		return "";
	return row->cells[col];
}

/* csv_table_free_cells - free an array of n strings */
static void
csv_table_free_cells(char **cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(cells[i]);
	free(cells);
}

/* csv_table_free - free a table; NULL is fine */
struct csv_table *
csv_table_free(struct csv_table *t)
{
	if (t == NULL)
		return NULL;
	for (size_t i = 0; i < t->nrows; i++)
		csv_table_free_cells(t->rows[i].cells, t->rows[i].ncells);
	csv_table_free_cells(t->header, t->ncols);
	free(t->rows);
	free(t->name);
	free(t);
	return NULL;
}
