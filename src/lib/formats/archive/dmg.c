/*
 * dmg.c -- Apple disk images (UDIF): the "koly" trailer in the last 512
 * bytes gives the XML property list, whose "blkx" array holds one "mish"
 * table per partition (base64 in a <data> element): runs of sectors
 * stored, zero-filled, deflated (zlib) or bzip2-compressed, each at a file
 * offset before the property list. Each partition, its runs in sector
 * order, is a contained object ("dmg-N"). ADC-compressed runs are not
 * read (Heuristics.Broken.DMG), as neither is anything ClamAV refuses:
 * runs past the property list or with an unknown type. Field layout as
 * Apple's UDIF format and ClamAV's reader give it.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "formats/archive/streams.h"
#include "formats/codec/encoding.h"
#include "formats/codec/xmlelem.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "sig/cltype.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

#define KOLY_BYTES 512
#define MISH_BYTES 204
#define RUN_BYTES 40
#define SECTOR 512
#define RUN_STORED 0x00000001u
#define RUN_ZEROES 0x00000002u
#define RUN_EMPTY 0x00000000u
#define RUN_ADC 0x80000004u
#define RUN_DEFLATE 0x80000005u
#define RUN_BZIP2 0x80000006u
#define RUN_COMMENT 0x7FFFFFFEu
#define RUN_END 0xFFFFFFFFu
#define DMG_MAX_RUNS 65536
#define DMG_MAX_PARTS 256
#define BROKEN "Heuristics.Broken.DMG"

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32_load(p) << 32 | be32_load(p + 4);
}

int dmg_probe(const uint8_t *buf, size_t len, int type)
{
	(void)type;
	return len > KOLY_BYTES && !memcmp(buf + len - KOLY_BYTES, "koly", 4);
}

struct run {
	uint32_t type;
	uint64_t sector, count, off, len;
};

static int by_sector(const void *a, const void *b)
{
	const struct run *x = a, *y = b;

	return x->sector < y->sector ? -1 : x->sector > y->sector;
}

enum { RUN_OK = 0, RUN_BAD = 1, RUN_BIG = 2 };

static int zeroes(const struct run *r, struct vbuf *out, size_t max)
{
	size_t n;

	if (r->count > (max - out->len) / SECTOR)
		return RUN_BIG;
	if (!(n = (size_t)r->count * SECTOR))
		return RUN_OK; /* an empty run: nothing to add */
	if (vbuf_reserve(out, n) < 0)
		return VIGIL_ENOMEM;
	memset(out->data + out->len, 0, n);
	out->len += n;
	return RUN_OK;
}

static int unpack_run(struct fmt_ctx *c, const uint8_t *buf,
		      const struct run *r, struct vbuf *out, size_t max)
{
	struct stream_out o;
	int rc;

	stream_out_init(&o, c, max - out->len);
	if (r->type == RUN_BZIP2)
		stream_bunzip(&o, buf + r->off, (size_t)r->len);
	else if (r->len > 2) /* zlib: a 2-byte header, then deflate */
		stream_inflate_raw(&o, buf + r->off + 2, (size_t)r->len - 2);
	rc = o.nomem ? VIGIL_ENOMEM : o.stop ? RUN_BIG :
	     (o.err && !o.b.len) ? RUN_BAD :
	     vbuf_append(out, o.b.data, o.b.len);
	vbuf_free(&o.b);
	return rc;
}

/* One run onto the partition: RUN_OK, RUN_BAD, RUN_BIG or an error. */
static int run_out(struct fmt_ctx *c, const uint8_t *buf, const struct run *r,
		   struct vbuf *out, size_t max)
{
	switch (r->type) {
	case RUN_STORED:
		if (r->len > max - out->len)
			return RUN_BIG;
		return vbuf_append(out, buf + r->off, (size_t)r->len);
	case RUN_ZEROES:
	case RUN_EMPTY:
		return zeroes(r, out, max);
	case RUN_DEFLATE:
	case RUN_BZIP2:
		return unpack_run(c, buf, r, out, max);
	default:
		return RUN_BAD; /* ADC, and what ClamAV does not know */
	}
}

