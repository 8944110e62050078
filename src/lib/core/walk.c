/*
 * walk.c -- one object through every signature kind, then into what it
 * contains. Each object is matched by file hashes (only when some
 * signature has its size), body and logical signatures over its bytes and,
 * for text, over normalised text; then its format parser hands each
 * contained object back here. Limits are checked before anything is
 * matched or unpacked, and an exceeded limit is never reported as clean.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/reader.h"
#include "core/cdbscan.h"
#include "core/cltypes.h"
#include "core/digest.h"
#include "core/filetype.h"
#include "core/htmlnorm.h"
#include "core/iconscan.h"
#include "core/parwalk.h"
#include "core/phishscan.h"
#include "core/scanner_int.h"
#include "core/textnorm.h"
#include "core/yarascan.h"
#include "formats/format.h"
#include "match/hashset.h"
#include "match/hstext.h"
#include "sig/cltype.h"

/* Longest name of a contained object kept in paths. */
#define NAME_MAX_BYTES 200
/* Output below this size is never judged by the compression ratio. */
#define RATIO_MIN_BYTES (1u << 20)

struct fmt_ctx {
	struct vigil_scanner *s;
	int type;
	const struct magic_hits *hits;	/* the containers' signatures */
	int cltype;		/* ClamAV's type of it, as its children's
				 * container */
	uint64_t len;		/* its size */
	unsigned pos;		/* entries announced so far */
	const char *announced;	/* the name of the entry just announced */
};

/* The body signatures of every shard over buf; with mh, the containers'
 * signatures in the first shard's pass (bodyscan_run). text: buf is text
 * (hstext_textual), which the shards' text databases serve. */
static int scan_bodies(struct vigil_scanner *s, const uint8_t *buf,
		       size_t len, uint32_t targets, struct magic_hits *mh,
		       int text)
{
	size_t i;
	int rc;

	for (i = 0; i < s->e->nshards; i++)
		if ((rc = bodyscan_run(s, i, buf, len, targets,
				       i ? NULL : mh, text)) != 0)
			return rc;
	return 0;
}

int scanner_text_served(const struct vigil_scanner *s, const uint8_t *buf,
			size_t len)
{
	size_t i;

	if (len > UINT32_MAX)
		return 0;
	for (i = 0; i < s->e->nshards; i++)
		if (s->e->shards[i].m.text.ok)
			return hstext_textual(buf, len);
	return 0;
}

/* scanner_text_served() of the object, or what batch.c found of it. */
static int text_served(const struct vigil_scanner *s, const uint8_t *buf,
		       size_t len)
{
	if (buf == s->top_d_buf && len == s->top_d_len)
		return s->top_d_text;
	return scanner_text_served(s, buf, len);
}

static int scan_text(struct vigil_scanner *s, const uint8_t *buf,
		     size_t len, uint32_t targets)
{
	size_t n;

	if (len > s->normcap) {
		uint8_t *p = realloc(s->norm, len);

		if (!p)
			return VIGIL_ENOMEM;
		s->norm = p;
		s->normcap = len;
	}
	n = textnorm(buf, len, s->norm);
	/* text by construction: tab to carriage return become spaces, and
	 * no byte below a space or above 0x7f is kept */
	return scan_bodies(s, s->norm, n, targets, NULL, 1);
}

/* 1 if the object's digest is on an allowlist. */
static int allowlisted(struct vigil_scanner *s, const uint8_t *buf,
		       size_t len, struct digests *d)
{
	unsigned want = 0;
	size_t i, a;

	for (a = 0; a < HASH_NALGO; a++)
		if (s->e->has_allow[a])
			want |= 1u << a;
	if (!want || digest_compute(buf, len, want, d) < 0)
		return 0;
	for (i = 0; i < s->e->nshards; i++)
		for (a = 0; a < HASH_NALGO; a++)
			if ((want & (1u << a)) &&
			    hashset_allowed(&s->e->shards[i].v, (int)a,
					    d->d[a], len))
				return 1;
	return 0;
}

/*
 * What was found in an object since first is dropped when the object is
 * on an allowlist (a file, or a normalised form of a page). rc is the
 * object's scan result: when its stop came from a detection now dropped,
 * what follows the trusted object is scanned (clamscan goes on too).
 */
static int trust(struct vigil_scanner *s, const uint8_t *buf, size_t len,
		 struct digests *d, size_t first, int rc)
{
	if (rc >= 0 && s->det.n > first && !verdict_has_limit(s, first) &&
	    allowlisted(s, buf, len, d)) {
		verdict_drop_matches(s, first);
		if (rc == 1 && !s->w.stop)
			rc = 0;
	}
	return rc;
}

