/*
 * embedpe.c -- what executables and other binary data carry: first, for a
 * PE, the archive of a self-extractor (sfx.c) and the resources (peres.c);
 * then whole PE images, as
 * droppers and unpacked executables hold them. Every "MZ" past the start
 * whose e_lfanew leads to a PE signature is cut out, from its headers to
 * the end of its last section, and handed over as "embedded-pe-N". Other
 * binary data is searched only when it came out of a container (a stream,
 * a decompressed or unpacked image): a file of unknown binary data on its
 * own is not, as ClamAV does not either, which keeps bulk data fast.
 */
#include <stdio.h>
#include <string.h>

#include "formats/format.h"
#include "formats/exe/stages.h"
#include "formats/exe/pe.h"
#include "formats/exe/peres.h"
#include "common/reader.h"
#include "vigil/vigil.h"

/* Candidates examined, and images handed over, per object at most. */
#define EMBED_MAX_CANDIDATES 10000
#define EMBED_MAX_IMAGES 64

int embedpe_probe(const uint8_t *buf, size_t len, int type)
{
	(void)buf;
	return (type == VIGIL_TYPE_PE || type == VIGIL_TYPE_BINARY) && len > 2;
}

int embedpe_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	unsigned tried = 0, found = 0;
	struct rdr r;
	int rc = 0;

	if (fmt_type(c) == VIGIL_TYPE_PE &&
	    !(rc = sfx_extract(c, buf, len)))
		rc = peres_extract(c, buf, len);
	if (rc)
		return rc;
	if (fmt_type(c) != VIGIL_TYPE_PE && !fmt_depth(c))
		return rc;
	rdr_init(&r, buf, len);
	rdr_skip(&r, 1); /* not the file itself */
	while (!rc && rdr_find(&r, "MZ", 2)) {
		size_t size;
		char name[32];

		if (++tried > EMBED_MAX_CANDIDATES || found >= EMBED_MAX_IMAGES)
			break;
		size = pe_image_size(buf + r.pos, rdr_left(&r));
		if (!size) {
			rdr_skip(&r, 1);
			continue;
		}
		snprintf(name, sizeof(name), "embedded-pe-%u", ++found);
		rc = fmt_child(c, name, buf + r.pos, size);
		rdr_skip(&r, size);
	}
	return rc;
}
