/*
 * analysis - what is inside a message: parts, archives, true types,
 * encryption, macros and text (SPEC section 4)
 *
 * The eyes of the milter.  Hostile input stops here: policies never parse
 * MIME or archives themselves, they read the records this module builds.
 *
 * analysis_run() parses one message once (GMime 3), walks every leaf part
 * (message/rfc822 included) and every archive entry (libarchive),
 * recursively within the limits, and returns one record per part or
 * entry.  It never fails on hostile content: a part it cannot judge gets
 * an `uninspectable` reason.  It returns NULL only for an internal error
 * (out of resources, a temporary file that cannot be written), which the
 * engine turns into on_error.
 *
 * Ownership: the caller frees the result with analysis_free().  All
 * strings in the records belong to the analysis.
 *
 * Threads: analysis_run() may run on many threads at once; per-thread
 * libmagic handles live behind a pthread key inside this module.
 */
#ifndef AUP_ANALYSIS_H
#define AUP_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gmime/gmime.h>

/* Limits (SPEC section 4); a limit exceeded makes the part uninspectable. */
struct analysis_limits {
	unsigned	max_depth;	/* archive/message nesting, default 5 */
	unsigned	max_entries;	/* archive entries in all, default 10000 */
	uint64_t	max_expanded;	/* bytes expanded in all, default 200 MiB */
	unsigned	max_ratio;	/* expanded:compressed, default 100 */
	size_t		max_text;	/* text kept per record, default 4 MiB */
	bool		skip_text;	/* extract no text: no policy that
					 * reads it applies (default false) */
};

enum encryption_strength {
	ENCRYPTION_NONE = 0,
	ENCRYPTION_WEAK,	/* ZipCrypto, RC4/40-bit, PDF owner-only... */
	ENCRYPTION_STRONG	/* AES, Office agile/standard AES, CMS */
};

struct attachment {
	char	*path;		/* "2", "2/pupils.zip/Year 6/list.xlsx" */
	char	*name;		/* decoded file name (UTF-8) or NULL */
	char	*name_safe;	/* name with control chars, U+202E and
				 * invalid UTF-8 escaped (\u202e, \xff):
				 * safe to log and show; NULL if no name */
	char	*other_name;	/* a second, different name the part also
				 * carries (Content-Type name= beside
				 * Content-Disposition filename=), or NULL;
				 * mail clients differ on which they show */
	char	*other_name_safe; /* other_name escaped like name_safe */
	char	*declared_type;	/* Content-Type of a MIME part, or NULL */
	char	*detected_type;	/* MIME type by content (libmagic + checks) */
	const char *kind;	/* one name of the closed vocabulary below
				 * (analysis_kind_find() knows them all):
				 * "pe", "elf", "macho", "msi", "script",
				 * "lnk", "iso", "eicar", "zip", "7z", "rar",
				 * "tar", "gzip", "cab", "archive" (another
				 * container), "tnef", "docx", "xlsx",
				 * "pptx", "docm", "xlsm", "pptm", "doc",
				 * "xls", "ppt", "odt", "ods", "odp",
				 * "onenote", "pdf", "rtf", "csv", "text",
				 * "html", "image", "smime", "pgp", "other".
				 * An encrypted OOXML file keeps the kind of
				 * its name (xlsx...); "jar", "chm" and Java
				 * classes are "script" */
	unsigned depth;		/* 0 = MIME leaf, 1 = entry in an archive...
				 * (parts of an attached message/rfc822 count
				 * one level too, like archive entries) */
	bool	is_body;	/* a text/plain or text/html body part (no
				 * file name, inline): "the message text" */
	bool	is_archive;	/* a container whose entries follow */
	uint64_t size;		/* decoded size in bytes */
	char	sha256[65];	/* hex digest of the decoded content */