/*
 * One normalised form of a page, matched as clamscan matches its
 * nocomment.html and notags.html: as an object of its own for file
 * hashes, body and logical signatures, and allowlist entries (which drop
 * what was found in it). 0, 1 or an error.
 */
static int scan_form(struct vigil_scanner *s, const uint8_t *f, size_t n,
		     struct digests d, int text, uint32_t targets)
{
	size_t first = s->det.n;
	int rc;

	if (!n)
		return 0; /* clamscan does not scan an empty form */
	if (text < 0)
		text = scanner_text_served(s, f, n);
	if ((rc = hashscan_run(s, HT_FILE, f, n, &d)) == 0)
		rc = scan_bodies(s, f, n, targets, NULL, text);
	return trust(s, f, n, &d, first, rc);
}

/* The forms of the page s began with, made before its scan (batch.c). */
static int scan_forms_made(struct vigil_scanner *s,
			   const struct page_forms *pf, uint32_t targets)
{
	int rc = scan_form(s, s->forms[0].data + pf->off[0], pf->len[0],
			   pf->d[0], pf->text[0], targets);

	return rc ? rc : scan_form(s, s->forms[1].data + pf->off[1],
				   pf->len[1], pf->d[1], pf->text[1], targets);
}

static int scan_html(struct vigil_scanner *s, const uint8_t *buf,
		     size_t len, uint32_t targets)
{
	static const struct digests none;
	struct vbuf *text = len <= HTML_TEXT_MAX_BYTES ? &s->html[1] : NULL;
	int rc;

	if (s->top_forms && buf == s->top_d_buf && len == s->top_d_len)
		return scan_forms_made(s, s->top_forms, targets);
	s->html[0].len = s->html[1].len = 0;
	if ((rc = htmlnorm(buf, len, &s->html[0], text)) < 0)
		return rc;
	if ((rc = scan_form(s, s->html[0].data, s->html[0].len, none, -1,
			    targets)) == 0 && text)
		rc = scan_form(s, text->data, text->len, none, -1, targets);
	return rc;
}

/* 1 if the scan a helper works for has stopped: its member is dropped. */
static int cancelled(struct vigil_scanner *s)
{
	if (!par_cancelled(s))
		return 0;
	s->w.stop = 1;
	return 1;
}

/*
 * Before the scanner records anything itself, or matches a member on its
 * own thread, while members are out with its helpers: their results
 * first, in order. 0, 1 (the scan stopped among them) or an error.
 */
static int settle(struct vigil_scanner *s)
{
	const char *limit;
	int rc;

	if (!par_busy(s->par))
		return 0;
	rc = par_sync(s, &limit);
	if (limit && rc >= 0) {
		int r = scanner_limit(s, limit);

		if (r < 0)
			return r;
	}
	return rc;
}

/* Scan-wide limits: checked before each object. 1 ends the scan. */
static int over_scan_limits(struct vigil_scanner *s, size_t len)
{
	const char *which = NULL;

	if (s->w.stop || cancelled(s))
		return 1;
	if (s->w.files >= s->opts.max_files)
		which = LIMIT_FILES;
	else if (s->w.depth && s->w.bytes + len > s->opts.max_scansize)
		which = LIMIT_SCANSIZE; /* what was extracted: not the file */
	else if (scanner_clock() - s->w.t0 > s->opts.max_seconds)
		which = LIMIT_TIME;
	if (!which)
		return 0;
	s->w.stop = 1;
	scanner_limit(s, which);
	return 1;
}

/* The object's body signatures, its YARA rules and its normalised
 * forms; text: how its raw bytes are text (bodyscan_run). */
static int match_passes(struct vigil_scanner *s, const uint8_t *buf,
			size_t len, int type, int text)
{
	uint32_t norm = filetype_norm_targets(type);
	int rc;

	s->mh.found = 0;
	if ((rc = scan_bodies(s, buf, len, filetype_raw_targets(type),
			      &s->mh, text)) != 0 ||
	    (rc = yarascan_object(s, buf, len, type)) != 0)
		return rc;
	if (!norm)
		return 0;
	return type == VIGIL_TYPE_HTML ? scan_html(s, buf, len, norm) :
					 scan_text(s, buf, len, norm);
}

/*
 * A text file's raw pass leaves out the signatures that the pass over
 * its normalisation is sure to find wherever the raw pass would
 * (hstext.h): where neither finds anything, the raw pass with them would
 * have found nothing either. Where something was found, both are made
 * again with them, as they were before, so that which signature is found
 * first (and the order of all) stays as clamscan's: only a text file
 * with a detection pays twice.
 */
