/*
 * html - the one escaping function for HTML, and a small page builder
 *
 * Every value the console or a report writes into HTML goes through
 * html_escape(): the five markup characters become entities, invalid
 * UTF-8 becomes U+FFFD and control characters other than tab and line
 * end become U+FFFD, so header values, names and file names (which
 * senders choose) can never open a tag or an attribute.  html_printf()
 * is printf whose %s arguments are escaped; the markup in its format
 * is the program's own.  html_raw() appends the program's own markup
 * (an SVG chart it drew, a fragment built with these functions).
 */
#ifndef AUP_HTML_H
#define AUP_HTML_H

#include <glib.h>

/* html_escape - append `s` (NULL = nothing) escaped */
void	html_escape(GString *out, const char *s);
/* html_escape_len - the same for `n` bytes that may hold NUL */
void	html_escape_len(GString *out, const char *s, size_t n);
/*
 * html_printf - append `fmt` with conversions %s (escaped), %d, %u,
 * %ld, %lu, %lld, %llu, %zu and %%; nothing else is allowed in `fmt`.
 */
void	html_printf(GString *out, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* html_raw - append the program's own markup */
void	html_raw(GString *out, const char *markup);
/* html_url_escape - append `s` escaped for a URL query value, then for
 * HTML (an attribute) */
void	html_url_escape(GString *out, const char *s);

#endif
