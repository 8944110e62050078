/*
 * yarascan.c -- the engine's YARA rules over each object a scan reaches
 * (yarascan.h): a rule that matches is a detection; one that reached a
 * limit is a warning of the scan, never a silent miss (one that needs a
 * module was warned of at load).
 */
#include "core/yarascan.h"

#include "core/engine_int.h"
#include "core/scanner_int.h"
#include "vigil/vigil.h"

int yarascan_scanner_new(struct vigil_scanner *s)
{
	if (!s->e->yara)
		return 0;
	return vigil_yara_scanner_new(s->e->yara, &s->yara) ? VIGIL_ENOMEM : 0;
}

void yarascan_scanner_free(struct vigil_scanner *s)
{
	vigil_yara_scanner_free(s->yara);
}

static int on_rule(void *ctx, const struct vigil_yara_rule *r)
{
	struct vigil_scanner *s = ctx;
	int rc;

	if (r->status == VIGIL_YARA_TRUE) {
		rc = scanner_detect(s, s->e->yara_names[r->index]);
		return rc < 0 ? rc : rc ? 1 : 0;
	}
	if (r->status == VIGIL_YARA_LIMIT)
		scanner_warn(s, "YARA rule %s: %s", r->name,
			     r->why ? r->why : "a limit was reached");
	return 0; /* one that needs a module was warned of at load */
}

int yarascan_object(struct vigil_scanner *s, const uint8_t *buf, size_t len)
{
	int rc;

	if (!s->yara)
		return 0;
	rc = vigil_yara_scan_buffer(s->yara, buf, len, 0, on_rule, s);
	return rc == 1 ? 1 : rc;
}
