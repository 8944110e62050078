/*
 * heuristics.c -- the checks of one object that are not signatures and not
 * unpacking, each behind the option clamscan has for it: broken
 * executables (--alert-broken), broken images (--alert-broken-media, off
 * with --heuristic-alerts=no or --scan-image=no) and structured data in
 * text (--detect-structured). Each reports through scanner_heuristic(), so
 * a signature match in the same scan comes first.
 */
#include "core/scanner_int.h"
#include "core/structured.h"
#include "formats/exe/broken.h"
#include "formats/media/imgcheck.h"

static const char *broken_exe(const struct vigil_scanner *s,
			      const uint8_t *buf, size_t len, int type)
{
	unsigned skip = s->opts.skip_families;

	if (!(s->opts.flags & VIGIL_SCAN_ALERT_BROKEN))
		return NULL;
	if (type == VIGIL_TYPE_PE && !(skip & VIGIL_FAMILY_PE))
		return exe_broken_pe(buf, len);
	if (type == VIGIL_TYPE_ELF && !(skip & VIGIL_FAMILY_ELF))
		return exe_broken_elf(buf, len);
	return NULL;
}

static const char *broken_image(const struct vigil_scanner *s,
				const uint8_t *buf, size_t len, int type)
{
	unsigned f = s->opts.flags;

	if (type != VIGIL_TYPE_GRAPHICS || !(f & VIGIL_SCAN_ALERT_BROKEN_MEDIA) ||
	    (f & VIGIL_SCAN_NO_HEURISTIC_ALERTS) ||
	    (s->opts.skip_families & VIGIL_FAMILY_IMAGE))
		return NULL;
	return image_broken(buf, len);
}

static int structured(struct vigil_scanner *s, const uint8_t *buf,
		      size_t len, int type)
{
	unsigned found;
	int rc = 0;

	if (type != VIGIL_TYPE_TEXT ||
	    !(s->opts.flags & VIGIL_SCAN_DETECT_STRUCTURED))
		return 0;
	found = structured_find(buf, len, s->opts.flags,
				s->opts.structured_cc_count,
				s->opts.structured_ssn_count);
	if (found & STRUCTURED_CARDS)
		rc = scanner_heuristic(s, "Heuristics.Structured.CreditCardNumber");
	if (rc == 0 && (found & STRUCTURED_SSNS))
		rc = scanner_heuristic(s, "Heuristics.Structured.SSN");
	return rc;
}

int heuristics_run(struct vigil_scanner *s, const uint8_t *buf, size_t len,
		   int type)
{
	const char *why;
	int rc;

	if ((why = broken_exe(s, buf, len, type))) {
		scanner_warn(s, "broken executable: %s", why);
		if ((rc = scanner_heuristic(s, "Heuristics.Broken.Executable")))
			return rc;
	}
	if ((why = broken_image(s, buf, len, type)) &&
	    (rc = scanner_heuristic(s, why)))
		return rc;
	return structured(s, buf, len, type);
}
