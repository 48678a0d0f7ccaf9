/*
 * test_roles - who is who, and which way a message is going
 *
 * Address roles of the small test school (office, staff, pupil, parent,
 * personal, external; case and +tag do not matter), logins as
 * addresses, the sender's role (a delegate sending as the office is
 * office), direction (outbound with a login or from trusted_networks
 * with a school sender, inbound otherwise, internal when every
 * recipient is in the school), the school's mail service as a trusted
 * client (trusted_clients: a Microsoft 365 connector's certificate or
 * address range makes the school's mail outbound, and leaves mail from
 * outside to the school inbound) and the trusted network lists
 * themselves (IPv4, IPv6, IPv4-mapped IPv6).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gmime/gmime.h>

#include "util/addr.h"
#include "config/cidr.h"
#include "config/connectors.h"
#include "engine/roles.h"
#include "testutil.h"
#include "util/xalloc.h"

/* setup_with - the test school with extra INI lines */
static int
setup_with(void **state, const char *extra)
{
	*state = tu_fixture_new(extra, NULL);
	return 0;
}

static int setup(void **state) { return setup_with(state, NULL); }

#define teardown tu_teardown

/* role_of - the role of an address as written in mail */
static enum role
role_of(const struct conf *cf, const char *written)
{
	char *norm = addr_normalize(written);
	enum role r = roles_of(&cf->view, norm);

	free(norm);
	return r;
}

/* derive - facts of a message with an envelope */
static void
derive(const struct conf *cf, const char *from, const char *rcpts,
    const char *auth, const char *client, struct msg_facts *facts)
{
	struct msg *m = tu_msg("From: someone <x@example.org>\nSubject: Hi\n"
	    "\nHello\n", from, rcpts, auth, client);

	roles_derive(&cf->view, m, facts);
	msg_free(m);
}

static void
office_account_is_office_in_any_case_and_with_a_tag(void **state)
{
	struct tu_fixture *f = *state;

	assert_int_equal(role_of(f->cf, "office@testwood.example"),
	    ROLE_OFFICE);
	assert_int_equal(role_of(f->cf, "<Office+Trips@TestWood.EXAMPLE>"),
	    ROLE_OFFICE);
}

static void
school_address_is_staff_and_pupil_domain_is_pupil(void **state)
{
	struct tu_fixture *f = *state;

	assert_int_equal(role_of(f->cf, "t.one@testwood.example"), ROLE_STAFF);
	assert_int_equal(role_of(f->cf, "Head@Testwood.Example"), ROLE_STAFF);
	assert_int_equal(role_of(f->cf, "zoe.y6@pupils.testwood.example"),
	    ROLE_PUPIL);
	assert_int_equal(role_of(f->cf, "ZOE.Y6+art@Pupils.Testwood.example"),
	    ROLE_PUPIL);
}

static void
addresses_in_parents_csv_are_parents_in_any_case_and_with_a_tag(void **state)
{
	struct tu_fixture *f = *state;

	assert_int_equal(role_of(f->cf, "mum.ann@gmail.com"), ROLE_PARENT);
	assert_int_equal(role_of(f->cf, "Mum.Ann+school@GMAIL.com"),
	    ROLE_PARENT);
	/* the second address of a "a; b" cell, and a non-consumer domain */
	assert_int_equal(role_of(f->cf, "ben.mum@outlook.com"), ROLE_PARENT);
	assert_int_equal(role_of(f->cf, "cats.carer@homemail.example"),
	    ROLE_PARENT);
}

static void
consumer_domain_not_a_parent_is_personal_and_others_external(void **state)
{
	struct tu_fixture *f = *state;

	assert_int_equal(role_of(f->cf, "stranger@gmail.com"), ROLE_PERSONAL);
	assert_int_equal(role_of(f->cf, "x@Hotmail.CO.UK"), ROLE_PERSONAL);
	assert_int_equal(role_of(f->cf, "bursar@otherschool.example"),
	    ROLE_EXTERNAL);
	assert_int_equal(role_of(f->cf, "someone@myisp.example"),
	    ROLE_EXTERNAL);
	assert_int_equal(roles_of(&f->cf->view, NULL), ROLE_EXTERNAL);
}

static void
personal_domains_setting_adds_to_the_built_in_list(void **state)
{
	struct tu_fixture *f;

	setup_with(state, "personal_domains = myisp.example, Family.Example\n");
	f = *state;
	assert_int_equal(role_of(f->cf, "someone@myisp.example"),
	    ROLE_PERSONAL);
	assert_int_equal(role_of(f->cf, "gran@family.example"), ROLE_PERSONAL);
	assert_int_equal(role_of(f->cf, "stranger@gmail.com"), ROLE_PERSONAL);
	teardown(state);
}

