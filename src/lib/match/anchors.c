/*
 * anchors.c -- a body matcher that builds in linear time. Vectorscan scans
 * fast, but compiling the database of a real feed (160,000 patterns for
 * ClamAV's main.ldb alone) takes minutes and a gigabyte, and its cost
 * grows faster than the pattern count, literal sets included. This
 * matcher is written by hand because no maintained library builds a set
 * that size in a fraction of a second: each pattern contributes one
 * anchor, eleven (or, lacking a run that long, four) consecutive fixed
 * bytes of it, chosen for rare bytes and a bounded distance from the
 * pattern's start; anchors go into a hash table with a filter in front
 * (an anchor of eleven as the four keys of eight bytes that begin in its
 * first four, looked for at every fourth place).
 * The scan tests the filter at each byte (prefilter.c), looks up the
 * places that pass and reports the anchors found there; the caller
 * verifies the whole pattern there with the exact matcher. ASCII letters
 * are compared without case (a pattern's "i" letters are classes of both
 * cases), which only adds candidates: the verification is exact.
 * Patterns without four fixed bytes in a row (or whose runs are NUL and
 * 0xff bytes only, which fill whole objects), or whose anchor lies too
 * far from where they may start (but see ANCHORS_UNBOUNDED), are left to
 * the caller, for a Vectorscan database of their own (892 of main.ldb's
 * 160,371).
 */
#include "match/anchors.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/reader.h"
#include "match/common4.h"
#include "match/prefilter.h"
#include "db/vdb_format.h"
#include "sig/pattern.h"
#include "vigil/vigil.h"

/* Each kind has a filter in front of its table (prefilter.c): three bits
 * of one word per entry, 16 bits per entry, within these bounds (log2
 * of its bits: 8 KiB to 4 MiB). A block of places is tested at once, then
 * the places that passed are looked up in order. A bucket holds the
 * anchors whose hash falls in one filter word. Measured on a full-size
 * feed over 256 MiB (1.5M keys of eight bytes, 133,000 of four): 0.6% of
 * the places tested for either kind looked up, 3 entries compared at
 * each; with 8 bits per entry the scan took 1.5x the time, with 32 the
 * same (and twice the memory). Keys of four bytes are tested at every
 * place, four times as many as those of eight, so a false positive costs
 * them more: theirs has 32 bits per entry. Signature-base's 4,005 over
 * bench/yara.py's corpus: 480,000 of its 1.6 million lookups were the
 * filter's false positives with 16, and whole runs took 0.220 -> 0.211 s
 * with 32 (64: 0.210), elastic and reversinglabs the same or less. */
#define LG_MIN 16
#define LG_SMALL 9 /* anchors_build_small()'s least */
#define LG_MAX 25
#define LG_PER_ANCHOR 4 /* an entry: each of a wide run's keys counts */
#define ANCHOR_SPREAD 8192 /* most starts one anchor is verified at, less 1 */

/* around took the padding: the matcher cache's entries kept their size */
_Static_assert(sizeof(struct anchor) == 24, "struct anchor's size");

static uint8_t fold(uint8_t b)
{
	return (uint8_t)(b - 'A') < 26 ? (uint8_t)(b + 32) : b;
}

/* How much a byte narrows the search: twice the bits of information its
 * frequency in real files gives (scripts/byte-rarity.py: Debian's
 * binaries and libraries, three quarters, and text, a quarter; letters
 * with their other case), 1 to 24; NUL and 0xff 0, runs of them fill
 * whole objects. It replaced four classes (NUL and 0xff, four common
 * bytes, lower-case letters, the rest): bench/yara.py's corpus, whole
 * runs, elastic 0.131 -> 0.126 s, signature-base 0.249 -> 0.238,
 * reversinglabs 0.076 -> 0.072, the plain strings the same. Weighting a
 * four-byte anchor's last two bytes twice (those the first test reads)
 * measured worse for elastic and signature-base. */
static const uint8_t rarity_of[256] = {
	 0, 12, 14, 13, 14, 15, 18, 18, 14, 18, 14, 20, 19, 20, 17, 14,
	16, 20, 20, 21, 20, 20, 22, 22, 17, 22, 22, 22, 19, 22, 22, 18,
	10, 21, 16, 20, 12, 19, 21, 20, 17, 17, 18, 21, 18, 17, 15, 15,
	16, 16, 18, 19, 19, 18, 19, 19, 18, 18, 18, 19, 15, 17, 16, 22,
	18, 14, 17, 16, 15, 15, 18, 18, 11, 15, 21, 21, 15, 17, 17, 17,
	17, 21, 16, 15, 15, 17, 20, 20, 19, 20, 22, 18, 19, 18, 21, 14,
	17, 11, 15, 12, 12, 10, 13, 14, 10, 11, 18, 17, 12, 14, 12, 12,
	13, 19, 12, 11, 10, 13, 16, 17, 16, 16, 19, 20, 19, 20, 22, 21,
	18, 21, 22, 16, 17, 16, 21, 22, 19, 13, 22, 14, 21, 15, 22, 22,
	19, 23, 23, 23, 21, 23, 23, 23, 21, 23, 23, 23, 23, 23, 23, 23,
	20, 24, 24, 23, 22, 23, 24, 24, 22, 24, 23, 23, 23, 23, 24, 23,
	21, 23, 23, 23, 22, 23, 20, 22, 20, 22, 20, 22, 21, 22, 20, 20,
	16, 20, 19, 18, 20, 21, 20, 18, 21, 21, 22, 23, 23, 23, 23, 23,
	19, 22, 20, 23, 23, 22, 22, 22, 20, 21, 22, 21, 23, 22, 22, 19,
	19, 22, 21, 23, 21, 22, 21, 21, 14, 18, 21, 19, 21, 21, 21, 19,
	20, 22, 21, 20, 21, 22, 19, 20, 18, 20, 20, 19, 18, 19, 18,  0,
};