static int match_object(struct vigil_scanner *s, const uint8_t *buf,
			size_t len, int type, struct digests *d)
{
	int text = text_served(s, buf, len), rc;
	size_t first, warned;

	s->mh_buf = buf;
	s->mh_len = len;
	if ((rc = hashscan_run(s, HT_FILE, buf, len, d)) != 0 ||
	    (type == VIGIL_TYPE_PE && (rc = secthash_scan(s, buf, len)) != 0))
		return rc;
	if (!text || type != VIGIL_TYPE_TEXT)
		return match_passes(s, buf, len, type, text);
	first = s->det.n;
	warned = s->warn.n;
	rc = match_passes(s, buf, len, type, BODY_TEXT_RAW);
	if (rc < 0 || s->det.n == first || s->w.stop)
		return rc;
	s->det.n = first;
	s->warn.n = warned;
	return match_passes(s, buf, len, type, 1);
}

/* magic_find() with the scanner's own scratch for it, made on first use:
 * most scans find the containers' signatures in their body pass. */
static int magic_pass(struct vigil_scanner *s, const uint8_t *buf,
		      size_t len, struct magic_hits *hits)
{
	if (!s->mscratch && (!magic_db() ||
			     hs_alloc_scratch(magic_db(), &s->mscratch) !=
				     HS_SUCCESS))
		return VIGIL_EMATCHER;
	return magic_find(s->mscratch, buf, len, hits);
}

/*
 * Where the containers' signatures are in the object: 0, found by the
 * body signatures' pass over this very object (a nested scan since, if
 * any, over other bytes, left another buf) or now; 1, later: the archive
 * being unpacked with helpers has its own pass on one of them; or an
 * error.
 */
static int find_hits(struct vigil_scanner *s, const uint8_t *buf,
		     size_t len, struct magic_hits *hits)
{
	if (s->self_for == buf && !s->w.depth) {
		memset(hits, 0, sizeof(*hits));
		return 1;
	}
	if (s->mh.found && s->mh_buf == buf && s->mh_len == len) {
		*hits = s->mh;
		return 0;
	}
	return magic_pass(s, buf, len, hits);
}

/* find_hits' later: once what is out has come in, the helper's, or found
 * now if its pass did not run whole. 0, 1 (the scan stopped) or an
 * error. */
static int hits_later(struct vigil_scanner *s, const uint8_t *buf,
		      size_t len, struct magic_hits *hits)
{
	int rc = settle(s);

	if (rc)
		return rc;
	s->self_for = NULL;
	if (s->self_hits.found) {
		*hits = s->self_hits;
		return 0;
	}
	return magic_pass(s, buf, len, hits);
}

/* f, unless its family is not to be scanned (--scan-<family>=no). */
static const struct format *wanted(const struct vigil_scanner *s,
				   const struct format *f)
{
	return f && (f->family & s->opts.skip_families) ? NULL : f;
}

static int unpack(struct vigil_scanner *s, const uint8_t *buf, size_t len,
		  int type)
{
	const struct format *f, *e = NULL;
	struct magic_hits hits;
	struct fmt_ctx c = { s, type, &hits, CLT_NONE, len, 0, NULL };
	int rc, later;

	if (s->opts.flags & VIGIL_SCAN_NO_RECURSE)
		return 0;
	c.cltype = cltypes_of(buf, len, type);
	if ((later = find_hits(s, buf, len, &hits)) < 0)
		return later;
	/* a format is known by its bytes (only xdp, not an archive, needs
	 * the hits); what is embedded needs them */
	f = wanted(s, format_for(buf, len, type, &hits));
	if (later && !f && (later = hits_later(s, buf, len, &hits)) != 0)
		return later;
	if (!later)
		e = wanted(s, format_embedded(buf, len, type, &hits));
	if (!f && !e && !later)
		return 0;
	if (s->w.depth >= s->opts.max_depth)
		return scanner_limit(s, LIMIT_DEPTH);
	rc = f ? f->extract(&c, buf, len) : 0;
	if (rc == 0 && later && (rc = hits_later(s, buf, len, &hits)) == 0)
		e = wanted(s, format_embedded(buf, len, type, &hits));
	if (rc == 0 && e)
		rc = e->extract(&c, buf, len);
	if (rc >= 0 && s->par) { /* what the helpers found comes in */
		int r = settle(s);

		rc = r ? r : rc;
	}
	return rc;
}

