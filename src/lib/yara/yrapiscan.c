/*
 * yrapiscan.c -- scanning with the public YARA rule set (vigil.h): the
 * fast matcher and evaluator over a buffer or a mapped file, then each
 * rule reported to the caller's callback as it asked (matched ones, those
 * that could not be evaluated, and with VIGIL_YARA_SCAN_FALSE the others),
 * with its strings' matches when asked.
 */
#include <stdlib.h>
#include <string.h>

#include "util/fileio.h"
#include "util/mapguard.h"
#include "util/vbuf.h"
#include "yara/ymodules.h"
#include "yara/yrapi_int.h"
#include "yara/yrmatch.h"

struct vigil_yara_scanner {
	const struct vigil_yara *y;
	struct yr_fast_state *st;
	uint8_t *res;
	const char **why;
	struct vigil_yara_string_match *sm;
	size_t smcap;
	vigil_yara_slow_fn slow;
	void *slow_ctx;
	struct yr_external ext[YRAPI_MAX_EXTERNALS]; /* the set's, or the
						      * caller's values */
	struct vbuf file;	/* the file vigil_yara_scan_path() reads */
	struct vbuf stream;	/* what vigil_yara_stream_write() gathered */
	int stream_over;	/* it passed YRAPI_MAX_STREAM_BYTES */
};

static void slow_rule(void *ctx, size_t r, uint64_t ns)
{
	const struct vigil_yara_scanner *s = ctx;
	const struct yr_rule *rule = &s->y->rs.rules[r];

	s->slow(s->slow_ctx, rule->ns, rule->name, ns / 1000);
}

int yrapi_scanner_text(struct vigil_yara_scanner *s, const char *name,
		       const char *value)
{
	size_t k;

	for (k = 0; k < s->y->next; k++)
		if (!strcmp(s->ext[k].name, name) && s->ext[k].kind == YN_TEXT) {
			s->ext[k].text = value ? value : s->y->ext[k].text;
			return 0;
		}
	return -1;
}

int vigil_yara_scanner_limits(struct vigil_yara_scanner *s,
			      const struct vigil_yara_limits *l)
{
	struct vigil_yara_limits t = { sizeof(t), 0, 0, NULL, NULL };

	if (!s || (l && l->size < sizeof(size_t)))
		return VIGIL_EINVAL;
	if (l)
		memcpy(&t, l, l->size < sizeof(t) ? l->size : sizeof(t));
	s->slow = t.slow;
	s->slow_ctx = t.slow_ctx;
	yr_fast_set_timing(s->st, (uint64_t)t.timeout_ms * 1000000u,
			   (uint64_t)t.slow_ms * 1000000u,
			   t.slow ? slow_rule : NULL, s);
	return 0;
}

/* console.log's lines: to the set's log, as information. */
static void console(void *ctx, const char *line, size_t n)
{
	const struct vigil_yara_scanner *s = ctx;

	(void)n;
	if (s->y->log)
		s->y->log(s->y->log_ctx, VIGIL_LOG_INFO, line);
}

int vigil_yara_scanner_new(const struct vigil_yara *y,
			   struct vigil_yara_scanner **out)
{
	struct vigil_yara_scanner *s;
	size_t n;

	if (!out)
		return VIGIL_EINVAL;
	*out = NULL;
	if (!y)
		return VIGIL_EINVAL;
	if (y->state != YRAPI_COMPILED)
		return VIGIL_ESTATE;
	n = y->rs.nrules + 1;
	if (!(s = calloc(1, sizeof(*s))))
		return VIGIL_ENOMEM;
	s->y = y;
	s->res = calloc(n, 1);
	s->why = calloc(n, sizeof(*s->why));
	if (!s->res || !s->why || yr_fast_state_new(y->fast, &s->st) != 0) {
		vigil_yara_scanner_free(s);
		return VIGIL_ENOMEM;
	}
	yr_fast_set_log(s->st, console, s);
	memcpy(s->ext, y->ext, y->next * sizeof(*s->ext));
	for (n = 0; n < y->rs.nimports; n++)
		if (!strcmp(y->rs.imports[n], "magic"))
			ym_magic_prepare(); /* before a sandbox may close */
	*out = s;
	return 0;
}

