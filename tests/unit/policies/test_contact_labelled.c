/*
 * test_contact_labelled - the contact-details detectors on labelled
 * examples (pupil-mail, SPEC 2.7)
 *
 * Short texts as pupils write them, each labelled with what it reveals:
 * a phone number, a home address (number and street, or postcode with a
 * street), or nothing.  The negatives are the look-alikes a detector
 * must not fall for: the school's own phone number and address however
 * written (Oakfield Primary, 0116 496 0123, Oakfield Road, NX4 7QT),
 * dates, times, prices, order, page and reference numbers, scores, a
 * bare postcode, street words in ordinary sentences, a class teacher's
 * name.  The test prints precision and recall of each detector and
 * fails below 0.9, and names every example it gets wrong.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "policies/pupil_mail/contact.h"

struct labelled {
	const char *text;
	int	 phone;		/* 1: reveals a phone number */
	int	 address;	/* 1: reveals a home address */
};

static const struct labelled examples[] = {
	/* phone numbers, positive */
	{ "my number is 07700 900123 text me", 1, 0 },
	{ "ring me on 07700900456 after tea", 1, 0 },
	{ "call 07700-900-789 if you get lost", 1, 0 },
	{ "its +44 7700 900321", 1, 0 },
	{ "+447700900654 is my mums", 1, 0 },
	{ "home phone 0116 496 0999", 1, 0 },
	{ "our landline is 0116 4960888", 1, 0 },
	{ "(0116) 496 0777 thats my nan", 1, 0 },
	{ "my dads work is 020 7946 0321", 1, 0 },
	{ "whatsapp me 07700 900 111", 1, 0 },
	{ "0 7 7 0 0 9 0 0 2 2 2 is my new number", 1, 0 },
	{ "0044 7700 900333 is my aunties", 1, 0 },
	{ "+44 (0)7700 900444 text me", 1, 0 },
	{ "my number: 07700.900.555", 1, 0 },
	{ "phone 01632 960123 if you want", 1, 0 },
	{ "grans number is 0131 496 0456", 1, 0 },
	{ "new phone!! 07700 900666 xx", 1, 0 },
	{ "text me 07700900777 when your home", 1, 0 },
	{ "my mobile 07700 900 888.", 1, 0 },
	{ "call my house 0116 496 0555 after school", 1, 0 },
	{ "you can ring 0300 123 4567 too", 1, 0 },
	/* home addresses, positive */
	{ "I live at 27 Meadow Close, Oakfield", 0, 1 },
	{ "my address is 14 Church Lane NX4 2BN", 0, 1 },
	{ "come to 3 Station Road after school", 0, 1 },
	{ "we moved to 112b Victoria Street", 0, 1 },
	{ "its 8 Elm Grove", 0, 1 },
	{ "send it to 45 Kingfisher Drive", 0, 1 },
	{ "i live at 9 larch avenue", 0, 1 },
	{ "my house is 2 The Crescent... no wait 2 Park Crescent", 0, 1 },
	{ "5, Mill Lane, Northshire", 0, 1 },
	{ "our new house is 61 Castle Hill", 0, 1 },
	{ "post it to Willow Gardens, NX7 3PQ", 0, 1 },
	{ "Rose Terrace NX4 1AB is where my nan lives", 0, 1 },
	{ "my address is 10 Orchard Way NX4 9ZZ", 0, 1 },
	{ "i live on Beech Road", 0, 1 },
	{ "30 High Street above the shop", 0, 1 },
	{ "17 Brook Rd", 0, 1 },
	{ "my cousin lives at 4 Foxglove Close too", 0, 1 },
	{ "address: 21 Queens Court, Northshire NX2 4CD", 0, 1 },
	{ "meet at 7 Acacia Avenue", 0, 1 },
	{ "we live at 88 Nightingale Walk", 0, 1 },
	/* both in one message */
	{ "I live at 27 Meadow Close and my number is 07700 900123", 1, 1 },
	/* negatives: the school's own details, however written */
	{ "send my certificate to Oakfield Primary School, Oakfield Road, "
	    "Northshire NX4 7QT", 0, 0 },
	{ "phone the school office on 0116 496 0123", 0, 0 },
	{ "the school number is 01164960123", 0, 0 },
	{ "school is on Oakfield Road", 0, 0 },
	{ "ring +44 116 496 0123 for the office", 0, 0 },
	{ "our school postcode is NX4 7QT", 0, 0 },
	/* negatives: dates, times, prices, order and page numbers */
	{ "the trip is on 02/12/2026 and we leave at 08:45", 0, 0 },
	{ "it costs \xc2\xa3" "14.50 on ParentPay", 0, 0 },
	{ "order number 4481-2207-19, it was \xc2\xa3" "39.99", 0, 0 },
	{ "order no. 07700123456 came today", 0, 0 },
	{ "my invoice ref 01234567890 is wrong", 0, 0 },
	{ "read page 27 to page 31 tonight", 0, 0 },
	{ "the bus is at 07.30 - 08.45 every day", 0, 0 },
	{ "school starts 2026-09-03 and ends 2027-07-21", 0, 0 },
	{ "we won 3-1 and i scored 2 goals in the park", 0, 0 },
	{ "it was 0.5 of a mile", 0, 0 },
	{ "my score was 01:07:33 on the level", 0, 0 },
	{ "the ISBN is 0141346094 for the book", 0, 0 },
	{ "on 01.12.2026 we have the nativity", 0, 0 },
	{ "i got 100 points in the green team", 0, 0 },
	{ "ticket 0712 3456 for the show", 0, 0 },
	{ "I ran 5 laps round the park", 0, 0 },
	{ "there were 30 people on the hill", 0, 0 },
	{ "we walked 4 miles along the road", 0, 0 },
	{ "Mrs Green said we have spelling on Friday", 0, 0 },
	{ "Mr Park is our class teacher this year", 0, 0 },
	{ "the year 6 way of doing it is best", 0, 0 },
	{ "I have 2 big dogs and 1 cat", 0, 0 },
	{ "NX4 2BN", 0, 0 },
	{ "my postcode starts with NX", 0, 0 },
	{ "the answer is 3 square metres", 0, 0 },
	{ "we saw 12 Roman roads in the book", 0, 0 },
	{ "Year 5 Close Reading homework", 0, 0 },
	{ "chapter 3 lane changes in the highway code", 0, 0 },
	{ "the code is 0000", 0, 0 },
	{ "I was born in 2015 and I am 10", 0, 0 },
	{ "between 1939 and 1945 there was a war", 0, 0 },
	{ "the temperature was -07.5 degrees", 0, 0 },
	{ "see you at 3.15 by the gate", 0, 0 },
	{ "multiply 07 by 12", 0, 0 },
	{ "It is 10 o'clock on Station Road", 0, 0 },
	{ "the pin is 4492", 0, 0 },
	{ "1 2 3 4 5 6 7 8 9 10 11", 0, 0 },
	{ "we had 45 minutes on the field", 0, 0 },
	{ "i have 3 sisters", 0, 0 },
};

