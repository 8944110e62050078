/*
 * anchorset.c -- the anchors matcher of a whole signature set, a table per
 * ClamAV target type (as ClamAV keeps a matcher root per type). The test
 * in front of a table (prefilter.c) costs the same at every place however
 * many keys the table holds, unless it holds few: with no key of four
 * bytes that test is skipped, and with a few hundred the two-byte test in
 * registers passes only a fraction of the places on to it. A generated
 * feed of the official one's size holds 88% of its logical signatures for
 * PE files and 7% of its body signatures for any type; an ELF file, a text
 * or an unknown type meets only its own type's and those. Measured over
 * bench/feedload.py's 256 MiB corpus (binaries, text, random data) with
 * that feed, one thread, load included: 0.72-0.73 s with one table, 0.68-
 * 0.70 with the short anchors below left out, 0.53-0.56 with both; with
 * ClamAV's main.ldb over the same corpus 1.21-1.26 s -> 1.04-1.07.
 *
 * Four-byte keys are tested at every place, eight-byte ones at every
 * fourth (prefilter.c): a logical signature that cannot hold without one
 * of its subsignatures whose anchors are all of eight bytes leaves its
 * patterns of four-byte anchors to be verified when it was touched
 * (defer.c). The generated feed's four-byte keys: 132,652 -> 17,676;
 * ClamAV's main.ldb's: 54,439 -> 19,463.
 *
 * A pattern whose runs of four fixed bytes all lie past a "*" gets its
 * anchor there (ANCHORS_UNBOUNDED) rather than a place in the Vectorscan
 * database of the rest, where such patterns run as automata: the
 * generated feed's 528 of them (a quarter of its body signatures have a
 * "*") took a quarter of the scan's time there. With them anchored, the
 * same run as above: 0.53-0.56 s -> 0.34-0.35.
 */
#include "match/anchorset.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/reader.h"
#include "db/vdb_format.h"
#include "match/defer.h"
#include "util/fileio.h"
#include "vigil/vigil.h"

#define KIND_NONE 2	/* no anchor */
#define KIND_DROPPED 3	/* a four-byte anchor left out (defer.c) */

/* Each matchable's anchor kind, those deferrable dropped: NULL if out of
 * memory. */
static uint8_t *kinds(const struct vdb_view *v)
{
	uint8_t *kind = malloc(v->nmatch ? v->nmatch : 1);

	if (!kind)
		return NULL;
	for (uint32_t i = 0; i < v->nmatch; i++) {
		int k = anchors_kind(v, i, ANCHORS_UNBOUNDED);

		kind[i] = k < 0 ? KIND_NONE : (uint8_t)k;
	}
	defer_short(v, kind, 0, 1, KIND_DROPPED);
	return kind;
}

/* Target t's table: the anchored matchables of type t and of any. */
static int build_target(const struct vdb_view *v, const uint8_t *kind,
			uint32_t *ids, unsigned t, uint8_t *rtflags,
			uint8_t flag, struct anchor_set *out)
{
	size_t n = 0;
	int rc;

	for (uint32_t i = 0; i < v->nmatch; i++)
		if (kind[i] < KIND_NONE &&
		    (v->match[i].target == t || v->match[i].target == 0))
			ids[n++] = i;
	rc = anchors_build_ids(v, ids, n, rtflags, flag, ANCHORS_UNBOUNDED,
			       &out->t[t]);
	out->have |= 1u << t;
	out->bytes += out->t[t].bytes;
	return rc;
}

int anchorset_build(const struct vdb_view *v, uint8_t *rtflags, uint8_t flag,
		    struct anchor_set *out)
{
	uint32_t *ids = malloc((v->nmatch ? v->nmatch : 1) * sizeof(*ids));
	uint8_t *kind = kinds(v);
	uint32_t wanted = 1;
	int rc = kind && ids ? 0 : VIGIL_ENOMEM;

	memset(out, 0, sizeof(*out));
	for (uint32_t i = 0; !rc && i < v->nmatch; i++)
		if (kind[i] < KIND_NONE && v->match[i].target < ANCHOR_TARGETS)
			wanted |= 1u << v->match[i].target;
	for (unsigned t = 0; !rc && t < ANCHOR_TARGETS; t++)
		if (wanted >> t & 1)
			rc = build_target(v, kind, ids, t, rtflags, flag, out);
	free(kind);
	free(ids);
	if (rc)
		anchorset_free(out);
	return rc;
}

