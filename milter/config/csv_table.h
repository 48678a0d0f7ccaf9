/*
 * csv_table - read a CSV export from a school MIS into memory (libcsv)
 *
 * UTF-8 with or without a byte-order mark, Windows-1252 or UTF-16 (read
 * as UTF-8), separated by ',' ';' or TAB (found from the header row),
 * CRLF or LF line ends, quoted fields with embedded separators, quotes
 * ("") and line breaks.  The first row is the header.  Every data row
 * remembers the line it started on so that messages name file:line.
 * Blank lines are skipped.
 *
 * Typical use, for any CSV a school keeps (see directory.c):
 *
 *	struct csv_table *t = csv_table_load(path, eb);
 *	int col = t ? csv_table_column(t, names) : -1;
 *	for (size_t i = 0; t && i < t->nrows; i++)
 *		use(csv_table_cell(&t->rows[i], col), t->rows[i].line);
 *	csv_table_free(t);
 */
#ifndef AUP_CSV_TABLE_H
#define AUP_CSV_TABLE_H

#include <stddef.h>

#include "util/errbuf.h"

struct csv_row {
	char	**cells;	/* ncells strings, trimmed of outer space */
	size_t	  ncells;
	unsigned  line;		/* 1-based line where the row starts */
};

struct csv_table {
	char	 *name;		/* file name used in messages */
	char	**header;	/* column names, trimmed */
	size_t	  ncols;
	struct csv_row *rows;	/* data rows (header excluded) */
	size_t	  nrows;
	size_t	  nskipped;	/* malformed rows dropped (with a warning) */
	const char *encoding;	/* "UTF-8", "UTF-16" or "Windows-1252" */
	char	  delim;	/* ',', ';' or TAB */
};

/*
 * csv_table_load - read a file.  A structural problem in a data row (an
 * unterminated quote, more cells than the header, a NUL byte) is a
 * warning in `eb` with file:line; that row is dropped and counted in
 * nskipped, the rest are kept.  Returns NULL (and an error in eb) only
 * when the file cannot be read or has no usable header row.
 */
struct csv_table *csv_table_load(const char *path, struct errbuf *eb);
/* csv_table_parse - the same from memory; `name` is used in messages */
struct csv_table *csv_table_parse(const char *data, size_t len,
	    const char *name, struct errbuf *eb);
/*
 * csv_table_column - index of the first header that equals one of the
 * NULL-terminated `names` (case-insensitive, ignoring surrounding space
 * and runs of inner white space), or -1.
 */
int	csv_table_column(const struct csv_table *t, const char *const *names);
/*
 * csv_table_column_next - the same, searching only the columns after
 * index `after` (-1: all), to visit every matching column in turn.
 */
int	csv_table_column_next(const struct csv_table *t,
	    const char *const *names, int after);
/* csv_table_cell - cell `col` of a row, or "" when the row is short */
const char *csv_table_cell(const struct csv_row *row, int col);
/* csv_table_free - free the table; accepts NULL, returns NULL */
struct csv_table *csv_table_free(struct csv_table *t);

#endif
