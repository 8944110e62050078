/*
 * pepack.c -- executables whose entry point is a known packer's stub: the
 * stub is recognised by its code, the file is mapped as the loader maps
 * it, the packer's unpacker works in that image, and the image goes on,
 * headers rewritten (pe_image_finish), to be matched and searched in turn.
 * A PE without a known stub goes to the formats after this one.
 */
#include "formats/exe/packers/pepack.h"

#include "formats/exe/stages.h"
#include "vigil/vigil.h"

static const struct pe_packer packers[] = {
	{ "ASPack", "aspack-unpacked", aspack_is, aspack_unpack },
	{ "FSG", "fsg-unpacked", fsg_is, fsg_unpack },
	{ "MEW", "mew-unpacked", mew_is, mew_unpack },
	{ "PESpin", "pespin-unpacked", pespin_is, pespin_unpack },
	{ "Petite", "petite-unpacked", petite_is, petite_unpack },
	{ "Upack", "upack-unpacked", upack_is, upack_unpack },
	{ "WWPack", "wwpack-unpacked", wwpack_is, wwpack_unpack },
};

int pepack_empty_section(const struct pe_info *pe)
{
	uint16_t i;

	for (i = 0; i + 1 < pe->nsect; i++)
		if (!pe->sect[i].rawsize && pe->sect[i].vsize &&
		    pe->sect[i + 1].rawsize && pe->sect[i + 1].vsize)
			return i;
	return -1;
}

int pepack_probe(const uint8_t *buf, size_t len, int type)
{
	(void)buf;
	(void)len;
	return type == VIGIL_TYPE_PE;
}

static int not_mine(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	(void)c;
	(void)buf;
	(void)len;
	return EXE_NEXT;
}

/* Whether the section of the stub's entry point is among the first keep. */
static int stub_kept(const struct pe_info *pe, uint16_t keep)
{
	uint16_t i;

	for (i = 0; i < keep && i < pe->nsect; i++) {
		const struct pe_section *s = &pe->sect[i];

		if (pe->ep - s->vaddr < (s->vsize ? s->vsize : s->rawsize))
			return 1;
	}
	return 0;
}

static int unpack(struct fmt_ctx *c, const struct pe_packer *p,
		  const uint8_t *buf, size_t len, const struct pe_info *pe)
{
	struct pe_unpacked out = { pe->nsect, pe->ep };
	struct pe_image img;
	int rc;

	rc = pe_image_map(buf, len, pe, pe->nsect, fmt_max_output(c, len),
			  &img);
	if (rc == 1)
		return (rc = fmt_over(c, p->object, len)) ? rc : EXE_NEXT;
	if (rc == VIGIL_ENOMEM)
		return rc;
	if (rc < 0) {
		fmt_warn(c, "%s: sections outside the file", p->name);
		return not_mine(c, buf, len);
	}
	rc = p->unpack(c, &img, pe, buf, len, &out);
	if (rc == VIGIL_ENOMEM || rc == PE_NOT_MINE) {
		pe_image_free(&img);
		return rc == PE_NOT_MINE ? not_mine(c, buf, len) : rc;
	}
	if (rc == FMT_DAMAGED)
		fmt_warn(c, "%s: damaged (what it unpacked to so far is "
			    "scanned)", p->name);
	if (out.ep == pe->ep && stub_kept(pe, out.keep))
		out.ep = 0; /* else the image would be unpacked again */
	pe_image_finish(&img, pe, out.keep, out.ep);
	rc = fmt_child(c, p->object, img.b, img.len);
	pe_image_free(&img);
	return rc ? rc : EXE_NEXT; /* its overlay and resources still count */
}

int pepack_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	struct pe_info pe;
	long ep;
	size_t i;

	if (pe_parse(buf, len, &pe) == 0 && !pe.is64 && pe.nsect &&
	    (ep = pe_loader_off(&pe, pe.ep)) >= 0 && (size_t)ep < len)
		for (i = 0; i < sizeof(packers) / sizeof(packers[0]); i++)
			if (packers[i].is(buf, len, &pe, (size_t)ep))
				return unpack(c, &packers[i], buf, len, &pe);
	return not_mine(c, buf, len);
}