int anchor_rarity(uint8_t b)
{
	return rarity_of[fold(b)];
}

/*
 * How rare four bytes are (folded, the first low), on the bytes' scale:
 * the measured value of the NCOMMON4 most common (common4.h, from
 * scripts/common4.py), else the sum of the bytes' values, at least
 * COMMON4_FLOOR, the least common one's. A sum misjudges x86 code:
 * "H\x89D$" sums to 47 and is met 39,300 times in bench/yara.py's
 * corpus, "H\x8dL$" sums to 49 and is met 2,366 times (measured: 22 and
 * 28). Choosing four-byte keys by it, elastic's lookups over that corpus
 * went 191,238 -> 146,083 and the strings verified 61,956 -> 40,762
 * (signature-base's 347,848 -> 344,420 and 84,420 -> 76,940,
 * reversinglabs' 26,555 -> 20,547), elastic's scan 0.0664 -> 0.0585 s
 * (CPU, median of seven whole runs less the compile). Whether a key is
 * weak (anchors_four_runs()) is still told by the sum: told by this, more
 * strings waited on keys found in most files, and woke there.
 */
#define C4_SLOTS 8192 /* a power of two, twice NCOMMON4 */

static uint32_t c4_key[C4_SLOTS];
static uint8_t c4_val[C4_SLOTS]; /* 0: empty */
static pthread_once_t c4_once = PTHREAD_ONCE_INIT;

static uint32_t c4_slot(uint32_t k)
{
	return (k * 0x9e3779b1u) >> (32 - 13);
}

static void c4_fill(void)
{
	for (size_t i = 0; i < NCOMMON4; i++) {
		uint32_t h = c4_slot(common4_key[i]);

		while (c4_val[h])
			h = (h + 1) % C4_SLOTS;
		c4_key[h] = common4_key[i];
		c4_val[h] = common4_rarity[i];
	}
}

static int rarity4(uint32_t k, int sum)
{
	uint32_t h = c4_slot(k);

	for (; c4_val[h]; h = (h + 1) % C4_SLOTS)
		if (c4_key[h] == k)
			return c4_val[h];
	return sum > COMMON4_FLOOR ? sum : COMMON4_FLOOR;
}

int anchor_rarity4(const uint8_t *b)
{
	uint32_t k = 0;
	int sum = 0;

	pthread_once(&c4_once, c4_fill);
	for (int i = 0; i < 4; i++) {
		k |= (uint32_t)fold(b[i]) << 8 * i;
		sum += rarity_of[fold(b[i])];
	}
	if (!sum || !(k >> 16))
		return 0;
	return rarity4(k, sum);
}

/* Places of a run looked at for an anchor (a literal may run to kilobytes;
 * a line of 60 dashes before the words that tell is common in YARA
 * rules), and the score no anchor can beat (bounded, the widest of the
 * rarest bytes). */
#define RUN_LOOK 64
#define SCORE_BEST (5000 + 1000 + WIDE * 24)

/* An anchor of eight bytes is looked for at every fourth place only
 * (prefilter.c), so it needs a run of eleven: the four keys of eight
 * bytes that begin in its first four are entered, and one of them ends
 * at such a place wherever the run lies. Runs shorter give an anchor of
 * four bytes, looked for at every place. */
#define WIDE (8 + PF_STRIDE - 1)

/* A pattern's anchor: its kind (0: a run of WIDE bytes, 1: four), its
 * last bytes (the run's last sixteen, newest high; the four bytes), and
 * where its first byte lies after the pattern's start. */
struct choice {
	uint64_t last, older;
	uint32_t omin, omax;
	uint32_t end;		/* in a run: the place after its last byte */
	uint32_t around[PF_STRIDE]; /* neighbours (ANCHOR_NEAR) by key: a
				     * four-byte anchor's the first */
	int kind;
	uint8_t gap, gap_mask, gap_val; /* a four-byte key's open byte
					 * (anchor_run's) */
};

/* The best anchor found so far while walking one pattern. */
struct pick {
	uint64_t last, older;	/* the run's last sixteen bytes, newest high */
	uint8_t rare[16];	/* their rarities, by position mod 16 */
	int8_t less[16];	/* the four bytes ending at each: how far
				 * below the floor if listed (common4.h),
				 * else 0; -1 not yet looked up */
	int sum_wide, sum4;	/* of the last WIDE and last four */
	uint32_t run, run_lo, run_hi; /* run length, its start's offsets */
	int score;		/* of the best, -1 before any */
	int narrow;		/* anchors of four bytes only */
	int runs;		/* a run's: no four bytes ending NUL NUL */
	struct choice best;
};

/* 1 if each of the four keys of eight bytes a wide anchor is entered as
 * (those that begin in its first four) holds a byte other than NUL and
 * 0xff: a key of only those is never looked for (prefilter.c), and the
 * place where the scan meets the anchor may be that key's alone. Nor
 * eight of one byte: signature-base's Mimikatz_Logfile ("SID" and fifteen
 * spaces) was looked for by eight spaces, at every fourth place of each
 * run of them in text (12,063 times over bench/yara.py's corpus). */
static int wide_keys_ok(const struct pick *p)
{
	uint32_t r, j, first = p->run - WIDE;

	for (r = 0; r < PF_STRIDE; r++) {
		uint32_t at = 5 + r; /* of the last sixteen bytes, oldest 0 */
		uint64_t key = at == 8 ? p->last :
			       p->older >> 8 * at | p->last << 8 * (8 - at);
		int sum = 0;

		for (j = 0; j < 8; j++)
			sum += p->rare[(first + r + j) % 16];
		if (!sum || key == (key & 0xff) * 0x0101010101010101ull)
			return 0;
	}
	return 1;
}

