/*
 * bodyscan.c -- body and logical signatures over one buffer. Vectorscan
 * reports each matchable's first hit; exact ones count at once, the others
 * are verified over the whole buffer by the exact matcher (which also
 * counts them for logical signatures). In a shard with the anchors matcher
 * (match/anchors.c), each anchor found is verified where it says its
 * pattern starts, Vectorscan runs only the patterns without one, and the
 * short patterns deferred (match/defer.c) are verified when their logical
 * signature was touched. Logical signatures touched by a hit, and those
 * true without any, are evaluated once at the end.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/bcompscan.h"
#include "core/iconscan.h"
#include "core/imghash.h"
#include "core/pcrescan.h"
#include "core/scanner_int.h"
#include "db/ftm.h"
#include "formats/exe/exeinfo.h"
#include "formats/media/imgdecode.h"
#include "match/hschunk.h"
#include "sig/cltype.h"
#include "sig/lexpr.h"
#include "sig/pattern.h"

/* ClamAV's target type of images (GIF, PNG, JPEG, TIFF, BMP). */
#define TARGET_GRAPHICS 5

struct bscan {
	struct vigil_scanner *s;
	const struct shard *sh;
	struct shard_state *st;
	const uint8_t *buf;
	size_t len;
	uint32_t targets;
	int rc;			/* 1: stop, < 0: error */
	int exe_parsed;
	size_t at;		/* the Vectorscan chunk's offset (hs_chunks) */
	uint32_t overlap;	/* between chunks; 0: the object is one block */
	struct magic_hits *mh;	/* the containers' signatures: or NULL */
};

/* The object's executable headers, parsed on first use. */
static const struct exeinfo *exe(struct bscan *b)
{
	struct vigil_scanner *s = b->s;

	if (!s->exe && !(s->exe = malloc(sizeof(*s->exe)))) {
		b->rc = VIGIL_ENOMEM;
		return NULL;
	}
	if (!b->exe_parsed)
		exeinfo_parse(b->buf, b->len, s->exe);
	b->exe_parsed = 1;
	return s->exe->kind != EXE_NONE ? s->exe : NULL;
}

/*
 * Start of an executable-relative offset: 0, or -1 if the object has no
 * such place (no entry point, no such section, not an executable).
 */
static int exe_base(struct bscan *b, const struct vdb_matchable *m,
		    uint64_t *base)
{
	const struct exeinfo *x = exe(b);
	uint32_t i = m->off_kind == OFF_SL && x ? x->nsect - 1 : m->off_sect;

	if (!x || m->off_kind == OFF_VI) /* VI: many places, see verify() */
		return -1;
	if (m->off_kind == OFF_EP) {
		int back = (int)(m->off_n >> 63); /* EP-n: a negative delta */

		*base = x->ep + m->off_n; /* modulo 2^64 */
		if (!x->has_ep || (back ? *base >= x->ep : *base < x->ep))
			return -1;
		return 0;
	}
	if (i >= x->nsect || (m->off_kind == OFF_SL && x->truncated))
		return -1;
	*base = x->sect[i].off + (m->off_kind == OFF_SE ? 0 : m->off_n);
	return *base >= x->sect[i].off ? 0 : -1;
}

static struct pat_window window(struct bscan *b,
				const struct vdb_matchable *m)
{
	struct pat_window w = { 0, b->len };
	size_t len = b->len;
	uint64_t base = 0;
	uint64_t shift = m->off_shift;

	switch (m->off_kind) {
	case OFF_ANY:
		return w;
	case OFF_ABS:
		base = m->off_n;
		break;
	case OFF_EOF:
		base = m->off_n > len ? UINT64_MAX : len - m->off_n;
		break;
	default:
		if (exe_base(b, m, &base) < 0)
			base = UINT64_MAX;
		else if (m->off_kind == OFF_SE) /* anywhere in the section */
			shift += exe(b)->sect[m->off_sect].size;
	}
	w.lo = base > len ? len + 1 : (size_t)base;
	w.hi = shift > len ? len : w.lo + (size_t)shift;
	return w;
}

