/*
 * pupil_scan - find pupil identifiers and sensitive categories in text
 *
 * SYNOPSIS
 *	pupil_scan()
 *
 * DESCRIPTION
 *	One part's text is read twice: by the token matcher (names,
 *	keywords, labels) and by the identifier pattern (UPN shapes, ten
 *	digit numbers, dates).  Then:
 *	- tables: runs of two or more lines with tab-separated cells (sheet
 *	  text, pasted tables; commas too in a CSV file); the first line is
 *	  the header, and its labels and categories apply to the whole run;
 *	- UPN: a valid check letter, or a roster UPN.  A random 13-character
 *	  code passes the check one time in 23, so when fewer than half of
 *	  the UPN-shaped codes of a part are valid (a list of order numbers),
 *	  a valid one counts only next to a UPN label or under a UPN header;
 *	- ULN and NHS numbers count only with their label within 300
 *	  characters before them or a header;
 *	- a date counts as a date of birth when the child would be 2 to 20
 *	  years old and a DOB label precedes it closely, or a header says
 *	  so, or it is the date of birth of a roster pupil named within 150
 *	  characters;
 *	- identifiers are counted as distinct values per kind, and every
 *	  category within 300 characters of one, or in the header of its
 *	  table, is "linked".
 *	Nothing found is kept beyond the scan: only counts leave it.
 *
 * DIAGNOSTICS
 *	-1 when PCRE2 fails other than by not matching (out of memory).
 *
 * SPDX-License-Identifier: MIT
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "policies/pupil_data/ids.h"
#include "policies/pupil_data/pupil_scan.h"
#include "policies/pupil_data/u64map.h"
#include "util/xalloc.h"

#define PUPIL_NEAR	300	/* a category or label "next to" an id */
#define PUPIL_DOB_NEAR	48	/* a DOB label right before a date */
#define PUPIL_NAME_NEAR	150	/* a roster name next to its pupil's DOB */
#define PUPIL_LINK_MAX	64	/* categories looked at per identifier */
#define PUPIL_SEEN_HINT_MAX 65536 /* first size of the distinct-id map */

struct pupil_event {
	size_t	 start, end;
	uint32_t value;
};

struct pupil_events {
	struct pupil_event *v;
	size_t	 n, cap;
};

struct pupil_table {
	size_t	 start, head_end, end;	/* header line, whole run */
	uint32_t cats;			/* categories in the header */
	uint64_t cols[PUPIL_CUES];	/* columns headed by each label */
};

struct pupil_upn {
	size_t	 off;
	bool	 valid, roster;
	uint64_t hash;
};

struct scan {
	const struct pupil_rules *r;
	const char *text;
	size_t	 len;
	bool	 csv;
	long	 today;		/* yyyymmdd of the evaluation */
	struct pupil_events cats, cues[PUPIL_CUES], names;
	struct pupil_table *tables;
	size_t	 ntables;
	struct pupil_upn *upns;
	size_t	 nupns, capupns;
	struct u64map seen;		/* distinct identifiers */
	struct pupil_findings *f;
};

static pthread_key_t pupil_md_key;
static pthread_once_t pupil_md_once = PTHREAD_ONCE_INIT;

/* pupil_md_free - a thread's match data, when the thread ends */
static void
pupil_md_free(void *md)
{
	pcre2_match_data_free(md);
}

/* pupil_md_init - create the key once */
static void
pupil_md_init(void)
{
	(void)pthread_key_create(&pupil_md_key, pupil_md_free);
}

/* pupil_md - this thread's match data (made on first use) */
static pcre2_match_data *
pupil_md(void)
{
	pcre2_match_data *md;

	(void)pthread_once(&pupil_md_once, pupil_md_init);
	if ((md = pthread_getspecific(pupil_md_key)) == NULL) {
		md = pcre2_match_data_create(16, NULL);
		if (md != NULL &&
		    pthread_setspecific(pupil_md_key, md) != 0) {
			pcre2_match_data_free(md);
			md = NULL;
		}
	}
	return md;
}

/* events_push - append one event */
static void
events_push(struct pupil_events *e, size_t start, size_t end, uint32_t v)
{
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 64;
		e->v = xreallocarray(e->v, e->cap, sizeof(*e->v));
	}
	e->v[e->n++] = (struct pupil_event){ start, end, v };
}