/* less[] of the four bytes ending d places before the newest (d < 13),
 * looked up once. */
static int less_at(struct pick *p, uint32_t d)
{
	int8_t *l = &p->less[(p->run - 1 - d) % 16];
	uint32_t k;

	if (*l >= 0)
		return *l;
	k = d <= 4 ? (uint32_t)(p->last >> 8 * (4 - d)) :
		     (uint32_t)(p->older >> 8 * (12 - d) |
				p->last << 8 * (d - 4));
	*l = (int8_t)(COMMON4_FLOOR - rarity4(k, COMMON4_FLOOR));
	return *l;
}

/* A key of eight bytes' measure (its window's WIDE bytes: sum, their
 * values' sum): less, for each of its eight four-byte sequences listed
 * common, how far below the floor that is. Go's "github.com/" in
 * elastic's frp strings was looked for as the rarest bytes of its 32 (four
 * keys of eight, met 18,000 times in bench/yara.py's corpus). */
static int wide_rarity(struct pick *p, int sum)
{
	for (uint32_t d = 0; d + 4 <= WIDE; d++)
		sum -= less_at(p, d);
	return sum > 1 ? sum : 1;
}

static void consider(struct pick *p)
{
	int len = !p->narrow && p->run >= WIDE && wide_keys_ok(p) ? WIDE :
		  p->run >= 4 ? 4 : 0;
	int score = len == WIDE ? p->sum_wide : p->sum4, extra;
	uint32_t back = p->run - (uint32_t)len;

	if (!len || !score)
		return; /* NUL and 0xff only: runs of those fill whole objects */
	if (len == 4 && p->runs && !(p->last >> 48))
		return; /* see choose_run() */
	/* a bounded distance first (else the whole object is verified), then
	 * length, then rare bytes; the sum's measure corrected below it at
	 * most (a common sequence is at most the floor) */
	extra = (p->run_hi != PAT_INF) * 5000 + (len == WIDE) * 1000;
	if (len == 4)
		score = score > COMMON4_FLOOR ? score : COMMON4_FLOOR;
	if (score + extra <= p->score)
		return;
	score = len == WIDE   ? wide_rarity(p, score) :
		less_at(p, 0) ? COMMON4_FLOOR - less_at(p, 0) :
				score;
	score += extra;
	if (score <= p->score)
		return;
	p->score = score;
	p->best.kind = len == WIDE ? 0 : 1;
	p->best.last = len == WIDE ? p->last : p->last >> 32;
	p->best.older = p->older;
	p->best.omin = pat_add_sat(p->run_lo, back);
	p->best.omax = pat_add_sat(p->run_hi, back);
	p->best.end = p->run;
}

static void push(struct pick *p, uint8_t b)
{
	uint8_t f = fold(b), r = (uint8_t)anchor_rarity(f);

	/* a byte repeating the one before (a line of dashes, padding, NOPs)
	 * narrows the search little: such runs fill text and binaries */
	if (p->run && f == (uint8_t)(p->last >> 56) && r > 1)
		r = 1;

	p->older = p->older >> 8 | (p->last & 0xff) << 56;
	p->last = p->last >> 8 | (uint64_t)f << 56;
	if (!p->run)
		p->sum_wide = p->sum4 = 0;
	p->sum_wide += r - (p->run >= WIDE ? p->rare[(p->run - WIDE) % 16] : 0);
	p->sum4 += r - (p->run >= 4 ? p->rare[(p->run - 4) % 16] : 0);
	p->rare[p->run % 16] = r;
	p->less[p->run % 16] = -1;
	p->run++;
	if (p->run <= RUN_LOOK && p->score < SCORE_BEST)
		consider(p);
}

/* The fixed byte an operation stands for (a case pair counts, folded):
 * 1 with *b set, or 0. */
static int fixed_byte(const uint8_t *c, uint8_t *b)
{
	int n = 0, first = -1, second = -1, x;

	if (c[0] == PAT_MASK) {
		*b = c[1];
		return c[2] == 0xff;
	}
	if (c[0] != PAT_CLASS)
		return 0;
	for (x = 0; x < 32 && n <= 2; x++) /* the bitmap, a byte at a time */
		for (unsigned bits = c[1 + x]; bits && n <= 2;
		     bits &= bits - 1) {
			int v = x * 8 + __builtin_ctz(bits);

			n++;
			first = first < 0 ? v : first;
			second = v != first ? v : second;
		}
	*b = (uint8_t)first;
	return n == 1 || (n == 2 && (first ^ second) == 0x20 &&
			  fold((uint8_t)first) >= 'a' &&
			  fold((uint8_t)first) <= 'z');
}

/* The anchor of one pattern: 0 or -1 if it has none. */
static int choose(const uint8_t *code, size_t len, struct choice *a)
{
	const uint8_t *c = code, *end = code + len;
	struct pick p;
	uint32_t lo = 0, hi = 0, min, max;
	size_t n;
	uint8_t b;

	pthread_once(&c4_once, c4_fill);
	memset(&p, 0, sizeof(p));
	p.score = -1;
	while (c < end && p.score < SCORE_BEST &&
	       (n = pat_op_size(c, end)) != 0) {
		if (c[0] == PAT_LIT) {
			size_t ln = (size_t)(c[1] | c[2] << 8);

			for (size_t i = 0; i < ln; i++) {
				if (p.run > RUN_LOOK) { /* nothing more to look at */
					p.run += (uint32_t)(ln - i);
					break;
				}
				if (!p.run) {
					p.run_lo = pat_add_sat(lo, (uint32_t)i);
					p.run_hi = pat_add_sat(hi, (uint32_t)i);
				}
				push(&p, c[3 + i]);
			}
		} else if (fixed_byte(c, &b)) {
			if (!p.run) {
				p.run_lo = lo;
				p.run_hi = hi;
			}
			push(&p, b);
		} else if (c[0] != PAT_EDGE) {
			p.run = 0; /* an edge test takes no byte */
		}
		pat_op_lengths(c, &min, &max);
		lo = pat_add_sat(lo, min);
		hi = pat_add_sat(hi, max);
		c += n;
	}
	*a = p.best;
	return p.score < 0 ? -1 : 0;
}