/* Matches starting where a PE's version information strings do. */
static int64_t at_vi(struct bscan *b, const struct vdb_matchable *m,
		     uint64_t max)
{
	const struct exeinfo *x = exe(b);
	int64_t n = 0, k;
	unsigned i;

	for (i = 0; x && i < x->nvi && (uint64_t)n < max; i++) {
		struct pat_window w = { (size_t)x->vi[i], (size_t)x->vi[i] };

		if (x->vi[i] >= b->len)
			continue;
		k = pat_count(b->sh->v.code + m->code_off, m->code_len,
			      b->buf, b->len, w, max - (uint64_t)n);
		if (k < 0)
			return k;
		n += k;
	}
	return n;
}

/* done[] of a matchable: 0 untouched in this object, DONE verified,
 * TRYING verified anchor by anchor (next[] is the first start not tried). */
#define DONE 1
#define TRYING 2

/* Records that id's state changes in this object (reset() clears it). */
static void touch(struct bscan *b, uint32_t id)
{
	if (!b->st->done[id])
		b->st->touched_m[b->st->ntm++] = id;
}

/* The exact matcher ran out of steps: a limit result, never clean. */
static int out_of_steps(struct bscan *b)
{
	int r = scanner_limit(b->s, LIMIT_STEPS);

	b->rc = r ? r : b->rc;
	return b->rc != 0;
}

/* Counts a matchable's matches in the buffer (at most once per object),
 * none of which ends before 'end'. */
static int64_t verify(struct bscan *b, uint32_t id, size_t end)
{
	const struct vdb_matchable *m = &b->sh->v.match[id];
	uint64_t max = (m->flags & MATCH_F_COUNT) ? UINT32_MAX : 1;
	struct pat_window w = window(b, m);
	int64_t n;

	if (b->st->done[id] == DONE)
		return 0;
	touch(b, id);
	b->st->done[id] = DONE;
	if (m->maxlen != PAT_INF && end > m->maxlen && end - m->maxlen > w.lo)
		w.lo = end - m->maxlen;
	n = m->off_kind == OFF_VI ? at_vi(b, m, max) :
		pat_count(b->sh->v.code + m->code_off, m->code_len, b->buf,
			  b->len, w, max);
	if (n < 0) {
		out_of_steps(b);
		return 0;
	}
	return n;
}

static void mark_ldb(struct bscan *b, uint32_t li)
{
	if (!b->st->ldb_mark[li]) {
		b->st->ldb_mark[li] = 1;
		b->st->touched_l[b->st->ntl++] = li;
	}
}

static int hit(struct bscan *b, uint32_t id, uint64_t n)
{
	const struct vdb_view *v = &b->sh->v;
	const struct vdb_matchable *m = &v->match[id];
	uint32_t *c;

	if (m->kind == MATCH_NDB) {
		const char *name = vdb_str(v, v->ndb[m->owner].name);

		if (name[0] == FTM_MARK)
			return ftm_hit(b->s, b->buf, b->len, name);
		return scanner_detect(b->s, name);
	}
	c = &b->st->counts[b->sh->cnt_base[m->owner] + m->sub];
	*c = (uint64_t)*c + n > UINT32_MAX ? UINT32_MAX : *c + (uint32_t)n;
	mark_ldb(b, m->owner);
	return 0;
}

/*
 * Vectorscan's first report of an expression: no true match ends before
 * it (the expression matches a superset), so verifying starts there. Of
 * a chunk, the same holds for the matches that fit in the overlap.
 */
