/*
 * html - escaping for HTML (the only place it is done)
 *
 * SYNOPSIS
 *	html_escape(), html_escape_len(), html_printf(), html_raw(),
 *	html_url_escape()
 *
 * DESCRIPTION
 *	html_escape() walks the bytes once: & < > " ' become &amp; &lt;
 *	&gt; &quot; &#39;; a byte sequence that is not valid UTF-8 and a
 *	control character (C0 other than tab, line feed and carriage
 *	return, DEL, C1) become U+FFFD; bidirectional overrides (U+202A
 *	to U+202E, U+2066 to U+2069) become U+FFFD too, so a file name
 *	cannot display reversed ("exe.pdf").  Everything else is copied.
 *	The result is safe in element content and in a quoted attribute.
 *
 *	html_printf() implements the few conversions the console needs
 *	and nothing else (an unknown conversion is a programming error:
 *	it aborts), so a %s can never reach the page unescaped.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/html.h"

#define HTML_REPLACEMENT "\xef\xbf\xbd"	/* U+FFFD */

/* html_is_bidi - U+202A..U+202E or U+2066..U+2069 */
static bool
html_is_bidi(gunichar c)
{
	return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/* html_escape_len - n bytes escaped */
void
html_escape_len(GString *out, const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	while (p < end) {
		unsigned char b = (unsigned char)*p;
		gunichar c;
		const char *next;

		switch (b) {
		case '&': g_string_append(out, "&amp;"); p++; continue;
		case '<': g_string_append(out, "&lt;"); p++; continue;
		case '>': g_string_append(out, "&gt;"); p++; continue;
		case '"': g_string_append(out, "&quot;"); p++; continue;
		case '\'': g_string_append(out, "&#39;"); p++; continue;
		case '\t': case '\n': case '\r':
			g_string_append_c(out, (char)b);
			p++;
			continue;
		default:
			break;
		}
		if (b < 0x20 || b == 0x7f) {
			g_string_append(out, HTML_REPLACEMENT);
			p++;
			continue;
		}
		if (b < 0x80) {
			g_string_append_c(out, (char)b);
			p++;
			continue;
		}
		c = g_utf8_get_char_validated(p, end - p);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append(out, HTML_REPLACEMENT);
			p++;
			continue;
		}
		next = g_utf8_next_char(p);
		if ((c >= 0x80 && c <= 0x9f) || html_is_bidi(c))
			g_string_append(out, HTML_REPLACEMENT);
		else
			g_string_append_len(out, p, next - p);
		p = next;
	}
}

/* html_escape - a string escaped */
void
html_escape(GString *out, const char *s)
{
	if (s != NULL)
		html_escape_len(out, s, strlen(s));
}

/* html_raw - the program's own markup */
void
html_raw(GString *out, const char *markup)
{
	g_string_append(out, markup);
}

/* html_number - one integer conversion; returns the bytes of fmt used */
static size_t
html_number(GString *out, const char *f, va_list *ap)
{
	if (f[0] == 'd') {
		g_string_append_printf(out, "%d", va_arg(*ap, int));
		return 1;
	}
	if (f[0] == 'u') {
		g_string_append_printf(out, "%u", va_arg(*ap, unsigned));
		return 1;
	}
	if (f[0] == 'l' && f[1] == 'd') {
		g_string_append_printf(out, "%ld", va_arg(*ap, long));
		return 2;
	}
	if (f[0] == 'l' && f[1] == 'u') {
		g_string_append_printf(out, "%lu", va_arg(*ap, unsigned long));
		return 2;
	}
	if (f[0] == 'l' && f[1] == 'l' && f[2] == 'd') {
		g_string_append_printf(out, "%lld", va_arg(*ap, long long));
		return 3;
	}
	if (f[0] == 'l' && f[1] == 'l' && f[2] == 'u') {
		g_string_append_printf(out, "%llu",
		    va_arg(*ap, unsigned long long));
		return 3;
	}
	if (f[0] == 'z' && f[1] == 'u') {
		g_string_append_printf(out, "%zu", va_arg(*ap, size_t));
		return 2;
	}
	fprintf(stderr, "html_printf: unsupported conversion %%%s\n", f);
	abort();
}

/* html_printf - printf with escaped strings */
void
html_printf(GString *out, const char *fmt, ...)
{
	va_list ap;
	const char *f = fmt;

	va_start(ap, fmt);
	while (*f != '\0') {
		const char *pct = strchr(f, '%');

		if (pct == NULL) {
			g_string_append(out, f);
			break;
		}
		g_string_append_len(out, f, pct - f);
		if (pct[1] == '%') {
			g_string_append_c(out, '%');
			f = pct + 2;
		} else if (pct[1] == 's') {
			html_escape(out, va_arg(ap, const char *));
			f = pct + 2;
		} else
			f = pct + 1 + html_number(out, pct + 1, &ap);
	}
	va_end(ap);
}

/* html_url_escape - a query value, escaped twice over */
void
html_url_escape(GString *out, const char *s)
{
	char *u = g_uri_escape_string(s != NULL ? s : "", NULL, FALSE);

	html_escape(out, u);
	g_free(u);
}