static void
bare_login_becomes_an_address_at_the_first_school_domain(void **state)
{
	struct tu_fixture *f = *state;
	char *a;

	a = roles_login_address(&f->cf->view, "j.patel");
	assert_string_equal(a, "j.patel@testwood.example");
	free(a);
	a = roles_login_address(&f->cf->view, "J.Patel@Testwood.Example");
	assert_string_equal(a, "j.patel@testwood.example");
	free(a);
	assert_null(roles_login_address(&f->cf->view, NULL));
	assert_null(roles_login_address(&f->cf->view, ""));
}

static void
message_with_a_login_is_outbound_from_anywhere(void **state)
{
	struct tu_fixture *f = *state;
	struct msg_facts facts;

	derive(f->cf, "j.patel@testwood.example", "mum.ann@gmail.com",
	    "j.patel", "203.0.113.7", &facts);
	assert_int_equal(facts.direction, DIRECTION_OUTBOUND);
	assert_true(facts.authenticated);
	assert_false(facts.trusted_client);
	assert_false(facts.internal);
	assert_string_equal(facts.login, "j.patel@testwood.example");
	assert_int_equal(facts.sender_role, ROLE_STAFF);
	assert_int_equal(facts.rcpt_roles[0], ROLE_PARENT);
	roles_facts_clear(&facts);
}

static void
trusted_network_with_a_school_sender_is_outbound(void **state)
{
	struct tu_fixture *f = *state;
	struct msg_facts facts;

	derive(f->cf, "T.One@Testwood.example", "stranger@gmail.com", NULL,
	    "10.9.3.4", &facts);
	assert_int_equal(facts.direction, DIRECTION_OUTBOUND);
	assert_false(facts.authenticated);
	assert_true(facts.trusted_client);
	assert_string_equal(facts.sender, "t.one@testwood.example");
	assert_int_equal(facts.rcpt_roles[0], ROLE_PERSONAL);
	roles_facts_clear(&facts);
}

static void
trusted_network_with_an_outside_sender_is_inbound(void **state)
{
	struct tu_fixture *f = *state;
	struct msg_facts facts;

	derive(f->cf, "mum.ann@gmail.com", "t.one@testwood.example", NULL,
	    "10.9.3.4", &facts);
	assert_int_equal(facts.direction, DIRECTION_INBOUND);
	assert_true(facts.trusted_client);
	assert_int_equal(facts.sender_role, ROLE_PARENT);
	assert_false(facts.internal);
	roles_facts_clear(&facts);
}

static void
school_sender_from_outside_without_login_is_inbound(void **state)
{
	struct tu_fixture *f = *state;
	struct msg_facts facts;

	derive(f->cf, "head@testwood.example", "t.one@testwood.example", NULL,
	    "198.51.100.20", &facts);
	assert_int_equal(facts.direction, DIRECTION_INBOUND);
	assert_false(facts.internal);
	roles_facts_clear(&facts);
}

static void
outbound_to_school_addresses_only_is_internal(void **state)
{
	struct tu_fixture *f = *state;
	struct msg_facts facts;

	derive(f->cf, "t.one@testwood.example", "colleague@testwood.example,"
	    "zoe@pupils.testwood.example,Office@Testwood.Example", "t.one",
	    "203.0.113.7", &facts);
	assert_true(facts.internal);
	assert_int_equal(facts.rcpt_roles[1], ROLE_PUPIL);
	assert_int_equal(facts.rcpt_roles[2], ROLE_OFFICE);
	roles_facts_clear(&facts);
	derive(f->cf, "t.one@testwood.example", "colleague@testwood.example,"
	    "mum.ann@gmail.com", "t.one", "203.0.113.7", &facts);
	assert_false(facts.internal);
	roles_facts_clear(&facts);
}

static void
delegate_sending_as_the_office_is_office_and_as_self_is_staff(void **state)
{
	struct tu_fixture *f = *state;
	struct msg_facts facts;

	derive(f->cf, "office@testwood.example", "mum.ann@gmail.com", "head",
	    "203.0.113.7", &facts);
	assert_int_equal(facts.sender_role, ROLE_OFFICE);
	assert_string_equal(facts.login, "head@testwood.example");
	roles_facts_clear(&facts);
	derive(f->cf, "head@testwood.example", "mum.ann@gmail.com", "head",
	    "203.0.113.7", &facts);
	assert_int_equal(facts.sender_role, ROLE_STAFF);
	roles_facts_clear(&facts);
}