void vigil_yara_scanner_free(struct vigil_yara_scanner *s)
{
	if (!s)
		return;
	yr_fast_state_free(s->st);
	vbuf_free(&s->stream);
	vbuf_free(&s->file);
	free(s->res);
	free(s->why);
	free(s->sm);
	free(s);
}

/* Rule r's strings' matches (private strings left out) into s->sm. */
static int strings(struct vigil_yara_scanner *s, size_t r, const uint8_t *buf,
		   struct vigil_yara_rule *out)
{
	const struct yr_rule *rule = &s->y->rs.rules[r];
	const struct yr_matches *m = yr_fast_matches(s->st, r);
	size_t k, j, n = 0;

	for (k = 0; k < rule->nstrings; k++)
		n += rule->strings[k].mods & YM_PRIVATE ? 0 : m[k].n;
	if (n > s->smcap) {
		struct vigil_yara_string_match *sm =
			realloc(s->sm, n * sizeof(*sm));

		if (!sm)
			return VIGIL_ENOMEM;
		s->sm = sm;
		s->smcap = n;
	}
	for (k = 0, n = 0; k < rule->nstrings; k++) {
		if (rule->strings[k].mods & YM_PRIVATE)
			continue;
		for (j = 0; j < m[k].n; j++, n++)
			s->sm[n] = (struct vigil_yara_string_match){
				s->y->views[r].ids[k], m[k].m[j].off,
				m[k].m[j].len, buf + m[k].m[j].off,
				m[k].m[j].len < YRAPI_MATCH_DATA ?
					m[k].m[j].len : YRAPI_MATCH_DATA,
				rule->strings[k].kind == YS_HEX };
	}
	out->strings = s->sm;
	out->nstrings = n;
	return 0;
}

/* Rule r as the caller sees it; 1 if it is to be reported. */
static int report(struct vigil_yara_scanner *s, size_t r, unsigned flags,
		  struct vigil_yara_rule *out)
{
	const struct yr_rule *rule = &s->y->rs.rules[r];

	/* the result first: most rules are false for most files, and it is
	 * a byte where the rule is a cache line */
	if ((s->res[r] == YR_RULE_FALSE && !(flags & VIGIL_YARA_SCAN_FALSE)) ||
	    (rule->flags & YR_RULE_PRIVATE))
		return 0;
	memset(out, 0, sizeof(*out));
	out->size = sizeof(*out);
	out->name = rule->name;
	out->ns = rule->ns;
	out->tags = rule->tags;
	out->ntags = rule->ntags;
	out->meta = s->y->views[r].meta;
	out->nmeta = rule->nmeta;
	out->status = s->res[r];
	out->index = r;
	out->why = s->res[r] > YR_RULE_TRUE ? s->why[r] : NULL;
	return 1;
}

/* The first rule from r that may be reported: past the false ones eight
 * at a time, unless false rules are asked for (most rules are false for
 * most files: signature-base's 4,900 were looked at one by one for every
 * file). */
static size_t next_reported(const struct vigil_yara_scanner *s, size_t r,
			    unsigned flags)
{
	size_t n = s->y->rs.nrules;
	uint64_t w;

	if (flags & VIGIL_YARA_SCAN_FALSE)
		return r;
	for (; r + 8 <= n; r += 8) {
		memcpy(&w, s->res + r, 8);
		if (w) /* YR_RULE_FALSE is 0 */
			break;
	}
	while (r < n && s->res[r] == YR_RULE_FALSE)
		r++;
	return r;
}

/* The rules over len bytes at buf, each reported to fn; with g (buf a
 * guarded file mapping), none once a page of it was lost. */