/* Whether an anchor found tells where to verify its pattern: a narrow
 * range of starts, from the anchor's distance into the pattern or from
 * the pattern's own offset (not PE version information, which has many
 * places). With ANCHORS_UNBOUNDED, also an anchor past an unbounded gap
 * (choose() prefers any bounded one) of a pattern allowed anywhere that
 * starts with a literal: every start before it may be the pattern's, the
 * caller tries each once per object (bodyscan.c's windows only move on),
 * and the verifier goes from one place of the literal to the next, so
 * that its steps (sig/pattern.h's bound) are spent only where it lies.
 * The others are left to the caller. */
/* 1 if every match of the pattern in code starts with a literal of two
 * bytes or more, not all one byte (runs of one byte fill whole objects):
 * the verifier jumps from one place of it to the next (sig/pattern.c). */
static int lead_literal(const uint8_t *code, size_t len)
{
	size_t pc = 0, n, i;

	while (pc + 2 <= len && code[pc] == PAT_EDGE)
		pc += 2;
	if (pc + 3 > len || code[pc] != PAT_LIT)
		return 0;
	n = (size_t)(code[pc + 1] | code[pc + 2] << 8);
	if (n < 2 || pc + 3 + n > len)
		return 0;
	for (i = 1; i < n && code[pc + 3 + i] == code[pc + 3]; i++)
		;
	return i < n;
}

static int verifiable(const struct vdb_view *v, const struct vdb_matchable *m,
		      const struct choice *a, unsigned how)
{
	if (m->off_kind == OFF_VI)
		return 0;
	if (a->omax != PAT_INF && a->omax - a->omin <= ANCHOR_SPREAD)
		return 1;
	if (m->off_kind != OFF_ANY && m->off_kind != OFF_SE &&
	    m->off_shift <= ANCHOR_SPREAD)
		return 1;
	return (how & ANCHORS_UNBOUNDED) && m->off_kind == OFF_ANY &&
	       a->omax == PAT_INF &&
	       lead_literal(v->code + m->code_off, m->code_len);
}

/* log2 of the bitmap bits for n anchors of a kind, at least lg. */
static unsigned lg_for(size_t n, int kind, unsigned lg)
{
	while (lg < LG_MAX && ((size_t)1 << lg) < n << (LG_PER_ANCHOR + kind))
		lg++;
	return lg;
}

static size_t nbuckets(const struct anchors *t, int kind)
{
	return ((size_t)1 << (t->lg[kind] - 5)) + 1;
}

static size_t nwords(const struct anchors *t, int kind)
{
	return (size_t)1 << (t->lg[kind] - 5);
}

static uint32_t hash(uint64_t key, int kind)
{
	return kind ? pf_hash4((uint32_t)key) : pf_hash8(key);
}

/* Sorts the n entries of one kind into buckets (counting sort), in the
 * order given within each. */
static int table(struct anchors *t, int kind, const struct anchor *ent,
		 size_t n, unsigned lg_min)
{
	size_t nb, i;
	unsigned lg;
	uint32_t *fill, *bits, *start;
	struct anchor *out;

	t->n[kind] = n;
	lg = t->lg[kind] = lg_for(n, kind, lg_min);
	nb = nbuckets(t, kind);
	t->bits[kind] = bits = t->mem[3 * kind] = calloc(nwords(t, kind), 4);
	t->start[kind] = start = t->mem[3 * kind + 1] = calloc(nb, 4);
	t->ent[kind] = out = t->mem[3 * kind + 2] =
		malloc((n ? n : 1) * sizeof(*out));
	fill = calloc(nb, sizeof(uint32_t));
	if (!bits || !start || !out || !fill) {
		free(fill);
		return VIGIL_ENOMEM;
	}
	for (i = 0; i < n; i++)
		start[pf_word(hash(ent[i].key, kind), lg) + 1]++;
	for (i = 1; i < nb; i++)
		start[i] += start[i - 1];
	for (i = 0; i < n; i++) {
		uint32_t h = hash(ent[i].key, kind);
		size_t bk = pf_word(h, lg);

		out[start[bk] + fill[bk]++] = ent[i];
		bits[bk] |= pf_bits(h);
	}
	free(fill);
	t->bytes += nwords(t, kind) * 4 + nb * 4 + n * sizeof(struct anchor);
	return 0;
}

/* The entries of a four-byte key with an open byte (c->gap - 1): one for
 * each value it allows, lowered (a letter's other case is the same key). */
static void enter_gap(const struct choice *c, uint32_t id, struct anchor *e,
		      size_t *n)
{
	unsigned shift = 8 * (c->gap - 1u);

	for (unsigned v = 0; v < 256; v++) {
		uint8_t f = fold((uint8_t)v);

		if ((v & c->gap_mask) != c->gap_val ||
		    (f != v && (f & c->gap_mask) == c->gap_val))
			continue; /* not allowed, or entered as f */
		*e++ = (struct anchor){ (c->last & ~(0xffull << shift)) |
						(uint64_t)f << shift,
					id, c->omin, c->omax, c->around[0] };
		n[1]++;
	}
}