/* events_by_start - qsort order */
static int
events_by_start(const void *a, const void *b)
{
	const struct pupil_event *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* events_sort - order events by start (hits come in order of end) */
static void
events_sort(struct pupil_events *e)
{
	for (size_t i = 1; i < e->n; i++)
		if (e->v[i].start < e->v[i - 1].start) {
			qsort(e->v, e->n, sizeof(*e->v), events_by_start);
			return;
		}
}

/* events_from - index of the first event starting at or after off */
static size_t
events_from(const struct pupil_events *e, size_t off)
{
	size_t lo = 0, hi = e->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->v[mid].start < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* scan_hit - one phrase of the token matcher */
static void
scan_hit(void *arg, uint32_t type, uint32_t value, size_t start, size_t end)
{
	struct scan *s = arg;

	if (type == PUPIL_HIT_NAME)
		events_push(&s->names, start, end, value);
	else if (type == PUPIL_HIT_CATEGORY) {
		events_push(&s->cats, start, end, value);
		s->f->seen |= 1u << value;
	} else if (type == PUPIL_HIT_CUE && value < PUPIL_CUES)
		events_push(&s->cues[value], start, end, value);
}

/* scan_column - the cell number of offset off in the line from `line` */
static unsigned
scan_column(const struct scan *s, size_t line, size_t off)
{
	unsigned col = 0;

	for (size_t i = line; i < off; i++)
		col += s->text[i] == '\t' || (s->csv && s->text[i] == ',');
	return col < 63 ? col : 63;
}

/* scan_header - the categories and labelled columns of a header line */
static void
scan_header(struct scan *s, struct pupil_table *t)
{
	for (size_t k = events_from(&s->cats, t->start);
	    k < s->cats.n && s->cats.v[k].start < t->head_end; k++)
		t->cats |= 1u << s->cats.v[k].value;
	for (unsigned c = 0; c < PUPIL_CUES; c++)
		for (size_t k = events_from(&s->cues[c], t->start);
		    k < s->cues[c].n && s->cues[c].v[k].start < t->head_end;
		    k++)
			t->cols[c] |= 1ULL << scan_column(s, t->start,
			    s->cues[c].v[k].start);
}

/* scan_table_end - record a run of cell lines as a table */
static void
scan_table_end(struct scan *s, size_t start, size_t head_end, size_t end,
    unsigned lines)
{
	struct pupil_table *t;

	if (lines < 2)
		return;
	s->tables = xreallocarray(s->tables, s->ntables + 1,
	    sizeof(*s->tables));
	t = &s->tables[s->ntables++];
	*t = (struct pupil_table){ .start = start, .head_end = head_end,
	    .end = end };
	scan_header(s, t);
}

/* scan_tables - find runs of lines with cells */
static void
scan_tables(struct scan *s)
{
	size_t i = 0, start = 0, head_end = 0, end = 0;
	unsigned lines = 0;

	while (i < s->len) {
		const char *nl = memchr(s->text + i, '\n', s->len - i);
		size_t e = nl != NULL ? (size_t)(nl - s->text) : s->len;
		bool cells = memchr(s->text + i, '\t', e - i) != NULL ||
		    (s->csv && memchr(s->text + i, ',', e - i) != NULL);

		if (cells && lines == 0) {
			start = i;
			head_end = e;
		}
		if (cells) {
			lines++;
			end = e;
		} else {
			scan_table_end(s, start, head_end, end, lines);
			lines = 0;
		}
		i = e + 1;
	}
	scan_table_end(s, start, head_end, end, lines);
}

/* scan_table_at - the table holding offset off, or NULL */
static const struct pupil_table *
scan_table_at(const struct scan *s, size_t off)
{
	size_t lo = 0, hi = s->ntables;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->tables[mid].start <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || off >= s->tables[lo - 1].end)
		return NULL;
	return &s->tables[lo - 1];
}

/* scan_cued - a label of kind cue within `near` characters before off,
 * or heading off's column of its table */
static bool
scan_cued(const struct scan *s, size_t off, enum pupil_cue cue, size_t near)
{
	const struct pupil_events *e = &s->cues[cue];
	size_t k = events_from(e, off), line = off;
	const struct pupil_table *t;

	if (k > 0 && e->v[k - 1].start + near >= off)
		return true;
	t = scan_table_at(s, off);
	if (t == NULL || off < t->head_end || t->cols[cue] == 0)
		return false;
	while (line > t->start && s->text[line - 1] != '\n')
		line--;
	return (t->cols[cue] >> scan_column(s, line, off) & 1) != 0;
}

/*
 * scan_link - categories near an identifier or heading its table.  Every
 * category of the text is known (seen) before the first identifier, and
 * only those can be linked: once all are, an export's thousands of
 * identifiers skip the look.
 */
static void
scan_link(struct scan *s, size_t off)
{
	size_t from = off > PUPIL_NEAR ? off - PUPIL_NEAR : 0;
	size_t k;
	const struct pupil_table *t;

	if ((s->f->linked & s->f->seen) == s->f->seen)
		return;
	k = events_from(&s->cats, from);
	t = scan_table_at(s, off);
	for (unsigned n = 0; k < s->cats.n && n < PUPIL_LINK_MAX &&
	    s->cats.v[k].start <= off + PUPIL_NEAR; k++, n++)
		s->f->linked |= 1u << s->cats.v[k].value;
	if (t != NULL)
		s->f->linked |= t->cats;
}

/* scan_id - one identifier found at off */
static void
scan_id(struct scan *s, size_t off, enum pupil_kind kind, uint64_t value)
{
	uint64_t key = (value + (uint64_t)kind * 0x9e3779b97f4a7c15ULL) *
	    0xff51afd7ed558ccdULL;

	if (u64map_put(&s->seen, u64map_key(key ^ (key >> 31)), 1)) {
		s->f->kinds[kind]++;
		s->f->distinct++;
	}
	scan_link(s, off);
}

/* digits_value - a run of ASCII digits as a number (at most 19) */
static uint64_t
digits_value(const char *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n && i < 19; i++)
		if (p[i] >= '0' && p[i] <= '9')
			v = v * 10 + (uint64_t)(p[i] - '0');
	return v;
}

