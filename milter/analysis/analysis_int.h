/*
 * analysis_int - internals shared by the files of milter/analysis
 *
 * Not for policies: they read struct analysis (analysis.h) only.
 *
 * Every inspector gets the run context (struct actx), the index of the
 * record it fills (records move when the array grows, so indexes, not
 * pointers, are kept across calls that may add records) and the decoded
 * content as one contiguous read-only buffer (a blob: memory when small,
 * an unlinked, mapped temporary file when large).
 */
#ifndef AUP_ANALYSIS_INT_H
#define AUP_ANALYSIS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include <nettle/sha2.h>

#include "analysis/analysis.h"

/* multipart nesting beyond this is "nesting" (GMime itself allows 1024) */
#define ANALYSIS_MIME_NESTING_MAX	32
/* wall-clock budget of one analysis_run, microseconds */
#define ANALYSIS_TIME_BUDGET_US		(10 * G_USEC_PER_SEC)
/* the ratio limit is judged once an archive expanded this much */
#define ANALYSIS_RATIO_FLOOR		(1024 * 1024)
/* content above this size goes to an unlinked temporary file */
#define BLOB_MEM_MAX			(1024 * 1024)
/* bytes of a part given to libmagic (ISO 9660 needs 32 KiB and more) */
#define ANALYSIS_MAGIC_PREFIX		(1024 * 1024)

/* Content of one part or entry. */
struct blob {
	unsigned char	*data;		/* contiguous content */
	size_t		 len;		/* bytes used */
	size_t		 cap;		/* bytes allocated (memory) */
	int		 fd;		/* temporary file, or -1 */
	bool		 mapped;	/* data is an mmap of fd */
	bool		 digest;	/* SHA-256 taken while filling */
	struct sha256_ctx sha;
	char		 sha256[65];	/* hex, set by blob_finish() */
};

/* Growing UTF-8 text with a hard cap. */
struct textbuf {
	char	*s;
	size_t	 len;
	size_t	 cap;
	size_t	 max;		/* analysis_limits.max_text */
	bool	 truncated;	/* something was dropped at max */
};

/* bytes of a package part kept for its XML check (inspect_package_part) */
#define PKG_HEAD			8192

/* A package part the text pass read to its end (pkg_parts.c). */
struct pkg_part {
	char		*name;		/* entry path */
	unsigned	 index;		/* position among the zip's headers */
	size_t		 size;		/* bytes expanded */
	char		 sha256[65];
	unsigned char	*head;		/* its first hlen bytes */
	size_t		 hlen;		/* at most PKG_HEAD */
};

/* The parts of one package read whole for text. */
struct pkg_parts {
	struct pkg_part	*v;
	size_t		 n;
};

/* Digest of an entry being read for text. */
struct pkg_reader {
	struct sha256_ctx sha;
	unsigned char	 head[PKG_HEAD];
	size_t		 hlen;
	size_t		 size;		/* bytes hashed */
	unsigned	 index;		/* position among the zip's headers */
	bool		 on;		/* a package's parts are being kept */
};

/* State of one analysis_run. */
struct actx {
	struct analysis	*an;
	struct analysis_limits lim;
	size_t		 cap;		/* records allocated */
	unsigned	 entries;	/* archive entries seen in all */
	uint64_t	 expanded;	/* bytes expanded in all */
	int64_t		 deadline;	/* g_get_monotonic_time() limit */
	bool		 failed;	/* internal error: result is NULL */
	unsigned	 ct_conflicts;	/* conflicting Content-Type headers */
	unsigned	 other_conflicts; /* other ambiguous MIME seen */
	struct pkg_parts *parts;	/* while a package's text is read: its
					   parts read whole, else NULL */
};

/* analysis.c */
size_t	 actx_add(struct actx *ctx, const char *path, unsigned depth);
struct attachment *actx_rec(struct actx *ctx, size_t rec);
bool	 actx_late(struct actx *ctx);
bool	 actx_expand(struct actx *ctx, size_t n);
void	 actx_judge_budget(struct actx *ctx, size_t rec);
char	*analysis_name_safe(const char *name);
void	 analysis_set_encrypted(struct attachment *a,
	    enum encryption_strength strength, const char *label);

/* blob.c */
void	 blob_init(struct blob *b);
void	 blob_init_digest(struct blob *b);
void	 sha256_hex(struct sha256_ctx *ck, char out[65]);
int	 blob_append(struct blob *b, const void *p, size_t n);
int	 blob_spill(struct blob *b);
int	 blob_finish(struct blob *b);
void	 blob_free(struct blob *b);

/* textbuf.c */
void	 textbuf_init(struct textbuf *t, size_t max);
void	 textbuf_reset(struct textbuf *t, size_t max);
void	 textbuf_add(struct textbuf *t, const char *p, size_t n);
void	 textbuf_put(struct textbuf *t, const char *p, size_t n);
void	 textbuf_addc(struct textbuf *t, char c);
void	 textbuf_add_cp(struct textbuf *t, uint32_t cp);
void	 textbuf_sep(struct textbuf *t, char c);
void	 textbuf_cell(struct textbuf *t);
void	 textbuf_row(struct textbuf *t);
void	 textbuf_store(struct textbuf *t, struct attachment *a);
void	 textbuf_free(struct textbuf *t);
size_t	 utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);