/* The entries of matchable id's anchor, appended to ent[c->kind]: one of
 * four bytes, or the four keys of eight that begin in a wide run's first
 * four bytes, the furthest first (a scan meets a run's keys in that
 * order when one place ends two of them, and verifies in place order). */
static void enter(const struct choice *c, uint32_t id, struct anchor **ent,
		  size_t *n)
{
	struct anchor *e = ent[c->kind] + n[c->kind];

	if (c->kind && c->gap) {
		enter_gap(c, id, e, n);
		return;
	}
	if (c->kind) {
		*e = (struct anchor){ c->last, id, c->omin, c->omax,
				      c->around[0] };
		n[1]++;
		return;
	}
	for (int r = PF_STRIDE - 1; r >= 0; r--, e++) {
		int keep = 8 * (WIDE - 8 - r); /* bytes from older */

		e->key = keep ? c->last << keep | c->older >> (64 - keep) :
				c->last;
		e->around = c->around[r];
		e->id = id;
		e->omin = pat_add_sat(c->omin, (uint32_t)r);
		e->omax = pat_add_sat(c->omax, (uint32_t)r);
	}
	n[0] += PF_STRIDE;
}

/* The bytes of run r two before the key of len bytes at start and two
 * after, lowered (ANCHOR_NEAR's order): the run's, else those its
 * pattern has around it; NUL where neither has one. */
static uint32_t run_around(const struct anchor_run *r, uint32_t start,
			   uint32_t len)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		int64_t at = (int64_t)start + (i < 2 ? i - 2 : (int64_t)len + i - 2);
		uint8_t b = 0;

		if (at < 0) /* -2 or -1: the pattern's before the run */
			b = (uint8_t)(r->around >> 8 * (at + 2));
		else if (at < r->len)
			b = r->bytes[at];
		else if (at - r->len < 2) /* the pattern's after it */
			b = (uint8_t)(r->around >> 8 * (2 + at - r->len));
		v |= (uint32_t)fold(b) << 8 * i;
	}
	return v;
}

/* The anchor of a run of fixed bytes lying omin..omax after its pattern's
 * start: 0 or -1 if it has none. Not four bytes ending NUL NUL: the pairs
 * table of the keys' last two bytes (prefilter.h) would pass every place
 * such a pair ends, a sixth of bench/yara.py's corpus (elastic's rules
 * had eight such keys: 38% of places passed the table, 23% without
 * them); a run of YARA's with no other anchor goes to its pairs
 * (yara/yrpairs.h) instead, found by its first two bytes. Whole runs over
 * that corpus: elastic 0.115 -> 0.114 s, signature-base 0.204 -> 0.198
 * (no pairs table: its keys' last two bytes also became rarer). */
static int choose_run(const struct anchor_run *r, int narrow,
		      struct choice *a)
{
	struct pick p;
	uint32_t i;

	pthread_once(&c4_once, c4_fill);
	memset(&p, 0, sizeof(p));
	p.score = -1;
	p.narrow = narrow;
	p.runs = 1;
	p.run_lo = r->omin;
	p.run_hi = r->omax;
	for (i = 0; i < r->len && p.run <= RUN_LOOK && p.score < SCORE_BEST;
	     i++)
		push(&p, r->bytes[i]);
	*a = p.best;
	if (p.score < 0)
		return -1;
	a->gap = a->kind && r->len == 4 ? r->gap : 0; /* the run its key */
	a->gap_mask = r->gap_mask;
	a->gap_val = r->gap_val;
	if (a->kind) {
		a->around[0] = run_around(r, a->end - 4, 4);
		return 0;
	}
	for (i = 0; i < PF_STRIDE; i++) /* key i: the window's bytes i .. */
		a->around[i] = run_around(r, a->end - WIDE + i, 8);
	return 0;
}

/* The tables of the four-byte keys' last and first two bytes
 * (prefilter.h), used where few of the first's bits are set. */
static void pairs_build(struct anchors *t)
{
	size_t set = 0;

	memset(t->pairs, 0, sizeof(t->pairs));
	for (size_t i = 0; i < t->n[1]; i++)
		set += (size_t)pf_pairs_add(t->pairs,
					    (uint32_t)t->ent[1][i].key);
	t->has_pairs = t->n[1] && set <= PF_PAIRS_MAX_SET;
}

/* Gives entry k's anchor and the id it reports: 1, or 0 if it has none. */
typedef int (*pick_fn)(void *ctx, size_t k, struct choice *c, uint32_t *id);

/* The anchors of n entries, as pick() chooses them, in filters of at
 * least 2^lg_min bits: 0 or VIGIL_ENOMEM. Chosen twice: once to count
 * each kind, so that the entries are allocated at their size (the
 * build's peak of memory), then to enter them. */
static int build(size_t n, pick_fn pick, void *ctx, unsigned lg_min,
		 struct anchors *out)
{
	size_t need[ANCHOR_KINDS] = { 1, 1 }, cnt[ANCHOR_KINDS] = { 0 }, k;
	struct anchor *ent[ANCHOR_KINDS];
	int rc = VIGIL_ENOMEM, kind;

	memset(out, 0, sizeof(*out));
	for (k = 0; k < n; k++) {
		struct choice c;
		uint32_t id;

		if (pick(ctx, k, &c, &id))
			need[c.kind] += c.kind ? (c.gap ? 256 : 1) : PF_STRIDE;
	}
	ent[0] = calloc(need[0], sizeof(struct anchor));
	ent[1] = calloc(need[1], sizeof(struct anchor));
	if (!ent[0] || !ent[1])
		goto out;
	for (k = 0; k < n; k++) {
		struct choice c;
		uint32_t id;

		if (pick(ctx, k, &c, &id))
			enter(&c, id, ent, cnt);
	}
	for (kind = 0, rc = 0; kind < ANCHOR_KINDS && !rc; kind++)
		rc = table(out, kind, ent[kind], cnt[kind], lg_min);
	if (!rc)
		pairs_build(out);
out:
	free(ent[0]);
	free(ent[1]);
	if (rc)
		anchors_free(out);
	return rc;
}

