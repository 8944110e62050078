/*
 * yrfast.c -- a scan with the fast matcher (yrfast.h). One pass of the
 * anchors matcher and one of the pairs (and of the pairs that wait, if a
 * rule holding one may be true: wake()) note, per string, the ranges of
 * starts its runs imply (neighbouring ranges merged as they come); when
 * the evaluator asks for a rule's strings, each string's ranges are
 * sorted and merged and the string verified at every start in them, in
 * order, so that its matches come out as the reference matcher's: in
 * order of offset, the ascii form's before the wide one's.
 */
#include <stdlib.h>
#include <string.h>

#include "yara/yrfast.h"
#include "yara/yrfast_int.h"
#include "yara/yruse.h"
#include "vigil/vigil.h"

struct cand {
	size_t lo, hi;		/* starts lo..hi */
};

struct cvec {
	struct cand *c;
	size_t n, cap;
};

/* Wake groups woken in a buffer whose tables are passed over it, each;
 * with more, the whole lazy table is, once. */
#define WAKE_GROUPS_MAX 3

/* Ranges kept per string before they are sorted and merged in place. */
#define CAND_COMPACT 65536u

struct yr_fast_state {
	const struct yr_fast *f;
	const uint8_t *buf;
	size_t len;
	struct yr_matches *sm;	/* per string */
	struct cvec *cv;	/* per string: starts to verify */
	uint8_t *state;		/* per string: 0, TOUCHED or OPEN, then DONE */
	uint8_t *status;	/* per string once DONE: 0 or YR_MATCH_* */
	uint32_t *touched;
	size_t ntouched;
	uint8_t *rule_hit;	/* per rule: one of its strings touched */
	uint64_t *maybe;	/* per rule, a bit: the build's, or rule_hit */
	uint64_t *live;		/* maybe less the dead rules (live_maybe()) */
	uint64_t *asked;	/* per rule, a bit: may_wake() asked of it */
	uint8_t *woken;		/* per wake group: its runs looked for */
	uint32_t *woken_list;	/* the groups woken (nwoken of them) */
	size_t nwoken;
	uint64_t *dead;		/* per rule, a bit: a term of it false
				 * (yrgate.h) */
	uint8_t *truth;		/* per term, over the buffer */
	pcre2_match_data *md;
	struct yr_matches scratch; /* a string tested at one offset */
	int first;		/* matches not listed: YR_USE_ONCE strings stop at
				 * their first */
	int err;		/* VIGIL_ENOMEM while noting ranges */
	int woke;		/* every run that waits was looked for */
	uint64_t rest_steps;	/* hex_rest()'s steps over the buffer */
	uint64_t deadline;	/* while waking: the time limit, or 0 */
	void (*log)(void *ctx, const char *line, size_t n);
	void *log_ctx;
	uint64_t timeout_ns, slow_ns;
	void (*slow)(void *ctx, size_t r, uint64_t ns);
	void *slow_ctx;
};

#define TOUCHED 1	/* starts noted */
#define OPEN 2		/* a run found that may lie anywhere in a match */
#define DONE 3		/* matched */

int yr_fast_state_new(const struct yr_fast *f, struct yr_fast_state **out)
{
	struct yr_fast_state *st = calloc(1, sizeof(*st));
	size_t n = f->nstr + 1;

	*out = NULL;
	if (!st)
		return VIGIL_ENOMEM;
	st->f = f;
	st->sm = calloc(n, sizeof(*st->sm));
	st->cv = calloc(n, sizeof(*st->cv));
	st->state = calloc(n, 1);
	st->status = calloc(n, 1);
	st->touched = calloc(n, sizeof(*st->touched));
	st->rule_hit = calloc(f->rs->nrules + 1, 1);
	st->maybe = malloc((f->rs->nrules / 64 + 1) * 8);
	if (st->maybe)
		memcpy(st->maybe, f->maybe, (f->rs->nrules / 64 + 1) * 8);
	st->dead = calloc(f->rs->nrules / 64 + 1, 8);
	st->live = calloc(f->rs->nrules / 64 + 1, 8);
	st->asked = calloc(f->rs->nrules / 64 + 1, 8);
	st->woken = calloc(f->ngroups + 1, 1);
	st->woken_list = calloc(WAKE_GROUPS_MAX + 1, sizeof(*st->woken_list));
	st->truth = calloc(f->nterms + 1, 1);
	st->md = pcre2_match_data_create(1, NULL);
	st->scratch.want = 1;
	if (!st->sm || !st->cv || !st->state || !st->status || !st->touched ||
	    !st->rule_hit || !st->maybe || !st->dead || !st->live ||
	    !st->asked || !st->woken || !st->woken_list || !st->truth ||
	    !st->md) {
		yr_fast_state_free(st);
		return VIGIL_ENOMEM;
	}
	*out = st;
	return 0;
}