/* textbuf_full - has the cap been reached? (called once per token) */
static inline bool
textbuf_full(const struct textbuf *t)
{
	return t->truncated || t->len >= t->max;
}

/* base64.c: GMime's base64 decoding, a quartet at a time */
size_t	 base64_decode_step(const unsigned char *in, size_t len,
	    unsigned char *out, int *state, uint32_t *save);

/* pkg_parts.c: digests of package parts read whole for text */
void	 pkg_reader_start(struct pkg_reader *r, unsigned index);
void	 pkg_reader_add(struct pkg_reader *r, const void *p, size_t n);
void	 pkg_parts_keep(struct pkg_parts *parts, const char *name,
	    struct pkg_reader *r);
const struct pkg_part *pkg_parts_find(const struct pkg_parts *parts,
	    unsigned index, const char *name);
void	 pkg_parts_free(struct pkg_parts *parts);

/* inspect.c: type, encryption, macros, text, archive entries */
void	 inspect_digest(struct attachment *a, const struct blob *b);
void	 inspect_content(struct actx *ctx, size_t rec, const struct blob *b,
	    const char *charset);
bool	 inspect_package_part(struct actx *ctx, size_t rec,
	    const struct blob *b);
bool	 inspect_package_kept(struct actx *ctx, size_t rec,
	    const struct pkg_part *p);
void	 inspect_children(struct actx *ctx, size_t rec, const char *name,
	    const unsigned char *data, size_t len);

/* walk.c: a message found inside a part (message/rfc822 by content) */
void	 walk_embedded_message(struct actx *ctx, size_t rec,
	    const unsigned char *data, size_t len, bool mbox);

/* tnef.c: Outlook's winmail.dat */
bool	 tnef_inspect(struct actx *ctx, size_t rec,
	    const unsigned char *data, size_t len);

/* hazard.c: active content in documents */
const char *hazard_html(const unsigned char *data, size_t len);
bool	 hazard_onenote(struct actx *ctx, size_t rec,
	    const unsigned char *data, size_t len);

/* rtf_object.c: OLE objects (\objdata) inside RTF */
void	 rtf_objects(struct actx *ctx, size_t rec,
	    const unsigned char *data, size_t len);

/* uudecode.c: uuencoded files inside text */
void	 uudecode_children(struct actx *ctx, size_t rec,
	    const unsigned char *data, size_t len);

/* magic_pool.c */
char	*magic_pool_type(const unsigned char *data, size_t len);

/* filetype.c */
const char *filetype_kind(const char *mime, const unsigned char *data,
	    size_t len, const char *name);
bool	 filetype_is_archive_kind(const char *kind);
bool	 filetype_is_eicar(const unsigned char *data, size_t len);
bool	 filetype_name_is_script(const char *name);
bool	 filetype_name_is_container(const char *name);
bool	 filetype_name_is_office(const char *name);
const char *filetype_container_label(const char *mime);
const char *filetype_ext(const char *name);

/* archive.c */
void	 archive_walk(struct actx *ctx, size_t rec, const struct blob *b,
	    const struct pkg_parts *package);

/* zipmem.c: entries of a zip package in memory, by name */
int	 zipmem_read(struct actx *ctx, const unsigned char *data, size_t len,
	    const char *entry, size_t max, struct blob *out);
bool	 zipmem_names(const unsigned char *data, size_t len,
	    bool (*fn)(const char *name, void *arg), void *arg);
struct archive;
struct archive *zipmem_entry_open(const unsigned char *data, size_t len,
	    const char *entry, unsigned *index);
ssize_t	 zipmem_entry_read(struct actx *ctx, struct archive *ar, void *buf,
	    size_t n);
void	 zipmem_entry_close(struct archive *ar);

/* zipdir.c: ZIP central directory facts */
enum encryption_strength zipdir_entry_strength(const unsigned char *data,
	    size_t len, const char *entry, const char **label);
const char *zipdir_check(const unsigned char *data, size_t len,
	    const char **detail);
bool	 zipdir_has_end(const unsigned char *data, size_t len);

/* sevenzip.c */
bool	 sevenzip_headers_encrypted(const unsigned char *data, size_t len);
bool	 sevenzip_is_whole(const unsigned char *data, size_t len);

/* ooxml.c (packages, docx and pptx text), xlsx.c, odf.c */
bool	 ooxml_inspect(struct actx *ctx, size_t rec,
	    const unsigned char *data, size_t len);
void	 ooxml_text_docx(struct actx *ctx, const unsigned char *data,
	    size_t len, struct textbuf *t);
void	 ooxml_text_pptx(struct actx *ctx, const unsigned char *data,
	    size_t len, struct textbuf *t);
void	 xlsx_text(struct actx *ctx, const unsigned char *data, size_t len,
	    struct textbuf *t);
