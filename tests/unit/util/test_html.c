/*
 * test_html - the one HTML escaping function and html_printf
 *
 * Markup characters become entities, invalid UTF-8, control characters
 * and bidirectional overrides become U+FFFD, ordinary text (accents,
 * emoji, tabs, line ends) is kept, and html_printf escapes every %s
 * but not its own format.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "util/html.h"

/* esc - escape into a new string (g_free) */
static char *
esc(const char *s, size_t n)
{
	GString *out = g_string_new(NULL);

	html_escape_len(out, s, n);
	return g_string_free(out, FALSE);
}

static void
test_markup_characters_become_entities(void **state)
{
	const char *t = "<script>alert('x')</script> & \"q\"";
	char *s = esc(t, strlen(t));

	(void)state;
	assert_string_equal(s, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script"
	    "&gt; &amp; &quot;q&quot;");
	g_free(s);
}

static void
test_an_attribute_breakout_stays_inside_the_value(void **state)
{
	const char *attack = "\"><img src=x onerror=alert(1)>";
	char *s = esc(attack, strlen(attack));

	(void)state;
	assert_null(strchr(s, '"'));
	assert_null(strchr(s, '<'));
	assert_null(strchr(s, '>'));
	g_free(s);
}

static void
test_invalid_utf8_nul_and_controls_become_replacement(void **state)
{
	static const char t[] = "a\xff" "b\x01" "c\0d\x1b[31m";
	char *s = esc(t, sizeof(t) - 1);

	(void)state;
	assert_string_equal(s, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd"
	    "d\xef\xbf\xbd[31m");
	g_free(s);
}

static void
test_bidi_overrides_cannot_reverse_a_file_name(void **state)
{
	const char *name = "invoice\xe2\x80\xaetxt.exe";	/* U+202E */
	char *s = esc(name, strlen(name));

	(void)state;
	assert_string_equal(s, "invoice\xef\xbf\xbdtxt.exe");
	g_free(s);
}

static void
test_ordinary_text_is_kept(void **state)
{
	const char *t = "Zoë's café\tline\nnext \xf0\x9f\x98\x80";
	char *s = esc(t, strlen(t));

	(void)state;
	assert_string_equal(s, "Zoë&#39;s café\tline\nnext \xf0\x9f\x98\x80");
	g_free(s);
}

static void
test_printf_escapes_arguments_not_the_format(void **state)
{
	GString *out = g_string_new(NULL);

	(void)state;
	html_printf(out, "<td class=\"x\">%s</td><td>%d %ld %zu %llu 100%%</td>",
	    "<b>", -3, 42L, (size_t)7, 9ULL);
	assert_string_equal(out->str, "<td class=\"x\">&lt;b&gt;</td><td>-3 42 "
	    "7 9 100%</td>");
	g_string_free(out, TRUE);
}

static void
test_url_values_are_escaped_twice(void **state)
{
	GString *out = g_string_new(NULL);

	(void)state;
	html_url_escape(out, "a b&c=\"d\"");
	assert_string_equal(out->str, "a%20b%26c%3D%22d%22");
	g_string_free(out, TRUE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markup_characters_become_entities),
		cmocka_unit_test(test_an_attribute_breakout_stays_inside_the_value),
		cmocka_unit_test(test_invalid_utf8_nul_and_controls_become_replacement),
		cmocka_unit_test(test_bidi_overrides_cannot_reverse_a_file_name),
		cmocka_unit_test(test_ordinary_text_is_kept),
		cmocka_unit_test(test_printf_escapes_arguments_not_the_format),
		cmocka_unit_test(test_url_values_are_escaped_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
