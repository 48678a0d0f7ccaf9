/*
 * contact - detectors for contact details in pupils' mail
 *
 * SYNOPSIS
 *	contact_rules_new(), contact_rules_free(), contact_scan(),
 *	contact_found_total(), contact_kind_name()
 *
 * DESCRIPTION
 *	Phone numbers are read by hand, digit by digit, because what makes
 *	one is its shape as a UK number: a run that starts with 0 (or +44,
 *	0044, "+44 (0)") at a word start, digits with at most two
 *	separators (space, '-', '.', brackets) between them, that is a
 *	national number of the right length for its prefix (07 mobiles
 *	and 03/05/08 numbers 11 digits, 01/02 landlines 10 or 11).  A run
 *	after a currency sign, a decimal point, a ':' or '/' (times,
 *	dates, prices), or with "order", "ref", "invoice", "page", ... just
 *	before it on the same line is not a phone number.
 *
 *	The rest are regular expressions (GRegex, compiled once per
 *	configuration, matched over raw bytes so that invalid UTF-8 cannot
 *	stop a scan), each with checks in C:
 *	- address: a house number and one to three name words before a
 *	  street word (Road, Close, Lane...).  Words that could be prose
 *	  (Way, Park, Hill, Green, View...) count only when written with
 *	  capitals ("Castle Hill"); a name word that is a common small word
 *	  ("in", "the", "goals") means prose, not an address.  A postcode
 *	  counts when a street name (without a number) comes within 120
 *	  bytes before it, or after "I live at/on" / "my address is".
 *	- e-mail: any address outside the school's domains that is not
 *	  the message's own sender or recipient; also the spoken form
 *	  "name at gmail dot com".
 *	- social: "my snap is ...", "my tiktok is ..."; or "add me",
 *	  "follow me", "snap me", "dm me" within 80 bytes of an @handle or
 *	  a platform's name.
 *	- meet: "meet me at/in/by...", "let's meet", "come (round) to my
 *	  house", "where do you live", "what school do you go to", "what's
 *	  your address/number", "send me your number"...
 *	The school's own phone number (compared as digits) and its address
 *	(its postcode, and its street name) never count.  Lines that start
 *	with '>' are quoted from someone else and are skipped.
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "policies/pupil_mail/contact.h"
#include "util/addr.h"
#include "util/xalloc.h"

#define CONTACT_NEAR	80	/* bytes between "add me" and a handle */
#define CONTACT_STREET_BEFORE_POSTCODE 120

enum contact_re {
	RE_ADDRESS, RE_STREET, RE_POSTCODE, RE_LIVE_AT, RE_EMAIL,
	RE_EMAIL_SPOKEN, RE_SOCIAL_GIVE, RE_SOCIAL_ASK, RE_PLATFORM,
	RE_HANDLE, RE_MEET, RE_COUNT
};

#define STREET_WORDS "road|rd|street|avenue|ave|close|lane|ln|drive|dr|" \
	"way|crescent|cres|court|ct|place|gardens|gdns|grove|terrace|walk|" \
	"mews|row|hill|park|square|view|rise|green|parade|croft|vale|wharf"
#define PLATFORMS "snap(?:chat)?|insta(?:gram)?|tik\\s?tok|discord|" \
	"whats\\s?app|roblox|fortnite|xbox|psn|playstation|minecraft|" \
	"youtube|twitch|kik|telegram|facebook|messenger|bereal|steam"
/* a street's name word: not one of the small words of a sentence */
#define NAME_WORD "(?!(?:the|a|an|of|in|on|at|to|and|or|for|with|my|our|" \
	"your|his|her|their|is|was|we|i|you|it|up|down|into|from|by)\\b)" \
	"[a-z][a-z'-]*\\s+"
#define YOU "(?:you|u|ya)"
#define YOUR "(?:your|ur|yr)"
#define APOS "(?:'|\xe2\x80\x99)?"

