/*
 * fuzz_heur.c -- libFuzzer targets for the heuristic checks that read an
 * object's structure directly (one binary each, HEUR_<NAME> set by meson):
 * the broken-image walker (JPEG, PNG, GIF, TIFF), the broken-executable
 * checks (PE and ELF), the card and SSN finder, and the link extractor
 * with the URL cleanup of the phishing checks, and the image decoders
 * behind the image fuzzy hash (PNG, JPEG, GIF, TIFF, BMP), and the PE
 * icon walker and metrics behind .idb signatures. Each must never
 * read outside its input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/imghash.h"
#include "core/structured.h"
#include "core/url.h"
#include "formats/exe/broken.h"
#include "formats/media/imgcheck.h"
#include "formats/web/links.h"
#include "vigil/vigil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#if defined(HEUR_LINKS)
/* Every link through every URL question, on copies. */
static int one_link(void *ctx, const char *tag, const char *value,
		    const char *contents)
{
	char a[URL_MAX_BYTES + 1], b[URL_MAX_BYTES + 1], h[URL_MAX_BYTES + 1];
	int mail;

	(void)ctx;
	(void)tag;
	snprintf(a, sizeof(a), "%s", value ? value : "");
	snprintf(b, sizeof(b), "%s", contents ? contents : "");
	(void)url_is_url(a, 0);
	(void)url_is_url(b, 1);
	if (url_cleanup(a, 1) && !url_host(a, 1, 0, h, sizeof(h), &mail))
		(void)url_domain(h);
	if (url_cleanup(b, 0) && !url_host(b, 0, 1, h, sizeof(h), &mail))
		(void)url_domain(h);
	return 0;
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1); /* exact size for ASan */

	if (!copy)
		return 0;
	memcpy(copy, data, size);
#if defined(HEUR_IMAGE)
	(void)image_broken(copy, size);
#elif defined(HEUR_IMGHASH)
	{
		uint8_t h[IMGHASH_BYTES];

		(void)imghash_compute(copy, size, h);
	}
#elif defined(HEUR_ICONS)
	{
		char m[4][125];
		size_t n;

		(void)vigil_pe_icon_metrics(copy, size, m, 4, &n);
	}
#elif defined(HEUR_EXE)
	(void)exe_broken_pe(copy, size);
	(void)exe_broken_elf(copy, size);
#elif defined(HEUR_LINKS)
	(void)links_extract(copy, size, one_link, NULL);
#elif defined(HEUR_STRUCTURED)
	(void)structured_find(copy, size, size ? copy[0] : 0, 1, 1);
	(void)structured_find(copy, size,
			      VIGIL_SCAN_STRUCTURED_SSN_NORMAL |
				      VIGIL_SCAN_STRUCTURED_SSN_STRIPPED |
				      VIGIL_SCAN_STRUCTURED_CC_ONLY,
			      1000, 1000);
#endif
	free(copy);
	return 0;
}