void yr_fast_state_free(struct yr_fast_state *st)
{
	size_t k;

	if (!st)
		return;
	for (k = 0; st->sm && st->cv && k < st->f->nstr; k++) {
		yr_matches_free(&st->sm[k]);
		free(st->cv[k].c);
	}
	free(st->sm);
	free(st->cv);
	free(st->state);
	free(st->status);
	free(st->touched);
	free(st->rule_hit);
	free(st->maybe);
	free(st->dead);
	free(st->live);
	free(st->asked);
	free(st->woken);
	free(st->woken_list);
	free(st->truth);
	yr_matches_free(&st->scratch);
	pcre2_match_data_free(st->md);
	free(st);
}

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Sorts v's ranges and merges those that overlap or touch. */
static void cand_merge(struct cvec *v)
{
	size_t i, k = 0;

	if (v->n < 2)
		return;
	for (i = 1; i < v->n && v->c[i - 1].lo <= v->c[i].lo; i++)
		;
	if (i < v->n) /* one run's starts come in order */
		qsort(v->c, v->n, sizeof(*v->c), cand_cmp);
	for (i = 1; i < v->n; i++) {
		if (v->c[i].lo <= v->c[k].hi + 1) {
			if (v->c[i].hi > v->c[k].hi)
				v->c[k].hi = v->c[i].hi;
		} else {
			v->c[++k] = v->c[i];
		}
	}
	v->n = k + 1;
}

static int cand_add(struct cvec *v, size_t lo, size_t hi)
{
	struct cand *last = v->n ? &v->c[v->n - 1] : NULL;

	if (last && lo <= last->hi + 1 && hi + 1 >= last->lo) {
		last->lo = lo < last->lo ? lo : last->lo;
		last->hi = hi > last->hi ? hi : last->hi;
		return 0;
	}
	if (v->n == v->cap && v->n >= CAND_COMPACT) {
		cand_merge(v);
		if (v->n < v->cap / 2)
			goto add;
	}
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		struct cand *c = realloc(v->c, cap * sizeof(*c));

		if (!c)
			return VIGIL_ENOMEM;
		v->c = c;
		v->cap = cap;
	}
add:
	v->c[v->n].lo = lo;
	v->c[v->n++].hi = hi;
	return 0;
}

/* A hex string's run found at buf[at] by anchor a: 0 if what follows the
 * run in the string cannot match after it, so that no start is noted.
 * The steps of these tests are summed over the buffer (rest_steps): once
 * they pass YR_MAX_HEX_STEPS every start is noted, and the verification
 * of each string, capped the same way, says a limit was reached. Each
 * test had its own cap: 1 MB of "a" against { 61 61 61 61 [0-100000] 62 }
 * took 3.5 minutes whatever the time limit (yara: 0.06 s). */
static int hex_rest(struct yr_fast_state *st, const struct anchor *a,
		    size_t at, uint32_t k)
{
	const struct fstr *fs = &st->f->str[k];
	struct yr_hex_seq rest = fs->hex;
	size_t from = at - (a->omin - st->f->run_omin[a->id]), end;
	uint64_t *steps = &st->rest_steps;

	rest.items += fs->run_end;
	rest.n -= fs->run_end;
	from += fs->run_end - fs->run_at;
	if (fs->rest_at != UINT32_MAX &&
	    (from >= st->len || st->len - from <= fs->rest_at ||
	     st->buf[from + fs->rest_at] != fs->rest_val))
		return 0;
	return from <= st->len &&
	       (*steps >= YR_MAX_HEX_STEPS ||
		yr_hex_at(&rest, st->buf, st->len, from, steps, &end) != 0);
}

static int verify_at(struct yr_fast_state *st, const struct fstr *fs,
		     size_t i, struct yr_matches *out);

