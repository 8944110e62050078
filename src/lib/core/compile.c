/*
 * compile.c -- turning a loaded engine into a read-only one: every group
 * of sources becomes a .vdb image, every image gets its matcher (from the
 * cache when possible), and the engine-wide ignore list is merged. Also
 * saving an image and reading a .vdb's header for "vigil db info".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/catalog.h"
#include "core/engine_int.h"
#include "match/hscache.h"
#include "util/fileio.h"
#include "sig/lexpr.h"
#include "core/phishscan.h"
#include "core/yaraload.h"

static int group_to_shard(struct vigil_engine *e, struct group *g)
{
	struct sigset *ss = &g->ss;
	struct shard *s;
	const char *why = "";
	uint8_t *img;
	size_t len, a, allow = 0;
	int rc;

	for (a = 0; a < HASH_NALGO; a++)
		allow += ss->allow[a].n;
	e->skipped += ss->skipped;
	if (!sigset_count(ss) && !allow && !ss->ignore.n && !ss->yara.len)
		return 0;
	if ((rc = vdb_build(ss, &img, &len)) < 0)
		return rc;
	s = &e->shards[e->nshards];
	if ((rc = vdb_open(img, len, NULL, 0, &s->v, &why)) < 0) {
		free(img); /* a builder bug: never expected */
		return rc;
	}
	s->image = img;
	snprintf(s->name, sizeof(s->name), "%s", g->name);
	e->nshards++;
	return 0;
}

/* The .cdb file name expressions, compiled once per shard. */
static int cdb_regexes(struct shard *s)
{
	const struct vdb_view *v = &s->v;
	size_t i;

	if (!v->ncdb)
		return 0;
	if (!(s->cdb_re = calloc(v->ncdb, sizeof(*s->cdb_re))))
		return VIGIL_ENOMEM;
	for (i = 0; i < v->ncdb; i++) {
		int rc = regcomp(&s->cdb_re[i], vdb_str(v, v->cdb[i].regex),
				 REG_EXTENDED | REG_NOSUB);

		if (rc)
			return rc == REG_ESPACE ? VIGIL_ENOMEM : VIGIL_EFORMAT;
		s->ncdb_re++;
	}
	return 0;
}

