/*
 * fuzz_pipeline - libFuzzer target for a whole message through every policy
 *
 * SYNOPSIS
 *	tests/fuzz/run-fuzz.sh pipeline SECONDS
 *
 * DESCRIPTION
 *	At start-up the target writes a small school (configuration,
 *	parents, pupils, exemptions, delegations and local SPF records, so
 *	no DNS is ever asked) into a private folder and loads it with the
 *	shipped policy registry.  For each input, the first byte chooses
 *	an envelope (outbound staff mail to a parent, the office writing to
 *	several parents, inbound mail that fails SPF, a bounce, mail from a
 *	trusted network without a login, inbound mail forging the school's
 *	domain) and, with its top bit, a spool threshold small enough to
 *	move the message to a temporary file.  The rest is the message
 *	file: split into header and body events by eml_feed() exactly as
 *	`aupctl test` does, judged by engine_evaluate() (parse, walk,
 *	detect, extract, every policy) and reported as the JSON the event
 *	log would get.  Not part of the normal build.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "config/conf.h"
#include "engine/eml.h"
#include "engine/engine.h"
#include "util/errbuf.h"
#include "fuzz_util.h"
#include "engine/msg.h"
#include "policies/policy.h"
#include "engine/report_json.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_envelope {
	const char *client;	/* client address */
	const char *helo;
	const char *auth;	/* SASL login, or NULL */
	const char *sender;	/* MAIL FROM argument */
	const char *rcpts[4];	/* RCPT TO arguments, NULL-terminated */
};

static const struct fuzz_envelope fuzz_envelopes[] = {
	{ "10.9.4.43", "pc1.testwood.example", "teacher@testwood.example",
	    "<teacher@testwood.example>",
	    { "<mum.ann@gmail.com>", "<colleague@testwood.example>" } },
	{ "10.9.4.10", "office.testwood.example", "office@testwood.example",
	    "<office@testwood.example>", { "<mum.ann@gmail.com>",
	    "<ben.dad@btinternet.com>", "<someone@gmail.com>" } },
	{ "198.51.100.7", "mail.sender.example", NULL,
	    "<someone@sender.example>", { "<teacher@testwood.example>" } },
	{ "198.51.100.7", "mail.sender.example", NULL, "<>",
	    { "<teacher@testwood.example>" } },
	{ "127.0.0.1", "localhost", NULL, "<teacher@testwood.example>",
	    { "<mum.ann@gmail.com>", "<x@pupils.testwood.example>" } },
	{ "203.0.113.9", "forger.example", NULL, "<head@testwood.example>",
	    { "<teacher@testwood.example>" } },
};
#define FUZZ_NENVELOPES (sizeof(fuzz_envelopes) / sizeof(fuzz_envelopes[0]))

/* fuzz_pipeline_school - write the school's files; the config path */
static char *
fuzz_pipeline_school(void)
{
	const char *dir = fuzz_tempdir("pipeline");
	char *conf = fuzz_path(dir, "aup-milter.conf"), *p, *text;
	static const struct { const char *name, *text; } files[] = {
		{ "parents.csv", "Pupil,Email\nAnn,mum.ann@gmail.com\n"
		    "Ben,ben.dad@btinternet.com; ben.mum@outlook.com\n" },
		{ "pupils.csv", "UPN,Legal Forename,Preferred Forename,"
		    "Legal Surname,Date of Birth,Year Group\n"
		    "H801200001001,Poppy,,Ashworth,2017-03-14,Year 3\n"
		    "Z213282605052,Ayaan,,Begum,2016-09-02,Year 4\n" },
		{ "exemptions.csv", "sender,policy,recipient,expires,"
		    "approved_by,note\nsenco@testwood.example,parent-contact,"
		    "*,2099-12-31,head@testwood.example,SENCo\n" },
		{ "delegations.csv", "login,may_send_as\n"
		    "head@testwood.example,office@testwood.example\n" },
		{ "records.txt",
		    "sender.example TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n"
		    "mail.sender.example TXT \"v=spf1 a -all\"\n"
		    "mail.sender.example A 192.0.2.25\n"
		    "testwood.example TXT \"v=spf1 ip4:10.9.0.0/16 -all\"\n"
		    "forger.example TXT \"v=spf1 ?all\"\n" },
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		p = fuzz_path(dir, files[i].name);
		fuzz_write_file(p, files[i].text, strlen(files[i].text));
		free(p);
	}
	if (asprintf(&text,
	    "[milter]\n"
	    "socket = unix:%s/unused.sock\n"
	    "event_log = %s/events.jsonl\n"
	    "quarantine_dir = %s/quarantine\n"
	    "spool_dir = %s\n"
	    "trusted_networks = 127.0.0.0/8, 10.9.0.0/16\n"
	    "max_expanded_mb = 16\n"
	    "max_text_kb = 256\n"
	    "notify = off\n"
	    "[school]\n"
	    "name = Testwood Primary\n"
	    "domains = testwood.example, pupils.testwood.example\n"
	    "office = office@testwood.example\n"
	    "office_senders = head@testwood.example\n"
	    "pupils = *@pupils.testwood.example\n"
	    "dsl = dsl@testwood.example\n"
	    "policy_url = https://testwood.example/aup\n"
	    "[directory]\n"
	    "parents = parents.csv\n"
	    "pupils = pupils.csv\n"
	    "exemptions = exemptions.csv\n"
	    "[sender-auth]\n"
	    "local_records = records.txt\n"
	    "delegations = delegations.csv\n"
	    "dns_timeout = 1\n", dir, dir, dir, dir) < 0)
		abort();
	fuzz_write_file(conf, text, strlen(text));
	free(text);
	return conf;
}

/* fuzz_pipeline_conf - the school's snapshot, loaded once */
static const struct conf *
fuzz_pipeline_conf(void)
{
	static struct conf *cf;
	struct errbuf eb;
	char *path;

	if (cf != NULL)
		return cf;
	g_mime_init();		/* as main() does before anything else */
	path = fuzz_pipeline_school();
	errbuf_init(&eb);
	cf = conf_load(path, policy_registry, &eb);
	if (cf == NULL) {
		errbuf_print(&eb, stderr);
		abort();
	}
	errbuf_clear(&eb);
	free(path);
	return cf;
}

/* LLVMFuzzerTestOneInput - one envelope and message through the engine */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct conf *cf = fuzz_pipeline_conf();
	const struct fuzz_envelope *env;
	struct verdict v;
	struct msg *m;
	json_object *j;

	if (size == 0)
		return 0;
	env = &fuzz_envelopes[(data[0] & 0x7f) % FUZZ_NENVELOPES];
	m = msg_new(cf->milter.spool_dir, data[0] & 0x80 ? 4096 :
	    (size_t)cf->milter.spool_threshold);
	msg_set_connection(m, env->client, NULL, env->helo, NULL);
	msg_set_auth(m, env->auth);
	msg_set_sender(m, env->sender);
	for (size_t i = 0; env->rcpts[i] != NULL; i++)
		msg_add_rcpt(m, env->rcpts[i]);
	msg_set_queue_id(m, "FUZZQID");
	if (eml_feed(m, (const char *)data + 1, size - 1) < 0)
		abort();
	engine_evaluate(cf, m, 1725264000, &v);
	j = report_json_verdict(cf, &v);
	(void)json_object_to_json_string(j);
	json_object_put(j);
	verdict_clear(&v);
	msg_free(m);
	return 0;
}