static const char *const contact_patterns[RE_COUNT] = {
	[RE_ADDRESS] = "\\b(\\d{1,4}[a-z]?),?\\s+((?:" NAME_WORD "){1,3}?)("
	    STREET_WORDS ")\\b",
	[RE_STREET] = "\\b((?:" NAME_WORD "){1,3}?)(" STREET_WORDS ")\\b",
	[RE_POSTCODE] = "\\b([a-z]{1,2}[0-9][a-z0-9]?)\\s?([0-9][a-z]{2})\\b",
	[RE_LIVE_AT] = "\\b(?:i\\s+live\\s+(?:at|on|in)|my\\s+(?:home\\s+)?"
	    "address\\s+is|my\\s+house\\s+is\\s+(?:at|on))\\b",
	[RE_EMAIL] = "[a-z0-9._%+-]+@[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.[a-z]{2,}",
	[RE_EMAIL_SPOKEN] = "\\b[a-z0-9._]{3,}\\s*(?:\\(at\\)|\\[at\\]|\\sat\\s)"
	    "\\s*(?:gmail|googlemail|hotmail|outlook|yahoo|icloud|live|"
	    "btinternet|aol|proton(?:mail)?)\\s*(?:\\.|\\sdot\\s)\\s*"
	    "(?:com|co|net|uk)\\b",
	[RE_SOCIAL_GIVE] = "\\bmy\\s+(?:" PLATFORMS "|gamertag|user\\s?name|"
	    "handle)(?:\\s+(?:name|username|id|tag|handle))?\\s*(?:is|=|:|-)"
	    "\\s*\\S",
	[RE_SOCIAL_ASK] = "\\b(?:add|follow|snap|dm|friend|sub|subscribe\\s+"
	    "to|message|msg|pm)\\s+me\\b",
	[RE_PLATFORM] = "\\b(?:" PLATFORMS ")\\b",
	[RE_HANDLE] = "(?<![a-z0-9._%+-])@[a-z0-9._]{2,30}[a-z0-9_]",
	[RE_MEET] = "\\b(?:meet\\s+(?:me|up|" YOU ")\\s+(?:at|in|outside|by|"
	    "after|behind|near|on|round|tonight|tomorrow|later|before)\\b|"
	    "let" APOS "s\\s+meet\\b|lets\\s+meet\\b|"
	    "come\\s+(?:round|over|to)\\s+(?:to\\s+)?(?:my\\s+(?:house|home|"
	    "flat|place)|mine)\\b|"
	    "where\\s+do\\s+" YOU "\\s+live\\b|"
	    "what" APOS "s?\\s+(?:is\\s+)?" YOUR "\\s+(?:home\\s+)?(?:address|"
	    "postcode|phone\\s+number|mobile|number)\\b|"
	    "(?:what|which|wat)\\s+school\\s+(?:do|r|are)\\s+" YOU
	    "\\s+(?:go|at|in)\\b|"
	    "(?:send|give|tell)\\s+me\\s+" YOUR "\\s+(?:number|address|"
	    "postcode)\\b)",
};

struct contact_rules {
	GRegex	*re[RE_COUNT];
	char	*phone;		/* the school's number as national digits */
	char	*postcode;	/* the school's postcode, upper, no space */
	char	*street;	/* the school's street, lower, single spaces */
	char	**domains;	/* the school's mail domains */
};

/* Name words that show a run of text is prose, not a street name. */
static const char *const contact_prose_words[] = {
	"the", "a", "an", "of", "in", "on", "at", "to", "and", "or", "for",
	"with", "my", "our", "your", "his", "her", "their", "big", "more",
	"minutes", "mins", "hours", "years", "times", "goals", "laps",
	"points", "miles", "km", "metres", "meters", "pages", "kids",
	"children", "people", "pupils", "boys", "girls", "is", "was", "we",
	"i", "you", "it", "up", "down", "into", "from", "by", NULL
};

/* Street words that are also ordinary words: they need capitals. */
static const char *const contact_weak_streets[] = {
	"way", "place", "court", "ct", "walk", "row", "hill", "park",
	"square", "view", "rise", "green", "parade", "croft", "vale",
	"wharf", "st", "dr", "ln", "pl", NULL
};

/* Words just before a number that make it an order, page... number. */
static const char *const contact_number_labels[] = {
	"order", "ref", "invoice", "account", "acct", "page", "isbn",
	"tracking", "booking", "ticket", "serial", "receipt", "transaction",
	"membership", "customer", "reference", "parcel", "code", "pin",
	"upn", "uln", "candidate", "no.", "#", NULL
};

/* contact_in - is `w` (n bytes) in a list, ignoring case? */
static bool
contact_in(const char *const *list, const char *w, size_t n)
{
	for (; *list != NULL; list++)
		if (strlen(*list) == n && strncasecmp(*list, w, n) == 0)
			return true;
	return false;
}

