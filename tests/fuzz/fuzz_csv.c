/*
 * fuzz_csv - libFuzzer target for the CSV reader and the data files
 *
 * SYNOPSIS
 *	tests/fuzz/run-fuzz.sh csv SECONDS
 *
 * DESCRIPTION
 *	The first byte chooses what the rest is: (0) any CSV for
 *	csv_table_parse(), whose every cell and column lookup is then
 *	read; (1) parents.csv, (2) pupils.csv, (3) exemptions.csv, each
 *	written to a file and loaded with directory_load() as a
 *	configuration would, then queried (parent lookups, exemption
 *	search).  The loaders must report bad rows, never crash, leak or
 *	hang.  Not part of the normal build.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gmime/gmime.h>

#include "config/conf_tables.h"
#include "config/csv_table.h"
#include "config/directory.h"
#include "policies/policy.h"
#include "util/errbuf.h"
#include "util/xalloc.h"
#include "fuzz_util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_csv_table - parse from memory and read every cell */
static void
fuzz_csv_table(const char *data, size_t len)
{
	static const char *const email[] = { "Email", "E-mail address", NULL };
	struct errbuf eb;
	struct csv_table *t;
	size_t sum = 0;
	int col;

	errbuf_init(&eb);
	t = csv_table_parse(data, len, "fuzz.csv", &eb);
	if (t != NULL) {
		for (size_t r = 0; r < t->nrows; r++)
			for (size_t c = 0; c <= t->ncols; c++)
				sum += strlen(csv_table_cell(&t->rows[r],
				    (int)c));
		for (col = csv_table_column_next(t, email, -1); col >= 0;
		    col = csv_table_column_next(t, email, col))
			sum++;
	}
	/* Keep the reads: the sanitizers check each cell. */
	if (sum == (size_t)-1)
		abort();
	csv_table_free(t);
	errbuf_clear(&eb);
}

/* fuzz_csv_directory - load one data file as the directory would */
static void
fuzz_csv_directory(int which, const char *data, size_t len)
{
	static char *path;
	struct directory_settings dirs;
	const time_t now = 1725264000;	/* 2024-09-02: fixed, reproducible */
	struct errbuf eb;
	struct directory *d;

	if (path == NULL)
		path = fuzz_path(fuzz_tempdir("csv"), "data.csv");
	fuzz_write_file(path, data, len);
	errbuf_init(&eb);
	memset(&dirs, 0, sizeof(dirs));
	conf_params_defaults(conf_directory_params, &dirs, NULL, &eb);
	dirs.parents = which == 1 ? xstrdup(path) : NULL;
	dirs.pupils = which == 2 ? xstrdup(path) : NULL;
	dirs.exemptions = which == 3 ? xstrdup(path) : NULL;
	d = directory_load(&dirs, policy_registry, now, &eb);
	conf_params_free(conf_directory_params, &dirs);
	(void)directory_is_parent(d, "mum.ann@gmail.com");
	(void)directory_is_parent(d, "\"Ann\" <MUM.ANN@GMAIL.COM>");
	(void)directory_exemption_find(d, "senco@testwood.example",
	    "parent-contact", "mum.ann@gmail.com", now);
	(void)directory_exemption_find(d, "senco@testwood.example",
	    "bulk-bcc", "x@homemail.example", now);
	directory_free(d);
	errbuf_clear(&eb);
}

/* LLVMFuzzerTestOneInput - byte 0 selects the loader */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int which;

	static bool ready;

	if (!ready) {
		g_mime_init();	/* as main() does before anything else */
		ready = true;
	}
	if (size == 0)
		return 0;
	which = data[0] % 4;
	if (which == 0)
		fuzz_csv_table((const char *)data + 1, size - 1);
	else
		fuzz_csv_directory(which, (const char *)data + 1, size - 1);
	return 0;
}
