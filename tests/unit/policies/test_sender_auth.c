/*
 * test_sender_auth - the sender-auth policy through the real loader and
 * engine, as the office, staff and an outside sender would meet it
 *
 * DESCRIPTION
 *	The test writes a school configuration into a private folder
 *	(INI file, local DNS records, a delegations file), loads it with
 *	conf_load() and judges messages with engine_evaluate(), exactly
 *	as the milter and `aupctl test` do, with the shipped registry (the
 *	messages are chosen so that no other policy objects).  Every
 *	domain the messages use has a local record, so no lookup reaches
 *	DNS.  The reply templates are the compiled-in ones.
 *
 * SPDX-License-Identifier: MIT
 */
#include <sys/stat.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <gmime/gmime.h>

#include "config/conf.h"
#include "engine/eml.h"
#include "engine/engine.h"
#include "util/errbuf.h"
#include "engine/msg.h"
#include "policies/policy.h"
#include "policies/sender_auth/spf.h"
#include "util/xalloc.h"

extern const struct policy policy_sender_auth;

/* The shipped registry, plus sender-auth until it is registered there. */
static const struct policy *registry[32];

static char tmpdir[] = "/tmp/aup-sa-XXXXXX";

#define SCHOOL "oakfield-primary.example"

static const char records[] =
    "# SPF of every domain the tests use: nothing reaches DNS\n"
    SCHOOL " TXT \"v=spf1 ip4:192.0.2.25 -all\"\n"
    "gmail.com TXT \"v=spf1 ip4:192.0.2.200 ~all\"\n"
    "northshire-cc.example TXT \"v=spf1 ip4:192.0.2.80 -all\"\n"
    "mailout.northshire-cc.example TXT \"v=spf1 ip4:192.0.2.80 -all\"\n"
    "docs-share.example TXT \"v=spf1 ip4:198.51.100.250 -all\"\n"
    "bounce.schoolcomms.example TXT \"v=spf1 ip4:203.0.113.60 -all\"\n"
    "broken.example TXT \"v=spf1 foo:bar -all\"\n";

static const char delegations[] =
    "Login,May Send As\n"
    "j.patel,bursar@" SCHOOL "; finance@" SCHOOL "\n";

/* write_file - write `text` to tmpdir/name */
static void
write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	free(path);
}

/* write_conf - the school INI with `extra` lines in [sender-auth] */
static char *
write_conf(const char *name, const char *extra)
{
	char *text = xasprintf(
	    "[milter]\n"
	    "trusted_networks = 127.0.0.0/8, 10.20.0.0/16\n"
	    "templates = %s/templates\n"
	    "spool_dir = %s\n"
	    "[school]\n"
	    "name = Oakfield Primary School\n"
	    "domains = " SCHOOL ", pupils." SCHOOL "\n"
	    "office = office@" SCHOOL "\n"
	    "office_senders = head@" SCHOOL "\n"
	    "dsl = dsl@" SCHOOL "\n"
	    "policy_url = https://" SCHOOL "/policies/acceptable-use\n"
	    "[sender-auth]\n"
	    "%s", tmpdir, tmpdir, extra);
	char *path = xasprintf("%s/%s", tmpdir, name);

	write_file(name, text);
	free(text);
	return path;
}

/* load - load a config; fails the test on errors */
static struct conf *
load(const char *extra)
{
	char *path = write_conf("aup-milter.conf", extra);
	struct errbuf eb;
	struct conf *cf;

	errbuf_init(&eb);
	cf = conf_load(path, registry, &eb);
	if (cf == NULL)
		errbuf_print(&eb, stderr);
	assert_non_null(cf);
	errbuf_clear(&eb);
	free(path);
	return cf;
}

static const char standard[] =
    "spf_fail = reject\n"
    "spf_softfail = flag\n"
    "local_records = records.txt\n"
    "allowed_services = schoolcomms.example\n"
    "delegations = delegations.csv\n"
    "dns_timeout = 2\n";