/* contact_phone_digits - national digits of a number, or "" */
static void
contact_national(const char *raw, char out[20])
{
	const char *d = raw;

	out[0] = '\0';
	if (strncmp(d, "0044", 4) == 0 || (raw[0] == '+' &&
	    strncmp(d + 1, "44", 2) == 0)) {
		d += d[0] == '+' ? 3 : 4;
		if (d[0] == '0')	/* "+44 (0)7700..." */
			d++;
		snprintf(out, 20, "0%s", d);
	} else if (raw[0] == '0')
		snprintf(out, 20, "%s", raw);
}

/* contact_phone_valid - a UK national number of the right length? */
static bool
contact_phone_valid(const char *nat)
{
	size_t n = strlen(nat);

	if (n < 10 || nat[0] != '0')
		return false;
	switch (nat[1]) {
	case '7':
	case '3':
	case '5':
		return n == 11;
	case '1':
	case '2':
		return n == 10 || n == 11;
	case '8':
		return n == 10 || n == 11;
	default:
		return false;
	}
}

/* contact_line_start - offset of the start of the line holding `pos` */
static size_t
contact_line_start(const char *t, size_t pos)
{
	while (pos > 0 && t[pos - 1] != '\n')
		pos--;
	return pos;
}

/* contact_quoted - is `pos` on a line quoted with '>'? */
static bool
contact_quoted(const char *t, size_t pos)
{
	size_t s = contact_line_start(t, pos);

	while (t[s] == ' ' || t[s] == '\t')
		s++;
	return t[s] == '>';
}

/* contact_labelled - an order/page/ref label just before `pos`? */
static bool
contact_labelled(const char *t, size_t pos)
{
	size_t s = contact_line_start(t, pos), from;
	size_t w0, w1;

	from = pos > s + 40 ? pos - 40 : s;
	/* look at the last three words before the number */
	for (int k = 0, e = (int)pos; k < 3 && e > (int)from; k++) {
		w1 = (size_t)e;
		while (w1 > from && isspace((unsigned char)t[w1 - 1]))
			w1--;
		w0 = w1;
		while (w0 > from && !isspace((unsigned char)t[w0 - 1]))
			w0--;
		if (w1 == w0)
			break;
		for (const char *const *l = contact_number_labels; *l; l++)
			if (strncasecmp(t + w0, *l, strlen(*l)) == 0)
				return true;
		e = (int)w0;
	}
	return false;
}

/* contact_phone_start - may a phone number start at t[i]? */
static bool
contact_phone_start(const char *t, size_t len, size_t i)
{
	unsigned char p = i > 0 ? (unsigned char)t[i - 1] : ' ';

	if (isalnum(p) || strchr("$.,/:-#@_+", p) != NULL || p == 0xa3 ||
	    p == 0xac)	/* last bytes of UTF-8 pound and euro signs */
		return false;
	if (t[i] == '0')
		return true;
	if (t[i] == '(' && i + 1 < len && t[i + 1] == '0')
		return true;
	return t[i] == '+' && i + 2 < len && t[i + 1] == '4' &&
	    t[i + 2] == '4';
}

/* contact_phone_run - digits of the run at i (raw, '+' kept); its end */
static size_t
contact_phone_run(const char *t, size_t len, size_t i, char raw[20])
{
	size_t n = 0, j = i, last = i;
	int seps = 0;

	if (t[j] == '+')
		raw[n++] = t[j++];
	for (; j < len && n < 18; j++) {
		if (isdigit((unsigned char)t[j])) {
			raw[n++] = t[j];
			seps = 0;
			last = j + 1;
		} else if (strchr(" -.()", t[j]) != NULL && t[j] != '\0' &&
		    ++seps <= 2)
			continue;
		else
			break;
	}
	raw[n] = '\0';
	/* a run that goes on into letters or more digits is something else */
	if (last < len && (isalpha((unsigned char)t[last]) ||
	    (j < len && isdigit((unsigned char)t[j]))))
		raw[0] = '\0';
	return last > i ? last : i + 1;
}