static int hexval(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* The URL hashes of .gdb lines, as bytes. */
static int gsb_table(struct shard *s)
{
	const struct vdb_view *v = &s->v;
	size_t i, k;

	for (i = 0; i < v->nphish; i++) {
		const struct vdb_phish *f = &v->phish[i];
		const char *h = vdb_str(v, f->pattern);
		struct gsb_entry *g;

		if (f->kind != 'S')
			continue;
		if (!s->gsb && !(s->gsb = calloc(v->nphish, sizeof(*s->gsb))))
			return VIGIL_ENOMEM;
		g = &s->gsb[s->ngsb++];
		for (k = 0; k < 32; k++)
			g->digest[k] = (uint8_t)(hexval(h[2 * k]) * 16 +
						 hexval(h[2 * k + 1]));
		g->list = (char)f->reserved[0];
	}
	return 0;
}

static int ldb_tables(struct shard *s)
{
	const struct vdb_view *v = &s->v;
	size_t i, n = 0;
	int rc;

	s->cnt_base = calloc(v->nldb + 1, sizeof(*s->cnt_base));
	s->zero_ldb = calloc(v->nldb + 1, sizeof(*s->zero_ldb));
	if (!s->cnt_base || !s->zero_ldb)
		return VIGIL_ENOMEM;
	for (i = 0; i < v->nldb; i++) {
		s->cnt_base[i] = (uint32_t)n;
		n += v->ldb[i].nsub;
		if (v->ldb[i].flags & LDB_F_ZERO_TRUE)
			s->zero_ldb[s->nzero++] = (uint32_t)i;
	}
	s->ncounts = n;
	if (!(s->chunk = calloc(1, sizeof(*s->chunk))))
		return VIGIL_ENOMEM;
	if (v->npcre &&
	    !(s->pcre_code = calloc(v->npcre, sizeof(*s->pcre_code))))
		return VIGIL_ENOMEM;
	if ((rc = cdb_regexes(s)) != 0 || (rc = gsb_table(s)) != 0)
		return rc;
	return phishscan_prepare(s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int ignore_table(struct vigil_engine *e)
{
	size_t i, j, n = 0;

	for (i = 0; i < e->nshards; i++)
		n += e->shards[i].v.nignore;
	if (!n)
		return 0;
	if (!(e->ignore = calloc(n, sizeof(*e->ignore))))
		return VIGIL_ENOMEM;
	for (i = 0; i < e->nshards; i++) {
		const struct vdb_view *v = &e->shards[i].v;

		for (j = 0; j < v->nignore; j++)
			e->ignore[e->nignore++] = vdb_str(v, v->ignore[j]);
	}
	qsort(e->ignore, e->nignore, sizeof(*e->ignore), cmp_str);
	return 0;
}

int engine_ignores(const struct vigil_engine *e, const char *name)
{
	return e->nignore && bsearch(&name, e->ignore, e->nignore,
				     sizeof(*e->ignore), cmp_str) != NULL;
}

static int build_matchers(struct vigil_engine *e)
{
	struct hsdb_opts ho = {
		e->opts.cache_dir, !!(e->opts.flags & VIGIL_ENGINE_FULL_MATCHER),
		e->opts.log, e->opts.log_ctx, NULL
	};
	size_t i, a;
	int rc;

	for (i = 0; i < e->nshards; i++) {
		struct shard *s = &e->shards[i];
		const char *why = "";

		for (a = 0; a < HASH_NALGO; a++) {
			e->has_allow[a] |= s->v.nallow[a] > 0;
			e->has_secthash |= s->v.nhash[HT_SECTION + a] > 0;
			e->has_imphash |= s->v.nhash[HT_IMP + a] > 0;
		}
		e->has_cdb |= s->v.ncdb > 0;
		e->has_phish |= s->v.nphish > 0;
		e->has_certs |= s->v.ncert > 0;
		if ((rc = ldb_tables(s)) < 0)
			return rc;
		e->has_gsb |= s->ngsb > 0;
		if (e->opts.flags & VIGIL_ENGINE_NO_MATCHER)
			continue;
		if (!s->has_digest) { /* the cache key's, and a stamp's */
			hscache_digest(&s->v, &s->digest);
			s->has_digest = 1;
		}
		ho.digest = &s->digest;
		rc = hsdb_build(&s->v, &ho, &s->m, &why);
		if (rc < 0) {
			if (e->opts.log) {
				char msg[400];

				snprintf(msg, sizeof(msg), "%s: %s", s->name,
					 why);
				e->opts.log(e->opts.log_ctx, VIGIL_LOG_ERROR,
					    msg);
			}
			return rc;
		}
		e->cache_hits += (uint64_t)s->m.from_cache;
		e->quick_matchers += (uint64_t)s->m.quick;
	}
	if (e->opts.cache_dir && !(e->opts.flags & VIGIL_ENGINE_NO_MATCHER))
		hscache_prune(e->opts.cache_dir, HSCACHE_KEEP_DAYS);
	return catalog_build(e);
}

static uint64_t shard_sigs(const struct vdb_view *v)
{
	uint64_t n = v->nndb + v->nldb + v->ncdb + v->nphish + v->ncert +
		     v->nicon;
	size_t t;

	for (t = 0; t < HT_N; t++)
		n += v->nhash[t];
	return n;
}

int vigil_engine_compile(struct vigil_engine *e)
{
	uint64_t total = 0, nyara;
	size_t i;
	int rc = 0;

	if (!e)
		return VIGIL_EINVAL;
	if (e->compiled)
		return VIGIL_ESTATE;
	for (i = 0; i < e->ngroups; i++) {
		if (!rc)
			rc = group_to_shard(e, e->groups[i]);
		sigset_free(&e->groups[i]->ss);
		free(e->groups[i]);
	}
	e->ngroups = 0;
	e->loose = NULL;
	if (rc < 0)
		return rc;
	for (i = 0; i < e->nshards; i++)
		total += shard_sigs(&e->shards[i].v);
	if ((rc = yaraload_compile(e, &nyara)) < 0)
		return rc;
	if (!total && !nyara)
		return VIGIL_EEMPTY;
	if ((rc = build_matchers(e)) < 0 || (rc = ignore_table(e)) < 0)
		return rc;
	/* what checking the mapped databases and building their matchers
	 * read: scans map again what they use (a reload's new generation
	 * does not count the old one's pages twice) */
	for (i = 0; i < e->nshards; i++)
		if (e->shards[i].map)
			mapping_release(e->shards[i].map, e->shards[i].map_len);
	e->compiled = 1;
	return 0;
}

int vigil_engine_save(const struct vigil_engine *e, const char *path)
{
	const struct shard *s;

	if (!e || !path)
		return VIGIL_EINVAL;
	if (!e->compiled || e->nshards != 1)
		return VIGIL_ESTATE;
	s = &e->shards[0];
	return file_write_atomic(path, s->v.base, s->v.size);
}

int vigil_engine_stats(const struct vigil_engine *e,
		       struct vigil_engine_stats *st)
{
	struct vigil_engine_stats t;
	size_t i, a;

	if (!e || !st || st->size < sizeof(size_t))
		return VIGIL_EINVAL;
	memset(&t, 0, sizeof(t));
	for (i = 0; i < e->nshards; i++) {
		const struct vdb_view *v = &e->shards[i].v;

		t.hash_md5 += v->nhash[HASH_MD5];
		t.hash_sha1 += v->nhash[HASH_SHA1];
		t.hash_sha256 += v->nhash[HASH_SHA256];
		for (a = 0; a < HASH_NALGO; a++) {
			t.section_hash += v->nhash[HT_SECTION + a];
			t.import_hash += v->nhash[HT_IMP + a];
		}
		t.body += v->nndb;
		t.logical += v->nldb;
		for (a = 0; a < HASH_NALGO; a++)
			t.allow += v->nallow[a];
		t.ignore += v->nignore;
		t.phishing += v->nphish;
		t.certificates += v->ncert;
		t.matcher_bytes += e->shards[i].m.bytes;
		if (e->shards[i].map && v->hdr->created > t.db_created)
			t.db_created = v->hdr->created;
		t.signatures += shard_sigs(v);
		t.unsettled += (e->shards[i].vdb_new.path != NULL) +
			       (e->shards[i].m.anc_new.path != NULL);
	}
	t.yara = e->nyara - e->yara_skipped;
	t.signatures += t.yara;
	t.skipped = e->skipped;
	t.shards = e->nshards;
	t.cache_hits = e->cache_hits;
	t.quick_matchers = e->quick_matchers;
	t.size = st->size < sizeof(t) ? st->size : sizeof(t);
	memcpy(st, &t, t.size);
	return 0;
}

static uint64_t meta_u64(const struct vdb_view *v, const char *key)
{
	char buf[32];

	vdb_meta(v, key, buf, sizeof(buf));
	return strtoull(buf, NULL, 10);
}

/* The YARA rule files an image holds. */
static uint64_t yara_files(const struct vdb_view *v)
{
	size_t pos = 0, nlen, tlen;
	const uint8_t *text;
	const char *name;
	uint64_t n = 0;

	while (vdb_yara_next(v, &pos, &name, &nlen, &text, &tlen))
		n++;
	return n;
}

int vigil_db_info(const char *path, struct vigil_db_info *info)
{
	struct vigil_db_info t;
	struct filemap fm;
	struct vdb_view v;
	const char *why;
	uint64_t sum = 0;
	int rc;

	if (!path || !info || info->size < sizeof(size_t))
		return VIGIL_EINVAL;
	/* summed through read(), not the mapping: a database of hundreds of
	 * megabytes would otherwise pass through this process's RSS (vigild
	 * asks at each reload) */
	if ((rc = filemap_open_summed(path, &fm, sizeof(struct vdb_header),
				      &sum)) < 0)
		return rc;
	if ((rc = vdb_open(fm.map, fm.len,
			   fm.len > sizeof(struct vdb_header) ? &sum : NULL, 1,
			   &v, &why)) == 0) {
		memset(&t, 0, sizeof(t));
		t.format_version = v.hdr->version;
		t.file_size = v.size;
		t.created = v.hdr->created;
		t.checksum = v.hdr->checksum;
		t.hash_md5 = v.nhash[HASH_MD5];
		t.hash_sha1 = v.nhash[HASH_SHA1];
		t.hash_sha256 = v.nhash[HASH_SHA256];
		t.section_hash = v.nhash[HT_SECTION + HASH_MD5] +
				 v.nhash[HT_SECTION + HASH_SHA1] +
				 v.nhash[HT_SECTION + HASH_SHA256];
		t.body = v.nndb;
		t.logical = v.nldb;
		t.allow = v.nallow[0] + v.nallow[1] + v.nallow[2];
		t.ignore = meta_u64(&v, "ignore");
		t.yara_files = yara_files(&v);
		vdb_meta(&v, "builder", t.builder, sizeof(t.builder));
		vdb_meta(&v, "sources", t.sources, sizeof(t.sources));
		t.size = info->size < sizeof(t) ? info->size : sizeof(t);
		memcpy(info, &t, t.size);
	}
	filemap_close(&fm);
	return rc;
}