/* The envelope and header From of one test message. */
struct mail {
	const char *auth, *from, *rcpt, *ip, *helo, *header_from;
};

/* judge - evaluate one message under cf */
static void
judge(const struct conf *cf, const struct mail *mail, struct verdict *v)
{
	struct msg *m = msg_new(tmpdir, 1 << 20);
	char *text = xasprintf("From: Someone <%s>\r\nTo: <%s>\r\n"
	    "Subject: test\r\n\r\nHello.\r\n", mail->header_from, mail->rcpt);

	msg_set_connection(m, mail->ip, NULL, mail->helo, NULL);
	if (mail->auth != NULL)
		msg_set_auth(m, mail->auth);
	msg_set_sender(m, mail->from);
	msg_add_rcpt(m, mail->rcpt);
	assert_int_equal(eml_feed(m, text, strlen(text)), 0);
	engine_evaluate(cf, m, time(NULL), v);
	assert_null(v->error);
	msg_free(m);
	free(text);
}

/* report - this policy's report in a verdict */
static const struct policy_report *
report(const struct verdict *v)
{
	for (size_t i = 0; i < v->nreports; i++)
		if (strcmp(v->reports[i].name, "sender-auth") == 0)
			return &v->reports[i];
	fail_msg("sender-auth did not report");
	return NULL;
}

/* reply_has - does any reply line contain `needle`? */
static bool
reply_has(const struct verdict *v, const char *needle)
{
	for (size_t i = 0; v->reply_lines != NULL && v->reply_lines[i]; i++)
		if (strstr(v->reply_lines[i], needle) != NULL)
			return true;
	return false;
}

/* received_spf - the value of the Received-SPF edit, or NULL */
static const char *
received_spf(const struct verdict *v)
{
	for (size_t i = 0; i < v->edits.count; i++)
		if (strcmp(v->edits.items[i].name, "Received-SPF") == 0) {
			assert_int_equal(v->edits.items[i].op, HEADER_INSERT);
			assert_int_equal(v->edits.items[i].index, 0);
			return v->edits.items[i].value;
		}
	return NULL;
}