static int on_match(unsigned id, unsigned long long from,
		    unsigned long long to, unsigned flags, void *ctx)
{
	struct bscan *b = ctx;
	const struct vdb_matchable *m;
	size_t end = b->at + (size_t)to;
	int64_t n = 1;

	(void)from;
	(void)flags;
	if (id >= b->sh->v.nmatch) { /* a container's signature */
		if (b->mh)
			magic_note(b->mh, id - (unsigned)b->sh->v.nmatch, to);
		return 0;
	}
	m = &b->sh->v.match[id];
	if (!(b->targets & (1u << m->target)) || b->st->done[id] == DONE)
		return 0; /* DONE: reported again by a later chunk */
	if (b->overlap && hschunk_blind(m, b->overlap))
		end = 0;
	if ((b->sh->m.rtflags[id] & RT_VERIFY) &&
	    (n = verify(b, id, end)) <= 0)
		return b->rc != 0;
	touch(b, id);
	b->st->done[id] = DONE;
	if ((b->rc = hit(b, id, (uint64_t)n)) != 0)
		return 1;
	return 0;
}

/*
 * The anchors matcher found matchable a->id's anchor at buf[at]: the
 * pattern is verified at the starts that place allows (anchors.c takes
 * only patterns whose anchor bounds them) and no earlier anchor did. A
 * matchable's anchors come in order, so the windows only move on: each
 * start is tried once per object however often the anchor repeats, a
 * counted pattern counts each of its starts once, and every start lies in
 * the window of the anchor it has. Returns anchors.h's answers.
 */
static int on_anchor(void *ctx, const struct anchor *a, size_t at)
{
	struct bscan *b = ctx;
	struct shard_state *st = b->st;
	const struct vdb_matchable *m;
	const uint8_t *code;
	struct pat_window w;
	size_t found;
	int64_t n;

	if (a->id >= b->sh->v.nmatch) /* a table taken as checked before */
		return ANCHOR_SPENT;
	m = &b->sh->v.match[a->id];
	code = b->sh->v.code + m->code_off;
	if (st->done[a->id] == DONE || !(b->targets & (1u << m->target)))
		return ANCHOR_SPENT;
	if (at < a->omin)
		return ANCHOR_NEXT;
	if (!st->done[a->id]) {
		touch(b, a->id);
		st->done[a->id] = TRYING;
		st->next[a->id] = 0;
	}
	w = window(b, m);
	if (a->omax != PAT_INF && at >= a->omax && at - a->omax > w.lo)
		w.lo = at - a->omax; /* else any start before it */
	w.lo = st->next[a->id] > w.lo ? (size_t)st->next[a->id] : w.lo;
	w.hi = at - a->omin < w.hi ? at - a->omin : w.hi;
	if (w.lo > w.hi)
		return 0;
	st->next[a->id] = (uint64_t)w.hi + 1;
	if (m->flags & MATCH_F_COUNT)
		n = pat_count(code, m->code_len, b->buf, b->len, w, UINT32_MAX);
	else if ((n = pat_find(code, m->code_len, b->buf, b->len, w,
			       &found)) > 0)
		st->done[a->id] = DONE;
	if (n < 0)
		return out_of_steps(b);
	return n && (b->rc = hit(b, a->id, (uint64_t)n)) != 0;
}

/* Called with each start of a subsignature's match: 1 ends the walk. */
typedef int (*start_fn)(struct bscan *b, const void *what, size_t at);

/* 1 if fn said so at one of the first BCOMP_MAX_TRIGGERS starts of sub's
 * matches (a byte compare's trigger, the subsignature before a macro). */
static int any_start(struct bscan *b, const struct vdb_ldb *l, unsigned sub,
		     start_fn fn, const void *what)
{
	const struct vdb_view *v = &b->sh->v;
	unsigned seen = 0;
	uint32_t i;

	for (i = l->first; i < l->first + l->nmatch; i++) {
		const struct vdb_matchable *m = &v->match[i];
		struct pat_window w = window(b, m);
		size_t at;

		if (m->sub != sub || m->off_kind == OFF_VI)
			continue;
		while (seen++ < BCOMP_MAX_TRIGGERS && w.lo <= w.hi &&
		       pat_find(v->code + m->code_off, m->code_len, b->buf,
				b->len, w, &at) == 1) {
			if (fn(b, what, at))
				return 1;
			w.lo = at + 1;
		}
	}
	return 0;
}