/* The rules of string k and of the strings the same after it (yrdup.c)
 * hit or not; their bits in maybe with them (the build's where not). */
static void hit(struct yr_fast_state *st, uint32_t k, uint8_t h)
{
	for (; k != YR_NO_DUP; k = st->f->dup_next[k]) {
		uint32_t r = st->f->rule_of[k];
		uint64_t bit = 1ull << r % 64;

		st->rule_hit[r] = h;
		st->maybe[r / 64] = h ? st->maybe[r / 64] | bit :
				    (st->maybe[r / 64] & ~bit) |
					    (st->f->maybe[r / 64] & bit);
	}
}

static void touch(struct yr_fast_state *st, uint32_t k, uint8_t state)
{
	if (!st->state[k]) {
		st->touched[st->ntouched++] = k;
		hit(st, k, 1);
	}
	st->state[k] = state;
}

static int is_dead(const struct yr_fast_state *st, size_t r)
{
	return st->dead[r / 64] >> r % 64 & 1;
}

/* 1 if the rules of string k and of every string the same are dead. */
static int group_dead(const struct yr_fast_state *st, uint32_t k)
{
	for (; k != YR_NO_DUP; k = st->f->dup_next[k])
		if (!is_dead(st, st->f->rule_of[k]))
			return 0;
	return 1;
}

/* A text string whose first match is enough, verified now at the starts
 * lo..hi (each anchor's range is a start or a few): matched, it is done,
 * and the anchors found after are passed over. */
static void verify_now(struct yr_fast_state *st, uint32_t k, size_t lo,
		       size_t hi)
{
	int rc = 0;

	for (size_t i = lo; i <= hi && i < st->len && !rc; i++)
		rc = verify_at(st, &st->f->str[k], i, &st->sm[k]);
	if (rc || st->sm[k].n) {
		touch(st, k, DONE);
		st->status[k] = (uint8_t)(rc == YR_MATCH_ENOUGH ? 0 : rc);
	}
}

/* An anchor found at buf[at]: its string's starts noted (anchors.h's
 * answers). */
static int on_anchor(void *ctx, const struct anchor *a, size_t at)
{
	struct yr_fast_state *st = ctx;
	uint32_t k = st->f->run_str[a->id];
	int now = st->first && (st->f->use[k] & YR_USE_ONCE);

	if (group_dead(st, k) || !(st->f->how[k] & FS_ANCHORED) ||
	    (now && st->state[k] == DONE))
		return ANCHOR_SPENT;
	if (at < a->omin ||
	    ((st->f->how[k] & FS_REST) && !hex_rest(st, a, at, k)))
		return ANCHOR_NEXT;
	if (now && st->f->str[k].s->kind == YS_TEXT && a->omax != UINT32_MAX) {
		verify_now(st, k, at - (at > a->omax ? a->omax : at),
			   at - a->omin);
		return st->state[k] == DONE ? ANCHOR_SPENT : ANCHOR_NEXT;
	}
	touch(st, k, st->state[k] ? st->state[k] : TOUCHED);
	if (a->omax == UINT32_MAX) { /* anywhere: the whole buffer */
		touch(st, k, OPEN); /* the run's places noted, for its tail */
		if (cand_add(&st->cv[k], at - a->omin, at - a->omin) < 0)
			st->err = VIGIL_ENOMEM;
		return st->err != 0;
	}
	if (cand_add(&st->cv[k], at - (at > a->omax ? a->omax : at),
		     at - a->omin) < 0) {
		st->err = VIGIL_ENOMEM;
		return 1;
	}
	return 0;
}

/* String fs (not hex: verify_hex()) verified at buf[i]: its matches
 * there added to out. */
static int verify_at(struct yr_fast_state *st, const struct fstr *fs,
		     size_t i, struct yr_matches *out)
{
	const struct yr_string *s = fs->s;
	size_t n;
	int wide, m;

	if (s->mods & (YM_BASE64 | YM_BASE64WIDE))
		return (n = yr_b64_at(fs->b64, st->buf, st->len, i)) ?
			       yr_matches_add(out, i, n) : 0;
	for (wide = 0; wide < 2; wide++) {
		if (!(fs->forms & (wide ? FS_WIDE : FS_ASCII)))
			continue;
		if (s->kind == YS_TEXT) {
			if (yr_text_at(s, st->buf, st->len, i, wide) &&
			    (m = yr_matches_add(out, i, s->len << wide)) != 0)
				return m;
		} else if ((m = yr_regex_at(fs->at[wide], st->md, s, st->buf,
					    st->len, i, wide, &n)) != 0) {
			/* one per offset */
			return m < 0 ? YR_MATCH_LIMIT : yr_matches_add(out, i, n);
		}
	}
	return 0;
}