static void
staff_login_sending_as_the_office_is_not_a_delegate_and_stays_staff(
    void **state)
{
	struct tu_fixture *f = *state;
	struct msg_facts facts;

	derive(f->cf, "office@testwood.example", "mum.ann@gmail.com", "t.one",
	    "203.0.113.7", &facts);
	assert_int_equal(facts.sender_role, ROLE_STAFF);
	roles_facts_clear(&facts);
	/* the office account itself logging in is the office */
	derive(f->cf, "office@testwood.example", "mum.ann@gmail.com",
	    "Office@testwood.example", "203.0.113.7", &facts);
	assert_int_equal(facts.sender_role, ROLE_OFFICE);
	roles_facts_clear(&facts);
}

static void
null_sender_takes_its_role_from_the_header_from(void **state)
{
	struct tu_fixture *f = *state;
	struct msg *m = tu_msg("From: Ann <Mum.Ann@gmail.com>\nSubject: Re\n"
	    "\nThanks\n", "", "t.one@testwood.example", NULL, "198.51.100.1");
	struct msg_facts facts;

	roles_derive(&f->cf->view, m, &facts);
	assert_null(facts.sender);
	assert_string_equal(facts.header_from, "mum.ann@gmail.com");
	assert_int_equal(facts.sender_role, ROLE_PARENT);
	roles_facts_clear(&facts);
	msg_free(m);
}

#define CONNECTOR_SCHOOL \
	"[milter]\ntrusted_clients = subject:mail.protection.outlook.com, " \
	"40.92.0.0/15\n"

static int
setup_connector(void **state)
{
	return setup_with(state, CONNECTOR_SCHOOL);
}

/* derive_cert - facts of a message from a client with a certificate */
static void
derive_cert(const struct conf *cf, const char *from, const char *rcpts,
    const char *client, const char *subject, struct msg_facts *facts)
{
	struct msg *m = tu_msg("From: Teacher One <t.one@testwood.example>\n"
	    "Subject: Hi\n\nHello\n", from, rcpts, NULL, client);

	msg_set_client_cert(m, subject);
	roles_derive(&cf->view, m, facts);
	msg_free(m);
}

static void
connector_certificate_makes_a_teachers_mail_outbound(void **state)
{
	struct tu_fixture *f = *state;
	struct msg_facts facts;

	derive_cert(f->cf, "t.one@testwood.example", "mum.ann@gmail.com",
	    "52.100.1.2", "Mail.Protection.Outlook.com", &facts);
	assert_int_equal(facts.direction, DIRECTION_OUTBOUND);
	assert_true(facts.connector);
	assert_false(facts.trusted_client);
	assert_false(facts.authenticated);
	assert_int_equal(facts.sender_role, ROLE_STAFF);
	assert_int_equal(facts.rcpt_roles[0], ROLE_PARENT);
	roles_facts_clear(&facts);
}

static void
same_message_without_the_certificate_is_inbound(void **state)
{
	struct tu_fixture *f = *state;
	struct msg_facts facts;

	derive_cert(f->cf, "t.one@testwood.example", "mum.ann@gmail.com",
	    "52.100.1.2", NULL, &facts);
	assert_int_equal(facts.direction, DIRECTION_INBOUND);
	assert_false(facts.connector);
	roles_facts_clear(&facts);
	derive_cert(f->cf, "t.one@testwood.example", "mum.ann@gmail.com",
	    "52.100.1.2", "smtp.other-provider.example", &facts);
	assert_int_equal(facts.direction, DIRECTION_INBOUND);
	assert_false(facts.connector);
	roles_facts_clear(&facts);
}

static void
connector_address_range_makes_a_teachers_mail_outbound(void **state)
{
	struct tu_fixture *f = *state;
	struct msg_facts facts;

	derive_cert(f->cf, "t.one@testwood.example", "mum.ann@gmail.com",
	    "40.93.4.5", NULL, &facts);
	assert_int_equal(facts.direction, DIRECTION_OUTBOUND);
	assert_true(facts.connector);
	roles_facts_clear(&facts);
	derive_cert(f->cf, "t.one@testwood.example", "mum.ann@gmail.com",
	    "40.94.0.1", NULL, &facts);
	assert_int_equal(facts.direction, DIRECTION_INBOUND);
	roles_facts_clear(&facts);
}

