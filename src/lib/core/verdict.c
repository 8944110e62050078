/*
 * verdict.c -- what one scan found: detections with the path of the object
 * they were found in, limits (never clean), and warnings that say why some
 * content was not fully read. Paths and warnings live in one text pool
 * that is emptied at the start of every scan.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/scanner_int.h"

#define WARNING_MAX_BYTES 512
/* Warnings kept per scan; more are counted but not stored. */
#define WARNINGS_KEPT 64

void verdict_reset(struct vigil_scanner *s)
{
	s->det.n = 0;
	s->warn.n = 0;
	s->pool.len = 0;
}

static int pool_add(struct vigil_scanner *s, const char *text, size_t n,
		    uint32_t *off)
{
	int rc;

	if (s->pool.len > UINT32_MAX - n - 1)
		return VIGIL_ELIMIT;
	*off = (uint32_t)s->pool.len;
	if ((rc = vbuf_append(&s->pool, text, n)) < 0)
		return rc;
	return vbuf_append_u8(&s->pool, 0);
}

static int add(struct vigil_scanner *s, const char *name, int kind)
{
	const char *path = (const char *)s->w.path.data;
	size_t plen = path ? strlen(path) : 0, i;
	struct detection *d;
	uint32_t off;
	int rc;

	/* The same name at the same place once. An object's own results
	 * come before those of what it contains, so only the newest run of
	 * results at this path can hold it: looking further back would make
	 * many contained objects cost their square (a fuzzed PE with
	 * thousands of resources took seconds). */
	for (i = s->det.n; i-- > 0;) {
		d = varr_at(&s->det, i);
		if (strcmp((const char *)s->pool.data + d->path,
			   path ? path : ""))
			break;
		if (d->name == name || !strcmp(d->name, name))
			return 0;
	}
	if ((rc = pool_add(s, path ? path : "", plen, &off)) < 0)
		return rc;
	if (!(d = varr_push(&s->det)))
		return VIGIL_ENOMEM;
	d->name = name;
	d->path = off;
	d->kind = kind;
	return 0;
}

int scanner_detect(struct vigil_scanner *s, const char *name)
{
	int rc;

	if (engine_ignores(s->e, name))
		return 0;
	if ((rc = add(s, name, DET_MATCH)) < 0)
		return rc;
	return (s->opts.flags & VIGIL_SCAN_ALLMATCH) ? 0 : 1;
}

/* 1 if this limit was already recorded anywhere in the scan. */
static int seen_limit(const struct vigil_scanner *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->det.n; i++) {
		const struct detection *d = varr_at(&s->det, i);

		if (d->kind == DET_LIMIT && !strcmp(d->name, name))
			return 1;
	}
	return 0;
}

int scanner_limit(struct vigil_scanner *s, const char *name)
{
	if (s->opts.flags & VIGIL_SCAN_LIMITS_WARN) {
		scanner_warn(s, "not fully scanned: %s", name);
		return 0;
	}
	/* Without all-match, the first place a limit bites is enough. */
	if (!(s->opts.flags & VIGIL_SCAN_ALLMATCH) && seen_limit(s, name))
		return 0;
	return add(s, name, DET_LIMIT);
}

int scanner_heuristic(struct vigil_scanner *s, const char *name)
{
	int rc;

	if (engine_ignores(s->e, name))
		return 0;
	if ((rc = add(s, name, DET_HEUR)) < 0)
		return rc;
	if (!(s->opts.flags & VIGIL_SCAN_HEURISTIC_PRECEDENCE) ||
	    (s->opts.flags & VIGIL_SCAN_ALLMATCH))
		return 0;
	s->w.stop = 1;
	return 1;
}

void scanner_warn(struct vigil_scanner *s, const char *fmt, ...)
{
	const char *path = (const char *)s->w.path.data;
	char msg[WARNING_MAX_BYTES];
	uint32_t poff, moff, *w;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!path)
		path = "";
	if (s->warn.n >= WARNINGS_KEPT ||
	    pool_add(s, path, strlen(path), &poff) < 0 ||
	    pool_add(s, msg, strlen(msg), &moff) < 0 ||
	    !(w = varr_push(&s->warn)))
		return;
	w[0] = poff;
	w[1] = moff;
}

int verdict_export(const struct vigil_scanner *h, struct verdict_rec *r)
{
	size_t i;

	r->det.n = 0;
	r->warn.n = 0;
	r->pool.len = 0;
	if (h->pool.len &&
	    vbuf_append(&r->pool, h->pool.data, h->pool.len) < 0)
		return VIGIL_ENOMEM;
	for (i = 0; i < h->det.n; i++) {
		void *d = varr_push(&r->det);

		if (!d)
			return VIGIL_ENOMEM;
		memcpy(d, varr_at(&h->det, i), sizeof(struct detection));
	}
	for (i = 0; i < h->warn.n; i++) {
		void *w = varr_push(&r->warn);

		if (!w)
			return VIGIL_ENOMEM;
		memcpy(w, varr_at(&h->warn, i), 2 * sizeof(uint32_t));
	}
	return 0;
}