struct runs_ctx {
	const struct anchor_run *runs;
	uint8_t *has;
	int narrow;
};

static int pick_run(void *ctx, size_t k, struct choice *c, uint32_t *id)
{
	struct runs_ctx *x = ctx;

	*id = x->runs[k].id;
	return x->has[k] = choose_run(&x->runs[k], x->narrow, c) == 0;
}

/*
 * The keys of eight bytes cost a test at every fourth place whatever
 * their number; where the runs are few, their anchors of four bytes
 * instead cost less, as long as the four-byte keys' pairs table is then
 * still few enough to be used (pairs_build()): bench/yara.py's 1,000
 * plain strings (215 anchors of eight bytes: pairs set 216 -> 273) and
 * reversinglabs' (pairs 530 -> 685) scanned 10-12% faster; elastic's
 * 10,330 of eight bytes would set 1,945 pairs and take 22% longer, so
 * they stay. The table of four-byte anchors only is built to see, unless
 * it is unlikely to do: where the four-byte keys' pairs are too many
 * already, or the runs with an eight-byte anchor (each may add one) more
 * than the pairs table may hold.
 */
static int build_runs(const struct anchor_run *runs, size_t n, uint8_t *has,
		      unsigned lg_min, struct anchors *out)
{
	struct runs_ctx x = { runs, has, 0 };
	struct anchors narrow;
	uint8_t *has4;
	int rc = build(n, pick_run, &x, lg_min, out);

	if (rc || !out->n[0] || out->n[0] / PF_STRIDE > PF_PAIRS_MAX_SET ||
	    (out->n[1] && !out->has_pairs) || !(has4 = malloc(n)))
		return rc;
	x = (struct runs_ctx){ runs, has4, 1 };
	if (build(n, pick_run, &x, lg_min, &narrow) == 0) {
		if (narrow.has_pairs) {
			anchors_free(out);
			*out = narrow;
			memcpy(has, has4, n);
		} else {
			anchors_free(&narrow);
		}
	}
	free(has4);
	return 0;
}

int anchors_build_runs(const struct anchor_run *runs, size_t n,
		       uint8_t *has, struct anchors *out)
{
	return build_runs(runs, n, has, LG_MIN, out);
}

int anchors_build_small(const struct anchor_run *runs, size_t n,
			uint8_t *has, struct anchors *out)
{
	return build_runs(runs, n, has, LG_SMALL, out);
}

void anchors_four_runs(const struct anchor_run *runs, size_t n, int8_t *four)
{
	for (size_t k = 0; k < n; k++) {
		struct choice c;
		int sum = 0;

		if (choose_run(&runs[k], 0, &c) < 0) {
			four[k] = -1;
			continue;
		}
		for (int i = 0; c.kind && i < 4; i++)
			sum += rarity_of[(uint8_t)(c.last >> 8 * i)];
		four[k] = (int8_t)(c.kind ? 1 + sum : 0);
	}
}

struct ids_ctx {
	const struct vdb_view *v;
	const uint32_t *ids;
	uint8_t *rtflags;
	uint8_t flag;
	unsigned how;
};

static int pick_matchable(void *ctx, size_t k, struct choice *c, uint32_t *id)
{
	struct ids_ctx *x = ctx;
	uint32_t i = x->ids ? x->ids[k] : (uint32_t)k;
	const struct vdb_matchable *m = &x->v->match[i];

	if (choose(x->v->code + m->code_off, m->code_len, c) < 0 ||
	    !verifiable(x->v, m, c, x->how))
		return 0;
	x->rtflags[i] |= x->flag;
	*id = i;
	return 1;
}

int anchors_kind(const struct vdb_view *v, uint32_t id, unsigned how)
{
	const struct vdb_matchable *m = &v->match[id];
	struct choice c;

	if (choose(v->code + m->code_off, m->code_len, &c) < 0 ||
	    !verifiable(v, m, &c, how))
		return -1;
	return c.kind;
}

int anchors_build_ids(const struct vdb_view *v, const uint32_t *ids,
		      size_t nids, uint8_t *rtflags, uint8_t flag,
		      unsigned how, struct anchors *out)
{
	struct ids_ctx x = { v, ids, rtflags, flag, how };

	return build(nids, pick_matchable, &x, LG_MIN, out);
}

/* Keys whose entries all said ANCHOR_SPENT, remembered per kind: a
 * place in a table by their hash, the last one there kept. Measured with
 * YARA's public rules over bench/yara.py's corpus: three lookups in four
 * were of strings of rules already false for the file (signature-base:
 * 2.9 of 4.1 million) or of strings already found (1,000 plain rules:
 * 2.4 of 3.0 million), most of them of a few keys again and again. */
#define SPENT_SLOTS 128
/* And the entries that said so, by their place in the table (the first
 * ones only: a bit per entry, cleared for every scan): a key many strings
 * share (1,000 plain rules gave 2.0 million calls of 240,000 keys found,
 * 1.5 million of them answered ANCHOR_SPENT) is then only called for its
 * entries still in use. */
#define SPENT_ENTRIES 8192

/* One scan's state: per kind, the last key that passed the filter but
 * is no anchor (a run of one byte, NUL, 0xff, spaces, padding, gives one
 * key at every place, which, when it happens to pass, would otherwise be
 * looked up at every place), and the keys spent. */