/* Appends "//name" (cleaned) to the walk's path; returns the old length. */
static size_t path_push(struct vigil_scanner *s, const char *name)
{
	size_t old = s->w.path.len ? s->w.path.len - 1 : 0, i, n;

	while (name && *name == '/')
		name++; /* "/a/b" inside a container is "a/b" */
	n = strnlen(name ? name : "", NAME_MAX_BYTES);
	s->w.path.len = old;
	if ((old && vbuf_append(&s->w.path, "//", 2) < 0) ||
	    vbuf_reserve(&s->w.path, n + 1) < 0) {
		vbuf_append_u8(&s->w.path, 0);
		return old;
	}
	for (i = 0; i < n; i++) {
		char ch = name[i];

		s->w.path.data[s->w.path.len++] =
			(uint8_t)((unsigned char)ch < 0x20 ? '_' : ch);
	}
	if (!n)
		vbuf_append(&s->w.path, "?", 1);
	vbuf_append_u8(&s->w.path, 0);
	return old;
}

static void path_pop(struct vigil_scanner *s, size_t old)
{
	s->w.path.len = old;
	vbuf_append_u8(&s->w.path, 0);
}

void fmt_own_name(const struct fmt_ctx *c, char *out, size_t len)
{
	const struct vigil_scanner *s = c->s;
	const char *p = s->name ? s->name : "", *q;

	if (s->w.path.len > 1) { /* a contained object: its member name */
		p = (const char *)s->w.path.data;
		while ((q = strstr(p, "//")))
			p = q + 2;
	} else if ((q = strrchr(p, '/'))) {
		p = q + 1;
	}
	snprintf(out, len, "%s", p);
}

/* The type of the object's immediate container (CLT_NONE at the top). */
static int container_of(const struct vigil_scanner *s)
{
	unsigned n = s->w.nchain;

	return n && n <= WALK_CHAIN_MAX ? s->w.chain[n - 1] : CLT_NONE;
}

/*
 * HandlerType: a logical signature asked for the object to be read again
 * as another type, as a child of itself (ClamAV's words): matched with
 * that type's signatures and unpacked by its parser, below the object. A
 * handler that the second reading fires is not followed again.
 */
static int handle_as(struct vigil_scanner *s, const uint8_t *buf, size_t len,
		     int type, struct digests *d)
{
	int as = cltypes_vigil(s->handler), rc;
	size_t old;

	s->handler = 0;
	if (as < 0 || as == type)
		return 0;
	old = path_push(s, cltype_name(cltypes_of(buf, len, as)));
	s->w.depth++;
	if (s->w.nchain < WALK_CHAIN_MAX)
		s->w.chain[s->w.nchain] = (uint8_t)cltypes_of(buf, len, type);
	s->w.nchain++;
	s->obj_type = as;
	if ((rc = match_object(s, buf, len, as, d)) == 0)
		rc = unpack(s, buf, len, as);
	s->handler = 0;
	s->w.nchain--;
	s->w.depth--;
	path_pop(s, old);
	return rc;
}

static int settle(struct vigil_scanner *s);
static int par_task(struct vigil_scanner *h, const struct par_job *j);

/* An archive scanned with helpers: its own matching runs on one of them
 * while it is unpacked (a scan of a large zip is not held up by its
 * bytes' raw pass first). 0, 1, PAR_REDO (scan it on one thread) or an
 * error. */
static int scan_archive(struct vigil_scanner *s, const uint8_t *buf,
			size_t len, int type)
{
	struct par_job j = { .type = type, .buf = buf, .len = len,
			     .self = 1, .cost = len,
			     .self_hits = &s->self_hits };
	int rc;

	s->self_hits.found = 0;
	if (par_self(s, &j, par_task) != 0)
		return PAR_REDO;
	s->self_for = buf; /* unpack() takes the hits of the pass out */
	rc = unpack(s, buf, len, type);
	s->self_for = NULL;
	if (rc >= 0) {
		int r = settle(s);

		rc = r ? r : rc;
	}
	if (par_redo(s->par)) {
		s->w.stop = 0;
		return PAR_REDO;
	}
	return rc;
}

/* The container's own matching on helper h (scan_archive's task). */
static int match_self(struct vigil_scanner *h, const struct par_job *j)
{
	struct digests d = { 0 };
	int rc;

	h->handler = 0;
	h->obj_type = j->type;
	h->img_state = IMG_HASH_UNKNOWN;
	iconscan_forget(h);
	rc = match_object(h, j->buf, j->len, j->type, &d);
	if (h->mh.found && h->mh_buf == j->buf && h->mh_len == j->len)
		*j->self_hits = h->mh; /* read once this task is taken */
	if (rc == 0 && h->handler)
		return PAR_REDO;
	return rc ? rc : heuristics_run(h, j->buf, j->len, j->type);
}

