/*
 * sigset.c -- the collection of signatures being loaded, and the
 * reporting of lines that cannot be honoured (warning, or error in strict
 * mode). String offset 0 is always the empty string.
 */
#include "db/sigset.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sigset_init(struct sigset *ss)
{
	size_t a;

	memset(ss, 0, sizeof(*ss));
	for (a = 0; a < HT_N; a++)
		varr_init(&ss->hash[a], sizeof(struct sig_hash));
	for (a = 0; a < HASH_NALGO; a++)
		varr_init(&ss->allow[a], sizeof(struct sig_hash));
	varr_init(&ss->match, sizeof(struct vdb_matchable));
	varr_init(&ss->ndb, sizeof(struct vdb_ndb));
	varr_init(&ss->ldb, sizeof(struct vdb_ldb));
	varr_init(&ss->pcre, sizeof(struct vdb_pcre));
	varr_init(&ss->bcomp, sizeof(struct vdb_bcomp));
	varr_init(&ss->fuzzy, sizeof(struct vdb_fuzzy));
	varr_init(&ss->icon, sizeof(struct vdb_icon));
	varr_init(&ss->ldbicon, sizeof(struct vdb_ldb_icon));
	varr_init(&ss->icon_group[0], sizeof(uint32_t));
	varr_init(&ss->icon_group[1], sizeof(uint32_t));
	varr_init(&ss->cat, sizeof(struct vdb_catalog));
	varr_init(&ss->macro, sizeof(struct vdb_macro));
	varr_init(&ss->macropat, sizeof(struct vdb_macro_pat));
	varr_init(&ss->cdb, sizeof(struct vdb_cdb));
	varr_init(&ss->phish, sizeof(struct vdb_phish));
	varr_init(&ss->cert, sizeof(struct vdb_cert));
	varr_init(&ss->ignore, sizeof(struct sig_ignore));
	return vbuf_append_u8(&ss->strings, 0);
}

void sigset_free(struct sigset *ss)
{
	size_t a;

	for (a = 0; a < HT_N; a++)
		varr_free(&ss->hash[a]);
	for (a = 0; a < HASH_NALGO; a++)
		varr_free(&ss->allow[a]);
	varr_free(&ss->match);
	varr_free(&ss->ndb);
	varr_free(&ss->ldb);
	varr_free(&ss->pcre);
	varr_free(&ss->bcomp);
	varr_free(&ss->fuzzy);
	varr_free(&ss->icon);
	varr_free(&ss->ldbicon);
	varr_free(&ss->icon_group[0]);
	varr_free(&ss->icon_group[1]);
	varr_free(&ss->cat);
	vbuf_free(&ss->catblob);
	vbuf_free(&ss->yara);
	varr_free(&ss->macro);
	varr_free(&ss->macropat);
	varr_free(&ss->cdb);
	varr_free(&ss->phish);
	varr_free(&ss->cert);
	varr_free(&ss->ignore);
	vbuf_free(&ss->strings);
	vbuf_free(&ss->code);
	vbuf_free(&ss->sources);
}

int sigset_string(struct sigset *ss, const char *s, size_t n, uint32_t *off)
{
	int rc;

	if (ss->strings.len > UINT32_MAX - n - 1)
		return VIGIL_ELIMIT;
	*off = (uint32_t)ss->strings.len;
	if ((rc = vbuf_append(&ss->strings, s, n)) < 0)
		return rc;
	return vbuf_append_u8(&ss->strings, 0);
}

const char *sigset_str(const struct sigset *ss, uint32_t off)
{
	return (const char *)ss->strings.data + off;
}

uint64_t sigset_count(const struct sigset *ss)
{
	uint64_t n = ss->ndb.n + ss->ldb.n + ss->cdb.n + ss->phish.n +
		     ss->cert.n + ss->icon.n + ss->cat.n;
	size_t a;

	for (a = 0; a < HT_N; a++)
		n += ss->hash[a].n;
	return n;
}

void load_log(const struct loadctx *lc, int level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!lc->log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lc->log(lc->log_ctx, level, msg);
}

int load_warn(struct loadctx *lc, int rc, const char *fmt, ...)
{
	char why[400];
	va_list ap;
	int strict = (lc->flags & VIGIL_ENGINE_STRICT) != 0;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (lc->line)
		load_log(lc, strict ? VIGIL_LOG_ERROR : VIGIL_LOG_WARNING,
			 "%s:%zu: %s", lc->file, lc->line, why);
	else
		load_log(lc, strict ? VIGIL_LOG_ERROR : VIGIL_LOG_WARNING,
			 "%s: %s", lc->file, why);
	lc->ss->skipped++;
	return strict ? rc : 0;
}

static uint32_t name_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

void sigset_bloom_add(struct sigset *ss, const char *name, size_t n)
{
	uint32_t h = name_hash(name, n) & 65535;

	ss->ign_bloom[h >> 6] |= 1ull << (h & 63);
}

static int line_md5_is(const struct loadctx *lc, const uint8_t md5[16])
{
	uint8_t d[EVP_MAX_MD_SIZE];
	unsigned dl = 0;

	if (!EVP_Digest(lc->text, lc->text_len, d, &dl, EVP_md5(), NULL))
		return 0;
	return dl == 16 && !memcmp(d, md5, 16);
}

int load_is_ignored(struct loadctx *lc, const char *name, size_t n)
{
	struct sigset *ss = lc->ss;
	uint32_t h = name_hash(name, n) & 65535;
	size_t i;

	if (!(ss->ign_bloom[h >> 6] & (1ull << (h & 63))))
		return 0;
	for (i = 0; i < ss->ignore.n; i++) {
		const struct sig_ignore *ig = varr_at(&ss->ignore, i);
		const char *in = sigset_str(ss, ig->name);

		if (strlen(in) != n || memcmp(in, name, n))
			continue;
		if (ig->has_md5 && !line_md5_is(lc, ig->md5))
			continue;
		ss->ignored++;
		return 1;
	}
	return 0;
}