/* The runs of one mish table (n of them) into runs; -1 if damaged. */
static int mish_runs(const uint8_t *m, size_t mlen, uint64_t xml_off,
		     struct run *runs, uint32_t *n)
{
	uint32_t i, k = 0, count;

	if (mlen < MISH_BYTES || memcmp(m, "mish", 4))
		return -1;
	count = be32_load(m + 200);
	if (count > DMG_MAX_RUNS || (mlen - MISH_BYTES) / RUN_BYTES < count)
		return -1;
	for (i = 0; i < count; i++) {
		const uint8_t *p = m + MISH_BYTES + (size_t)i * RUN_BYTES;
		struct run *r = &runs[k];

		r->type = be32_load(p);
		r->sector = be64(p + 8);
		r->count = be64(p + 16);
		r->off = be64(p + 24);
		r->len = be64(p + 32);
		if (r->type == RUN_END)
			break;
		if (r->type == RUN_COMMENT)
			continue;
		if (r->off > xml_off || r->len > xml_off - r->off)
			return -1;
		k++;
	}
	*n = k;
	qsort(runs, k, sizeof(*runs), by_sector);
	return 0;
}

/* One partition from its mish table, handed over as "dmg-N". */
static int partition(struct fmt_ctx *c, const uint8_t *buf, uint64_t xml_off,
		     const struct vbuf *mish, unsigned idx)
{
	size_t max = fmt_max_child(c);
	struct vbuf out = { 0 };
	struct run *runs;
	uint32_t n = 0, i;
	char name[32];
	int rc = 0;

	snprintf(name, sizeof(name), "dmg-%u", idx);
	if (!(runs = calloc(mish->len / RUN_BYTES + 1, sizeof(*runs))))
		return VIGIL_ENOMEM;
	if (mish_runs(mish->data, mish->len, xml_off, runs, &n) < 0)
		rc = RUN_BAD;
	for (i = 0; i < n && rc == RUN_OK && !fmt_expired(c); i++)
		rc = run_out(c, buf, &runs[i], &out, max);
	free(runs);
	if (rc == RUN_BAD)
		rc = fmt_unreadable(c, BROKEN);
	else if (rc == RUN_BIG)
		rc = fmt_too_big(c, name);
	else if (rc == 0 && out.len)
		rc = fmt_child(c, name, out.data, out.len);
	vbuf_free(&out);
	return rc;
}

int dmg_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	const uint8_t *k = buf + len - KOLY_BYTES, *xml, *blkx, *arr_end;
	uint64_t xml_off = be64(k + 216), xml_len = be64(k + 224);
	size_t pos = 0, xlen;
	unsigned idx = 0;
	int rc = 0;

	if (xml_off > len || xml_len > len - xml_off)
		return fmt_unreadable(c, BROKEN);
	fmt_set_container(c, CLT_DMG); /* Vigil's own type says binary */
	xml = buf + xml_off;
	xlen = (size_t)xml_len;
	if (!(blkx = memmem(xml, xlen, "<key>blkx</key>", 15)))
		return 0; /* no partitions */
	pos = (size_t)(blkx - xml);
	arr_end = memmem(blkx, xlen - pos, "</array>", 8);
	xlen = arr_end ? (size_t)(arr_end - xml) : xlen;
	while (!rc && idx < DMG_MAX_PARTS) {
		struct vbuf mish = { 0 };
		struct xml_elem e;
		int over = 0;

		if (!xml_next(xml, xlen, &pos, "data", &e))
			break;
		rc = enc_base64(e.text, e.text_len, (size_t)DMG_MAX_RUNS * RUN_BYTES +
					  MISH_BYTES, &mish, &over);
		if (rc == 0)
			rc = over ? fmt_unreadable(c, BROKEN) :
			     partition(c, buf, xml_off, &mish, ++idx);
		vbuf_free(&mish);
	}
	return rc;
}