/* contact_phones - count phone numbers */
static unsigned
contact_phones(const struct contact_rules *r, const char *t, size_t len)
{
	unsigned count = 0;
	char raw[20], nat[20];

	for (size_t i = 0; i < len;) {
		size_t end;

		if (!contact_phone_start(t, len, i)) {
			i++;
			continue;
		}
		end = contact_phone_run(t, len, i, raw);
		contact_national(raw, nat);
		if (contact_phone_valid(nat) && !contact_quoted(t, i) &&
		    !contact_labelled(t, i) &&
		    (r->phone == NULL || strcmp(nat, r->phone) != 0))
			count++;
		i = end;
	}
	return count;
}

/* contact_words_ok - are the name words of a street a street name? */
static bool
contact_words_ok(const char *t, int s, int e, bool need_caps)
{
	int i = s;

	while (i < e) {
		int w = i;

		while (w < e && !isspace((unsigned char)t[w]))
			w++;
		if (w > i && contact_in(contact_prose_words, t + i,
		    (size_t)(w - i)))
			return false;
		if (w > i && need_caps && !isupper((unsigned char)t[i]))
			return false;
		while (w < e && isspace((unsigned char)t[w]))
			w++;
		i = w;
	}
	return true;
}

/* contact_street_key - "oakfield road" of a street match (new string) */
static char *
contact_street_key(const char *t, int s, int e)
{
	GString *k = g_string_new(NULL);
	bool space = false;

	for (int i = s; i < e; i++) {
		if (isspace((unsigned char)t[i])) {
			space = k->len > 0;
			continue;
		}
		if (space)
			g_string_append_c(k, ' ');
		space = false;
		g_string_append_c(k, (char)tolower((unsigned char)t[i]));
	}
	return g_string_free(k, FALSE);
}

/* contact_street_ok - does a street match (name words group `g` and the
 * street word after it) name a street that is not the school's? */
static bool
contact_street_ok(const struct contact_rules *r, const char *t,
    GMatchInfo *mi, int g)
{
	int ns, ne, ss, se;
	bool weak, ok;
	char *key;

	if (!g_match_info_fetch_pos(mi, g, &ns, &ne) ||
	    !g_match_info_fetch_pos(mi, g + 1, &ss, &se))
		return false;
	weak = contact_in(contact_weak_streets, t + ss, (size_t)(se - ss));
	if (weak && !isupper((unsigned char)t[ss]))
		return false;
	if (!contact_words_ok(t, ns, ne, weak))
		return false;
	key = contact_street_key(t, ns, se);
	ok = r->street == NULL || strcmp(key, r->street) != 0;
	g_free(key);
	return ok;
}

/* contact_number_ok - is the house number of an address match a house
 * number (not a price, a time or part of a date)? */
static bool
contact_number_ok(const char *t, int s)
{
	unsigned char p = s > 0 ? (unsigned char)t[s - 1] : ' ';

	return !(isalnum(p) || strchr("$.,:/-#", p) != NULL || p == 0xa3 ||
	    p == 0xac);
}

/* contact_each - call fn for every match of a pattern; count the trues */
typedef bool (*contact_match_fn)(const struct contact_rules *r,
    const char *const *own, const char *t, size_t len, GMatchInfo *mi);

static unsigned
contact_each(const struct contact_rules *r, const char *const *own,
    enum contact_re which, const char *t, size_t len, contact_match_fn fn)
{
	GMatchInfo *mi = NULL;
	unsigned n = 0;
	int s, e;

	g_regex_match_full(r->re[which], t, (gssize)len, 0, 0, &mi, NULL);
	while (g_match_info_matches(mi)) {
		if (g_match_info_fetch_pos(mi, 0, &s, &e) &&
		    !contact_quoted(t, (size_t)s) && (fn == NULL ||
		    fn(r, own, t, len, mi)))
			n++;
		if (!g_match_info_next(mi, NULL))
			break;
	}
	g_match_info_free(mi);
	return n;
}

/* contact_is_address - a house number and a street */
static bool
contact_is_address(const struct contact_rules *r, const char *const *own,
    const char *t, size_t len, GMatchInfo *mi)
{
	int s, e;

	(void)len;
	(void)own;
	return g_match_info_fetch_pos(mi, 1, &s, &e) &&
	    contact_number_ok(t, s) && contact_street_ok(r, t, mi, 2);
}

/* contact_street_in - a street name (no number) in t[from..to)? */
static bool
contact_street_in(const struct contact_rules *r, const char *t, int from,
    int to)
{
	GMatchInfo *mi = NULL;
	bool found = false;

	if (to <= from)
		return false;
	g_regex_match_full(r->re[RE_STREET], t, to, from, 0, &mi, NULL);
	while (!found && g_match_info_matches(mi)) {
		found = contact_street_ok(r, t, mi, 1);
		if (!g_match_info_next(mi, NULL))
			break;
	}
	g_match_info_free(mi);
	return found;
}