static int bcomp_at(struct bscan *b, const void *what, size_t at)
{
	return bcompscan_at(what, b->buf, b->len, at);
}

/* A member of the macro's group (in any database of the engine, as the
 * groups are ClamAV's engine-wide) starts min..max bytes after at. */
static int macro_at(struct bscan *b, const void *what, size_t at)
{
	const struct vdb_macro *mc = what;
	const struct vigil_engine *e = b->s->e;
	struct pat_window w = { at + mc->min, at + mc->max };
	size_t i, k;

	if (mc->min > b->len - at)
		return 0;
	if (mc->max > b->len - at)
		w.hi = b->len;
	for (k = 0; k < e->nshards; k++) {
		const struct vdb_view *v = &e->shards[k].v;

		for (i = 0; i < v->nmacropat; i++) {
			const struct vdb_macro_pat *p = &v->macropat[i];

			if (p->group == mc->group &&
			    pat_count(v->code + p->code_off, p->code_len,
				      b->buf, b->len, w, 1) > 0)
				return 1;
		}
	}
	return 0;
}

/* Macro subsignatures: their counts (0 or 1). */
static void run_macros(struct bscan *b, uint32_t li)
{
	const struct vdb_view *v = &b->sh->v;
	const struct vdb_ldb *l = &v->ldb[li];
	uint32_t *counts = b->st->counts + b->sh->cnt_base[li], i;

	for (i = l->macro_first; i < l->macro_first + l->nmacro; i++) {
		const struct vdb_macro *mc = &v->macro[i];

		counts[mc->sub] = counts[mc->sub - 1] &&
				  any_start(b, l, mc->sub - 1u, macro_at, mc);
	}
}

/* Byte compares whose triggers matched: their counts (0 or 1). */
static void run_bcomps(struct bscan *b, uint32_t li)
{
	const struct vdb_view *v = &b->sh->v;
	const struct vdb_ldb *l = &v->ldb[li];
	uint32_t *counts = b->st->counts + b->sh->cnt_base[li], i;

	for (i = l->bcomp_first; i < l->bcomp_first + l->nbcomp; i++) {
		const struct vdb_bcomp *bc = &v->bcomp[i];

		counts[bc->sub] = counts[bc->trigger] &&
				  any_start(b, l, bc->trigger, bcomp_at, bc);
	}
}

/* The PCRE subsignatures whose triggers hold, in order: their counts. */
static void run_pcres(struct bscan *b, uint32_t li)
{
	const struct vdb_view *v = &b->sh->v;
	const struct vdb_ldb *l = &v->ldb[li];
	uint32_t *counts = b->st->counts + b->sh->cnt_base[li], i, n;

	for (i = l->pcre_first; i < l->pcre_first + l->npcre && !b->rc; i++) {
		const struct vdb_pcre *p = &v->pcre[i];
		struct vdb_matchable at = { .off_kind = p->off_kind,
					    .off_sect = p->off_sect,
					    .off_shift = p->off_shift,
					    .off_n = p->off_n };

		if (!lexpr_eval(v->code + p->trig_off, p->trig_len, counts))
			continue;
		b->rc = pcrescan_count(b->s, b->sh, i, b->buf, b->len,
				       window(b, &at), &n);
		counts[p->sub] = n;
		if (n)
			mark_ldb(b, li);
	}
}

/* The object's image fuzzy hash, computed once: 1 if it has one. */
static int image_hash(struct bscan *b)
{
	struct vigil_scanner *s = b->s;
	int rc;

	if (s->img_state != IMG_HASH_UNKNOWN)
		return s->img_state == IMG_HASH_OK;
	rc = imghash_compute(b->buf, b->len, s->img_hash);
	s->img_state = rc == 0 ? IMG_HASH_OK : IMG_HASH_NONE;
	if (rc < 0)
		b->rc = rc;
	else if (rc == IMG_TOO_BIG)
		b->rc = scanner_limit(s, LIMIT_IMAGE);
	return rc == 0;
}