struct scan {
	const struct anchors *a;
	const uint8_t *buf;
	size_t len;
	anchor_fn fn;
	void *ctx;
	uint64_t none[ANCHOR_KINDS];
	int have_none[ANCHOR_KINDS];
	uint64_t spent[ANCHOR_KINDS][SPENT_SLOTS]; /* 0: none (no key is of
						    * NUL bytes only) */
	uint64_t gone[ANCHOR_KINDS][SPENT_ENTRIES / 64]; /* entries spent */
	size_t run_end;		/* places before it end a key of four bytes
				 * not in the table (in a run of one byte) */
};

/* The bytes two before a key of four at buf[at] and two after, lowered
 * (ANCHOR_NEAR's order); those outside the buffer NUL. */
static uint32_t near(const struct scan *s, size_t at)
{
	uint32_t v = 0;

	if (at >= 2 && at + 6 <= s->len) {
		uint64_t x = pf_key(s->buf, at + 5); /* buf[at - 2 .. at + 5] */

		return (uint32_t)(x & 0xffff) | (uint32_t)(x >> 48) << 16;
	}
	for (int i = 0; i < 4; i++) {
		size_t p = at + (size_t)(i < 2 ? i - 2 : i + 2);

		if (p < s->len) /* wraps below 0 */
			v |= (uint32_t)fold(s->buf[p]) << 8 * i;
	}
	return v;
}

/* The bytes two before a key of eight at buf[at] and two after, lowered
 * (ANCHOR_NEAR's order); those outside the buffer NUL. */
static uint32_t near8(const struct scan *s, size_t at)
{
	uint32_t v = 0;

	if (at >= 2 && at + 10 <= s->len)
		return (uint32_t)(pf_key(s->buf, at + 5) & 0xffff) |
		       (uint32_t)(pf_key(s->buf, at + 9) >> 48) << 16;
	for (int i = 0; i < 4; i++) {
		size_t p = at + (size_t)(i < 2 ? i - 2 : i + 6);

		if (p < s->len) /* wraps below 0 */
			v |= (uint32_t)fold(s->buf[p]) << 8 * i;
	}
	return v;
}

/* 1 if the neighbours of a key found (near()) may be those of an entry
 * whose neighbours are n (NUL bytes in n: any). */
static int near_ok(uint32_t n, uint32_t have)
{
	uint32_t set = ((n & 0x7f7f7f7fu) + 0x7f7f7f7fu) | n;

	set = (set >> 7 & 0x01010101u) * 0xff; /* 0xff per byte of n not NUL */
	return (have & set) == n;
}

/* The anchors of one kind whose key is w, starting at buf[at]: 1 if fn
 * ended the scan. */
static int probe(struct scan *s, int kind, uint64_t w, size_t at)
{
	const struct anchors *a = s->a;
	uint64_t *spent;
	uint32_t e, end, h, have = 0, around;
	size_t bk;
	int found = 0, all_spent = 1, rc, got = 0;

	if (s->have_none[kind] && s->none[kind] == w)
		return 0;
	h = hash(w, kind);
	spent = &s->spent[kind][h % SPENT_SLOTS];
	if (*spent == w)
		return 0;
	bk = pf_word(h, a->lg[kind]);
	end = a->start[kind][bk + 1] < a->n[kind] ? a->start[kind][bk + 1] :
						   (uint32_t)a->n[kind];
	for (e = a->start[kind][bk]; e < end; e++) {
		uint64_t *g, bit, key = a->ent[kind][e].key;

		if (key != w)
			continue;
		found = 1;
		if ((around = a->ent[kind][e].around) != 0) {
			if (!got++)
				have = kind ? near(s, at) : near8(s, at);
			if (!near_ok(around, have)) {
				all_spent = 0;
				continue;
			}
		}
		g = &s->gone[kind][e / 64 % (SPENT_ENTRIES / 64)];
		bit = e < SPENT_ENTRIES ? 1ull << (e % 64) : 0; /* past: none */
		if (*g & bit)
			continue;
		if ((rc = s->fn(s->ctx, &a->ent[kind][e], at)) == ANCHOR_END)
			return 1;
		if (rc == ANCHOR_SPENT)
			*g |= bit;
		all_spent &= rc == ANCHOR_SPENT;
	}
	if (found && all_spent)
		*spent = w;
	s->have_none[kind] = !found;
	s->none[kind] = w;
	return 0;
}

/*
 * After key w of four bytes (ending at buf[end]) was looked up and is not
 * in the table: if its bytes are one byte repeated (not a letter, which
 * the key holds lowered), every place up to where that byte stops ends
 * the same key and needs no lookup (a run of a byte whose key is one of
 * the filter's false positives passes it at every place; for runs of NUL
 * in binaries that was millions of lookups, before keys of only NUL or
 * 0xff were kept out of the filter). Notes the run.
 */
static void same_run(struct scan *s, uint32_t w, size_t end)
{
	uint8_t b = (uint8_t)w;
	size_t p = end + 1;

	if (!s->have_none[1] || s->none[1] != w || w != b * 0x01010101u ||
	    ((b | 0x20) >= 'a' && (b | 0x20) <= 'z'))
		return;
	while (p < s->len && s->buf[p] == b)
		p++;
	s->run_end = p;
}

/* The bits of a block at base for the places before the run's end. */
static uint64_t in_run(const struct scan *s, size_t base)
{
	if (s->run_end <= base)
		return 0;
	return s->run_end - base >= PF_BLOCK ? ~0ull :
					       ~(~0ull << (s->run_end - base));
}

/* The places of a block that passed a filter (bit j: the anchor ending
 * at buf[base + j]), looked up in order. */
