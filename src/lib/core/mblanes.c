/*
 * mblanes.c -- the digests of many buffers at once (mblanes.h). MD5 and
 * SHA-256 are each one serial chain of steps a block, so one buffer keeps
 * one processor busy at a fraction of its width: sixteen go through the
 * steps side by side instead, one in each 32-bit lane of AVX-512. Written
 * here because no maintained library in Debian hashes several messages at
 * once (Intel's isa-l_crypto, which does, is not packaged).
 *
 * Each lane takes a buffer, longest first (so that the last lanes to
 * finish are short ones): its whole blocks straight from the buffer,
 * then its last bytes and padding from a copy of one or two blocks. A
 * step costs the same however few lanes are busy, so a buffer much
 * longer than the rest would leave most lanes idle while it finishes:
 * the longest are left to OpenSSL where the schedule, worked out before
 * (plan()), says that costs less. With the processor's SHA extensions
 * a SHA-256 block alone costs a seventh of a step of sixteen, so a batch
 * of one long file and small ones is better hashed one by one.
 */
#include "core/mblanes.h"

#include <stdlib.h>
#include <string.h>

#include "util/cpu.h"
#include "vigil/vigil.h"

static int one_by_one(const struct mb_algo *a, const uint8_t *const *buf,
		      const size_t *len, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i++) {
		unsigned olen;

		if (!EVP_Digest(len[i] ? buf[i] : (const uint8_t *)"", len[i],
				out + i * a->nwords * 4, &olen, a->md(), NULL))
			return VIGIL_ENOMEM;
	}
	return 0;
}

#if MB_AVX512

MB_TARGET void mb_transpose(__m512i r[16])
{
	__m512i t[16];
	int i;

	for (i = 0; i < 16; i += 2) {
		t[i] = _mm512_unpacklo_epi32(r[i], r[i + 1]);
		t[i + 1] = _mm512_unpackhi_epi32(r[i], r[i + 1]);
	}
	for (i = 0; i < 16; i += 4) {
		r[i] = _mm512_unpacklo_epi64(t[i], t[i + 2]);
		r[i + 1] = _mm512_unpackhi_epi64(t[i], t[i + 2]);
		r[i + 2] = _mm512_unpacklo_epi64(t[i + 1], t[i + 3]);
		r[i + 3] = _mm512_unpackhi_epi64(t[i + 1], t[i + 3]);
	}
	for (i = 0; i < 4; i++) {
		t[i] = _mm512_shuffle_i32x4(r[i], r[i + 4], 0x88);
		t[i + 4] = _mm512_shuffle_i32x4(r[i], r[i + 4], 0xdd);
		t[i + 8] = _mm512_shuffle_i32x4(r[i + 8], r[i + 12], 0x88);
		t[i + 12] = _mm512_shuffle_i32x4(r[i + 8], r[i + 12], 0xdd);
	}
	for (i = 0; i < 4; i++) {
		r[i] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0x88);
		r[i + 8] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0xdd);
		r[i + 4] = _mm512_shuffle_i32x4(t[i + 4], t[i + 12], 0x88);
		r[i + 12] = _mm512_shuffle_i32x4(t[i + 4], t[i + 12], 0xdd);
	}
}

/* One lane's buffer: its whole blocks, then its tail (last bytes, 0x80,
 * zeros, the length in bits) of one or two blocks. */
struct lane {
	const uint8_t *p;
	size_t left;		/* blocks before the part ends */
	int in_tail;
	size_t job;		/* SIZE_MAX: idle */
	uint8_t tail[128];
	size_t ntail;
};

/* The scan's lanes, and the buffers in the order they are taken. */
struct mb_run {
	const struct mb_algo *a;
	const uint8_t *const *buf;
	const size_t *len, *order;
	size_t n, next;
	uint8_t *out;
	struct lane ln[MB_LANES];
	__m512i st[MB_MAX_WORDS];
};

static void lane_begin(const struct mb_algo *a, struct lane *l, size_t job,
		       const uint8_t *buf, size_t len)
{
	size_t whole = len / 64, r = len % 64;
	uint64_t bits = (uint64_t)len * 8;

	memset(l->tail, 0, sizeof(l->tail));
	if (r)
		memcpy(l->tail, buf + whole * 64, r);
	l->tail[r] = 0x80;
	l->ntail = r < 56 ? 1 : 2;
	for (int i = 0; i < 8; i++)
		l->tail[l->ntail * 64 - 8 + i] =
			(uint8_t)(bits >> (8 * (a->big_endian ? 7 - i : i)));
	l->job = job;
	l->in_tail = !whole;
	l->p = whole ? buf : l->tail;
	l->left = whole ? whole : l->ntail;
}

static void digest_out(const struct mb_algo *a, const uint32_t *h,
		       uint8_t *out)
{
	for (unsigned w = 0; w < a->nwords; w++)
		for (int i = 0; i < 4; i++)
			out[4 * w + (unsigned)i] = (uint8_t)(
				h[w] >> (8 * (a->big_endian ? 3 - i : i)));
}

/* Lane l after its part ended: on to its tail, or its digest given. */
static void lane_next(struct mb_run *r, uint32_t v[][MB_LANES], int l)
{
	struct lane *x = &r->ln[l];
	uint32_t h[MB_MAX_WORDS];

	if (x->job == SIZE_MAX || x->left)
		return;
	if (!x->in_tail) {
		x->in_tail = 1;
		x->p = x->tail;
		x->left = x->ntail;
		return;
	}
	for (unsigned w = 0; w < r->a->nwords; w++)
		h[w] = v[w][l];
	digest_out(r->a, h, r->out + x->job * r->a->nwords * 4);
	x->job = SIZE_MAX;
}