int verdict_import(struct vigil_scanner *s, const struct verdict_rec *r)
{
	const char *text = (const char *)r->pool.data;
	size_t i;
	int rc;

	for (i = 0; i < r->det.n; i++) {
		const struct detection *d = varr_at(&r->det, i);
		struct detection *n;
		uint32_t off;

		if ((rc = pool_add(s, text + d->path, strlen(text + d->path),
				   &off)) < 0)
			return rc;
		if (!(n = varr_push(&s->det)))
			return VIGIL_ENOMEM;
		*n = *d;
		n->path = off;
	}
	for (i = 0; i < r->warn.n && s->warn.n < WARNINGS_KEPT; i++) {
		const uint32_t *w = varr_at(&r->warn, i);
		uint32_t off[2], *n;

		if (pool_add(s, text + w[0], strlen(text + w[0]), &off[0]) < 0 ||
		    pool_add(s, text + w[1], strlen(text + w[1]), &off[1]) < 0 ||
		    !(n = varr_push(&s->warn)))
			return VIGIL_ENOMEM;
		n[0] = off[0];
		n[1] = off[1];
	}
	return 0;
}

void verdict_rec_free(struct verdict_rec *r)
{
	varr_free(&r->det);
	varr_free(&r->warn);
	vbuf_free(&r->pool);
}

void verdict_drop_matches(struct vigil_scanner *s, size_t from)
{
	size_t i, n = from;

	for (i = from; i < s->det.n; i++) {
		struct detection *d = varr_at(&s->det, i);

		if (d->kind == DET_LIMIT)
			*(struct detection *)varr_at(&s->det, n++) = *d;
	}
	s->det.n = n;
}

int verdict_has_limit(const struct vigil_scanner *s, size_t from)
{
	size_t i;

	for (i = from; i < s->det.n; i++)
		if (((const struct detection *)varr_at(&s->det, i))->kind ==
		    DET_LIMIT)
			return 1;
	return 0;
}

int verdict_has_match(const struct vigil_scanner *s, size_t from)
{
	size_t i;

	for (i = from; i < s->det.n; i++)
		if (((const struct detection *)varr_at(&s->det, i))->kind !=
		    DET_LIMIT)
			return 1;
	return 0;
}

/* Matches first, then heuristics, then limits: the name reported is a
 * real detection when there is one. A stable insertion sort. */
static int rank(const struct detection *d)
{
	return d->kind == DET_MATCH ? 0 : d->kind == DET_HEUR ? 1 : 2;
}

static void order_matches_first(struct vigil_scanner *s)
{
	size_t i, j;

	for (i = 1; i < s->det.n; i++) {
		struct detection d = *(struct detection *)varr_at(&s->det, i);

		for (j = i; j > 0 &&
			    rank(varr_at(&s->det, j - 1)) > rank(&d);
		     j--)
			*(struct detection *)varr_at(&s->det, j) =
				*(struct detection *)varr_at(&s->det, j - 1);
		*(struct detection *)varr_at(&s->det, j) = d;
	}
}

/* Without all-match, a heuristic is reported only when no signature
 * matched (clamscan's rule without --heuristic-scan-precedence). */
static void drop_heuristics_after_match(struct vigil_scanner *s)
{
	size_t i, n = 0;

	if ((s->opts.flags & VIGIL_SCAN_ALLMATCH) || !s->det.n ||
	    ((struct detection *)varr_at(&s->det, 0))->kind != DET_MATCH)
		return;
	for (i = 0; i < s->det.n; i++) {
		struct detection *d = varr_at(&s->det, i);

		if (d->kind != DET_HEUR)
			*(struct detection *)varr_at(&s->det, n++) = *d;
	}
	s->det.n = n;
}

void verdict_fill(struct vigil_scanner *s, int type, size_t len,
		  struct vigil_result *res)
{
	struct vigil_result r;
	const struct detection *first;

	order_matches_first(s);
	drop_heuristics_after_match(s);
	first = s->det.n ? varr_at(&s->det, 0) : NULL;
	memset(&r, 0, sizeof(r));
	r.size = res->size;
	r.detections = (uint32_t)s->det.n;
	r.name = first ? first->name : NULL;
	r.verdict = !first ? VIGIL_VERDICT_CLEAN :
		    first->kind == DET_LIMIT ? VIGIL_VERDICT_LIMIT :
						VIGIL_VERDICT_FOUND;
	r.file_type = type;
	r.bytes = len;
	r.bytes_scanned = s->w.bytes;
	r.objects = s->w.files;
	r.warnings = (uint32_t)s->warn.n;
	memcpy(res, &r, res->size < sizeof(r) ? res->size : sizeof(r));
}

const char *vigil_scanner_detection(const struct vigil_scanner *s, size_t i)
{
	if (!s || i >= s->det.n)
		return NULL;
	return ((const struct detection *)varr_at(&s->det, i))->name;
}

const char *vigil_scanner_detection_path(const struct vigil_scanner *s,
					 size_t i)
{
	if (!s || i >= s->det.n)
		return NULL;
	return (const char *)s->pool.data +
	       ((const struct detection *)varr_at(&s->det, i))->path;
}

const char *vigil_scanner_warning(const struct vigil_scanner *s, size_t i)
{
	if (!s || i >= s->warn.n)
		return NULL;
	return (const char *)s->pool.data +
	       ((const uint32_t *)varr_at(&s->warn, i))[1];
}

const char *vigil_scanner_warning_path(const struct vigil_scanner *s,
				       size_t i)
{
	if (!s || i >= s->warn.n)
		return NULL;
	return (const char *)s->pool.data +
	       ((const uint32_t *)varr_at(&s->warn, i))[0];
}