/* scan_upn - remember a UPN-shaped code; judged when all are known */
static void
scan_upn(struct scan *s, size_t off)
{
	const char *p = s->text + off;
	struct pupil_upn *u;

	if (s->nupns == s->capupns) {
		s->capupns = s->capupns ? s->capupns * 2 : 32;
		s->upns = xreallocarray(s->upns, s->capupns, sizeof(*u));
	}
	u = &s->upns[s->nupns++];
	u->off = off;
	u->valid = upn_is_valid(p, 13);
	u->roster = roster_has_upn(&s->r->roster, p, 13);
	u->hash = roster_upn_hash(p, 13);
}

/* scan_upns_judge - count the UPNs (see DESCRIPTION for the ratio) */
static void
scan_upns_judge(struct scan *s)
{
	size_t valid = 0;
	bool plausible;

	for (size_t i = 0; i < s->nupns; i++)
		valid += s->upns[i].valid;
	plausible = valid > 0 && valid * 2 >= s->nupns;
	for (size_t i = 0; i < s->nupns; i++) {
		const struct pupil_upn *u = &s->upns[i];

		if (u->roster || (u->valid && (plausible ||
		    scan_cued(s, u->off, PUPIL_CUE_UPN, PUPIL_NEAR))))
			scan_id(s, u->off, PUPIL_UPN, u->hash);
	}
}

/* scan_ten - a ten-digit number: a ULN or an NHS number with its label */
static void
scan_ten(struct scan *s, size_t off, size_t n)
{
	char d[11];

	if (!nhs_digits(s->text + off, n, d))
		return;
	if (n == 10 && uln_is_valid(d, 10) &&
	    scan_cued(s, off, PUPIL_CUE_ULN, PUPIL_NEAR))
		scan_id(s, off, PUPIL_ULN, digits_value(d, 10));
	else if (nhs_is_valid(d, 10) &&
	    scan_cued(s, off, PUPIL_CUE_NHS, PUPIL_NEAR))
		scan_id(s, off, PUPIL_NHS, digits_value(d, 10));
}

