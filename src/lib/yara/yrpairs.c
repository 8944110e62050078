/*
 * yrpairs.c -- runs of two or three bytes (yrpairs.h): a table of every
 * pair of bytes with a bit in front, tested at each place. Written here
 * because the anchors matcher needs four bytes and a Vectorscan database
 * of short literals costs a compile each time the rules change; this one
 * builds in a counting sort. A run without case has its first two bytes
 * entered in each case of their letters.
 */
#include "yara/yrpairs.h"

#include <stdlib.h>
#include <string.h>

#include "vigil/vigil.h"

static uint8_t lower(uint8_t b)
{
	return (uint8_t)(b - 'A') < 26 ? (uint8_t)(b + 32) : b;
}

static uint8_t upper(uint8_t b)
{
	return (uint8_t)(b - 'a') < 26 ? (uint8_t)(b - 32) : b;
}

/* The keys (first two bytes) a run is entered under: 1 to 4. */
static int keys(const struct yr_pair_run *r, uint16_t *k)
{
	uint8_t a[2] = { r->bytes[0], r->bytes[0] },
		b[2] = { r->bytes[1], r->bytes[1] };
	int n = 0, i, j;

	if (r->nocase) {
		a[0] = lower(a[0]), a[1] = upper(a[1]);
		b[0] = lower(b[0]), b[1] = upper(b[1]);
	}
	for (i = 0; i < 2; i++)
		for (j = 0; j < 2; j++) {
			uint16_t key = (uint16_t)(a[i] | b[j] << 8);
			int dup = 0;

			for (int d = 0; d < n; d++)
				dup |= k[d] == key;
			if (!dup)
				k[n++] = key;
		}
	return n;
}

static void fill(struct yr_pairs *p, const struct yr_pair_run *r,
		 uint16_t key, uint32_t *fillp)
{
	uint32_t e = p->start[key] + fillp[key]++;

	p->ent[e] = (struct anchor){ r->len > 2 ? r->bytes[2] : 0, r->id,
				     r->omin, r->omax };
	p->third[e] = r->len < 3 ? 0 : r->nocase ? 2 : 1;
	if (r->nocase)
		p->ent[e].key = lower((uint8_t)p->ent[e].key);
	p->bits[key >> 6] |= 1ull << (key & 63);
}

int yr_pairs_build(const struct yr_pair_run *runs, size_t n,
		   struct yr_pairs *out)
{
	uint32_t *fillp = calloc(65536, sizeof(*fillp));
	uint16_t k[4];
	size_t i, total = 0;
	int nk, j;

	memset(out, 0, sizeof(*out));
	out->start = calloc(65537, sizeof(*out->start));
	if (!fillp || !out->start)
		goto nomem;
	for (i = 0; i < n; i++)
		for (nk = keys(&runs[i], k), j = 0; j < nk; j++, total++)
			out->start[k[j] + 1]++;
	for (i = 1; i <= 65536; i++)
		out->start[i] += out->start[i - 1];
	out->ent = calloc(total + 1, sizeof(*out->ent));
	out->third = calloc(total + 1, 1);
	if (!out->ent || !out->third)
		goto nomem;
	out->n = total;
	for (i = 0; i < n; i++)
		for (nk = keys(&runs[i], k), j = 0; j < nk; j++)
			fill(out, &runs[i], k[j], fillp);
	free(fillp);
	return 0;
nomem:
	free(fillp);
	yr_pairs_free(out);
	return VIGIL_ENOMEM;
}

int yr_pairs_scan(const struct yr_pairs *p, const uint8_t *buf, size_t len,
		  anchor_fn fn, void *ctx)
{
	size_t i;
	uint32_t e;

	if (!p->n)
		return 0;
	for (i = 0; i + 1 < len; i++) {
		uint16_t key = (uint16_t)(buf[i] | buf[i + 1] << 8);

		if (!(p->bits[key >> 6] >> (key & 63) & 1))
			continue;
		for (e = p->start[key]; e < p->start[key + 1]; e++) {
			uint8_t t = p->third[e];

			if (t && (i + 2 >= len ||
				  (t == 1 ? buf[i + 2] : lower(buf[i + 2])) !=
					  (uint8_t)p->ent[e].key))
				continue;
			if (fn(ctx, &p->ent[e], i))
				return 1;
		}
	}
	return 0;
}

void yr_pairs_free(struct yr_pairs *p)
{
	free(p->start);
	free(p->ent);
	free(p->third);
	memset(p, 0, sizeof(*p));
}