struct score {
	unsigned tp, fp, fn, tn;
};

/* add - one example's outcome for one detector */
static void
add(struct score *s, int want, int got, const char *text, const char *what)
{
	if (want && got)
		s->tp++;
	else if (!want && got) {
		s->fp++;
		print_message("# false %s: %s\n", what, text);
	} else if (want && !got) {
		s->fn++;
		print_message("# missed %s: %s\n", what, text);
	} else
		s->tn++;
}

/* report - precision and recall; fails below 0.9 */
static void
report(const char *what, const struct score *s)
{
	double p = s->tp + s->fp ? (double)s->tp / (s->tp + s->fp) : 1.0;
	double r = s->tp + s->fn ? (double)s->tp / (s->tp + s->fn) : 1.0;

	print_message("# %s: %u positive, %u negative examples; precision "
	    "%.3f, recall %.3f\n", what, s->tp + s->fn, s->fp + s->tn, p, r);
	assert_true(s->tp + s->fn >= 20);
	assert_true(s->fp + s->tn >= 20);
	assert_true(p >= 0.9);
	assert_true(r >= 0.9);
}

/* phone_and_address_detectors_meet_the_labels - the whole set */
static void
phone_and_address_detectors_meet_the_labels(void **state)
{
	static char *const domains[] = { (char *)"oakfield-primary.example" };
	struct contact_rules *r = contact_rules_new("0116 496 0123",
	    "Oakfield Road, Northshire NX4 7QT", domains, 1);
	struct score phone = { 0 }, address = { 0 };
	size_t n = sizeof(examples) / sizeof(examples[0]), pos = 0, neg = 0;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		struct contact_found f = { { 0 } };

		contact_scan(r, examples[i].text, strlen(examples[i].text),
		    NULL, false, &f);
		add(&phone, examples[i].phone, f.n[CONTACT_PHONE] > 0,
		    examples[i].text, "phone");
		add(&address, examples[i].address, f.n[CONTACT_ADDRESS] > 0,
		    examples[i].text, "address");
		if (examples[i].phone || examples[i].address)
			pos++;
		else
			neg++;
	}
	print_message("# %zu examples: %zu reveal a phone number or an "
	    "address, %zu reveal neither\n", n, pos, neg);
	assert_true(pos >= 40);
	assert_true(neg >= 40);
	report("phone numbers", &phone);
	report("home addresses", &address);
	contact_rules_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(phone_and_address_detectors_meet_the_labels),
	};

	return cmocka_run_group_tests_name("contact_labelled", tests, NULL,
	    NULL);
}
