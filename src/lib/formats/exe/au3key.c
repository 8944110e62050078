/*
 * au3key.c -- see au3key.h. The Twister is the reference MT19937
 * (init_genrand, the standard twist and tempering); a key byte is bits 1
 * to 8 of each output. The lagged generator keeps 17 words and two
 * indices that walk down from 0 and 10, wrapping at 16: each step stores
 * rol(w[i], 9) + rol(w[j], 13) at i; a key byte is the top byte of every
 * second step's word, after nine steps of warm-up.
 */
#include "formats/exe/au3key.h"

#define MT_N 624
#define MT_M 397
#define LAG_WORDS 17

struct mt {
	uint32_t s[MT_N];
	unsigned i;
};

static void mt_seed(struct mt *m, uint32_t seed)
{
	unsigned i;

	m->s[0] = seed;
	for (i = 1; i < MT_N; i++)
		m->s[i] = 1812433253u * (m->s[i - 1] ^ m->s[i - 1] >> 30) + i;
	m->i = MT_N;
}

static void mt_twist(struct mt *m)
{
	unsigned k;
	uint32_t y;

	for (k = 0; k < MT_N; k++) {
		y = (m->s[k] & 0x80000000u) | (m->s[(k + 1) % MT_N] & 0x7fffffffu);
		m->s[k] = m->s[(k + MT_M) % MT_N] ^ y >> 1 ^
			  (y & 1 ? 0x9908b0dfu : 0);
	}
	m->i = 0;
}

static uint8_t mt_byte(struct mt *m)
{
	uint32_t y;

	if (m->i == MT_N)
		mt_twist(m);
	y = m->s[m->i++];
	y ^= y >> 11;
	y ^= y << 7 & 0x9d2c5680u;
	y ^= y << 15 & 0xefc60000u;
	y ^= y >> 18;
	return (uint8_t)(y >> 1);
}

struct lagged {
	uint32_t w[LAG_WORDS];
	unsigned i, j;
};

static uint32_t rol32(uint32_t v, unsigned k)
{
	return v << k | v >> (32 - k);
}

static uint32_t lag_step(struct lagged *g)
{
	uint32_t v = rol32(g->w[g->i], 9) + rol32(g->w[g->j], 13);

	g->w[g->i] = v;
	g->i = g->i ? g->i - 1 : LAG_WORDS - 1;
	g->j = g->j ? g->j - 1 : LAG_WORDS - 1;
	return v;
}

static void lag_seed(struct lagged *g, uint32_t seed)
{
	unsigned k;

	for (k = 0; k < LAG_WORDS; k++) {
		seed = 1 - seed * 0x53a9b4fbu;
		g->w[k] = seed;
	}
	g->i = 0;
	g->j = 10;
	for (k = 0; k < 9; k++)
		lag_step(g);
}

static uint8_t lag_byte(struct lagged *g)
{
	lag_step(g);
	return (uint8_t)(lag_step(g) >> 24);
}

void au3_decrypt(enum au3_cipher cipher, uint32_t seed, const uint8_t *in,
		 uint8_t *out, size_t n)
{
	struct mt m;
	struct lagged g;
	size_t k;

	if (cipher == AU3_MT) {
		mt_seed(&m, seed);
		for (k = 0; k < n; k++)
			out[k] = in[k] ^ mt_byte(&m);
	} else {
		lag_seed(&g, seed);
		for (k = 0; k < n; k++)
			out[k] = in[k] ^ lag_byte(&g);
	}
}