/* fuzzy_img subsignatures equal to an image's hash count once. */
static void run_fuzzy(struct bscan *b)
{
	const struct vdb_view *v = &b->sh->v;
	size_t i;

	if (!image_hash(b))
		return;
	for (i = 0; i < v->nfuzzy; i++) {
		const struct vdb_fuzzy *z = &v->fuzzy[i];

		if (memcmp(z->hash, b->s->img_hash, IMGHASH_BYTES))
			continue;
		b->st->counts[b->sh->cnt_base[z->owner] + z->sub]++;
		mark_ldb(b, z->owner);
	}
}

/* Container (CL_TYPE_ANY: no container) and Intermediates. */
static int containers_match(const struct walk *w, const struct vdb_ldb *l)
{
	unsigned n = w->nchain, i;

	if (l->container == CLT_ANY)
		return n == 0;
	if (n > WALK_CHAIN_MAX || n < l->ninter ||
	    (l->container && (!n || w->chain[n - 1] != l->container)))
		return 0;
	for (i = 0; i < l->ninter; i++) {
		uint8_t t = l->inter[i];

		if (t != CLT_ANY && t != w->chain[n - l->ninter + i])
			return 0;
	}
	return 1;
}

/* NumberOfSections and EntryPoint. */
static int exe_match(struct bscan *b, const struct vdb_ldb *l)
{
	const struct exeinfo *x;

	if (!(l->flags & (LDB_F_NSECT | LDB_F_EP)))
		return 1;
	if (!(x = exe(b)))
		return 0;
	if ((l->flags & LDB_F_NSECT) &&
	    (x->nsect < l->nsect_min || x->nsect > l->nsect_max))
		return 0;
	return !(l->flags & LDB_F_EP) ||
	       (x->has_ep && x->ep >= l->ep_min && x->ep <= l->ep_max);
}

/* l's deferred patterns (defer.c), verified now that l was touched,
 * unless its expression is false even were they all to match many times
 * (with PCRE subsignatures, not yet run, always). */
static void run_deferred(struct bscan *b, uint32_t li)
{
	const struct vdb_view *v = &b->sh->v;
	const struct vdb_ldb *l = &v->ldb[li];
	const uint8_t *rt = b->sh->m.rtflags;
	uint32_t hope[LEXPR_MAX_SUBSIGS], i;
	int any = 0;

	if (l->nsub > LEXPR_MAX_SUBSIGS || !b->st->ldb_mark[li])
		return; /* untouched: a required subsignature is missing */
	memcpy(hope, b->st->counts + b->sh->cnt_base[li],
	       l->nsub * sizeof(*hope));
	for (i = l->first; i < l->first + l->nmatch; i++)
		if (rt[i] & RT_DEFER) {
			hope[v->match[i].sub] = LEXPR_MANY;
			any = 1;
		}
	if (!any || (!l->npcre &&
		     !lexpr_eval(v->code + l->expr_off, l->expr_len, hope)))
		return;
	for (i = l->first; i < l->first + l->nmatch && !b->rc; i++) {
		int64_t n;

		if ((rt[i] & RT_DEFER) && (n = verify(b, i, 0)) > 0)
			b->rc = hit(b, i, (uint64_t)n);
	}
}

