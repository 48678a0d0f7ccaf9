/*
 * fuzz_analysis - libFuzzer target for the whole analysis pipeline
 *
 * SYNOPSIS
 *	tests/fuzz/run-fuzz.sh analysis SECONDS
 *
 * DESCRIPTION
 *	Bytes are a raw message: parsed by GMime, every part decoded and
 *	inspected (libmagic, archives, OOXML/ODF/OLE/PDF, text), then freed.
 *	Limits are small so that one input stays fast.  Not part of the
 *	normal build.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>
#include <stdint.h>

#include "analysis.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - analyse one input as a message */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct analysis_limits lim;
	GMimeStream *s;
	struct analysis *an;

	if (!ready) {
		g_mime_init();
		ready = 1;
	}
	analysis_limits_default(&lim);
	lim.max_expanded = 16 * 1024 * 1024;
	lim.max_text = 256 * 1024;
	s = g_mime_stream_mem_new_with_buffer((const char *)data, size);
	an = analysis_run(s, &lim);
	analysis_free(an);
	g_object_unref(s);
	return 0;
}