bool	 odf_inspect(struct actx *ctx, size_t rec,
	    const unsigned char *data, size_t len);

/* ole.c, office_crypt.c, xls_text.c, doc_text.c */
struct ole;
void	 doc_text(const struct ole *o, struct textbuf *t);
void	 xls_text(const unsigned char *wb, size_t n, struct textbuf *t);
bool	 ole_inspect(struct actx *ctx, size_t rec,
	    const unsigned char *data, size_t len);

/* pdf.c, pdf_crypt.c, pdf_text.c */
bool	 pdf_inspect(struct actx *ctx, size_t rec,
	    const unsigned char *data, size_t len);

/* encryption.c: S/MIME and PGP */
bool	 encryption_cms_is_enveloped(const unsigned char *data, size_t len);
bool	 encryption_is_pgp_message(const unsigned char *data, size_t len);

/* xml_scan.c: a tolerant tokenizer for document XML (no DTD, no entities) */
enum xml_type { XML_EOF, XML_OPEN, XML_CLOSE, XML_EMPTY, XML_TEXT,
	XML_MORE };
struct xml_tok {
	enum xml_type	 type;
	const char	*name;		/* qualified element name */
	size_t		 nlen;
	const char	*local;		/* name without its prefix */
	size_t		 llen;
	const char	*attrs;		/* raw attribute text */
	size_t		 alen;
	const char	*text;		/* raw character data */
	size_t		 tlen;
	bool		 cdata;		/* text is CDATA: no entities */
};
struct xml_scan {
	const char	*p;
	const char	*end;
	bool		 more;		/* the buffer is not the whole part */
};
void	 xml_scan_init(struct xml_scan *x, const void *data, size_t len);
void	 xml_scan_more(struct xml_scan *x, bool more);
enum xml_type xml_next(struct xml_scan *x, struct xml_tok *t);
bool	 xml_attr(const struct xml_tok *t, const char *local,
	    const char **v, size_t *vn);
struct xml_attrs {
	const char	*p;
	const char	*end;
};
void	 xml_attrs_init(struct xml_attrs *it, const struct xml_tok *t);
bool	 xml_attrs_next(struct xml_attrs *it, const char **local, size_t *ln,
	    const char **v, size_t *vn);

/* xml_is - does the element have this local name? ("w:t" is "t") */
static inline bool
xml_is(const struct xml_tok *t, const char *local)
{
	size_t n = strlen(local);

	return t->local != NULL && t->llen == n &&
	    memcmp(t->local, local, n) == 0;
}
char	*xml_attr_dup(const struct xml_tok *t, const char *local);
void	 xml_text(struct textbuf *tb, const struct xml_tok *t);
void	 xml_decode_into(struct textbuf *tb, const char *p, size_t n);

/* xml_stream.c: the tokens of a zip entry, read a chunk at a time */
struct xml_stream {
	struct actx	*ctx;
	struct archive	*ar;		/* NULL: not open */
	char		*buf;		/* window: unread tail + next chunk */
	size_t		 cap;
	size_t		 max;		/* bytes of the part read at most */
	size_t		 read;		/* bytes of the part read so far */
	struct xml_scan	 scan;
	bool		 failed;	/* corrupt, over budget or late */
	bool		 eof;		/* the entry was read to its end */
	char		*entry;		/* its name, when its digest is kept */
	struct pkg_reader *digest;	/* of what was read, or NULL (no
					   ctx->parts) */
};
bool	 xml_stream_open(struct xml_stream *xs, struct actx *ctx,
	    const unsigned char *data, size_t len, const char *entry,
	    size_t max);
void	 xml_stream_fill(struct xml_stream *xs);
void	 xml_stream_close(struct xml_stream *xs);

/* xml_stream_next - the next whole token, or XML_EOF (once per token) */
static inline enum xml_type
xml_stream_next(struct xml_stream *xs, struct xml_tok *t)
{
	enum xml_type r;

	if (xs->ar == NULL)
		return XML_EOF;
	while ((r = xml_next(&xs->scan, t)) == XML_MORE)
		xml_stream_fill(xs);
	return xs->failed ? XML_EOF : r;
}

/* text_extract.c, html_text.c, rtf_text.c */
void	 text_extract_plain(const unsigned char *data, size_t len,
	    const char *charset, struct textbuf *t);
void	 text_extract_html(const unsigned char *data, size_t len,
	    const char *charset, struct textbuf *t);
void	 html_text(const char *p, size_t n, struct textbuf *t);
void	 rtf_text(const unsigned char *p, size_t n, struct textbuf *t);
void	 text_extract_cp1252(const unsigned char *data, size_t len,
	    struct textbuf *t);
void	 text_extract_utf16(const unsigned char *data, size_t len,
	    bool big_endian, struct textbuf *t);
uint32_t text_cp1252_cp(unsigned char b);
bool	 text_is_utf8(const unsigned char *p, size_t n);
const char *text_utf16_guess(const unsigned char *p, size_t n);

#endif