	bool	encrypted;	/* needs a password or key to read */
	enum encryption_strength strength;
	const char *encryption;	/* static label: "zip-aes", "zipcrypto",
				 * "7z-aes", "ooxml-agile", "ooxml-standard",
				 * "office-rc4", "pdf-aes", "pdf-rc4",
				 * "odf", "smime", "pgp" or NULL; also
				 * "zip-pkware", "rar-aes", "office-xor".
				 * A PDF with only an owner (permissions)
				 * password is NOT encrypted (SPEC 2.3) */
	bool	names_hidden;	/* encrypted archive whose entry names are
				 * hidden (7z with encrypted headers) */
	bool	has_macros;	/* a VBA project with code, or an Excel 4
				 * macro sheet */
	bool	macro_empty;	/* a VBA project without any code */
	bool	is_eicar;	/* the EICAR anti-virus test string */

	const char *uninspectable; /* static reason or NULL: "depth",
				 * "entries", "expanded-size", "ratio",
				 * "corrupt", "nesting", "truncated", "time"
				 * (the 10 s budget of one analysis_run),
				 * "format" (a container nothing here
				 * opens: ARJ, SZDD...), "compression" (a
				 * method libarchive lacks: deflate64...),
				 * "ambiguous" (MIME that mail clients read
				 * differently) */
	const char *detail;	/* static words about uninspectable or
				 * hazard ("ARJ archive", "deflate64"), or
				 * NULL */
	const char *hazard;	/* static description of active content
				 * the kind does not say, or NULL: "HTML
				 * that builds a download from data it
				 * carries", "a OneNote notebook with
				 * embedded files" */

	char	*text;		/* extracted text (UTF-8, NUL-terminated)
				 * or NULL: cells of a sheet are separated
				 * by '\t', rows by '\n'; spreadsheet date
				 * cells read DD/MM/YYYY */
	size_t	 text_len;
	bool	 text_truncated; /* max_text reached */
};

struct analysis {
	struct attachment *items;	/* in walk order */
	size_t	count;

	bool	message_encrypted;	/* S/MIME enveloped or PGP/MIME */
	const char *message_encryption;	/* "smime", "pgp" or NULL */
	const char *uninspectable;	/* the whole message: "nesting",
					 * "time", "corrupt", "ambiguous"
					 * (two Content-Type headers, two
					 * boundaries: what a part is or
					 * where it ends depends on the
					 * reader) */
	unsigned parser_warnings;	/* GMime critical warnings seen (all
					 * counted; those that can hide parts
					 * also set uninspectable) */
	bool	text_skipped;		/* no text was extracted
					 * (analysis_limits.skip_text): every
					 * record's text is NULL */
};

/* Classes of kinds (struct analysis_kind.classes). */
#define KIND_PROGRAM	0x01	/* runs when opened, or holds what does */
#define KIND_CONTAINER	0x02	/* entries follow as records of their own */
#define KIND_OFFICE	0x04	/* an Office or OpenDocument document */
#define KIND_MACRO	0x08	/* a macro-enabled Office format */
#define KIND_TEXT	0x10	/* text the analysis extracts as it is */

struct analysis_kind {
	const char	*name;		/* the kind: "pe", "zip"... */
	const char	*label;		/* plain English: "Windows program" */
	unsigned	 classes;	/* KIND_* */
};

/* analysis_kind_find - a kind by name, or NULL if the word is none */
const struct analysis_kind *analysis_kind_find(const char *name);
/* analysis_kind_is - is the kind in any of these classes? */
bool	analysis_kind_is(const char *name, unsigned classes);
/* analysis_kind_label - what a record is ("Python script", "zip
 * archive"): by detected type where that says more than the kind */
const char *analysis_kind_label(const struct attachment *a);

/* analysis_limits_default - SPEC defaults */
void	analysis_limits_default(struct analysis_limits *lim);

/*
 * analysis_run - parse and inspect a whole message (headers and body) read
 * from `raw` (a seekable GMimeStream; the caller keeps its reference).
 * Returns NULL only on internal error.
 */
struct analysis *analysis_run(GMimeStream *raw,
	    const struct analysis_limits *lim);

/* analysis_free - free a result; accepts NULL, returns NULL */
struct analysis *analysis_free(struct analysis *an);

#endif