static void eval_ldb(struct bscan *b, uint32_t li)
{
	const struct vdb_view *v = &b->sh->v;
	const struct vdb_ldb *l = &v->ldb[li];
	int rc;

	if (b->rc || !(b->targets & (1u << l->target)) ||
	    b->len < l->fsize_min || b->len > l->fsize_max ||
	    !containers_match(&b->s->w, l) || !exe_match(b, l))
		return;
	if (l->nmacro)
		run_macros(b, li);
	if (l->nbcomp)
		run_bcomps(b, li);
	if (b->sh->m.anchored && (run_deferred(b, li), b->rc))
		return;
	if (l->npcre && (run_pcres(b, li), b->rc))
		return;
	if (!lexpr_eval(v->code + l->expr_off, l->expr_len,
			b->st->counts + b->sh->cnt_base[li]))
		return;
	if ((l->flags & LDB_F_ICON) &&
	    (rc = iconscan_match(b->s, b->sh, li, b->buf, b->len)) <= 0) {
		b->rc = rc;
		return;
	}
	if (l->handler) { /* HandlerType: read it again as that type */
		if (!b->s->handler)
			b->s->handler = l->handler;
		return;
	}
	b->rc = scanner_detect(b->s, vdb_str(v, l->name));
}

static void reset(struct bscan *b)
{
	struct shard_state *st = b->st;
	size_t i;

	for (i = 0; i < st->ntl; i++) {
		uint32_t li = st->touched_l[i];

		memset(st->counts + b->sh->cnt_base[li], 0,
		       b->sh->v.ldb[li].nsub * sizeof(uint32_t));
		st->ldb_mark[li] = 0;
	}
	for (i = 0; i < st->ntm; i++)
		st->done[st->touched_m[i]] = 0;
	st->ntl = st->ntm = 0;
}

/* The shard's chunk information, made on first use (an object over the
 * block limit is rare: most engines never need it). NULL: no memory. */
static const struct hschunk *chunk_info(struct bscan *b)
{
	struct hschunk *c = atomic_load(b->sh->chunk), *none = NULL;

	if (c)
		return c;
	if (hschunk_build(&b->sh->v, b->sh->m.rtflags, &c) < 0)
		return NULL;
	if (!atomic_compare_exchange_strong(b->sh->chunk, &none, c)) {
		hschunk_free(c); /* another scanner's came first */
		c = none;
	}
	return c;
}

/* Past the scan's time: a limit result, never clean. */
static int expired(struct bscan *b)
{
	struct vigil_scanner *s = b->s;

	if (scanner_clock() - s->w.t0 <= s->opts.max_seconds)
		return 0;
	b->rc = scanner_limit(s, LIMIT_TIME);
	b->rc = b->rc ? b->rc : 1;
	s->w.stop = 1;
	return 1;
}

/* Anchor keys are at most this long (anchors.c: eight bytes and a stride). */
#define ANCHOR_KEY_MAX 16

/*
 * The expressions no chunk can show: those allowed anywhere by their
 * anchors, as far as a match may start before the last chunk (one that
 * starts in it lies whole in it); the others verified in their windows.
 */
static void blind_pass(struct bscan *b, const struct hschunk *c, size_t last)
{
	struct shard_state *st = b->st;
	size_t upto = last + c->reach + ANCHOR_KEY_MAX, i;

	if (!st->next &&
	    !(st->next = calloc(b->sh->v.nmatch + 1, sizeof(*st->next)))) {
		b->rc = VIGIL_ENOMEM;
		return;
	}
	anchors_scan(&c->anc, b->buf, upto < b->len ? upto : b->len,
		     on_anchor, b);
	for (i = 0; i < c->nrest && !b->rc && !expired(b); i++) {
		uint32_t id = c->rest[i];
		int64_t k;

		if ((b->targets & (1u << b->sh->v.match[id].target)) &&
		    (k = verify(b, id, 0)) > 0)
			b->rc = hit(b, id, (uint64_t)k);
	}
}

/*
 * Vectorscan matches a block of at most 4 GiB - 1. A larger object is
 * matched in chunks that overlap by the widest bounded expression, so
 * that each match of those lies whole in one chunk (an expression already
 * reported is not counted again), the last chunk as long as a block, so
 * that as few matches as can be start before it; then the expressions a
 * chunk cannot show are looked for there (hschunk.h).
 */