/* A hex string at the starts lo..hi: those whose byte fails the
 * program's first test are passed over without running it. */
static int verify_hex(struct yr_fast_state *st, const struct fstr *fs,
		      size_t lo, size_t hi, uint64_t *steps,
		      struct yr_matches *out)
{
	const struct yr_hex_item *first = &fs->hex.items[0];
	int byte = fs->hex.n && first->kind == YH_BYTE, rc = 0, m;
	size_t i, end;

	for (i = lo; i <= hi && i < st->len && !rc; i++) {
		if (byte && ((st->buf[i] & first->mask) == first->val) == first->neg)
			continue;
		if ((m = yr_hex_at(&fs->hex, st->buf, st->len, i, steps, &end)) < 0)
			rc = YR_MATCH_LIMIT;
		else if (m)
			rc = yr_matches_add(out, i, end - i);
	}
	return rc;
}

/* String k's matches, verified at every start its ranges hold. */
static int verify(struct yr_fast_state *st, size_t k)
{
	const struct fstr *fs = &st->f->str[k];
	struct cvec *v = &st->cv[k];
	struct yr_matches *out = &st->sm[k];
	uint64_t steps = 0;
	size_t c, i;
	int rc = 0;

	cand_merge(v);
	out->n = 0;
	for (c = 0; c < v->n && !rc; c++) {
		if (fs->s->kind == YS_HEX) {
			rc = verify_hex(st, fs, v->c[c].lo, v->c[c].hi, &steps, out);
			continue;
		}
		for (i = v->c[c].lo; i <= v->c[c].hi && i < st->len && !rc; i++)
			rc = verify_at(st, fs, i, out);
	}
	return rc;
}

/* String k over the whole buffer, with what the build compiled of it
 * (else as the reference matcher compiles it). */
/* Bytes a hex string's first items may hold, looked at before each place
 * it is tried: the item among its first PROBE_ITEMS (each one byte, so
 * at a fixed distance) that the fewest byte values pass, and the next
 * fewest (PEiD's signatures are one opcode, four wildcards, the next
 * opcode; or seventy wildcards and one opcode). */
#define PROBE_ITEMS 256
struct probe {
	uint32_t at, at2;	/* their distances from the start */
	uint32_t count, count2;	/* values that pass; 256: no probe */
	uint8_t pass[256], pass2[256];
};

static void probe_of(const struct yr_hex_seq *h, struct probe *p)
{
	uint32_t i, v, n;

	p->at = p->at2 = 0;
	p->count = p->count2 = 256;
	for (i = 0; i < h->n && i < PROBE_ITEMS && h->items[i].kind == YH_BYTE;
	     i++) {
		const struct yr_hex_item *it = &h->items[i];

		if (!it->mask && !it->neg)
			continue; /* ?? passes every byte */
		for (v = 0, n = 0; v < 256; v++)
			n += ((v & it->mask) == it->val) != !!it->neg;
		if (n >= p->count2)
			continue;
		if (n < p->count) { /* the best so far becomes the second */
			p->count2 = p->count;
			p->at2 = p->at;
			memcpy(p->pass2, p->pass, sizeof(p->pass));
			p->count = n;
			p->at = i;
			for (v = 0; v < 256; v++)
				p->pass[v] = ((v & it->mask) == it->val) !=
					     !!it->neg;
		} else {
			p->count2 = n;
			p->at2 = i;
			for (v = 0; v < 256; v++)
				p->pass2[v] = ((v & it->mask) == it->val) !=
					      !!it->neg;
		}
	}
}