/* Lanes without a buffer take the next ones; lanes whose part ended go
 * on to their tail, or give their digest. Returns the active lanes. */
MB_TARGET static unsigned refill(struct mb_run *r)
{
	const struct mb_algo *a = r->a;
	uint32_t v[MB_MAX_WORDS][MB_LANES];
	unsigned active = 0, w;

	for (w = 0; w < a->nwords; w++)
		_mm512_storeu_si512((void *)v[w], r->st[w]);
	for (int l = 0; l < MB_LANES; l++) {
		struct lane *x = &r->ln[l];

		lane_next(r, v, l);
		if (x->job == SIZE_MAX && r->next < r->n) {
			size_t j = r->order[r->next++];

			lane_begin(a, x, j, r->buf[j], r->len[j]);
			for (w = 0; w < a->nwords; w++)
				v[w][l] = a->start[w];
		}
		active += x->job != SIZE_MAX;
	}
	for (w = 0; w < a->nwords; w++)
		r->st[w] = _mm512_loadu_si512((const void *)v[w]);
	return active;
}

MB_TARGET static void lanes(struct mb_run *r)
{
	static const uint8_t idle[64];

	for (int l = 0; l < MB_LANES; l++)
		r->ln[l].job = SIZE_MAX;
	for (unsigned w = 0; w < r->a->nwords; w++)
		r->st[w] = _mm512_setzero_si512();
	while (refill(r)) {
		const uint8_t *p[MB_LANES];
		size_t step[MB_LANES], nb = SIZE_MAX;

		for (int l = 0; l < MB_LANES; l++) {
			int on = r->ln[l].job != SIZE_MAX;

			p[l] = on ? r->ln[l].p : idle;
			step[l] = on ? 64 : 0;
			if (on && r->ln[l].left < nb)
				nb = r->ln[l].left;
		}
		r->a->blocks(r->st, p, step, nb);
		for (int l = 0; l < MB_LANES; l++)
			if (r->ln[l].job != SIZE_MAX) {
				r->ln[l].p += 64 * nb;
				r->ln[l].left -= nb;
			}
	}
}

struct job {
	size_t len, i;
};

static int longer(const void *a, const void *b)
{
	size_t x = ((const struct job *)a)->len, y = ((const struct job *)b)->len;

	return x < y ? 1 : x > y ? -1 : 0;
}

static double nblocks(size_t len)
{
	return (double)(len / 64 + (len % 64 < 56 ? 1 : 2));
}

/* The steps the lanes take over jobs from..n (longest first), each lane
 * taking the next job when its own ends. */
static double steps(const struct job *jobs, size_t from, size_t n)
{
	double free_at[MB_LANES] = { 0 }, most = 0;

	for (size_t j = from; j < n; j++) {
		int l = 0;

		for (int k = 1; k < MB_LANES; k++)
			if (free_at[k] < free_at[l])
				l = k;
		free_at[l] += nblocks(jobs[j].len);
		if (free_at[l] > most)
			most = free_at[l];
	}
	return most;
}

/* How many of the longest jobs to leave to OpenSSL: as many as make the
 * whole cost least. */
static size_t plan(const struct mb_algo *a, const struct job *jobs, size_t n)
{
	double alone = 0, best = -1;
	size_t drop = n;

	/* what is left alone only grows: past the best, nothing is better */
	for (size_t i = 0; i <= n && (best < 0 || alone * a->one_ns < best);
	     i++) {
		double cost = alone * a->one_ns + steps(jobs, i, n) * a->lanes_ns;

		if (best < 0 || cost < best) {
			best = cost;
			drop = i;
		}
		if (i < n)
			alone += nblocks(jobs[i].len);
	}
	return drop;
}

#endif

int mb_digests(const struct mb_algo *a, const uint8_t *const *buf,
	       const size_t *len, size_t n, uint8_t *out)
{
#if MB_AVX512
	struct mb_run *r;
	struct job *jobs;
	size_t *order, drop;
	int rc = 0;

	if (n < 2 || !cpu_avx512bw()) /* the steps use BW's byte shuffles */
		return one_by_one(a, buf, len, n, out);
	jobs = malloc(n * sizeof(*jobs));
	order = malloc(n * sizeof(*order));
	r = aligned_alloc(64, sizeof(*r));
	if (!jobs || !order || !r) {
		free(jobs);
		free(order);
		free(r);
		return VIGIL_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		jobs[i] = (struct job){ len[i], i };
	qsort(jobs, n, sizeof(*jobs), longer);
	drop = plan(a, jobs, n);
	for (size_t i = 0; i < n; i++)
		order[i] = jobs[i].i;
	memset(r, 0, sizeof(*r));
	r->a = a;
	r->buf = buf;
	r->len = len;
	r->order = order;
	r->next = drop;
	r->n = n;
	r->out = out;
	lanes(r);
	for (size_t i = 0; i < drop && rc == 0; i++) {
		size_t j = order[i];

		rc = one_by_one(a, buf + j, len + j, 1,
				out + j * a->nwords * 4);
	}
	free(jobs);
	free(order);
	free(r);
	return rc;
#else
	return one_by_one(a, buf, len, n, out);
#endif
}