static int scan_report(struct vigil_yara_scanner *s, const void *buf,
		       size_t len, unsigned flags, vigil_yara_fn fn, void *ctx,
		       const struct mapguard *g)
{
	const struct vigil_yara *y = s->y;
	struct vigil_yara_rule v;
	size_t r;
	int rc;

	yr_fast_set_first(s->st, !(flags & VIGIL_YARA_SCAN_STRINGS));
	if ((rc = yr_fast_eval(y->fast, s->st, buf ? buf : "", len, s->ext,
			       y->next, s->res, s->why)) != 0)
		return rc;
	for (r = next_reported(s, 0, flags); r < y->rs.nrules;
	     r = next_reported(s, r + 1, flags)) {
		if (!report(s, r, flags, &v))
			continue;
		if ((flags & VIGIL_YARA_SCAN_STRINGS) && v.status == YR_RULE_TRUE &&
		    (rc = strings(s, r, buf, &v)) != 0)
			return rc;
		if (g && mapguard_lost(g))
			return VIGIL_ECHANGED;
		if ((rc = fn(ctx, &v)) != 0)
			return rc;
	}
	return 0;
}

int vigil_yara_scan_buffer(struct vigil_yara_scanner *s, const void *buf,
			   size_t len, unsigned flags, vigil_yara_fn fn,
			   void *ctx)
{
	if (!s || (!buf && len) || !fn)
		return VIGIL_EINVAL;
	return scan_report(s, buf, len, flags, fn, ctx, NULL);
}

/* A file mapped: read as zeros where it lost pages under the mapping
 * (util/mapguard.h), and then no rule reported, but the error. */
static int scan_mapped(struct vigil_yara_scanner *s, const char *path,
		       const struct filemap *fm, unsigned flags,
		       vigil_yara_fn fn, void *ctx)
{
	struct mapguard g;
	int rc;

	mapguard_begin(&g, fm->map, fm->len);
	rc = scan_report(s, fm->map, fm->len, flags, fn, ctx, &g);
	if (mapguard_end(&g) && (rc == 0 || rc == VIGIL_ECHANGED))
		rc = mapguard_error(-1, path, fm->len);
	return rc;
}

int vigil_yara_scan_path(struct vigil_yara_scanner *s, const char *path,
			 unsigned flags, vigil_yara_fn fn, void *ctx)
{
	struct filemap fm;
	int rc;

	if (!s || !path || !fn)
		return VIGIL_EINVAL;
	if ((rc = file_read_small(path, YRAPI_READ_BYTES, &s->file)) == 0) {
		rc = vigil_yara_scan_buffer(s, s->file.data, s->file.len, flags,
					    fn, ctx);
		s->file.len = 0;
		return rc;
	}
	if (rc < 0 || (rc = filemap_open(path, &fm)) != 0)
		return rc;
	rc = scan_mapped(s, path, &fm, flags, fn, ctx);
	filemap_close(&fm);
	return rc;
}

int vigil_yara_stream_write(struct vigil_yara_scanner *s, const void *buf,
			    size_t len)
{
	if (!s || (!buf && len))
		return VIGIL_EINVAL;
	if (s->stream_over || len > YRAPI_MAX_STREAM_BYTES - s->stream.len) {
		s->stream_over = 1;
		return VIGIL_ELIMIT;
	}
	return vbuf_append(&s->stream, buf, len) < 0 ? VIGIL_ENOMEM : 0;
}

int vigil_yara_stream_end(struct vigil_yara_scanner *s, unsigned flags,
			  vigil_yara_fn fn, void *ctx)
{
	int rc;

	if (!s || !fn)
		return VIGIL_EINVAL;
	rc = s->stream_over ? VIGIL_ELIMIT :
			      vigil_yara_scan_buffer(s, s->stream.data,
						     s->stream.len, flags, fn,
						     ctx);
	s->stream.len = 0;
	s->stream_over = 0;
	if (s->stream.cap > YRAPI_KEEP_STREAM_BYTES)
		vbuf_free(&s->stream);
	return rc;
}
