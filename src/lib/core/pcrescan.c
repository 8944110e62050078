/*
 * pcrescan.c -- running PCRE subsignatures with ClamAV's offset rules:
 * with no offset the expression may match anywhere; at an offset without
 * a maxshift it is anchored there (from there on with 'r'); with a
 * maxshift its match starts within [offset, offset + maxshift] and, with
 * 'e', ends there too. 'g' counts every match, else the first counts 1.
 *
 * The PCRE limits are ClamAV's, with its defaults and meaning: the feed's
 * signatures are written and tested against them, and on an ordinary
 * system (65,405 files of /usr, measured) 192 files drive one of main.ldb's
 * expressions past the default match limit, where clamscan says nothing.
 * So an expression stopped by a limit, or not run on an object larger
 * than pcre_max_filesize, does not match and leaves a warning naming the
 * signature (clamd's "alert the user, the scan continues"); with
 * VIGIL_SCAN_ALERT_EXCEEDS_MAX it is a limit result instead. Running out
 * of memory is an error, never a miss.
 */
#include "core/pcrescan.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "core/scanner_int.h"
#include "sig/pcre.h"

/* Start positions searched between two looks at the clock. */
#define PCRESCAN_SLICE_BYTES (64u << 10)

struct pcrescan_state {
	pcre2_match_data *md;
	pcre2_match_context *mc;
};

void pcrescan_scanner_free(struct vigil_scanner *s)
{
	if (!s->pcre)
		return;
	pcre2_match_data_free(s->pcre->md);
	pcre2_match_context_free(s->pcre->mc);
	free(s->pcre);
	s->pcre = NULL;
}

static int state(struct vigil_scanner *s)
{
	struct pcrescan_state *p = s->pcre;

	if (p)
		return 0;
	if (!(p = calloc(1, sizeof(*p))))
		return VIGIL_ENOMEM;
	s->pcre = p;
	if (!(p->md = pcre2_match_data_create(1, NULL)) ||
	    !(p->mc = pcre2_match_context_create(NULL)))
		return VIGIL_ENOMEM; /* freed with the scanner */
	pcre2_set_match_limit(p->mc, s->opts.pcre_match_limit);
	pcre2_set_depth_limit(p->mc, s->opts.pcre_recmatch_limit);
	return 0;
}

/* The compiled expression idx, compiled now if no scanner has yet. */
static int code(const struct shard *sh, uint32_t idx, pcre2_code **out)
{
	const struct vdb_pcre *p = &sh->v.pcre[idx];
	void *mine = NULL;
	char why[200];
	int rc;

	if ((*out = atomic_load(&sh->pcre_code[idx])))
		return 0;
	rc = sigpcre_compile((const char *)sh->v.code + p->re_off, p->re_len,
			     p->flags, out, why, sizeof(why));
	if (rc < 0) /* the loader compiled it: a different PCRE2 refuses */
		return rc == VIGIL_ENOMEM ? rc : VIGIL_EMATCHER;
	if (!atomic_compare_exchange_strong(&sh->pcre_code[idx], &mine, *out)) {
		pcre2_code_free(*out);
		*out = mine;
	}
	return 0;
}

/* A PCRE limit: a warning, or with --alert-exceeds-max a result. */
static int limit(struct vigil_scanner *s, const struct shard *sh,
		 uint32_t idx, const char *which)
{
	const struct vdb_view *v = &sh->v;

	if (s->opts.flags & VIGIL_SCAN_ALERT_EXCEEDS_MAX)
		return scanner_limit(s, which);
	scanner_warn(s, "%s: subsignature %u not matched: %s",
		     vdb_str(v, v->ldb[v->pcre[idx].owner].name),
		     (unsigned)v->pcre[idx].sub,
		     which + sizeof(LIMIT_PREFIX) - 1);
	return 0;
}

/* What a failed pcre2_match() means: a limit (1 or 0) or an error. */
static int failure(struct vigil_scanner *s, const struct shard *sh,
		   uint32_t idx, int rc)
{
	switch (rc) {
	case PCRE2_ERROR_MATCHLIMIT:
		return limit(s, sh, idx, LIMIT_PCRE_MATCH);
	case PCRE2_ERROR_DEPTHLIMIT:
	case PCRE2_ERROR_HEAPLIMIT:
		return limit(s, sh, idx, LIMIT_PCRE_DEPTH);
	case PCRE2_ERROR_NOMEMORY:
		return VIGIL_ENOMEM;
	default:
		return VIGIL_EMATCHER;
	}
}

/*
 * The next match starting in [at, stop] into the match data: 1, 0 (none),
 * 2 (the scan time ran out) or a pcre2_match() failure. PCRE2's match
 * limit counts afresh at each start position, so one search over a large
 * object can take its length times the limit: the search goes in slices of
 * PCRESCAN_SLICE_BYTES start positions, with the scan time checked
 * between them.
 */
static int next_match(struct vigil_scanner *s, pcre2_code *c,
		      const uint8_t *buf, size_t end, size_t at, size_t stop,
		      uint32_t opt)
{
	while (at <= stop) {
		size_t lim = stop - at > PCRESCAN_SLICE_BYTES ?
				     at + PCRESCAN_SLICE_BYTES : stop;
		int rc;

		pcre2_set_offset_limit(s->pcre->mc, lim);
		rc = pcre2_match(c, buf, end, at, opt, s->pcre->md, s->pcre->mc);
		if (rc != PCRE2_ERROR_NOMATCH)
			return rc >= 0 ? 1 : rc;
		if (lim == stop)
			return 0;
		at = lim + 1;
		if (scanner_clock() - s->w.t0 > s->opts.max_seconds)
			return 2;
	}
	return 0;
}

int pcrescan_count(struct vigil_scanner *s, const struct shard *sh,
		   uint32_t idx, const uint8_t *buf, size_t len,
		   struct pat_window w, uint32_t *count)
{
	const struct vdb_pcre *p = &sh->v.pcre[idx];
	int anywhere = p->off_kind == OFF_ANY;
	int shifted = !anywhere && w.hi > w.lo;
	uint32_t opt = 0;
	size_t at, end = len, stop;
	pcre2_code *c;
	int rc;

	*count = 0;
	if (w.lo > len)
		return 0;
	if (shifted && (p->flags & SIGPCRE_ENCOMPASS))
		end = w.hi < len ? w.hi : len;
	else if (!anywhere && !shifted && !(p->flags & SIGPCRE_ROLLING))
		opt = PCRE2_ANCHORED;
	if (end - w.lo > s->opts.pcre_max_filesize)
		return limit(s, sh, idx, LIMIT_PCRE_SIZE);
	if ((rc = state(s)) < 0 || (rc = code(sh, idx, &c)) < 0)
		return rc;
	stop = opt ? w.lo : shifted && w.hi < end ? w.hi : end;
	for (at = w.lo; at <= stop;) {
		PCRE2_SIZE *ov;

		if ((rc = next_match(s, c, buf, end, at, stop, opt)) == 0)
			break;
		if (rc == 2) {
			s->w.stop = 1;
			rc = scanner_limit(s, LIMIT_TIME);
			return rc < 0 ? rc : 1;
		}
		if (rc < 0)
			return failure(s, sh, idx, rc);
		ov = pcre2_get_ovector_pointer(s->pcre->md);
		if (++*count == UINT32_MAX || !(p->flags & SIGPCRE_GLOBAL) ||
		    opt)
			break;
		at = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	return 0;
}