/* The next place from i the probe lets a hex string be tried at, or len. */
static size_t next_place(const struct yr_fast_state *st,
			 const struct probe *p, size_t i)
{
	const uint8_t *q;

	if (p->count == 256)
		return i;
	if (p->count == 1) { /* one byte: memchr finds it */
		size_t v = 0;

		while (!p->pass[v])
			v++;
		q = i + p->at < st->len ? memchr(st->buf + i + p->at, (int)v,
						 st->len - i - p->at) : NULL;
		return q ? (size_t)(q - st->buf) - p->at : st->len;
	}
	while (i + p->at < st->len && !p->pass[st->buf[i + p->at]])
		i++;
	return i + p->at < st->len ? i : st->len;
}

static int whole(struct yr_fast_state *st, size_t k, const char **why)
{
	const struct fstr *fs = &st->f->str[k];
	struct yr_matches *out = &st->sm[k];
	uint64_t steps = 0;
	struct probe p;
	size_t i, end;
	int rc = 0, m;

	out->n = 0;
	if (fs->s->kind == YS_REGEX && (fs->re[0] || !(fs->forms & FS_ASCII)) &&
	    (fs->re[1] || !(fs->forms & FS_WIDE)))
		return yr_regex_all(fs->re, st->md, fs->s, st->buf, st->len, out);
	if (fs->s->kind != YS_HEX || !fs->have_hex)
		return yr_match_string(fs->s, st->buf, st->len, out, why);
	probe_of(&fs->hex, &p);
	for (i = next_place(st, &p, 0); i < st->len && !rc;
	     i = next_place(st, &p, i + 1)) {
		if (p.count2 < 256 && (i + p.at2 >= st->len ||
				       !p.pass2[st->buf[i + p.at2]]))
			continue;
		if ((m = yr_hex_at(&fs->hex, st->buf, st->len, i, &steps, &end)) < 0)
			rc = YR_MATCH_LIMIT;
		else if (m)
			rc = yr_matches_add(out, i, end - i);
	}
	return rc;
}

/* For a string whose run may lie anywhere: 1 if what must follow the run
 * matches at one of the places it was found (or nothing tells), so that
 * the whole buffer is worth searching. */
static int tails_match(struct yr_fast_state *st, size_t k)
{
	const struct fstr *fs = &st->f->str[k];
	struct cvec *v = &st->cv[k];
	size_t c, i;
	int w;

	if (fs->s->kind != YS_REGEX || (fs->forms & FS_ASCII && !fs->tail[0]) ||
	    (fs->forms & FS_WIDE && !fs->tail[1]))
		return 1;
	for (c = 0; c < v->n; c++)
		for (i = v->c[c].lo; i <= v->c[c].hi && i < st->len; i++)
			for (w = 0; w < 2; w++)
				if (fs->tail[w] &&
				    pcre2_match(fs->tail[w], st->buf, st->len, i,
						0, st->md, NULL) !=
					    PCRE2_ERROR_NOMATCH)
					return 1; /* a match, or PCRE2 gave up */
	return 0;
}

static int one_string(struct yr_fast_state *st, size_t k, const char **why);

/* String k, the same as an earlier one c (yrdup.c): c's matches made
 * ready and copied. */
static int copy_of(struct yr_fast_state *st, size_t k, size_t c,
		   const char **why)
{
	const struct yr_matches *from = &st->sm[c];
	int rc = one_string(st, c, why), m = 0;

	st->sm[k].n = 0;
	for (size_t i = 0; i < from->n && !m; i++)
		m = yr_matches_add(&st->sm[k], from->m[i].off, from->m[i].len);
	touch(st, (uint32_t)k, DONE);
	st->status[k] = (uint8_t)(rc ? rc : m == YR_MATCH_ENOUGH ? 0 : m);
	return st->status[k];
}

/* String k's matches, made ready: 0 or YR_MATCH_*, with why. */
static int one_string(struct yr_fast_state *st, size_t k, const char **why)
{
	int rc = 0;

	if (st->state[k] == DONE) {
		rc = st->status[k];
	} else if (st->f->canon[k] != k) {
		rc = copy_of(st, k, st->f->canon[k], why);
	} else if (st->f->how[k] == FS_ALWAYS) {
		touch(st, (uint32_t)k, DONE);
		st->status[k] = (uint8_t)(rc = whole(st, k, why));
	} else if (st->state[k] == OPEN) {
		st->state[k] = DONE;
		st->sm[k].n = 0;
		if (tails_match(st, k))
			rc = whole(st, k, why);
		st->status[k] = (uint8_t)rc;
	} else if (st->state[k] == TOUCHED) {
		st->state[k] = DONE;
		st->status[k] = (uint8_t)(rc = verify(st, k));
	}
	if (rc == YR_MATCH_ENOUGH)
		st->status[k] = (uint8_t)(rc = 0);
	if (rc == YR_MATCH_LIMIT && !*why)
		*why = "too many matches, a hex string too slow to match, or a "
		       "regular expression PCRE2 gave up on";
	return rc;
}

