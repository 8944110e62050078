/*
 * selftest.c -- vigil_engine_self_test: harmless objects that no sound
 * database flags, scanned with the engine before it may serve.
 */
#include <stdio.h>
#include <string.h>

#include "core/engine_int.h"
#include "vigil/vigil.h"

static const char *const harmless[] = {
	"",
	"Vigil self-test: a plain text file that no signature may match.\n",
	"<html><body><p>Vigil self-test page</p></body></html>\n",
	"#!/bin/sh\necho 'Vigil self-test'\n",
};

int vigil_engine_self_test(const struct vigil_engine *e, char *name,
			   size_t len)
{
	struct vigil_scanner *s = NULL;
	struct vigil_result r = { .size = sizeof(r) };
	size_t i;
	int rc;

	if (name && len)
		*name = '\0';
	if (!e)
		return VIGIL_EINVAL;
	if (!e->compiled)
		return VIGIL_ESTATE;
	if ((rc = vigil_scanner_new(&s, e, NULL)) < 0)
		return rc;
	for (i = 0; i < sizeof(harmless) / sizeof(*harmless) && !rc; i++) {
		rc = vigil_scanner_scan_buffer(s, harmless[i],
					       strlen(harmless[i]), &r);
		if (rc == 0 && r.verdict != VIGIL_VERDICT_CLEAN) {
			if (name && len)
				snprintf(name, len, "%s", r.name);
			rc = VIGIL_EFALSEPOS;
		}
	}
	vigil_scanner_free(s);
	return rc;
}