/* contact_is_postcode_street - a postcode (not the school's) after a
 * street name */
static bool
contact_is_postcode_street(const struct contact_rules *r, const char *const *own,
    const char *t, size_t len, GMatchInfo *mi)
{
	int s, e, from;
	char *a = g_match_info_fetch(mi, 1), *b = g_match_info_fetch(mi, 2);
	char *pc = g_ascii_strup(a, -1), *pc2 = g_ascii_strup(b, -1);
	char *key = g_strconcat(pc, pc2, NULL);
	bool school = r->postcode != NULL && strcmp(key, r->postcode) == 0;

	(void)len;
	(void)own;
	g_free(a);
	g_free(b);
	g_free(pc);
	g_free(pc2);
	g_free(key);
	if (school || !g_match_info_fetch_pos(mi, 0, &s, &e))
		return false;
	from = s > CONTACT_STREET_BEFORE_POSTCODE ?
	    s - CONTACT_STREET_BEFORE_POSTCODE : 0;
	return contact_street_in(r, t, from, s);
}

/* contact_is_live_at - "I live at/on" or "my address is" + a street */
static bool
contact_is_live_at(const struct contact_rules *r, const char *const *own,
    const char *t, size_t len, GMatchInfo *mi)
{
	int s, e;

	(void)own;
	if (!g_match_info_fetch_pos(mi, 0, &s, &e))
		return false;
	return contact_street_in(r, t, e, (size_t)e + 60 < len ? e + 60 :
	    (int)len);
}

/* contact_email_other - an address other than the school's and the
 * message's own? */
static bool
contact_email_other(const struct contact_rules *r, const char *const *own,
    const char *t, size_t len, GMatchInfo *mi)
{
	char *m = g_match_info_fetch(mi, 0), *norm = addr_normalize(m);
	bool other = norm != NULL;

	(void)t;
	(void)len;
	for (size_t i = 0; other && r->domains[i] != NULL; i++)
		if (g_ascii_strcasecmp(addr_domain(norm), r->domains[i]) == 0)
			other = false;
	for (size_t i = 0; other && own != NULL && own[i] != NULL; i++)
		if (strcmp(norm, own[i]) == 0)
			other = false;
	g_free(m);
	free(norm);
	return other;
}

/* contact_near - a match of `which` within CONTACT_NEAR bytes of s..e */
static bool
contact_near(const struct contact_rules *r, enum contact_re which,
    const char *t, size_t len, int s, int e)
{
	int from = s > CONTACT_NEAR ? s - CONTACT_NEAR : 0;
	int to = (size_t)e + CONTACT_NEAR < len ? e + CONTACT_NEAR : (int)len;
	GMatchInfo *mi = NULL;
	bool found;

	g_regex_match_full(r->re[which], t, to, from, 0, &mi, NULL);
	found = g_match_info_matches(mi);
	g_match_info_free(mi);
	return found;
}

/* contact_is_social_ask - "add me" near a handle or a platform */
static bool
contact_is_social_ask(const struct contact_rules *r, const char *const *own,
    const char *t, size_t len, GMatchInfo *mi)
{
	int s, e;

	(void)own;
	return g_match_info_fetch_pos(mi, 0, &s, &e) &&
	    (contact_near(r, RE_HANDLE, t, len, s, e) ||
	    contact_near(r, RE_PLATFORM, t, len, s, e));
}

/* contact_scan - everything a text reveals */
void
contact_scan(const struct contact_rules *r, const char *text, size_t len,
    const char *const *own, bool meet_only, struct contact_found *f)
{
	f->n[CONTACT_MEET] += contact_each(r, own, RE_MEET, text, len, NULL);
	if (meet_only)
		return;
	f->n[CONTACT_PHONE] += contact_phones(r, text, len);
	f->n[CONTACT_ADDRESS] += contact_each(r, own, RE_ADDRESS, text, len,
	    contact_is_address);
	if (f->n[CONTACT_ADDRESS] == 0)
		f->n[CONTACT_ADDRESS] += contact_each(r, own, RE_POSTCODE, text,
		    len, contact_is_postcode_street) + contact_each(r, own,
		    RE_LIVE_AT, text, len, contact_is_live_at);
	f->n[CONTACT_EMAIL] += contact_each(r, own, RE_EMAIL, text, len,
	    contact_email_other) + contact_each(r, own, RE_EMAIL_SPOKEN,
	    text, len, NULL);
	f->n[CONTACT_SOCIAL] += contact_each(r, own, RE_SOCIAL_GIVE, text,
	    len, NULL);
	if (f->n[CONTACT_SOCIAL] == 0)
		f->n[CONTACT_SOCIAL] += contact_each(r, own, RE_SOCIAL_ASK,
		    text, len, contact_is_social_ask);
}

