/*
 * pepack.c -- executables whose entry point is a known packer's stub: the
 * stub is recognised by its code, and the packer's unpacker hands the
 * original image on. A PE without one goes to the formats after this one.
 */
#include "formats/pepack.h"

#include "formats/parsers.h"
#include "vigil/vigil.h"

static const struct pe_packer packers[] = {
	{ "aspack", aspack_is, aspack_unpack },
	{ "mew", mew_is, mew_unpack },
	{ "petite", petite_is, petite_unpack },
	{ "wwpack", wwpack_is, wwpack_unpack },
};

int pepack_probe(const uint8_t *buf, size_t len, int type)
{
	(void)buf;
	(void)len;
	return type == VIGIL_TYPE_PE;
}

int pepack_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	struct pe_info pe;
	long ep;
	size_t i;

	if (pe_parse(buf, len, &pe) == 0 && !pe.is64 &&
	    (ep = pe_rva_to_off(&pe, pe.ep)) >= 0 && (size_t)ep < len)
		for (i = 0; i < sizeof(packers) / sizeof(packers[0]); i++)
			if (packers[i].is(buf, len, &pe, (size_t)ep))
				return packers[i].unpack(c, buf, len, &pe);
	return fmt_extract_after(c, "pe-packer", buf, len);
}
