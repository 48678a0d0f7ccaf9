/*
 * fuzz_analysis - libFuzzer target for the whole analysis pipeline
 *
 * SYNOPSIS
 *	tests/fuzz/run-fuzz.sh analysis SECONDS
 *
 * DESCRIPTION
 *	Bytes are a raw message: parsed by GMime, every part decoded and
 *	inspected (libmagic, archives, OOXML/ODF/OLE/PDF, text), then freed.
 *	Limits are small so that one input stays fast.  The same bytes are
 *	also decoded as base64 by base64.c and by GMime, cut in two where
 *	the first byte says: any difference aborts (a differential check).
 *	Not part of the normal build.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_base64 - base64.c and GMime must decode the bytes alike */
static void
fuzz_base64(const uint8_t *data, size_t size)
{
	size_t cut = size > 0 ? data[0] % (size + 1) : 0, na, nb;
	unsigned char *a = malloc(size + 8), *b = malloc(size + 8);
	int sa = 0, sb = 0;
	uint32_t va = 0;
	guint32 vb = 0;

	if (a == NULL || b == NULL)
		abort();
	na = base64_decode_step(data, cut, a, &sa, &va);
	na += base64_decode_step(data + cut, size - cut, a + na, &sa, &va);
	nb = g_mime_encoding_base64_decode_step(data, cut, b, &sb, &vb);
	nb += g_mime_encoding_base64_decode_step(data + cut, size - cut,
	    b + nb, &sb, &vb);
	if (na != nb || memcmp(a, b, na) != 0 || sa != sb || va != vb)
		abort();
	free(a);
	free(b);
}

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
	fuzz_base64(data, size);
	analysis_limits_default(&lim);
	lim.max_expanded = 16 * 1024 * 1024;
	lim.max_text = 256 * 1024;
	s = g_mime_stream_mem_new_with_buffer((const char *)data, size);
	an = analysis_run(s, &lim);
	analysis_free(an);
	g_object_unref(s);
	return 0;
}