/* The evaluator's source: rule r's strings, matched now unless matches
 * are not listed (then each as the condition first reads it). */
static int rule_strings(void *ctx, size_t r, const struct yr_matches **sm,
			const char **why)
{
	struct yr_fast_state *st = ctx;
	const struct yr_fast *f = st->f;
	size_t k;
	int rc = 0;

	*sm = &st->sm[f->first[r]];
	for (k = f->first[r]; k < f->first[r + 1] && !rc && !st->first; k++)
		rc = one_string(st, k, why);
	return rc;
}

static int rule_string(void *ctx, size_t r, size_t k, const char **why)
{
	struct yr_fast_state *st = ctx;

	return one_string(st, st->f->first[r] + k, why);
}

static int known_false(void *ctx, size_t r)
{
	const struct yr_fast_state *st = ctx;

	return is_dead(st, r) || (st->f->needs[r] && !st->rule_hit[r]);
}

/* When matches are not listed: the rules a term of which is false over
 * the buffer are dead, their strings passed over; returns the passes
 * (FS_ANCHORED, FS_PAIRS) a live rule needs. */
static unsigned gate(struct yr_fast_state *st)
{
	const struct yr_fast *f = st->f;
	size_t nw = f->rs->nrules / 64 + 1, e, t, w;
	uint64_t live[2] = { 0, 0 };

	if (!f->ngates) /* no rule is ever dead (dead[] stays zero) */
		return st->first ? f->all_passes : FS_ANCHORED | FS_PAIRS;
	memset(st->dead, 0, nw * 8);
	if (!st->first)
		return FS_ANCHORED | FS_PAIRS;
	yr_eval_terms(f->term, f->nterms, st->buf, st->len, st->truth);
	for (t = 0; t < f->nterms; t++)
		for (e = f->term_start[t];
		     !st->truth[t] && e < f->term_start[t + 1]; e++)
			st->dead[f->term_word[e]] |= f->term_mask[e];
	for (w = 0; w < nw; w++) { /* the rules needing each pass, live */
		live[0] |= f->passing[0][w] & ~st->dead[w];
		live[1] |= f->passing[1][w] & ~st->dead[w];
	}
	return (live[0] ? FS_ANCHORED : 0u) | (live[1] ? FS_PAIRS : 0u);
}

/* The evaluator's "$a at x" for a string read only so (YR_USE_AT), where
 * matches are not listed: tested at x alone, not over the buffer. */
static int rule_string_at(void *ctx, size_t r, size_t k, int64_t at,
			  int *hit, const char **why)
{
	struct yr_fast_state *st = ctx;
	size_t i = st->f->first[r] + k, end;
	const struct fstr *fs = &st->f->str[st->f->canon[i]];
	uint64_t steps = 0;
	int m;

	*hit = -1;
	if (!st->first || !(st->f->use[i] & YR_USE_AT) ||
	    (fs->s->kind == YS_HEX && !fs->have_hex) ||
	    (fs->s->kind == YS_REGEX &&
	     ((fs->forms & FS_ASCII && !fs->at[0]) ||
	      (fs->forms & FS_WIDE && !fs->at[1]))))
		return 0;
	*hit = 0;
	if (at < 0 || (uint64_t)at >= st->len)
		return 0;
	if (fs->s->kind == YS_HEX) {
		if ((m = yr_hex_at(&fs->hex, st->buf, st->len, (size_t)at,
				   &steps, &end)) < 0) {
			*why = "a hex string too slow to match";
			return YR_MATCH_LIMIT;
		}
		*hit = m != 0;
		return 0;
	}
	m = verify_at(st, fs, (size_t)at, &st->scratch);
	*hit = st->scratch.n > 0;
	st->scratch.n = 0;
	if (m == YR_MATCH_LIMIT)
		*why = "a regular expression PCRE2 gave up on";
	return m == YR_MATCH_ENOUGH ? 0 : m;
}