static void
mail_from_outside_to_the_school_through_the_connector_is_inbound(
    void **state)
{
	struct tu_fixture *f = *state;
	struct msg_facts facts;

	/* Another Microsoft 365 customer writes to a teacher: same
	 * certificate, but the sender and every recipient say inbound. */
	derive_cert(f->cf, "bursar@otherschool.example",
	    "t.one@testwood.example", "52.100.1.2",
	    "mail.protection.outlook.com", &facts);
	assert_int_equal(facts.direction, DIRECTION_INBOUND);
	assert_true(facts.connector);
	assert_false(facts.trusted_client);
	roles_facts_clear(&facts);
}

static void
connector_mail_leaving_the_school_is_outbound_whatever_its_sender(
    void **state)
{
	struct tu_fixture *f = *state;
	struct msg_facts facts;

	/* A forward keeps an outside envelope sender: still scanned. */
	derive_cert(f->cf, "bursar@otherschool.example", "mum.ann@gmail.com",
	    "52.100.1.2", "mail.protection.outlook.com", &facts);
	assert_int_equal(facts.direction, DIRECTION_OUTBOUND);
	roles_facts_clear(&facts);
	/* The null sender from inside is judged by its header From. */
	derive_cert(f->cf, "", "colleague@testwood.example", "52.100.1.2",
	    "mail.protection.outlook.com", &facts);
	assert_int_equal(facts.direction, DIRECTION_OUTBOUND);
	assert_true(facts.internal);
	assert_int_equal(facts.sender_role, ROLE_STAFF);
	roles_facts_clear(&facts);
}

/* clients - parsed trusted_clients from comma-separated text */
static struct connectors *
clients(const char *text, struct errbuf *eb)
{
	struct conf_list items = { NULL, 0 };
	char *copy = xstrdup(text), *save = NULL;
	struct connectors *c;

	for (char *t = strtok_r(copy, ",", &save); t != NULL;
	    t = strtok_r(NULL, ",", &save)) {
		t += strspn(t, " ");
		items.items = xreallocarray(items.items, items.count + 1,
		    sizeof(char *));
		items.items[items.count++] = t;
	}
	c = connectors_parse(&items, "aup.conf", 9, eb);
	free(items.items);
	free(copy);
	return c;
}

static void
bad_trusted_clients_entries_are_errors_naming_the_entry(void **state)
{
	struct errbuf eb;
	struct connectors *c;

	(void)state;
	errbuf_init(&eb);
	c = clients("subject:, mail.protection.outlook.com, 10.0.0.0/33, "
	    "subject: smtp-relay.gmail.com, 2001:db8::/32", &eb);
	assert_int_equal(eb.nerrors, 3);
	assert_string_equal(eb.errors[0], "aup.conf:9: trusted_clients: "
	    "\"subject:\" names no certificate subject");
	assert_string_equal(eb.errors[1], "aup.conf:9: trusted_clients: "
	    "\"mail.protection.outlook.com\" is not subject:NAME, an address "
	    "or a network");
	assert_non_null(strstr(eb.errors[2], "\"10.0.0.0/33\""));
	assert_true(connectors_match(c, NULL, "SMTP-relay.gmail.com"));
	assert_true(connectors_match(c, "2001:db8:1::5", NULL));
	assert_false(connectors_match(c, "192.0.2.1", ""));
	assert_false(connectors_match(NULL, "192.0.2.1", "x"));
	errbuf_clear(&eb);
	connectors_free(c);
}

/* networks - a parsed list from comma-separated text */
static struct cidr_list *
networks(const char *text, struct errbuf *eb)
{
	struct conf_list items = { NULL, 0 };
	char *copy = xstrdup(text), *save = NULL;
	struct cidr_list *l;

	for (char *t = strtok_r(copy, ", ", &save); t != NULL;
	    t = strtok_r(NULL, ", ", &save)) {
		items.items = xreallocarray(items.items, items.count + 1,
		    sizeof(char *));
		items.items[items.count++] = t;
	}
	l = cidr_list_parse(&items, "aup.conf", 6, eb);
	free(items.items);
	free(copy);
	return l;
}

static void
ipv4_networks_match_inside_and_not_outside(void **state)
{
	struct errbuf eb;
	struct cidr_list *l;

	(void)state;
	errbuf_init(&eb);
	l = networks("127.0.0.0/8, 172.16.0.0/12, 192.0.2.7", &eb);
	assert_int_equal(eb.nerrors, 0);
	assert_true(cidr_list_contains(l, "127.1.2.3"));
	assert_true(cidr_list_contains(l, "172.31.255.255"));
	assert_false(cidr_list_contains(l, "172.32.0.0"));
	assert_false(cidr_list_contains(l, "172.15.255.255"));
	assert_true(cidr_list_contains(l, "192.0.2.7"));
	assert_false(cidr_list_contains(l, "192.0.2.8"));
	assert_false(cidr_list_contains(l, "not an address"));
	assert_false(cidr_list_contains(l, NULL));
	cidr_list_free(l);
}

