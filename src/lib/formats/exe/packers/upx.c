/*
 * upx.c -- executables packed with UPX, PE and ELF. The pack header
 * ("UPX!") gives the method and sizes; PE images keep the compressed
 * image in the second section, ELF files in a chain of blocks after the
 * program headers. What decompresses (NRV2B, NRV2D, NRV2E) is handed over
 * as "upx-unpacked": the original image's bytes, in which the embedded
 * files and the original code are matched and found.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "formats/format.h"
#include "formats/codec/nrv.h"
#include "formats/exe/stages.h"
#include "formats/exe/pe.h"
#include "common/reader.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

#define UPX_SEARCH_BYTES 4096
#define UPX_MAX_BLOCKS 100000

int upx_probe(const uint8_t *buf, size_t len, int type)
{
	return (type == VIGIL_TYPE_PE || type == VIGIL_TYPE_ELF) &&
	       memmem(buf, len < UPX_SEARCH_BYTES ? len : UPX_SEARCH_BYTES,
		      "UPX!", 4);
}

/* UPX's method numbers, for the 32-bit little-endian variants. */
static int nrv_method(unsigned m)
{
	switch (m) {
	case 2:
		return NRV2B;
	case 5:
		return NRV2D;
	case 8:
		return NRV2E;
	default:
		return 0;
	}
}

static int emit(struct fmt_ctx *c, const uint8_t *data, size_t len, int ok)
{
	if (!ok)
		fmt_warn(c, "damaged UPX data (%zu bytes unpacked)", len);
	return len ? fmt_child(c, "upx-unpacked", data, len) : 0;
}

static int upx_pe(struct fmt_ctx *c, const uint8_t *buf, size_t len,
		  const uint8_t *ph)
{
	struct pe_info pe;
	struct rdr r;
	uint32_t ulen, clen;
	int method;
	uint8_t *out;
	long n;
	int rc;

	rdr_init(&r, ph, (size_t)(buf + len - ph));
	rdr_skip(&r, 6);
	method = nrv_method(rdr_u8(&r));
	rdr_skip(&r, 9);
	ulen = rdr_u32le(&r);
	clen = rdr_u32le(&r);
	if (rdr_failed(&r) || pe_parse(buf, len, &pe) < 0 || pe.nsect < 2 ||
	    (uint64_t)pe.sect[1].raw + clen > len) {
		fmt_warn(c, "UPX: unusable pack header");
		return 0;
	}
	if (!method) {
		fmt_warn(c, "UPX: compression method %u not supported", ph[6]);
		return 0;
	}
	if (ulen > fmt_max_output(c, clen))
		return fmt_over(c, "upx-unpacked", clen);
	if (!(out = malloc(ulen ? ulen : 1)))
		return VIGIL_ENOMEM;
	n = nrv_decompress(method, buf + pe.sect[1].raw, clen, out, ulen);
	/* a full output ends the stream, whether or not its end mark came */
	rc = emit(c, out, n < 0 ? (size_t)(-n - 1) : (size_t)n,
		  n >= 0 || (size_t)(-n - 1) == ulen);
	free(out);
	return rc;
}

#define UPX_TOO_BIG 2

/*
 * One block of a packed ELF file into out (at most max bytes in all): 0,
 * 1 at the end, UPX_TOO_BIG, FMT_DAMAGED or VIGIL_ENOMEM.
 */
static int elf_block(struct rdr *r, size_t max, struct vbuf *out)
{
	uint32_t unc = rdr_u32le(r), cpr = rdr_u32le(r);
	int method = nrv_method(rdr_u8(r));
	const uint8_t *data;
	long n;

	rdr_skip(r, 3);
	if (rdr_failed(r) || unc == 0)
		return 1;
	if (!(data = rdr_bytes(r, cpr)))
		return FMT_DAMAGED;
	if (out->len + unc > max)
		return UPX_TOO_BIG;
	if (vbuf_reserve(out, unc) < 0)
		return VIGIL_ENOMEM;
	if (cpr >= unc) { /* stored */
		memcpy(out->data + out->len, data, unc);
		out->len += unc;
		return 0;
	}
	if (!method)
		return FMT_DAMAGED;
	n = nrv_decompress(method, data, cpr, out->data + out->len, unc);
	out->len += n < 0 ? (size_t)(-n - 1) : (size_t)n;
	return n == (long)unc ? 0 : FMT_DAMAGED; /* blocks follow unpadded */
}

static int upx_elf(struct fmt_ctx *c, const uint8_t *buf, size_t len,
		   const uint8_t *magic)
{
	struct vbuf out = { 0 };
	struct rdr r;
	unsigned i;
	int ok = 1, rc, b = 0;

	/* l_info: checksum, "UPX!", size, version, format; p_info: 12 bytes */
	rdr_init(&r, buf, len);
	rdr_seek(&r, (size_t)(magic - buf) + 4 + 4 + 12);
	for (i = 0; i < UPX_MAX_BLOCKS && !fmt_expired(c); i++) {
		if ((b = elf_block(&r, fmt_max_output(c, len), &out)) != 0)
			break;
	}
	ok = b == 1;
	if (b == UPX_TOO_BIG)
		rc = fmt_over(c, "upx-unpacked", len);
	else if (b == VIGIL_ENOMEM)
		rc = b;
	else
		rc = emit(c, out.data, out.len, ok);
	vbuf_free(&out);
	return rc;
}

int upx_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	const uint8_t *ph = memmem(buf, len < UPX_SEARCH_BYTES ? len :
					       UPX_SEARCH_BYTES,
				   "UPX!", 4);

	int rc;

	if (!ph)
		return EXE_NEXT;
	rc = fmt_type(c) == VIGIL_TYPE_PE ? upx_pe(c, buf, len, ph) :
					    upx_elf(c, buf, len, ph);
	/* unpacked or not UPX after all: the stages after this one still
	 * look at the file (an appended archive, an overlay) */
	return rc ? rc : EXE_NEXT;
}