static void reset(struct yr_fast_state *st)
{
	size_t t;

	for (t = 0; t < st->ntouched; t++) {
		uint32_t k = st->touched[t];

		st->sm[k].n = 0;
		st->cv[k].n = 0;
		st->state[k] = 0;
		st->status[k] = 0;
		hit(st, k, 0);
	}
	st->ntouched = 0;
	st->err = 0;
	st->woke = 0;
	for (t = 0; t < st->nwoken; t++)
		st->woken[st->woken_list[t]] = 0;
	st->nwoken = 0;
	st->rest_steps = 0;
}

void yr_fast_set_log(struct yr_fast_state *st,
		     void (*log)(void *ctx, const char *line, size_t n),
		     void *ctx)
{
	st->log = log;
	st->log_ctx = ctx;
}

void yr_fast_set_first(struct yr_fast_state *st, int first)
{
	if (st->first == first)
		return;
	st->first = first;
	for (size_t k = 0; k < st->f->nstr; k++)
		st->sm[k].want = first && (st->f->use[k] & YR_USE_ONCE);
}

void yr_fast_set_timing(struct yr_fast_state *st, uint64_t timeout_ns,
			uint64_t slow_ns,
			void (*slow)(void *ctx, size_t r, uint64_t ns),
			void *ctx)
{
	st->timeout_ns = timeout_ns;
	st->slow_ns = slow_ns;
	st->slow = slow;
	st->slow_ctx = ctx;
}

static void slow_rule(void *ctx, size_t r, uint64_t ns)
{
	struct yr_fast_state *st = ctx;

	st->slow(st->slow_ctx, r, ns);
}

static void console_line(void *ctx, const char *line, size_t n)
{
	struct yr_fast_state *st = ctx;

	if (st->log)
		st->log(st->log_ctx, line, n);
}

/* For yr_fast_may_hold(): 1 if long string k is found (verified now, not
 * again when its rule is evaluated), or its verification gave up (its
 * rule is then a limit reached when evaluated, with the general reason:
 * the string's own is not kept). */
static int found(void *ctx, size_t k)
{
	struct yr_fast_state *st = ctx;
	const char *why = NULL;

	if (!st->state[st->f->canon[k]])
		return 0;
	if (st->deadline && yr_now_ns() >= st->deadline)
		return 1; /* past the time limit: verified no more */
	return one_string(st, k, &why) != 0 || st->sm[k].n > 0;
}

/* Notes rule r's wake group woken: 1 if that makes more than
 * WAKE_GROUPS_MAX, or the group's runs are the whole table's (WAKE_WHOLE):
 * the whole table is then looked for. */
static int woken(struct yr_fast_state *st, uint32_t r)
{
	uint32_t g = st->f->wake_group[r];

	if (st->f->wake_how[g] & WAKE_WHOLE || st->nwoken == WAKE_GROUPS_MAX)
		return 1;
	st->woken[g] = 1;
	st->woken_list[st->nwoken++] = g;
	return 0;
}

/* Wakes the groups of the rules that wait and may be true with the long
 * strings found: of the rules a string touched (rule_hit[]), each once,
 * where each of the rules that wait was asked of in every file (elastic's
 * 541, signature-base's 1,062). 1 if the whole lazy table is to be
 * looked for instead. */
static int may_wake(struct yr_fast_state *st)
{
	const struct yr_fast *f = st->f;

	memset(st->asked, 0, (f->rs->nrules / 64 + 1) * 8);
	for (size_t t = 0; t < st->ntouched; t++) /* may grow: found() */
		for (uint32_t k = st->touched[t]; k != YR_NO_DUP;
		     k = f->dup_next[k]) {
			uint32_t r = f->rule_of[k];
			uint64_t bit = 1ull << r % 64;

			if (!(f->defers[r / 64] & bit) ||
			    (st->asked[r / 64] & bit) || is_dead(st, r) ||
			    st->woken[f->wake_group[r]])
				continue;
			st->asked[r / 64] |= bit;
			if (yr_fast_may_hold(f, r, found, st) && woken(st, r))
				return 1;
		}
	return 0;
}

