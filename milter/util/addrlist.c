/*
 * addrlist - tokenise To/Cc values with byte spans, and rebuild them
 *
 * SYNOPSIS
 *	addrlist_parse(), addrlist_free(), addrlist_without()
 *
 * DESCRIPTION
 *	The scanner only decides where items begin and end: a comma,
 *	colon or semicolon counts only outside "quoted strings" (with
 *	backslash escapes), (nested comments) and <angle brackets>.  What
 *	an item means is GMime's job (internet_address_list_parse), so
 *	RFC 2047 words, quoted display names with commas and odd spacing
 *	are decoded by a library that has seen them all.  A bare word
 *	without '@' is not an address and is never counted.
 *
 *	Rebuilding keeps each kept item's original bytes (display name,
 *	folds) and the group names; only separators between kept items
 *	are re-made, as ",".  When the first kept item began with folding
 *	white space, that is trimmed so the header does not start with an
 *	empty line.
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "util/addr.h"
#include "util/addrlist.h"
#include "util/xalloc.h"

/* addrlist_push - append an item */
static struct addrlist_item *
addrlist_push(struct addrlist *l, enum addrlist_kind kind, size_t start,
    size_t end, bool in_group)
{
	struct addrlist_item *it;

	l->items = xreallocarray(l->items, l->count + 1, sizeof(*l->items));
	it = &l->items[l->count++];
	it->kind = kind;
	it->start = start;
	it->end = end;
	it->addr = NULL;
	it->in_group = in_group;
	return it;
}

/* addrlist_blank - is raw[start..end) only white space? */
static bool
addrlist_blank(const char *raw, size_t start, size_t end)
{
	for (size_t i = start; i < end; i++)
		if (!isspace((unsigned char)raw[i]))
			return false;
	return true;
}

/* addrlist_decode - the normalised address of one mailbox item */
static char *
addrlist_decode(const char *text)
{
	InternetAddressList *list = internet_address_list_parse(NULL, text);
	char *addr = NULL;

	if (list == NULL)
		return NULL;
	if (internet_address_list_length(list) >= 1) {
		InternetAddress *ia = internet_address_list_get_address(list, 0);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			addr = addr_normalize(internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(ia)));
	}
	g_object_unref(list);
	return addr;
}

/* addrlist_mailbox - record a mailbox item unless it is blank */
static void
addrlist_mailbox(struct addrlist *l, size_t start, size_t end, bool in_group)
{
	struct addrlist_item *it;
	char *text;

	if (addrlist_blank(l->raw, start, end))
		return;
	it = addrlist_push(l, ADDRLIST_MAILBOX, start, end, in_group);
	text = xstrndup(l->raw + start, end - start);
	it->addr = addrlist_decode(text);
	free(text);
}

/* addrlist_skip - past a quoted string, comment or angle address */
static size_t
addrlist_skip(const char *raw, size_t i)
{
	char open = raw[i];
	int depth = 1;

	for (i++; raw[i] != '\0'; i++) {
		if (raw[i] == '\\' && open != '<' && raw[i + 1] != '\0')
			i++;
		else if (open == '"' && raw[i] == '"')
			return i;
		else if (open == '<' && raw[i] == '>')
			return i;
		else if (open == '(' && raw[i] == '(')
			depth++;
		else if (open == '(' && raw[i] == ')' && --depth == 0)
			return i;
	}
	return i - 1;
}

/* addrlist_parse - split into items */
struct addrlist *
addrlist_parse(const char *raw)
{
	struct addrlist *l = xcalloc(1, sizeof(*l));
	size_t start = 0, i;
	bool in_group = false;

	l->raw = xstrdup(raw);
	for (i = 0; l->raw[i] != '\0'; i++) {
		char c = l->raw[i];

		if (c == '"' || c == '(' || c == '<')
			i = addrlist_skip(l->raw, i);
		else if (c == ',') {
			addrlist_mailbox(l, start, i, in_group);
			start = i + 1;
		} else if (c == ':' && !in_group) {
			addrlist_push(l, ADDRLIST_GROUP_OPEN, start, i + 1, false);
			in_group = true;
			start = i + 1;
		} else if (c == ';' && in_group) {
			addrlist_mailbox(l, start, i, true);
			addrlist_push(l, ADDRLIST_GROUP_CLOSE, i, i + 1, true);
			in_group = false;
			start = i + 1;
		}
	}
	addrlist_mailbox(l, start, i, in_group);
	return l;
}

/* addrlist_free - release */
struct addrlist *
addrlist_free(struct addrlist *l)
{
	if (l == NULL)
		return NULL;
	for (size_t i = 0; i < l->count; i++)
		free(l->items[i].addr);
	free(l->items);
	free(l->raw);
	free(l);
	return NULL;
}

/* addrlist_emit - append raw[start..end) to out, trimming if first */
static void
addrlist_emit(GString *out, const char *raw, size_t start, size_t end)
{
	if (out->len == 0)
		while (start < end && isspace((unsigned char)raw[start]))
			start++;
	g_string_append_len(out, raw + start, (gssize)(end - start));
}

/* addrlist_without - rebuild without the dropped mailboxes */
char *
addrlist_without(const struct addrlist *l, const bool *drop)
{
	GString *out = g_string_new(NULL);
	bool need_comma = false;
	char *result;

	for (size_t i = 0; i < l->count; i++) {
		const struct addrlist_item *it = &l->items[i];

		if (it->kind == ADDRLIST_MAILBOX && drop[i])
			continue;
		if (it->kind == ADDRLIST_GROUP_CLOSE) {
			g_string_append_c(out, ';');
			need_comma = true;
			continue;
		}
		if (need_comma)
			g_string_append_c(out, ',');
		addrlist_emit(out, l->raw, it->start, it->end);
		need_comma = it->kind == ADDRLIST_MAILBOX;
	}
	result = xstrdup(out->str);
	g_string_free(out, TRUE);
	return result;
}