/* Matches an object of a known type, and unpacks it: 0, 1 or an error. */
static int scan_content(struct vigil_scanner *s, const uint8_t *buf,
			size_t len, int type, struct digests *d)
{
	int rc;

	if (s->par && !s->w.depth && type == VIGIL_TYPE_ARCHIVE &&
	    len >= PAR_MIN_CONTAINER_BYTES &&
	    !(s->opts.flags & VIGIL_SCAN_NO_RECURSE) &&
	    (rc = scan_archive(s, buf, len, type)) != PAR_REDO)
		return rc;

	if ((rc = match_object(s, buf, len, type, d)) == 0 && s->handler)
		rc = handle_as(s, buf, len, type, d);
	if (rc == 0)
		rc = heuristics_run(s, buf, len, type);
	if (rc == 0)
		rc = unpack(s, buf, len, type);
	return rc;
}

/* Matches an object not seen before in the scan (scan_obj's), and
 * what it contains: 0, 1 (stop) or an error; *matched if a signature or
 * heuristic matched it. */
static int match_new(struct vigil_scanner *s, const uint8_t *buf,
		     size_t len, int as, int *matched)
{
	struct digests d = { 0 };
	size_t first = s->det.n;
	int type, rc;

	if (s->w.depth)
		s->w.bytes += len;
	else if (buf == s->top_d_buf && len == s->top_d_len) {
		d = s->top_d; /* computed with others' (batch.c) */
		if (as < 0)
			as = s->top_d_type;
	}
	type = as >= 0 ? as : filetype_detect(buf, len);
	if (!s->w.depth)
		s->w.top_type = type; /* for the result: not detected again */
	s->handler = 0;
	s->obj_type = type;
	s->img_state = IMG_HASH_UNKNOWN;
	iconscan_forget(s);
	rc = type == VIGIL_TYPE_PE ? certscan_run(s, buf, len) : 0;
	if (rc == CERTSCAN_TRUSTED)
		rc = 0; /* a trusted signer: not matched, as clamscan */
	else if (rc == 0)
		rc = scan_content(s, buf, len, type, &d);
	if (rc < 0)
		return rc;
	rc = trust(s, buf, len, &d, first, rc);
	*matched = verdict_has_match(s, first);
	return rc;
}

/*
 * Matches one object and what it contains: of type 'as', or (-1) of the
 * type its content says. 0, 1 (stop) or an error.
 */
static int scan_obj(struct vigil_scanner *s, const uint8_t *buf, size_t len,
		    int as)
{
	long slot = -1, shared = -1;
	int rc, matched = 1;

	if (over_scan_limits(s, len))
		return 1;
	/* size limits are for what containers hold: the object given is
	 * matched whole whatever its size (in chunks past 4 GiB) */
	if (s->w.depth && len > s->opts.max_filesize)
		return scanner_limit(s, LIMIT_FILESIZE);
	s->w.files++;
	if (s->w.depth && (rc = seen_check(&s->w.seen, buf, len, s->w.depth,
					   container_of(s), &slot)) != SEEN_NEW) {
		if (rc == SEEN_ANCESTOR) /* it contains itself: a quine */
			return scanner_limit(s, LIMIT_DEPTH);
		return rc < 0 ? rc : 0; /* clean already, no deeper */
	}
	/* a helper's member: copies in other tasks are matched once */
	if (s->helps && s->w.depth == 1 &&
	    par_seen(s, s->w.seen.last_lo, s->w.seen.last_hi, len,
		     container_of(s), &shared) == SEEN_SKIP) {
		seen_done(&s->w.seen, slot, 0);
		return 0;
	}
	rc = match_new(s, buf, len, as, &matched);
	if (s->helps)
		par_seen_done(s, shared, rc < 0 || matched);
	if (rc < 0)
		return rc;
	seen_done(&s->w.seen, slot, matched);
	return rc || s->w.stop;
}

/* Matches a contained object below the container c (as: scan_obj's). */
static int descend(struct fmt_ctx *c, const uint8_t *buf, size_t len, int as)
{
	struct vigil_scanner *s = c->s;
	int rc;

	if (s->w.nchain < WALK_CHAIN_MAX)
		s->w.chain[s->w.nchain] = (uint8_t)c->cltype;
	s->w.nchain++;
	rc = scan_obj(s, buf ? buf : (const uint8_t *)"", len, as);
	s->w.nchain--;
	return rc;
}