static hs_error_t hs_chunks(struct bscan *b)
{
	const struct hschunk *c = chunk_info(b);
	size_t last = b->len - HSCHUNK_BYTES, n;
	hs_error_t e;

	if (!c) {
		b->rc = VIGIL_ENOMEM;
		return HS_SUCCESS;
	}
	b->overlap = c->overlap;
	for (;;) {
		n = b->at >= last ? b->len - b->at :
		    last + c->overlap - b->at < HSCHUNK_BYTES ?
				    last + c->overlap - b->at :
				    HSCHUNK_BYTES;
		e = hs_scan(b->sh->m.db, (const char *)b->buf + b->at,
			    (unsigned)n, 0, b->s->scratch, on_match, b);
		if (e != HS_SUCCESS)
			return e;
		if (b->at >= last || expired(b))
			break;
		b->at += n - c->overlap;
	}
	b->at = 0; /* reports to come are no chunk's */
	if (!b->rc)
		blind_pass(b, c, last);
	return HS_SUCCESS;
}

/* The database for b's pass: of a text buffer, a text one (NULL where
 * none of its expressions fits text, or none that b looks for), without
 * the containers' signatures where b does not look for them. */
static const hs_database_t *pass_db(const struct bscan *b, int text)
{
	const struct hsdb *m = &b->sh->m;
	const struct hstext_db *t = text == BODY_TEXT_RAW ? &m->text.raw :
				    !b->mh && m->text.norm_ok ? &m->text.norm :
								&m->text.all;

	if (!text || !m->text.ok || b->len > UINT32_MAX)
		return m->db;
	return !b->mh && t->plain_none ? NULL : t->db;
}

int bodyscan_run(struct vigil_scanner *s, size_t shard, const uint8_t *buf,
		 size_t len, uint32_t targets, struct magic_hits *mh,
		 int text)
{
	const struct shard *sh = &s->e->shards[shard];
	struct bscan b = { .s = s, .sh = sh, .st = &s->st[shard], .buf = buf,
			   .len = len, .targets = targets };
	const hs_database_t *db;
	hs_error_t e = HS_SUCCESS;
	size_t i;

	if (sh->m.anchored)
		anchorset_scan(&sh->m.anc, targets, buf, len, on_anchor, &b);
	/* chunks would report a container's signature twice: not there */
	if (mh && sh->m.magic && len <= UINT32_MAX) {
		memset(mh, 0, sizeof(*mh));
		b.mh = mh;
	}
	if ((db = pass_db(&b, text)) != NULL && !b.rc)
		e = len <= UINT32_MAX ?
			    hs_scan(db, (const char *)buf, (unsigned)len, 0,
				    s->scratch, on_match, &b) :
			    hs_chunks(&b);
	if (b.mh && e == HS_SUCCESS && !b.rc)
		b.mh->found = 1;
	if (e != HS_SUCCESS && e != HS_SCAN_TERMINATED)
		b.rc = VIGIL_EMATCHER;
	b.overlap = 0; /* reports to come are no chunk's */
	for (i = 0; i < sh->m.nnohs && !b.rc; i++)
		on_match(sh->m.nohs[i], 0, 0, 0, &b);
	if (sh->v.nfuzzy && (targets & (1u << TARGET_GRAPHICS)) &&
	    !b.rc && !(s->opts.skip_families & (VIGIL_FAMILY_IMAGE |
						VIGIL_FAMILY_IMAGE_FUZZY)))
		run_fuzzy(&b);
	for (i = 0; i < b.st->ntl && !b.rc; i++)
		eval_ldb(&b, b.st->touched_l[i]);
	for (i = 0; i < sh->nzero && !b.rc; i++)
		if (!b.st->ldb_mark[sh->zero_ldb[i]])
			eval_ldb(&b, sh->zero_ldb[i]);
	reset(&b);
	return b.rc;
}
