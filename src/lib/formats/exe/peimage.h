/*
 * peimage.h -- a PE file laid out as the loader maps it: the headers, then
 * each section's bytes at its relative virtual address. The unpackers of
 * packers that rewrite sections in memory (WWPack and the like) work on
 * such an image, then turn it back into a file whose sections sit where
 * they are mapped, so that what is matched and searched in it afterwards
 * (embedded files, the original code) is where a loader would put it.
 */
#ifndef VIGIL_FORMATS_PEIMAGE_H
#define VIGIL_FORMATS_PEIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "formats/exe/pe.h"

struct pe_image {
	uint8_t *b;
	size_t len;
};

/*
 * Maps buf's headers and its first nkeep sections (pe from pe_parse) into
 * a new image of at most max bytes (bytes no section fills are zero):
 * 0, 1 if the image would be larger than max, FMT_DAMAGED if a section
 * lies outside the file or over the headers, or VIGIL_ENOMEM.
 */
int pe_image_map(const uint8_t *buf, size_t len, const struct pe_info *pe,
		 uint16_t nkeep, size_t max, struct pe_image *img);
/*
 * Rewrites the image's headers for a file of its first nkeep sections,
 * each at its address (file offset = RVA, size = virtual size), the
 * entry point ep and the image's size (what lies past the last kept
 * section is cut off); the header of section nkeep is cleared.
 */
void pe_image_finish(struct pe_image *img, const struct pe_info *pe,
		     uint16_t nkeep, uint32_t ep);
void pe_image_free(struct pe_image *img);
/* The image's little-endian word, or byte, at `at`; 0 with *ok cleared
 * when it is not wholly in the image. */
uint32_t pe_image_u32(const struct pe_image *img, uint64_t at, int *ok);
uint8_t pe_image_u8(const struct pe_image *img, uint64_t at, int *ok);

#endif