/* inbound_spf_pass_is_accepted_with_a_received_spf_header */
static void
inbound_spf_pass_is_accepted_with_a_received_spf_header(void **state)
{
	struct conf *cf = load(standard);
	struct mail mail = { .from = "newsletters@northshire-cc.example",
	    .rcpt = "head@" SCHOOL, .ip = "192.0.2.80",
	    .helo = "mailout.northshire-cc.example",
	    .header_from = "newsletters@northshire-cc.example" };
	struct verdict v;

	judge(cf, &mail, &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_int_equal(report(&v)->result, RESULT_PASS);
	assert_non_null(strstr(report(&v)->reason, "SPF pass"));
	assert_non_null(received_spf(&v));
	assert_true(strncmp(received_spf(&v), "pass (", 6) == 0);
	assert_non_null(strstr(received_spf(&v), "client-ip=192.0.2.80;"));
	verdict_clear(&v);
	conf_release(cf);
}

/* inbound_spf_softfail_is_flagged */
static void
inbound_spf_softfail_is_flagged(void **state)
{
	struct conf *cf = load(standard);
	struct mail mail = { .from = "matthew_ashdown@gmail.com",
	    .rcpt = "j.patel@" SCHOOL, .ip = "203.0.113.45",
	    .helo = "DESKTOP-7H2KQ",
	    .header_from = "matthew_ashdown@gmail.com" };
	struct verdict v;

	judge(cf, &mail, &v);
	assert_int_equal(v.action, ACTION_FLAG);
	assert_int_equal(report(&v)->result, RESULT_FLAG);
	assert_non_null(strstr(report(&v)->reason, "SPF softfail"));
	assert_true(strncmp(received_spf(&v), "softfail (", 10) == 0);
	verdict_clear(&v);
	conf_release(cf);
}

/* inbound_spf_fail_is_rejected_with_the_spf_explanation */
static void
inbound_spf_fail_is_rejected_with_the_spf_explanation(void **state)
{
	struct conf *cf = load(standard);
	struct mail mail = { .from = "newsletters@northshire-cc.example",
	    .rcpt = "head@" SCHOOL, .ip = "198.51.100.66",
	    .helo = "mail.example.net",
	    .header_from = "newsletters@northshire-cc.example" };
	struct verdict v;

	judge(cf, &mail, &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_non_null(strstr(report(&v)->reason, "SPF fail"));
	assert_string_equal(v.reply_code, "550");
	assert_true(reply_has(&v, "northshire-cc.example does not allow"));
	assert_true(reply_has(&v, "198.51.100.66"));
	verdict_clear(&v);
	conf_release(cf);
}

/* forged_school_from_sent_from_outside_is_rejected */
static void
forged_school_from_sent_from_outside_is_rejected(void **state)
{
	struct conf *cf = load(standard);
	struct mail mail = { .from = "bounce-8812@docs-share.example",
	    .rcpt = "m.brennan@" SCHOOL, .ip = "198.51.100.250",
	    .helo = "mx.docs-share.example", .header_from = "head@" SCHOOL };
	struct verdict v;

	judge(cf, &mail, &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_non_null(strstr(report(&v)->reason, "forged school sender: "
	    "head@" SCHOOL));
	/* docs-share.example's own SPF passes: it still may not be us */
	assert_non_null(strstr(report(&v)->reason, "SPF pass"));
	assert_true(reply_has(&v, "claims to come from head@" SCHOOL));
	verdict_clear(&v);
	conf_release(cf);
}

/* school_envelope_needs_spf_pass_to_use_the_school_domain */
static void
school_envelope_needs_spf_pass_to_use_the_school_domain(void **state)
{
	struct conf *cf = load(standard);
	struct mail ours = { .from = "office@" SCHOOL,
	    .rcpt = "m.brennan@" SCHOOL, .ip = "192.0.2.25",
	    .helo = "mail." SCHOOL, .header_from = "office@" SCHOOL };
	struct mail forged = ours;
	struct verdict v;

	judge(cf, &ours, &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	verdict_clear(&v);
	forged.ip = "198.51.100.77";
	judge(cf, &forged, &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_non_null(strstr(report(&v)->reason, "SPF fail"));
	assert_non_null(strstr(report(&v)->reason, "office@" SCHOOL));
	verdict_clear(&v);
	conf_release(cf);
}

/* listed_service_may_use_the_school_from_only_with_spf_pass */
static void
listed_service_may_use_the_school_from_only_with_spf_pass(void **state)
{
	struct conf *cf = load(standard);
	struct mail mail = { .from = "b-123@bounce.schoolcomms.example",
	    .rcpt = "parent@example.net", .ip = "203.0.113.60",
	    .helo = "out.schoolcomms.example",
	    .header_from = "office@" SCHOOL };
	struct verdict v;

	judge(cf, &mail, &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	verdict_clear(&v);
	mail.ip = "203.0.113.61";
	judge(cf, &mail, &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_non_null(strstr(report(&v)->reason, "forged school sender"));
	verdict_clear(&v);
	conf_release(cf);
}

/* null_sender_is_checked_through_the_helo_name */
static void
null_sender_is_checked_through_the_helo_name(void **state)
{
	struct conf *cf = load(standard);
	struct mail mail = { .from = "<>", .rcpt = "head@" SCHOOL,
	    .ip = "192.0.2.80", .helo = "mailout.northshire-cc.example",
	    .header_from = "mailer-daemon@northshire-cc.example" };
	struct verdict v;

	judge(cf, &mail, &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_non_null(strstr(received_spf(&v), "identity=helo;"));
	verdict_clear(&v);
	conf_release(cf);
}

/* staff_logged_in_as_themselves_cannot_send_as_a_colleague */
static void
staff_logged_in_as_themselves_cannot_send_as_a_colleague(void **state)
{
	struct conf *cf = load(standard);
	struct mail mail = { .auth = "j.patel@" SCHOOL,
	    .from = "j.patel@" SCHOOL, .rcpt = "payroll@northshire-cc.example",
	    .ip = "10.20.2.208", .helo = "OAK-LT-120." SCHOOL,
	    .header_from = "head@" SCHOOL };
	struct verdict v;

	judge(cf, &mail, &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_non_null(strstr(report(&v)->reason, "logged in as j.patel@"
	    SCHOOL " but the header From is head@" SCHOOL));
	assert_true(reply_has(&v, "j.patel@" SCHOOL));
	assert_true(reply_has(&v, "head@" SCHOOL));
	assert_null(received_spf(&v));
	verdict_clear(&v);
	conf_release(cf);
}

/* envelope_sender_other_than_the_login_is_refused */
static void
envelope_sender_other_than_the_login_is_refused(void **state)
{
	struct conf *cf = load(standard);
	struct mail mail = { .auth = "j.patel@" SCHOOL,
	    .from = "head@" SCHOOL, .rcpt = "someone@example.net",
	    .ip = "10.20.2.208", .helo = "pc." SCHOOL,
	    .header_from = "j.patel@" SCHOOL };
	struct verdict v;

	judge(cf, &mail, &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_non_null(strstr(report(&v)->reason,
	    "the envelope sender is head@" SCHOOL));
	verdict_clear(&v);
	conf_release(cf);
}

/* office_senders_may_send_as_the_office_and_others_may_not */
static void
office_senders_may_send_as_the_office_and_others_may_not(void **state)
{
	struct conf *cf = load(standard);
	struct mail mail = { .auth = "head@" SCHOOL,
	    .from = "office@" SCHOOL, .rcpt = "orders@greenfield.example",
	    .ip = "10.20.3.198", .helo = "pc." SCHOOL,
	    .header_from = "office@" SCHOOL };
	struct verdict v;

	judge(cf, &mail, &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_int_equal(report(&v)->result, RESULT_PASS);
	verdict_clear(&v);
	mail.auth = "m.brennan@" SCHOOL;
	judge(cf, &mail, &v);
	assert_int_equal(v.action, ACTION_REJECT);
	verdict_clear(&v);
	conf_release(cf);
}

/* bare_login_is_taken_at_the_first_school_domain */
static void
bare_login_is_taken_at_the_first_school_domain(void **state)
{
	struct conf *cf = load(standard);
	struct mail mail = { .auth = "J.Patel", .from = "j.patel@" SCHOOL,
	    .rcpt = "someone@example.net", .ip = "10.20.2.208",
	    .helo = "pc." SCHOOL, .header_from = "j.patel+news@" SCHOOL };
	struct verdict v;

	judge(cf, &mail, &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	verdict_clear(&v);
	mail.header_from = "j.patel@pupils." SCHOOL;
	judge(cf, &mail, &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_true(reply_has(&v, "j.patel@" SCHOOL));
	verdict_clear(&v);
	conf_release(cf);
}

/* delegations_file_lets_a_login_use_shared_mailboxes */
static void
delegations_file_lets_a_login_use_shared_mailboxes(void **state)
{
	struct conf *cf = load(standard);
	struct mail mail = { .auth = "j.patel@" SCHOOL,
	    .from = "finance@" SCHOOL, .rcpt = "supplier@example.net",
	    .ip = "10.20.2.208", .helo = "pc." SCHOOL,
	    .header_from = "bursar@" SCHOOL };
	struct verdict v;

	judge(cf, &mail, &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	verdict_clear(&v);
	mail.auth = "head@" SCHOOL;
	judge(cf, &mail, &v);
	assert_int_equal(v.action, ACTION_REJECT);
	verdict_clear(&v);
	conf_release(cf);
}

/* trusted_network_without_login_is_not_login_checked */
static void
trusted_network_without_login_is_not_login_checked(void **state)
{
	struct conf *cf = load(standard);
	struct mail mail = { .from = "scanner@" SCHOOL,
	    .rcpt = "j.patel@" SCHOOL, .ip = "10.20.9.9",
	    .helo = "copier." SCHOOL, .header_from = "head@" SCHOOL };
	struct verdict v;

	judge(cf, &mail, &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_non_null(strstr(report(&v)->reason, "no login"));
	assert_null(received_spf(&v));
	verdict_clear(&v);
	conf_release(cf);
}

/* configured_actions_replace_the_defaults */
static void
configured_actions_replace_the_defaults(void **state)
{
	struct conf *cf = load("action = flag\n"
	    "spf_softfail = reject\n"
	    "spf_permerror = quarantine\n"
	    "local_records = records.txt\n");
	struct mail soft = { .from = "a@gmail.com", .rcpt = "head@" SCHOOL,
	    .ip = "203.0.113.45", .helo = "x.example.net",
	    .header_from = "a@gmail.com" };
	struct mail broken = soft, forged = soft;
	struct verdict v;

	judge(cf, &soft, &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_true(reply_has(&v, "SPF softfail"));
	verdict_clear(&v);
	broken.from = broken.header_from = "a@broken.example";
	judge(cf, &broken, &v);
	assert_int_equal(v.action, ACTION_QUARANTINE);
	assert_non_null(strstr(report(&v)->reason, "SPF permerror"));
	verdict_clear(&v);
	forged.from = "bounce@docs-share.example";
	forged.ip = "198.51.100.250";
	forged.header_from = "head@" SCHOOL;
	judge(cf, &forged, &v);
	assert_int_equal(v.action, ACTION_FLAG);
	verdict_clear(&v);
	conf_release(cf);
}

/* bad_settings_and_files_are_config_errors_with_file_line */
static void
bad_settings_and_files_are_config_errors_with_file_line(void **state)
{
	char *path = write_conf("bad.conf", "spf_fail = rewrite\n"
	    "dns_timeout = 0\n"
	    "local_records = bad-records.txt\n"
	    "allowed_services = good.example, not a domain\n"
	    "delegations = bad-delegations.csv\n");
	char *lr = xasprintf("%s/bad-records.txt:2:", tmpdir);
	char *dl = xasprintf("%s/bad-delegations.csv:3:", tmpdir);
	struct errbuf eb;
	bool saw_lr = false, saw_dl = false, saw_fail = false;

	write_file("bad-records.txt", "ok.example TXT \"v=spf1 -all\"\n"
	    "ok.example SPF \"v=spf1 -all\"\n");
	write_file("bad-delegations.csv", "login,may_send_as\n"
	    "j.patel,bursar@" SCHOOL "\nj.patel,not an address\n");
	errbuf_init(&eb);
	assert_null(conf_load(path, registry, &eb));
	for (size_t i = 0; i < eb.nerrors; i++) {
		saw_lr |= strstr(eb.errors[i], lr) != NULL;
		saw_dl |= strstr(eb.errors[i], dl) != NULL;
		saw_fail |= strstr(eb.errors[i], "spf_fail") != NULL;
	}
	assert_true(saw_fail);
	errbuf_clear(&eb);
	/* the value errors stop the loader first; fix them and retry */
	free(path);
	path = write_conf("bad.conf", "local_records = bad-records.txt\n"
	    "allowed_services = good.example, not a domain\n"
	    "delegations = bad-delegations.csv\n");
	errbuf_init(&eb);
	assert_null(conf_load(path, registry, &eb));
	for (size_t i = 0; i < eb.nerrors; i++) {
		saw_lr |= strstr(eb.errors[i], lr) != NULL;
		saw_dl |= strstr(eb.errors[i], dl) != NULL;
	}
	if (!saw_lr || !saw_dl)
		errbuf_print(&eb, stderr);
	assert_true(saw_lr);
	assert_true(saw_dl);
	errbuf_clear(&eb);
	free(path);
	free(lr);
	free(dl);
}

/* dns_lookups_run_before_any_policy_that_reads_content - the engine
 * runs the policies from the first that reads content on in a CPU gate
 * slot (engine.c): sender-auth, which waits on DNS, comes before it in
 * the shipped registry and reads no content itself, so no slot is held
 * while a message waits on the network */
static void
dns_lookups_run_before_any_policy_that_reads_content(void **state)
{
	size_t sender_auth = SIZE_MAX, first_content = SIZE_MAX;

	(void)state;
	for (size_t i = 0; policy_registry[i] != NULL; i++) {
		if (policy_registry[i] == &policy_sender_auth)
			sender_auth = i;
		if (policy_registry[i]->needs_analysis &&
		    first_content == SIZE_MAX)
			first_content = i;
	}
	assert_false(policy_sender_auth.needs_analysis);
	assert_true(sender_auth != SIZE_MAX);
	assert_true(first_content != SIZE_MAX);
	assert_true(sender_auth < first_content);
}

/* remove_entry - nftw callback */
static int
remove_entry(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	return remove(path);
}

/* setup - private folder with the files; the registry */
static int
setup(void **state)
{
	size_t n = 0;
	char *dir;
	int rc;

	g_mime_init();
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	write_file("records.txt", records);
	write_file("delegations.csv", delegations);
	/* an empty folder: the compiled-in reply texts are used */
	dir = xasprintf("%s/templates", tmpdir);
	rc = mkdir(dir, 0700);
	free(dir);
	if (rc != 0)
		return -1;
	while (policy_registry[n] != NULL && n < 30) {
		registry[n] = policy_registry[n];
		n++;
	}
	if (policy_find(policy_registry, "sender-auth") == NULL)
		registry[n++] = &policy_sender_auth;
	registry[n] = NULL;
	return 0;
}

/* teardown - remove the folder */
static int
teardown(void **state)
{
	g_mime_shutdown();
	spf_thread_end();
	return nftw(tmpdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    inbound_spf_pass_is_accepted_with_a_received_spf_header),
		cmocka_unit_test(inbound_spf_softfail_is_flagged),
		cmocka_unit_test(
		    inbound_spf_fail_is_rejected_with_the_spf_explanation),
		cmocka_unit_test(
		    forged_school_from_sent_from_outside_is_rejected),
		cmocka_unit_test(
		    school_envelope_needs_spf_pass_to_use_the_school_domain),
		cmocka_unit_test(
		    listed_service_may_use_the_school_from_only_with_spf_pass),
		cmocka_unit_test(null_sender_is_checked_through_the_helo_name),
		cmocka_unit_test(
		    staff_logged_in_as_themselves_cannot_send_as_a_colleague),
		cmocka_unit_test(
		    envelope_sender_other_than_the_login_is_refused),
		cmocka_unit_test(
		    office_senders_may_send_as_the_office_and_others_may_not),
		cmocka_unit_test(
		    bare_login_is_taken_at_the_first_school_domain),
		cmocka_unit_test(
		    delegations_file_lets_a_login_use_shared_mailboxes),
		cmocka_unit_test(
		    trusted_network_without_login_is_not_login_checked),
		cmocka_unit_test(configured_actions_replace_the_defaults),
		cmocka_unit_test(
		    bad_settings_and_files_are_config_errors_with_file_line),
		cmocka_unit_test(
		    dns_lookups_run_before_any_policy_that_reads_content),
	};

	return cmocka_run_group_tests_name("sender_auth", tests, setup,
	    teardown);
}