int anchorset_scan(const struct anchor_set *s, uint32_t targets,
		   const uint8_t *buf, size_t len, anchor_fn fn, void *ctx)
{
	uint32_t own = targets & s->have & ~1u;

	if (!own)
		return anchors_scan(&s->t[0], buf, len, fn, ctx);
	/* several types at once (no object is so today): each table, the
	 * patterns of any type reported once per table, which the caller
	 * takes as the repeats they are */
	for (; own; own &= own - 1)
		if (anchors_scan(&s->t[__builtin_ctz(own)], buf, len, fn, ctx))
			return 1;
	return 0;
}

void anchorset_free(struct anchor_set *s)
{
	for (unsigned t = 0; t < ANCHOR_TARGETS; t++)
		anchors_free(&s->t[t]);
	if (s->map)
		munmap(s->map, s->map_len);
	memset(s, 0, sizeof(*s));
}

int anchorset_save(const struct anchor_set *s, const uint8_t *rtflags,
		   uint8_t flag, size_t nmatch, struct vbuf *b)
{
	uint64_t hdr[2] = { nmatch, s->have };
	int rc = vbuf_append(b, hdr, sizeof(hdr));

	for (unsigned t = 0; t < ANCHOR_TARGETS && !rc; t++)
		if (s->have >> t & 1)
			rc = anchors_save(&s->t[t], b);
	for (size_t i = 0; i < nmatch && !rc; i++)
		rc = vbuf_append_u8(b, !!(rtflags[i] & flag));
	return rc ? VIGIL_ENOMEM : 0;
}

/* 1 if each of the n entries at ent names a matchable below nmatch whose
 * has[] is set; with ANCHORSET_MAPPED in how, their pages handed back a
 * step at a time once looked at. */
#define ENTRY_STEP 65536
static int kind_ok(const struct anchor *ent, size_t n, const uint8_t *has,
		   size_t nmatch, unsigned how)
{
	for (size_t s = 0; s < n; s += ENTRY_STEP) {
		size_t e = n - s > ENTRY_STEP ? s + ENTRY_STEP : n;

		for (size_t i = s; i < e; i++)
			if (ent[i].id >= nmatch || !has[ent[i].id])
				return 0;
		if (how & ANCHORSET_MAPPED)
			mapping_release(ent + s, (e - s) * sizeof(*ent));
	}
	return 1;
}

static int entries_ok(const struct anchor_set *s, const uint8_t *has,
		      size_t nmatch, unsigned how)
{
	for (unsigned t = 0; t < ANCHOR_TARGETS; t++)
		for (int k = 0; k < ANCHOR_KINDS; k++)
			if (!kind_ok(s->t[t].ent[k], s->t[t].n[k], has, nmatch,
				     how))
				return 0;
	return 1;
}

/* The tables s->have names, from r; then which matchables have an anchor,
 * every entry naming one of those. */
static const uint8_t *load_tables(struct rdr *r, size_t nmatch,
				  unsigned how, struct anchor_set *s)
{
	const uint8_t *has = NULL;
	unsigned t;

	for (t = 0; t < ANCHOR_TARGETS; t++)
		if ((s->have >> t & 1) &&
		    anchors_load(r, !!(how & ANCHORSET_CHECKED), &s->t[t]) < 0)
			return NULL;
	if (rdr_left(r) != nmatch || !(has = rdr_bytes(r, nmatch)))
		return NULL;
	for (size_t i = 0; i < nmatch; i++)
		if (has[i] > 1)
			return NULL;
	if (!(how & ANCHORSET_CHECKED) && !entries_ok(s, has, nmatch, how))
		return NULL;
	for (t = 0; t < ANCHOR_TARGETS; t++)
		s->bytes += s->t[t].bytes;
	return has;
}

int anchorset_load(const uint8_t *img, size_t len, size_t nmatch,
		   uint8_t *rtflags, uint8_t flag, unsigned how,
		   struct anchor_set *out)
{
	const uint8_t *has;
	struct rdr r;
	uint64_t have;

	memset(out, 0, sizeof(*out));
	rdr_init(&r, img, len);
	if (rdr_u64le(&r) != nmatch)
		return -1;
	have = rdr_u64le(&r);
	if (!(have & 1) || have >> ANCHOR_TARGETS)
		return -1;
	out->have = (uint32_t)have;
	if (!(has = load_tables(&r, nmatch, how, out))) {
		anchorset_free(out);
		return -1;
	}
	for (size_t i = 0; i < nmatch; i++)
		rtflags[i] |= has[i] ? flag : 0;
	return 0;
}