static int child(struct fmt_ctx *c, const char *name, const uint8_t *buf,
		 size_t len, int as)
{
	struct vigil_scanner *s = c->s;
	size_t old;
	unsigned layers = s->w.layers;
	int rc;

	if ((rc = settle(s)) != 0)
		return rc;
	old = path_push(s, name);
	s->w.depth++;
	s->w.layers = 0;
	rc = descend(c, buf, len, as);
	s->w.layers = layers;
	s->w.depth--;
	path_pop(s, old);
	return rc;
}

/* Containers that store entries as they are: the stored size is the
 * real one (ClamAV's manual: mail, tar, cpio). */
static int stores_as_is(int cltype)
{
	return cltype == CLT_MAIL || cltype == CLT_POSIX_TAR ||
	       cltype == CLT_OLD_TAR ||
	       (cltype >= CLT_CPIO_CRC && cltype <= CLT_CPIO_OLD);
}

int fmt_entry(struct fmt_ctx *c, const struct fmt_entry *m)
{
	struct fmt_entry e = *m;
	int rc;

	c->pos++;
	c->announced = m->name;
	if (!c->s->e->has_cdb)
		return 0;
	if ((rc = settle(c->s)) != 0)
		return rc;
	if (e.stored == FMT_UNKNOWN && stores_as_is(c->cltype))
		e.stored = e.size;
	rc = cdbscan_entry(c->s, c->cltype, c->len, &e, c->pos);
	return rc < 0 ? rc : rc || c->s->w.stop;
}

/* An entry that comes without an announcement: as much as is known. */
static int announce(struct fmt_ctx *c, const char *name, size_t len)
{
	struct fmt_entry m = { name, FMT_UNKNOWN, len, 0, 0, 0 };

	int rc = c->announced && c->announced == name ? 0 : fmt_entry(c, &m);

	c->announced = NULL;
	return rc;
}

/* Runs a task handed on, on helper h (parwalk.c's callback): matches a
 * member, or extracts an entry, or matches the container itself. */
static int par_task(struct vigil_scanner *h, const struct par_job *j)
{
	struct fmt_ctx c = { h, j->type, j->hits, j->cltype, j->clen, j->pos,
			     NULL };

	if (j->self)
		return match_self(h, j);
	if (j->each)
		return j->each(&c, j->arg, j->i);
	return child(&c, j->name, j->buf, j->len, -1);
}

/* 1 if the container c is unpacked with the scanner's helpers. */
static int with_helpers(const struct fmt_ctx *c)
{
	return c->s->par && !c->s->w.depth &&
	       c->len >= PAR_MIN_CONTAINER_BYTES;
}

int fmt_each(struct fmt_ctx *c, size_t n, const struct fmt_each_ops *ops,
	     void *arg)
{
	struct par_job j = { .type = c->type, .cltype = c->cltype,
			     .clen = c->len, .hits = c->hits, .pos = c->pos,
			     .each = ops->each, .arg = arg };
	const char *limit;
	size_t i;
	int rc;

	/* the entries queue behind what is out (the container's own
	 * matching): their results are taken in that order, and the entries
	 * start while it runs */
	if (with_helpers(c) &&
	    (rc = par_each(c->s, &j, n, ops->size, ops->first, par_task,
			   &limit)) != PAR_SERIAL) {
		c->pos += (unsigned)(ops->first ? ops->first(arg, n) : n);
		if (limit && rc >= 0) {
			int r = scanner_limit(c->s, limit);

			rc = r < 0 ? r : rc;
		}
		return rc;
	}
	for (i = 0, rc = 0; i < n && rc == 0; i++)
		rc = ops->each(c, arg, i);
	return rc;
}

int fmt_child(struct fmt_ctx *c, const char *name, const uint8_t *buf,
	      size_t len)
{
	struct vigil_scanner *s = c->s;
	int rc = announce(c, name, len);

	if (rc == 0 && with_helpers(c)) {
		struct par_job j = {
			.type = c->type, .cltype = c->cltype, .clen = c->len,
			.hits = c->hits, .pos = c->pos, .name = name,
			.buf = buf ? buf : (const uint8_t *)"", .len = len,
			.cost = len
		};

		rc = par_offer(s, &j, par_task);
		if (rc != PAR_SERIAL)
			return rc;
		rc = 0; /* not taken: here, once the members out are in */
	}
	return rc ? rc : child(c, name, buf, len, -1);
}

int fmt_script(struct fmt_ctx *c, const char *name, const uint8_t *buf,
	       size_t len)
{
	return child(c, name, buf, len, VIGIL_TYPE_TEXT);
}

