/*
 * ppt.c -- OLE objects embedded in a PowerPoint document: the records of
 * the "PowerPoint Document" stream are walked (containers into their
 * children, to PPT_MAX_DEPTH), and each ExOleObjStg record's object,
 * zlib-compressed or stored, is handed to fmt_child() (one that inflates
 * past its declared size twice: as declared, and whole).
 */
#include <stdio.h>
#include <string.h>

#include "common/le.h"
#include "formats/archive/streams.h"
#include "formats/office/ppt.h"
#include "util/vbuf.h"
#include "common/reader.h"
#include "vigil/vigil.h"

#define PPT_MAX_DEPTH 16
#define RT_EX_OLE_OBJ_STG 0x1011

/* A compressed object: its declared size, then zlib (its two-byte header
 * skipped), inflated as streams.h's stream_inflate_declared() tells. */
static int inflated(struct fmt_ctx *c, const char *name, const uint8_t *p,
		    size_t len)
{
	uint32_t want = le32_load(p);

	if (want > fmt_max_output(c, len))
		return fmt_over(c, name, len);
	return len > 6 ? stream_inflate_declared(c, name, p + 6, len - 6, want) :
			 0;
}

static int object(struct fmt_ctx *c, const uint8_t *p, size_t len,
		  int compressed, unsigned *n)
{
	char name[32];

	snprintf(name, sizeof(name), "ole-object-%u", ++*n);
	if (!compressed)
		return fmt_child(c, name, p, len);
	return len < 4 ? 0 : inflated(c, name, p, len);
}

static int records(struct fmt_ctx *c, const uint8_t *b, size_t len,
		   unsigned depth, unsigned *n)
{
	struct rdr r;
	int rc = 0;

	rdr_init(&r, b, len);
	while (!rc && rdr_left(&r) >= 8 && !fmt_expired(c)) {
		uint16_t vi = rdr_u16le(&r), type = rdr_u16le(&r);
		uint32_t rlen = rdr_u32le(&r);
		const uint8_t *p;

		if (rlen > rdr_left(&r))
			rlen = (uint32_t)rdr_left(&r); /* truncated: keep what is */
		p = rdr_bytes(&r, rlen);
		if ((vi & 0xf) == 0xf && depth < PPT_MAX_DEPTH)
			rc = records(c, p, rlen, depth + 1, n);
		else if (type == RT_EX_OLE_OBJ_STG)
			rc = object(c, p, rlen, (vi >> 4) == 1, n);
	}
	return rc;
}

int ppt_objects(struct fmt_ctx *c, const uint8_t *b, size_t len)
{
	unsigned n = 0;

	return records(c, b, len, 0, &n);
}
