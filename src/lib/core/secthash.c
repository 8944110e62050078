/*
 * secthash.c -- PE hash signatures beyond the whole file: section hashes
 * (.mdb .msb), each section's data at the offsets and sizes ClamAV uses
 * (see formats/exeinfo.c), and import table hashes (.imp), the text
 * formats/exe/peimp.c makes of the table; hashed with the algorithms some
 * signature of that size needs. A section that runs past the end of the
 * object is not hashed.
 */
#include <stdlib.h>

#include "core/digest.h"
#include "core/scanner_int.h"
#include "formats/exe/exeinfo.h"
#include "formats/exe/peimp.h"

static int one_section(struct vigil_scanner *s, const uint8_t *p, uint64_t n)
{
	struct digests d = { 0 };

	return hashscan_run(s, HT_SECTION, p, (size_t)n, &d);
}

/* The import table's text, hashed and looked up in the .imp tables. */
static int imphash_scan(struct vigil_scanner *s, const uint8_t *buf,
			size_t len)
{
	struct vbuf text = { 0 };
	struct digests d = { 0 };
	int rc = peimp_text(buf, len, &text);

	if (rc == 0)
		rc = hashscan_run(s, HT_IMP, text.data ? text.data :
				  (const uint8_t *)"", text.len, &d);
	else if (rc == 1)
		rc = 0; /* no table to hash */
	else if (rc == 2) {
		scanner_warn(s, "import table over %u bytes of text: not "
			     "hashed", PEIMP_MAX_TEXT_BYTES);
		rc = 0;
	}
	vbuf_free(&text);
	return rc;
}

int secthash_scan(struct vigil_scanner *s, const uint8_t *buf, size_t len)
{
	const struct exeinfo *x;
	uint32_t i;
	int rc;

	if (s->e->has_imphash && (rc = imphash_scan(s, buf, len)) != 0)
		return rc;
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
