/*
 * csv_text - a CSV file's bytes as UTF-8 text, and its delimiter
 *
 * Schools save their MIS exports however Excel offers: "CSV UTF-8"
 * (with a byte-order mark), plain "CSV" (Windows-1252 on a UK Windows
 * machine), "Unicode text" (UTF-16), and with ";" as the separator on
 * machines set up for a European locale.  This module turns all of them
 * into UTF-8 text and says which separator the header row uses, so the
 * CSV reader sees one kind of file.
 */
#ifndef AUP_CSV_TEXT_H
#define AUP_CSV_TEXT_H

#include <stddef.h>

struct csv_text {
	char	*data;		/* UTF-8, no byte-order mark; NUL-terminated */
	size_t	 len;
	const char *encoding;	/* "UTF-8", "UTF-16" or "Windows-1252" */
	char	 delim;		/* ',', ';' or '\t' */
	size_t	 skip;		/* bytes of a leading "sep=X" line, else 0 */
};

/*
 * csv_text_decode - convert `len` bytes into `out` (free with
 * csv_text_free).  Returns 0, or -1 when the bytes are UTF-16 that
 * does not convert (out is then empty).
 */
int	csv_text_decode(const char *bytes, size_t len, struct csv_text *out);
/* csv_text_free - free the text */
void	csv_text_free(struct csv_text *t);

#endif
