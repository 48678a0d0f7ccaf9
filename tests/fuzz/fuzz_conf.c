/*
 * fuzz_conf - libFuzzer target for the INI configuration loader
 *
 * SYNOPSIS
 *	tests/fuzz/run-fuzz.sh conf SECONDS
 *
 * DESCRIPTION
 *	Bytes are an aup-milter.conf: written to a private folder that
 *	also holds small parents, pupils, exemptions, delegations and
 *	local-records files (so inputs may name them), then loaded with
 *	conf_load() and the shipped policy registry, which parses every
 *	section, reads the data files, compiles the templates and
 *	configures each policy.  Whatever the input, the loader must
 *	return a snapshot or errors, never crash, leak or hang.  Inputs
 *	naming /dev, /proc or /sys are skipped (fuzz_util.c says why).
 *	Not part of the normal build.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "config/conf.h"
#include "util/errbuf.h"
#include "fuzz_util.h"
#include "policies/policy.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char parents_csv[] =
    "Pupil,Email\nAnn,mum.ann@gmail.com\n"
    "Ben,ben.dad@btinternet.com; ben.mum@outlook.com\n";
static const char pupils_csv[] =
    "UPN,Legal Forename,Preferred Forename,Legal Surname,Date of Birth\n"
    "H801200001001,Poppy,,Ashworth,2017-03-14\n";
static const char exemptions_csv[] =
    "sender,policy,recipient,expires,approved_by,note\n"
    "senco@testwood.example,parent-contact,*,2099-12-31,"
    "head@testwood.example,SENCo\n";
static const char delegations_csv[] =
    "login,may_send_as\nhead@testwood.example,office@testwood.example\n";
static const char records[] =
    "testwood.example TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n";
static const char template_txt[] = "Refused: {policy}. Ref: {ref}\n";

/* fuzz_conf_dir - the folder with the data files, made once */
static const char *
fuzz_conf_dir(void)
{
	static const char *dir;
	static const struct { const char *name, *text; } files[] = {
		{ "parents.csv", parents_csv },
		{ "pupils.csv", pupils_csv },
		{ "exemptions.csv", exemptions_csv },
		{ "delegations.csv", delegations_csv },
		{ "records.txt", records },
		{ "parent-contact.txt", template_txt },
	};

	if (dir != NULL)
		return dir;
	g_mime_init();		/* as main() does before anything else */
	dir = fuzz_tempdir("conf");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *p = fuzz_path(dir, files[i].name);

		fuzz_write_file(p, files[i].text, strlen(files[i].text));
		free(p);
	}
	return dir;
}

/* LLVMFuzzerTestOneInput - load one configuration file */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *path;
	struct errbuf eb;
	struct conf *cf;

	if (path == NULL)
		path = fuzz_path(fuzz_conf_dir(), "aup-milter.conf");
	if (fuzz_names_special_file(data, size))
		return -1;
	fuzz_write_file(path, data, size);
	errbuf_init(&eb);
	cf = conf_load(path, policy_registry, &eb);
	conf_release(cf);
	errbuf_clear(&eb);
	return 0;
}