static void
ipv6_networks_match_inside_and_not_outside(void **state)
{
	struct errbuf eb;
	struct cidr_list *l;

	(void)state;
	errbuf_init(&eb);
	l = networks("::1, 2001:db8:a0::/44", &eb);
	assert_int_equal(eb.nerrors, 0);
	assert_true(cidr_list_contains(l, "::1"));
	assert_false(cidr_list_contains(l, "::2"));
	assert_true(cidr_list_contains(l, "2001:db8:af:ffff::1"));
	assert_false(cidr_list_contains(l, "2001:db8:b0::1"));
	assert_false(cidr_list_contains(l, "127.0.0.1"));
	cidr_list_free(l);
}

static void
ipv4_mapped_ipv6_client_matches_its_ipv4_network(void **state)
{
	struct errbuf eb;
	struct cidr_list *l;

	(void)state;
	errbuf_init(&eb);
	l = networks("10.9.0.0/16", &eb);
	assert_true(cidr_list_contains(l, "::ffff:10.9.200.1"));
	assert_true(cidr_list_contains(l, "::FFFF:10.9.0.1"));
	assert_false(cidr_list_contains(l, "::ffff:10.10.0.1"));
	cidr_list_free(l);
}

static void
bad_network_entries_are_errors_naming_the_entry(void **state)
{
	struct errbuf eb;
	struct cidr_list *l;

	(void)state;
	errbuf_init(&eb);
	l = networks("300.1.1.1, 10.0.0.0/33, fe80::/129, mail.example, "
	    "10.0.0.0/, 10.0.0.0/8", &eb);
	assert_int_equal(eb.nerrors, 5);
	assert_string_equal(eb.errors[0], "aup.conf:6: trusted_networks: "
	    "\"300.1.1.1\" is not an address or network");
	assert_non_null(strstr(eb.errors[1], "\"10.0.0.0/33\""));
	assert_non_null(strstr(eb.errors[4], "\"10.0.0.0/\""));
	assert_true(cidr_list_contains(l, "10.200.0.1"));
	errbuf_clear(&eb);
	cidr_list_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    office_account_is_office_in_any_case_and_with_a_tag, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    school_address_is_staff_and_pupil_domain_is_pupil, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    addresses_in_parents_csv_are_parents_in_any_case_and_with_a_tag,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    consumer_domain_not_a_parent_is_personal_and_others_external,
		    setup, teardown),
		cmocka_unit_test(
		    personal_domains_setting_adds_to_the_built_in_list),
		cmocka_unit_test_setup_teardown(
		    bare_login_becomes_an_address_at_the_first_school_domain,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    message_with_a_login_is_outbound_from_anywhere, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    trusted_network_with_a_school_sender_is_outbound, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    trusted_network_with_an_outside_sender_is_inbound, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    school_sender_from_outside_without_login_is_inbound, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    outbound_to_school_addresses_only_is_internal, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    delegate_sending_as_the_office_is_office_and_as_self_is_staff,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    staff_login_sending_as_the_office_is_not_a_delegate_and_stays_staff,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    null_sender_takes_its_role_from_the_header_from, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    connector_certificate_makes_a_teachers_mail_outbound,
		    setup_connector, teardown),
		cmocka_unit_test_setup_teardown(
		    same_message_without_the_certificate_is_inbound,
		    setup_connector, teardown),
		cmocka_unit_test_setup_teardown(
		    connector_address_range_makes_a_teachers_mail_outbound,
		    setup_connector, teardown),
		cmocka_unit_test_setup_teardown(
		    mail_from_outside_to_the_school_through_the_connector_is_inbound,
		    setup_connector, teardown),
		cmocka_unit_test_setup_teardown(
		    connector_mail_leaving_the_school_is_outbound_whatever_its_sender,
		    setup_connector, teardown),
		cmocka_unit_test(
		    bad_trusted_clients_entries_are_errors_naming_the_entry),
		cmocka_unit_test(ipv4_networks_match_inside_and_not_outside),
		cmocka_unit_test(ipv6_networks_match_inside_and_not_outside),
		cmocka_unit_test(ipv4_mapped_ipv6_client_matches_its_ipv4_network),
		cmocka_unit_test(bad_network_entries_are_errors_naming_the_entry),
	};

	g_mime_init();
	return cmocka_run_group_tests_name("roles", tests, NULL, NULL);
}