int fmt_set_container(struct fmt_ctx *c, int cltype)
{
	int old = c->cltype;

	c->cltype = cltype;
	return old;
}

int fmt_layer(struct fmt_ctx *c, const char *name, const uint8_t *buf,
	      size_t len)
{
	struct vigil_scanner *s = c->s;
	size_t old;
	int rc;

	if ((rc = settle(s)) != 0)
		return rc;
	if (s->w.layers >= s->opts.max_depth)
		return scanner_limit(s, LIMIT_DEPTH);
	old = path_push(s, name);
	s->w.layers++;
	rc = descend(c, buf, len, -1);
	s->w.layers--;
	path_pop(s, old);
	return rc;
}

int fmt_type(const struct fmt_ctx *c)
{
	return c->type;
}

const struct magic_hits *fmt_hits(const struct fmt_ctx *c)
{
	return c->hits;
}

unsigned fmt_depth(const struct fmt_ctx *c)
{
	return c->s->w.depth;
}

struct vbuf *fmt_buffer(struct fmt_ctx *c)
{
	unsigned d = c->s->w.depth;

	if (d >= WALK_BUF_LEVELS)
		return NULL;
	c->s->xbuf[d].len = 0;
	return &c->s->xbuf[d];
}

void fmt_buffer_put(struct fmt_ctx *c, struct vbuf *b)
{
	(void)c;
	b->len = 0;
}

/* Ends a scan: entry buffers past WALK_BUF_KEEP_BYTES are released, the
 * helpers' too. */
static void buffers_trim(struct vigil_scanner *s)
{
	scanner_trim(s);
	if (s->par)
		par_trim(s->par);
}

size_t fmt_max_child(const struct fmt_ctx *c)
{
	const struct vigil_scanner *s = c->s;
	uint64_t left = s->opts.max_scansize > s->w.bytes ?
				s->opts.max_scansize - s->w.bytes :
				0;

	if (left > s->opts.max_filesize)
		left = s->opts.max_filesize;
	return (size_t)left;
}

size_t fmt_max_output(const struct fmt_ctx *c, uint64_t in)
{
	/* Past in * (ratio + 1) bytes, out / in is surely above the ratio. */
	uint64_t ratio = c->s->opts.max_ratio + 1, cap = RATIO_MIN_BYTES;
	size_t max = fmt_max_child(c);

	if (in > UINT64_MAX / ratio)
		return max;
	if (in * ratio > cap)
		cap = in * ratio;
	return cap < max ? (size_t)cap : max;
}

int fmt_over(struct fmt_ctx *c, const char *name, uint64_t in)
{
	int rc;

	if (fmt_max_output(c, in) >= fmt_max_child(c))
		return fmt_too_big(c, name);
	if ((rc = settle(c->s)) != 0)
		return rc;
	rc = scanner_limit(c->s, LIMIT_RATIO); /* the ratio cap was the one */
	return rc < 0 ? rc : c->s->w.stop;
}

static int report_in_child(struct fmt_ctx *c, const char *name,
			   const char *what)
{
	size_t old;
	int rc;

	if ((rc = settle(c->s)) != 0)
		return rc;
	old = path_push(c->s, name);
	rc = scanner_limit(c->s, what);

	path_pop(c->s, old);
	return rc < 0 ? rc : c->s->w.stop;
}

int fmt_too_big(struct fmt_ctx *c, const char *name)
{
	const struct vigil_scanner *s = c->s;
	int scanwide = s->w.bytes + s->opts.max_filesize > s->opts.max_scansize;

	if (scanwide)
		c->s->w.stop = 1;
	return report_in_child(c, name, scanwide ? LIMIT_SCANSIZE :
						   LIMIT_FILESIZE);
}

/* The scan flag that turns an encrypted kind into a warning, or 0. */
static unsigned encrypted_off(const char *name)
{
	static const char pre[] = "Heuristics.Encrypted.";

	if (strncmp(name, pre, sizeof(pre) - 1))
		return 0;
	name += sizeof(pre) - 1;
	return !strcmp(name, "PDF") || !strcmp(name, "OLE2") ||
			       !strcmp(name, "HWP") ?
		       VIGIL_SCAN_NO_ALERT_ENCRYPTED_DOC :
		       VIGIL_SCAN_NO_ALERT_ENCRYPTED_ARCHIVE;
}

/* Heuristics --heuristic-alerts=no turns into warnings. */
static int heuristic_off(const struct vigil_scanner *s, const char *name)
{
	return (s->opts.flags & VIGIL_SCAN_NO_HEURISTIC_ALERTS) &&
	       !strcmp(name, "Heuristics.Zip.OverlappingFiles");
}