/* The runs that wait (yrdefer.c), short or of four-byte keys: looked for
 * once a rule that has one may be true with the long strings found. Each
 * such rule's group's table is passed over the buffer, or where more are
 * woken, the whole lazy table once; the pairs that wait where a group
 * woken has some. Signature-base has 929 groups of its 1,068 rules that
 * wait; TRITON_ICS_FRAMEWORK, woken in seven of bench/yara.py's files
 * (9.3 MB) by its "symbol table", had the 5,998 entries of every rule's
 * strings that wait looked for there, a pass as slow as the first. With
 * a table per group its scan took 0.148 -> 0.128 s (best of eight passes
 * in one process); without any wake, 0.119. The strings verified here
 * are verified within the time limit: what this takes of it (returned,
 * in nanoseconds, with a limit) is the evaluator's no more. */
static uint64_t wake(struct yr_fast_state *st)
{
	const struct yr_fast *f = st->f;
	uint64_t t0 = st->timeout_ns ? yr_now_ns() : 0;
	int whole, pairs = 0;

	st->deadline = t0 ? t0 + st->timeout_ns : 0;
	whole = may_wake(st);
	for (size_t t = 0; t < st->nwoken; t++)
		pairs |= f->wake_how[st->woken_list[t]] & WAKE_PAIRS;
	if (f->nlazy && (whole || pairs))
		yr_pairs_scan(&f->lazy, st->buf, st->len, on_anchor, st);
	if (whole && f->nlazy_anchors && !st->err)
		anchors_scan(&f->lazy_anchors, st->buf, st->len, on_anchor,
			     st);
	for (size_t t = 0; !whole && f->wake_tab && t < st->nwoken && !st->err;
	     t++) {
		const struct anchors *a = &f->wake_tab[st->woken_list[t]];

		if (a->n[0] + a->n[1])
			anchors_scan(a, st->buf, st->len, on_anchor, st);
	}
	st->woke = whole;
	return t0 ? yr_now_ns() - t0 : 0;
}

/* The rules the evaluator is to take: maybe[]'s less the dead ones, false
 * whatever else (one_rule() asked known_false() of each), the global ones
 * kept (one false, the other rules are). signature-base over a file
 * not PE: 62 rules of 257 (most need no string and are for PE files). */
static const uint64_t *live_maybe(struct yr_fast_state *st)
{
	const struct yr_fast *f = st->f;

	if (!f->ngates || !st->first)
		return st->maybe;
	for (size_t w = 0; w <= f->rs->nrules / 64; w++)
		st->live[w] = st->maybe[w] & ~(st->dead[w] & ~f->global[w]);
	return st->live;
}

int yr_fast_eval(const struct yr_fast *f, struct yr_fast_state *st,
		 const uint8_t *buf, size_t len, const struct yr_external *ext,
		 size_t next, uint8_t *result, const char **why)
{
	struct yr_source src = { rule_strings, st, known_false, console_line,
				 st->timeout_ns, st->slow_ns,
				 st->slow ? slow_rule : NULL,
				 st->first ? rule_string : NULL,
				 st->first ? rule_string_at : NULL, st->maybe };
	uint64_t took;
	int rc, split;
	unsigned need;

	reset(st);
	st->buf = buf;
	st->len = len;
	need = gate(st);
	/* the rules of the split's term dead here: the other table */
	split = f->has_split && st->first && !st->truth[f->split_term];
	if (need & FS_ANCHORED)
		anchors_scan(split ? &f->ungated : &f->anchors, buf, len,
			     on_anchor, st);
	if (!st->err && (need & FS_PAIRS))
		yr_pairs_scan(split && f->has_split_pairs ? &f->ungated_pairs :
							    &f->pairs,
			      buf, len, on_anchor, st);
	if (!st->err && f->ndefer && (took = wake(st)) != 0)
		src.timeout_ns = took < src.timeout_ns ? src.timeout_ns - took : 1;
	src.maybe = live_maybe(st);
	rc = st->err ? st->err :
		       yr_eval_from(f->rs, &src, buf, len, ext, next, result, why);
	return rc;
}

const struct yr_matches *yr_fast_matches(const struct yr_fast_state *st,
					 size_t r)
{
	return &st->sm[st->f->first[r]];
}

int yr_fast_unsearched(const struct yr_fast_state *st, size_t r, size_t k)
{
	const struct yr_fast *f = st->f;

	return !st->woke && f->wait[f->canon[f->first[r] + k]] &&
	       !st->woken[f->wake_group[r]];
}
