/*
 * mapi.c -- see mapi.h. A TNEF property list (MS-OXTNEF 2.1.3.5): a count,
 * then each property: its type and id (16 bits each); for a named property
 * (id 0x8000 and up) its GUID, kind and number or name; then its values.
 * Multi-valued types (0x1000 set) and the variable-length ones (strings,
 * binary, object) give a count of values first; each variable-length
 * value is its length and bytes, and every value is padded to 4 bytes.
 */
#include <stdio.h>

#include "common/reader.h"
#include "formats/codec/lzfu.h"
#include "formats/mail/mapi.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

#define PT_OBJECT 0x000d
#define PT_STRING8 0x001e
#define PT_UNICODE 0x001f
#define PT_BINARY 0x0102
#define MV_FLAG 0x1000
#define PR_RTF_COMPRESSED 0x1009
#define PR_HTML 0x1013
#define PR_ATTACH_DATA 0x3701
#define MAPI_NAME_BYTES 32

/* Bytes of one value of a fixed-length type, before padding; 0 for a
 * variable-length type, -1 for one unknown. */
static int fixed_bytes(unsigned type)
{
	switch (type) {
	case 0x0002: case 0x000b: return 2;	/* short, boolean */
	case 0x0001: case 0x0003: case 0x0004: case 0x000a: return 4;
	case 0x0005: case 0x0006: case 0x0007: case 0x0014: case 0x0040:
		return 8;	/* double, currency, time, 64-bit */
	case 0x0048: return 16;	/* CLSID */
	case PT_OBJECT: case PT_STRING8: case PT_UNICODE: case PT_BINARY:
	case 0x00fb: case 0x00fd: case 0x00fe: /* entry id, rules: binary */
		return 0;
	default: return -1;
	}
}

/* A value that carries content, handed over; others are stepped over. */
static int value(struct fmt_ctx *c, unsigned type, unsigned id,
		 const uint8_t *v, size_t len, unsigned *n)
{
	char name[MAPI_NAME_BYTES];

	if (id == PR_RTF_COMPRESSED && type == PT_BINARY)
		return mapi_rtf_child(c, "body.rtf", v, len);
	if (id == PR_HTML)
		return fmt_child(c, "body.html", v, len);
	if (id != PR_ATTACH_DATA)
		return 0;
	snprintf(name, sizeof(name), "attachment-data-%u", ++*n);
	if (type == PT_OBJECT) /* an interface GUID, then the object */
		return len > 16 ? fmt_child(c, name, v + 16, len - 16) : 0;
	return fmt_child(c, name, v, len);
}

/* One property's values; 0, FMT_DAMAGED, or as fmt_child(). */
static int values(struct fmt_ctx *c, struct rdr *r, unsigned type,
		  unsigned id, unsigned *n)
{
	unsigned base = type & ~MV_FLAG, count = 1, i;
	int fixed = fixed_bytes(base), rc = 0;

	if (fixed < 0)
		return FMT_DAMAGED;
	/* no bound on the counts: every value takes 4 bytes or more */
	if ((type & MV_FLAG) || !fixed)
		count = rdr_u32le(r);
	for (i = 0; i < count && !rc && !rdr_failed(r); i++) {
		size_t len = fixed ? (size_t)fixed : rdr_u32le(r), claim = len;
		const uint8_t *v;

		if (fixed) {
			rdr_skip(r, len + (-len % 4));
			continue;
		}
		/* cut short: as far as it goes, and the list ends there */
		v = rdr_failed(r) ? NULL : fmt_upto(c, "TNEF property", r, &len);
		if (v && len)
			rc = value(c, base, id, v, len, n);
		if (len < claim)
			return rc ? rc : FMT_DAMAGED;
		rdr_skip(r, -len % 4);
	}
	return rdr_failed(r) ? FMT_DAMAGED : rc;
}

int mapi_props(struct fmt_ctx *c, const uint8_t *b, size_t len, unsigned *n)
{
	struct rdr r;
	uint32_t count, i;
	int rc = 0;

	rdr_init(&r, b, len);
	count = rdr_u32le(&r);
	for (i = 0; i < count && !rc && !fmt_expired(c); i++) {
		unsigned type = rdr_u16le(&r), id = rdr_u16le(&r);

		if (id >= 0x8000) { /* named: GUID, then a number or a name */
			rdr_skip(&r, 16);
			if (rdr_u32le(&r) == 1) {
				uint32_t nlen = rdr_u32le(&r);

				rdr_skip(&r, (size_t)nlen + (-nlen % 4));
			} else {
				rdr_skip(&r, 4);
			}
		}
		rc = rdr_failed(&r) ? FMT_DAMAGED : values(c, &r, type, id, n);
	}
	if (rc == FMT_DAMAGED) {
		fmt_warn(c, "TNEF properties: damaged after %lu of %lu",
			 (unsigned long)i, (unsigned long)count);
		rc = 0;
	}
	return rc;
}

int mapi_rtf_child(struct fmt_ctx *c, const char *name, const uint8_t *in,
		   size_t len)
{
	struct vbuf out = { 0 };
	int over = 0, rc = 0;
	int r = lzfu_decode(in, len, fmt_max_output(c, len), &out, &over);

	if (r == VIGIL_ENOMEM)
		rc = r;
	else if (over)
		rc = fmt_over(c, name, len);
	else if (r == 1)
		fmt_warn(c, "%s: not compressed RTF", name);
	else if (r == FMT_DAMAGED)
		fmt_warn(c, "%s: compressed RTF cut short (%zu bytes "
			 "recovered)", name, out.len);
	if (!rc && r != 1 && !over && out.len)
		rc = fmt_child(c, name, out.data, out.len);
	vbuf_free(&out);
	return rc;
}
