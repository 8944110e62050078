/*
 * secthash.c -- PE section hash signatures (.mdb .msb): each section's data,
 * at the offsets and sizes ClamAV uses (see formats/exeinfo.c), hashed with
 * the algorithms some signature of its size needs. A section that runs past
 * the end of the object is not hashed.
 */
#include <stdlib.h>

#include "core/digest.h"
#include "core/scanner_int.h"
#include "formats/exe/exeinfo.h"

static int one_section(struct vigil_scanner *s, const uint8_t *p, uint64_t n)
{
	struct digests d = { 0 };

	return hashscan_run(s, HT_SECTION, p, (size_t)n, &d);
}

int secthash_scan(struct vigil_scanner *s, const uint8_t *buf, size_t len)
{
	const struct exeinfo *x;
	uint32_t i;
	int rc;

	if (!s->e->has_secthash)
		return 0;
	if (!s->exe && !(s->exe = malloc(sizeof(*s->exe))))
		return VIGIL_ENOMEM;
	if (exeinfo_parse(buf, len, s->exe) != EXE_PE)
		return 0;
	x = s->exe;
	for (i = 0; i < x->nsect; i++) {
		const struct exe_section *sc = &x->sect[i];

		if (!sc->size || sc->off > len || sc->size > len - sc->off)
			continue;
		if ((rc = one_section(s, buf + sc->off, sc->size)) != 0)
			return rc;
	}
	return 0;
}