/* scan_named_dob - is ymd the DOB of a roster pupil named nearby? */
static bool
scan_named_dob(const struct scan *s, size_t off, long ymd)
{
	size_t k = events_from(&s->names,
	    off > PUPIL_NAME_NEAR ? off - PUPIL_NAME_NEAR : 0);

	for (; k < s->names.n && s->names.v[k].start <= off + PUPIL_NAME_NEAR;
	    k++) {
		uint32_t p = s->names.v[k].value;

		if (p < s->r->roster.count && s->r->roster.dob[p] == ymd)
			return true;
	}
	return false;
}

/* scan_date - a date of birth, if its age and context say so */
static void
scan_date(struct scan *s, size_t off, int y, int m, int d)
{
	long ymd = dob_ymd(y, m, d);

	if (!dob_age_ok(ymd, s->today))
		return;
	if (scan_cued(s, off, PUPIL_CUE_DOB, PUPIL_DOB_NEAR) ||
	    scan_named_dob(s, off, ymd))
		scan_id(s, off, PUPIL_DOB, (uint64_t)ymd);
}

/* scan_match - dispatch one match of the identifier pattern */
static void
scan_match(struct scan *s, const PCRE2_SIZE *ov)
{
	const char *t = s->text;
#define G(n)	(ov[2 * (n)] != PCRE2_UNSET)
#define V(n)	((int)digits_value(t + ov[2 * (n)], \
	    ov[2 * (n) + 1] - ov[2 * (n)]))
#define L(n)	((size_t)(ov[2 * (n) + 1] - ov[2 * (n)]))

	if (G(1))
		scan_upn(s, ov[2]);
	else if (G(2))
		scan_ten(s, ov[4], L(2));
	else if (G(3))
		scan_date(s, ov[6], dob_year(V(6), L(6)), V(5), V(3));
	else if (G(7))
		scan_date(s, ov[14], V(7), V(8), V(9));
	else if (G(10))
		scan_date(s, ov[20], V(12),
		    dob_month(t + ov[22], L(11)), V(10));
#undef G
#undef V
#undef L
}

/* scan_numbers - every match of the identifier pattern; 0 or -1 */
static int
scan_numbers(struct scan *s)
{
	pcre2_match_data *md = pupil_md();
	PCRE2_SIZE off = 0;
	int rc;

	if (md == NULL)
		return -1;
	while (off < s->len) {
		const PCRE2_SIZE *ov;

		rc = pcre2_match(s->r->re, (PCRE2_SPTR)s->text, s->len, off,
		    0, md, NULL);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0)
			return -1;
		ov = pcre2_get_ovector_pointer(md);
		scan_match(s, ov);
		off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	return 0;
}

/* scan_free - the scan's working memory */
static void
scan_free(struct scan *s)
{
	free(s->cats.v);
	for (unsigned c = 0; c < PUPIL_CUES; c++)
		free(s->cues[c].v);
	free(s->names.v);
	free(s->tables);
	free(s->upns);
	u64map_clear(&s->seen);
}

/* pupil_scan - scan one part's text */
int
pupil_scan(const struct pupil_rules *r, const char *text, size_t len,
    bool csv, time_t now, struct pupil_findings *f)
{
	struct scan s = { .r = r, .text = text, .len = len, .csv = csv,
	    .today = dob_today(now), .f = f };
	int rc;

	memset(f, 0, sizeof(*f));
	if (text == NULL || len == 0)
		return 0;
	/* room for an export's identifiers without growing the map again
	 * and again (about one a row) */
	u64map_init(&s.seen, len / 32 > PUPIL_SEEN_HINT_MAX ?
	    PUPIL_SEEN_HINT_MAX : len / 32 < 64 ? 64 : len / 32);
	ngram_scan(r->ng, text, len, scan_hit, &s);
	events_sort(&s.cats);
	events_sort(&s.names);
	for (unsigned c = 0; c < PUPIL_CUES; c++)
		events_sort(&s.cues[c]);
	scan_tables(&s);
	for (size_t k = 0; k < s.names.n; k++)
		scan_id(&s, s.names.v[k].start, PUPIL_NAME,
		    s.names.v[k].value);
	rc = scan_numbers(&s);
	if (rc == 0)
		scan_upns_judge(&s);
	scan_free(&s);
	return rc;
}
