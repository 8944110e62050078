/*
 * fuzz_heur.c -- libFuzzer targets for the heuristic checks that read an
 * object's structure directly (one binary each, HEUR_<NAME> set by meson):
 * the broken-image walker (JPEG, PNG, GIF, TIFF), the broken-executable
 * checks (PE and ELF) and the card and SSN finder. Each must never read
 * outside its input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/structured.h"
#include "formats/exe/broken.h"
#include "formats/media/imgcheck.h"
#include "vigil/vigil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1); /* exact size for ASan */

	if (!copy)
		return 0;
	memcpy(copy, data, size);
#if defined(HEUR_IMAGE)
	(void)image_broken(copy, size);
#elif defined(HEUR_EXE)
	(void)exe_broken_pe(copy, size);
	(void)exe_broken_elf(copy, size);
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