/* contact_found_total - all kinds together */
unsigned
contact_found_total(const struct contact_found *f)
{
	unsigned n = 0;

	for (int k = 0; k < CONTACT_KINDS; k++)
		n += f->n[k];
	return n;
}

/* contact_kind_name - words for a kind */
const char *
contact_kind_name(enum contact_kind k, bool plural)
{
	static const char *const names[CONTACT_KINDS][2] = {
		[CONTACT_PHONE] = { "phone number", "phone numbers" },
		[CONTACT_ADDRESS] = { "home address", "home addresses" },
		[CONTACT_EMAIL] = { "other e-mail address",
		    "other e-mail addresses" },
		[CONTACT_SOCIAL] = { "social media handle",
		    "social media handles" },
		[CONTACT_MEET] = { "arrangement to meet",
		    "arrangements to meet" },
	};

	return (unsigned)k < CONTACT_KINDS ? names[k][plural] : "?";
}

/* contact_school_phone - national digits of the school's number */
static char *
contact_school_phone(const char *phone)
{
	char raw[20], nat[20];
	size_t n = 0;

	for (const char *p = phone; *p != '\0' && n < sizeof(raw) - 1; p++)
		if (isdigit((unsigned char)*p) || (*p == '+' && n == 0))
			raw[n++] = *p;
	raw[n] = '\0';
	contact_national(raw, nat);
	return nat[0] != '\0' ? xstrdup(nat) : NULL;
}

/* contact_school_address - the school's postcode and street */
static void
contact_school_address(struct contact_rules *r, const char *address)
{
	GMatchInfo *mi = NULL;
	char *a, *b, *key;
	int s, e;

	if (g_regex_match(r->re[RE_POSTCODE], address, 0, &mi)) {
		a = g_match_info_fetch(mi, 1);
		b = g_match_info_fetch(mi, 2);
		key = g_strconcat(a, b, NULL);
		r->postcode = g_ascii_strup(key, -1);
		g_free(key);
		g_free(a);
		g_free(b);
	}
	g_match_info_free(mi);
	mi = NULL;
	if (g_regex_match(r->re[RE_STREET], address, 0, &mi) &&
	    g_match_info_fetch_pos(mi, 1, &s, NULL) &&
	    g_match_info_fetch_pos(mi, 2, NULL, &e))
		r->street = contact_street_key(address, s, e);
	g_match_info_free(mi);
}

/* contact_rules_new - compile everything once */
struct contact_rules *
contact_rules_new(const char *school_phone, const char *school_address,
    char *const *school_domains, size_t n)
{
	struct contact_rules *r = xcalloc(1, sizeof(*r));

	for (int i = 0; i < RE_COUNT; i++) {
		r->re[i] = g_regex_new(contact_patterns[i], G_REGEX_CASELESS |
		    G_REGEX_RAW | G_REGEX_OPTIMIZE, 0, NULL);
		if (r->re[i] == NULL)	/* a pattern in this file is wrong */
			abort();
	}
	if (school_phone != NULL)
		r->phone = contact_school_phone(school_phone);
	if (school_address != NULL)
		contact_school_address(r, school_address);
	r->domains = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		r->domains[i] = xstrdup(school_domains[i]);
	return r;
}

/* contact_rules_free - free the rules */
struct contact_rules *
contact_rules_free(struct contact_rules *r)
{
	if (r == NULL)
		return NULL;
	for (int i = 0; i < RE_COUNT; i++)
		if (r->re[i] != NULL)
			g_regex_unref(r->re[i]);
	free(r->phone);
	g_free(r->postcode);
	g_free(r->street);
	for (size_t i = 0; r->domains[i] != NULL; i++)
		free(r->domains[i]);
	free(r->domains);
	free(r);
	return NULL;
}
