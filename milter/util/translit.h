/*
 * translit - UTF-8 text as plain ASCII, for SMTP replies
 *
 * A reply line travels through the MTA to a mail client as 7-bit text
 * (RFC 5321; Postfix replaces other bytes itself), but the school's
 * templates are UTF-8 with curly quotes, dashes and accented names.
 * translit_ascii() writes them the way a person would type them on a
 * plain keyboard: ' " - -- ... e, GBP, (C).
 */
#ifndef AUP_TRANSLIT_H
#define AUP_TRANSLIT_H

/*
 * translit_ascii - a new string of printable ASCII (and the tabs and
 * line breaks of the input): letters lose their accents (GLib's
 * g_str_to_ascii), typographic punctuation becomes its ASCII spelling,
 * and what has no spelling (an emoji, a Chinese character, a byte
 * that is not UTF-8) becomes '?'.
 */
char	*translit_ascii(const char *utf8);

#endif
