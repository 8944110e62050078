/*
 * peimage.c -- mapping a PE file's sections to their addresses (read from
 * where the loader reads them, pe_loader_raw), and writing the headers of
 * the mapped image back as a file's.
 */
#include "common/le.h"
#include "formats/exe/peimage.h"

#include <stdlib.h>
#include <string.h>

#include "formats/format.h"
#include "vigil/vigil.h"

/* Where the headers pe_image_finish() writes end: the section table,
 * and the optional header up to SizeOfImage. */
static uint64_t headers_end(const struct pe_info *pe)
{
	uint64_t opt = (uint64_t)pe->pe_off + 24 + 60;

	return opt > pe->table_end ? opt : pe->table_end;
}

/* Section s's extent in memory: its virtual size, or its raw size. */
static uint32_t mapped_size(const struct pe_section *s)
{
	return s->vsize ? s->vsize : s->rawsize;
}

int pe_image_map(const uint8_t *buf, size_t len, const struct pe_info *pe,
		 uint16_t nkeep, size_t max, struct pe_image *img)
{
	uint64_t end = headers_end(pe);
	uint64_t hdr = pe->headers_size > end ? pe->headers_size : end;
	uint16_t i;

	img->b = NULL;
	img->len = 0;
	if (nkeep > pe->nsect)
		return FMT_DAMAGED;
	for (i = 0; i < nkeep; i++) {
		const struct pe_section *s = &pe->sect[i];

		if ((uint64_t)s->vaddr + mapped_size(s) > end)
			end = (uint64_t)s->vaddr + mapped_size(s);
		if (s->vaddr < pe->table_end || (s->rawsize && s->raw >= len))
			return FMT_DAMAGED;
		if (s->vaddr < hdr)
			hdr = s->vaddr;
	}
	if (end > max)
		return 1;
	if (!(img->b = calloc(1, (size_t)end)))
		return VIGIL_ENOMEM;
	img->len = (size_t)end;
	/* the headers: no more than the file has, nor than the image holds
	 * (SizeOfHeaders is the file's word, and with no section nothing
	 * lowers it) */
	if (hdr > len)
		hdr = len;
	if (hdr > end)
		hdr = end;
	memcpy(img->b, buf, (size_t)hdr);
	for (i = 0; i < nkeep; i++) {
		const struct pe_section *s = &pe->sect[i];
		uint32_t raw = pe_loader_raw(pe, s);
		uint64_t n = (uint64_t)s->rawsize + (s->raw - raw);

		if (!s->rawsize || raw >= len)
			continue;
		if (n > mapped_size(s))
			n = mapped_size(s);
		if (n > len - raw)
			n = len - raw; /* a last section cut short */
		memcpy(img->b + s->vaddr, buf + raw, (size_t)n);
	}
	return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void pe_image_finish(struct pe_image *img, const struct pe_info *pe,
		     uint16_t nkeep, uint32_t ep)
{
	uint32_t table = pe->table_end - 40u * pe->nsect;
	uint64_t end = headers_end(pe);
	uint16_t i;

	for (i = 0; i < nkeep; i++)
		if ((uint64_t)pe->sect[i].vaddr + mapped_size(&pe->sect[i]) >
		    end)
			end = (uint64_t)pe->sect[i].vaddr +
			      mapped_size(&pe->sect[i]);
	if (end < img->len)
		img->len = (size_t)end; /* the sections left out, cut off */
	/* the image holds the headers whole (pe_image_map) */
	img->b[pe->pe_off + 6] = (uint8_t)nkeep;
	img->b[pe->pe_off + 7] = (uint8_t)(nkeep >> 8);
	put32(img->b + pe->pe_off + 24 + 16, ep);
	put32(img->b + pe->pe_off + 24 + 56, (uint32_t)img->len);
	for (i = 0; i < nkeep; i++) {
		uint8_t *h = img->b + table + 40u * i;
		uint32_t size = mapped_size(&pe->sect[i]);

		put32(h + 8, size);
		put32(h + 16, size);
		put32(h + 20, pe->sect[i].vaddr);
	}
	if (nkeep < pe->nsect)
		memset(img->b + table + 40u * nkeep, 0, 40);
}

void pe_image_free(struct pe_image *img)
{
	free(img->b);
	img->b = NULL;
	img->len = 0;
}

uint32_t pe_image_u32(const struct pe_image *img, uint64_t at, int *ok)
{
	if (at > img->len || img->len - at < 4) {
		*ok = 0;
		return 0;
	}
	return le32_load(img->b + at);
}

uint8_t pe_image_u8(const struct pe_image *img, uint64_t at, int *ok)
{
	if (at >= img->len) {
		*ok = 0;
		return 0;
	}
	return img->b[at];
}