static int lookup(struct scan *s, size_t base, uint64_t m0, uint64_t m1)
{
	m1 &= ~in_run(s, base);
	while (m0 | m1) {
		unsigned j = (unsigned)__builtin_ctzll(m0 | m1);
		size_t end = base + j;
		uint64_t k = pf_key(s->buf, end), bit = 1ull << j;

		if ((m0 & bit) && probe(s, 0, k, end - 7))
			return 1;
		if (m1 & bit) {
			if (probe(s, 1, k >> 32, end - 3))
				return 1;
			same_run(s, (uint32_t)(k >> 32), end);
			m1 &= ~in_run(s, base);
		}
		m0 &= ~bit;
		m1 &= ~bit;
	}
	return 0;
}

/* 1 if no place of the n from base can end an anchor: the bytes of the
 * keys that end there are all NUL or all 0xff (no anchor's). Stops at the
 * first byte that differs. */
static int blank_chunk(const uint8_t *buf, size_t base, size_t n)
{
	size_t i = base >= 7 ? base - 7 : 0;
	uint8_t b = buf[i];
	uint64_t w = b ? ~0ull : 0, x;

	if (b != 0 && b != 0xff)
		return 0;
	for (; i + 8 <= base + n; i += 8) {
		memcpy(&x, buf + i, 8);
		if (x != w)
			return 0;
	}
	for (; i < base + n; i++)
		if (buf[i] != b)
			return 0;
	return 1;
}

int anchors_scan(const struct anchors *a, const uint8_t *buf, size_t len,
		 anchor_fn fn, void *ctx)
{
	struct pf_filter f8 = { a->n[0] ? a->bits[0] : NULL, a->lg[0], NULL };
	struct pf_filter f4 = { a->n[1] ? a->bits[1] : NULL, a->lg[1],
				a->has_pairs ? a->pairs : NULL };
	struct scan s = { .a = a, .buf = buf, .len = len, .fn = fn,
			  .ctx = ctx };
	uint64_t m0[PF_CHUNK / PF_BLOCK], m1[PF_CHUNK / PF_BLOCK];
	size_t base, n, i;

	for (base = 0; base < len; base += n) {
		n = len - base < PF_CHUNK ? len - base : PF_CHUNK;
		if (blank_chunk(buf, base, n))
			continue;
		pf_masks(&f8, &f4, buf, len, base, n, m0, m1);
		for (i = 0; i * PF_BLOCK < n; i++)
			if ((m0[i] | m1[i]) &&
			    lookup(&s, base + i * PF_BLOCK, m0[i], m1[i]))
				return 1;
	}
	return 0;
}

void anchors_free(struct anchors *a)
{
	for (int k = 0; k < 3 * ANCHOR_KINDS; k++)
		free(a->mem[k]);
	if (a->map)
		munmap(a->map, a->map_len);
	memset(a, 0, sizeof(*a));
}

int anchors_save(const struct anchors *a, struct vbuf *b)
{
	uint64_t hdr[4] = { a->n[0], a->n[1], a->lg[0], a->lg[1] };
	int rc = vbuf_append(b, hdr, sizeof(hdr));

	for (int k = 0; k < ANCHOR_KINDS; k++)
		rc |= vbuf_append(b, a->bits[k], nwords(a, k) * 4) |
		      vbuf_append(b, a->start[k], nbuckets(a, k) * 4) |
		      vbuf_align(b, 8) |
		      vbuf_append(b, a->ent[k], a->n[k] * sizeof(**a->ent));
	return rc ? VIGIL_ENOMEM : 0;
}

/* One kind's arrays, in r's bytes, checked: aligned, buckets ending at n
 * and, unless checked before, in order (probe() never reads past n). */
static int load_kind(struct rdr *r, int k, int checked, struct anchors *t)
{
	const void *bits = rdr_bytes(r, nwords(t, k) * 4);
	const uint32_t *start = (const void *)rdr_bytes(r, nbuckets(t, k) * 4);
	size_t i, npad = (8 - nbuckets(t, k) * 4 % 8) % 8;
	const uint8_t *pad = rdr_bytes(r, npad);
	const void *ent;

	if (!bits || !start || !pad || memcmp(pad, "\0\0\0\0\0\0\0", npad) ||
	    t->n[k] > SIZE_MAX / sizeof(struct anchor) ||
	    !(ent = rdr_bytes(r, t->n[k] * sizeof(struct anchor))) ||
	    (uintptr_t)bits % 4 || (uintptr_t)start % 4 || (uintptr_t)ent % 8)
		return -1;
	t->bits[k] = bits;
	t->start[k] = start;
	t->ent[k] = ent;
	for (i = 1; i < nbuckets(t, k) && !checked; i++)
		if (start[i] < start[i - 1])
			return -1;
	t->bytes += nwords(t, k) * 4 + nbuckets(t, k) * 4 +
		    t->n[k] * sizeof(struct anchor);
	return start[0] || start[nbuckets(t, k) - 1] != t->n[k] ? -1 : 0;
}

int anchors_load(struct rdr *r, int checked, struct anchors *out)
{
	int k;

	memset(out, 0, sizeof(*out));
	for (k = 0; k < ANCHOR_KINDS; k++)
		out->n[k] = (size_t)rdr_u64le(r);
	for (k = 0; k < ANCHOR_KINDS; k++) {
		uint64_t lg = rdr_u64le(r);

		if (lg < LG_SMALL || lg > LG_MAX)
			return -1;
		out->lg[k] = (unsigned)lg;
	}
	for (k = 0; k < ANCHOR_KINDS; k++)
		if (load_kind(r, k, checked, out) < 0) {
			memset(out, 0, sizeof(*out));
			return -1;
		}
	pairs_build(out);
	return 0;
}