int fmt_unreadable(struct fmt_ctx *c, const char *name)
{
	unsigned off = encrypted_off(name);
	int rc;

	if ((rc = settle(c->s)) != 0)
		return rc;
	if ((off && (c->s->opts.flags & off)) || heuristic_off(c->s, name)) {
		scanner_warn(c->s, "not scanned: %s", name);
		return c->s->w.stop;
	}
	rc = scanner_limit(c->s, name);
	if (rc >= 0 && (c->s->opts.flags & VIGIL_SCAN_HEURISTIC_PRECEDENCE) &&
	    !(c->s->opts.flags & VIGIL_SCAN_ALLMATCH) &&
	    !strncmp(name, "Heuristics.", 11))
		c->s->w.stop = 1;
	return rc < 0 ? rc : c->s->w.stop;
}

int fmt_macros(struct fmt_ctx *c, const char *lang)
{
	if (!(c->s->opts.flags & VIGIL_SCAN_ALERT_MACROS))
		return 0;
	/* fmt_heuristic keeps the name: one string per language */
	return fmt_heuristic(c, !strcmp(lang, "XLM") ?
					"Heuristics.OLE2.ContainsMacros.XLM" :
					"Heuristics.OLE2.ContainsMacros.VBA");
}

int fmt_phish(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	int rc;

	if (len > PHISH_MAX_PART_BYTES)
		return 0; /* as ClamAV: large parts are not read for links */
	if ((rc = settle(c->s)) != 0)
		return rc;
	rc = phishscan_run(c->s, buf, len);
	return rc < 0 ? rc : rc || c->s->w.stop;
}

int fmt_flag(const struct fmt_ctx *c, unsigned flag)
{
	return (c->s->opts.flags & flag) != 0;
}

int fmt_heuristic(struct fmt_ctx *c, const char *name)
{
	int rc = settle(c->s);

	if (rc != 0)
		return rc;
	rc = scanner_heuristic(c->s, name);

	return rc < 0 ? rc : rc || c->s->w.stop;
}

void fmt_warn(struct fmt_ctx *c, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (settle(c->s) == 0) /* else the scan stopped before it */
		scanner_warn(c->s, "%s", msg);
}

const uint8_t *fmt_upto(struct fmt_ctx *c, const char *what, struct rdr *r,
			size_t *n)
{
	size_t claim = *n;
	const uint8_t *p = rdr_upto(r, n);

	if (p && *n < claim)
		fmt_warn(c, "%s: cut short (%zu of %zu bytes)", what, *n, claim);
	return p;
}

int fmt_expired(struct fmt_ctx *c)
{
	struct vigil_scanner *s = c->s;

	if (s->w.stop || cancelled(s))
		return 1;
	if (scanner_clock() - s->w.t0 <= s->opts.max_seconds)
		return 0;
	if (settle(s) == 0)
		scanner_limit(s, LIMIT_TIME);
	s->w.stop = 1;
	return 1;
}

int fmt_ratio_exceeded(struct fmt_ctx *c, uint64_t out, uint64_t in)
{
	if (out < RATIO_MIN_BYTES || out / (in ? in : 1) <= c->s->opts.max_ratio)
		return 0;
	if (settle(c->s) == 0)
		scanner_limit(c->s, LIMIT_RATIO);
	return 1;
}

int scanner_scan_object(struct vigil_scanner *s, const uint8_t *buf,
			size_t len, struct vigil_result *res)
{
	int rc;

	verdict_reset(s);
	s->w.t0 = scanner_clock();
	s->w.bytes = 0;
	s->w.files = 0;
	s->w.depth = 0;
	s->w.nchain = 0;
	s->w.stop = 0;
	s->w.top = buf;
	s->w.toplen = len;
	s->w.top_type = -1;
	seen_reset(&s->w.seen);
	if (s->par)
		par_reset(s->par);
	s->w.path.len = 0;
	if ((rc = vbuf_append_u8(&s->w.path, 0)) < 0)
		return rc;
	rc = scan_obj(s, buf, len, -1);
	if (s->par) { /* none left out, whatever ended the scan */
		int r = settle(s);

		rc = rc < 0 ? rc : r < 0 ? r : rc;
	}
	buffers_trim(s);
	if (rc < 0)
		return rc;
	verdict_fill(s, s->w.top_type >= 0 ? s->w.top_type :
					       filetype_detect(buf, len),
		     len, res);
	return 0;
}
