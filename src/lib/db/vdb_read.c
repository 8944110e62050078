/*
 * vdb_read.c -- opens a .vdb image in place. Nothing in the image is
 * trusted until checked here: header and checksum first, then every
 * section's bounds and alignment, then every record's references (names,
 * bytecode ranges, owners, expressions), so that the scanner can follow
 * them without further checks. The matchables of a large image are
 * checked in part on a second thread where there is a second CPU: each
 * check bounds what it reads itself, so none waits on another. In a
 * mapped image, the pages of the matchables and logical signatures, and
 * of their code, are handed back a step at a time once checked: a
 * reload's new generation does not hold a whole feed's patterns mapped
 * beside the old one's while it checks them.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "db/cdb.h"
#include "db/hashdb.h"
#include "db/vdb.h"
#include "common/reader.h"
#include "util/fileio.h"
#include "sig/cltype.h"
#include "sig/lexpr.h"
#include "sig/pattern.h"
#include "sig/pcre.h"

static int bad(const char **why, const char *msg)
{
	*why = msg;
	return VIGIL_EFORMAT;
}

static int header(const uint8_t *buf, size_t len, const uint64_t *body_sum,
		  struct vdb_view *v, const char **why)
{
	const struct vdb_header *h = (const void *)buf;

	if (len < sizeof(*h) || memcmp(h->magic, VDB_MAGIC, 8))
		return bad(why, "not a Vigil database");
	if (h->version != VDB_FORMAT_VERSION &&
	    h->version != VDB_FORMAT_VERSION_YARA) {
		*why = "database format version not supported";
		return VIGIL_EVERSION;
	}
	if (h->header_size != sizeof(*h) || h->file_size != len)
		return bad(why, "database truncated or padded");
	if (h->nsections > VDB_MAX_SECTIONS ||
	    (uint64_t)h->nsections * sizeof(struct vdb_section) >
		    len - sizeof(*h))
		return bad(why, "bad section table");
	if ((body_sum ? *body_sum :
			XXH3_64bits(buf + sizeof(*h), len - sizeof(*h))) !=
	    h->checksum) {
		*why = "database checksum mismatch";
		return VIGIL_ECHECKSUM;
	}
	v->base = buf;
	v->size = len;
	v->hdr = h;
	return 0;
}

/* Points *p at a section's bytes, checking bounds and alignment. */
static int section(const struct vdb_view *v, uint32_t id, size_t elem,
		   const void **p, size_t *n)
{
	const struct vdb_section *s = (const void *)(v->base + sizeof(*v->hdr));
	uint32_t i;

	*p = NULL;
	*n = 0;
	for (i = 0; i < v->hdr->nsections; i++) {
		if (s[i].id != id)
			continue;
		if (s[i].offset > v->size || s[i].size > v->size - s[i].offset ||
		    s[i].offset % 8 || s[i].size % elem)
			return -1;
		*p = v->base + s[i].offset;
		*n = (size_t)(s[i].size / elem);
		return 0;
	}
	return 0; /* absent: empty */
}

static int name_ok(const struct vdb_view *v, uint32_t off)
{
	return off < v->strings_len;
}

static int hash_sections(struct vdb_view *v, const char **why)
{
	const void *p;
	size_t n, a;

	for (a = 0; a < HT_N; a++) {
		size_t stride = VDB_HASH_STRIDE(
			hash_digest_len((int)(a % HASH_NALGO)));

		if (section(v, vdb_hash_section((int)a), stride, &p, &n) < 0)
			return bad(why, "bad hash section");
		v->hash[a] = p;
		v->nhash[a] = n;
		if (a < HASH_NALGO) {
			if (section(v, VDB_SEC_ALLOW + (uint32_t)a, stride,
				    &p, &n) < 0)
				return bad(why, "bad allowlist section");
			v->allow[a] = p;
			v->nallow[a] = n;
		}
		if (section(v, vdb_size_section((int)a), 8, &p, &n) < 0 ||
		    (n == 0 && v->nhash[a]))
			return bad(why, "bad size section");
		v->wild[a] = n ? ((const uint64_t *)p)[0] : 0;
		v->sizes[a] = n ? (const uint64_t *)p + 1 : NULL;
		v->nsizes[a] = n ? n - 1 : 0;
	}
	return 0;
}

/* Records checked between two hand-backs of their pages. */
#define CHECK_STEP 16384

/* After a step of n bytes of records at p, whose code runs from lo to hi
 * in the order of the records (vdb_write.c's): their pages handed back,
 * in a mapped image. */
static void step_read(const struct vdb_view *v, const void *p, size_t n,
		      size_t lo, size_t hi)
{
	if (!v->mapped)
		return;
	mapping_release(p, n);
	if (lo < hi)
		mapping_release(v->code + lo, hi - lo);
}

/* The matchables [from, to), all checked. */
static int matchables_step_ok(const struct vdb_view *v, size_t from,
			      size_t to)
{
	size_t i;

	for (i = from; i < to; i++) {
		const struct vdb_matchable *m = &v->match[i];
		size_t owners = m->kind == MATCH_NDB ? v->nndb : v->nldb;

		if ((m->kind != MATCH_NDB && m->kind != MATCH_LDB) ||
		    m->owner >= owners || m->target > 14 ||
		    m->off_kind > OFF_LAST || m->code_off > v->code_len ||
		    m->code_len > v->code_len - m->code_off ||
		    !pat_valid(v->code + m->code_off, m->code_len))
			return 0;
		if (m->kind == MATCH_LDB && m->sub >= v->ldb[m->owner].nsub)
			return 0;
	}
	return 1;
}

static int matchables_ok(const struct vdb_view *v, size_t from, size_t to)
{
	for (size_t s = from; s < to; s += CHECK_STEP) {
		size_t e = to - s > CHECK_STEP ? s + CHECK_STEP : to;
		const struct vdb_matchable *last = &v->match[e - 1];

		if (!matchables_step_ok(v, s, e))
			return 0;
		step_read(v, &v->match[s], (e - s) * sizeof(*v->match),
			  v->match[s].code_off,
			  (size_t)last->code_off + last->code_len);
	}
	return 1;
}

static int code_ok(const struct vdb_view *v, uint32_t off, uint32_t len)
{
	return off <= v->code_len && len <= v->code_len - off;
}

static int containers_ok(const struct vdb_ldb *l)
{
	unsigned i;

	if (l->container >= CLT_COUNT || l->handler >= CLT_COUNT ||
	    l->ninter > LDB_MAX_INTERMEDIATES)
		return 0;
	for (i = 0; i < l->ninter; i++)
		if (l->inter[i] == CLT_NONE || l->inter[i] >= CLT_COUNT)
			return 0;
	return 1;
}

/* Each PCRE subsignature lies in its .ldb's range, in order of sub. */
static int pcres_ok(const struct vdb_view *v)
{
	size_t i;

	for (i = 0; i < v->npcre; i++) {
		const struct vdb_pcre *p = &v->pcre[i];
		const struct vdb_ldb *l;

		if (p->owner >= v->nldb)
			return 0;
		l = &v->ldb[p->owner];
		if (i < l->pcre_first || i - l->pcre_first >= l->npcre ||
		    p->sub >= l->nsub || (i > l->pcre_first &&
					  p->sub <= p[-1].sub) ||
		    p->off_kind > OFF_LAST || p->flags & ~SIGPCRE_ALL ||
		    !p->re_len || !code_ok(v, p->re_off, p->re_len) ||
		    !code_ok(v, p->trig_off, p->trig_len) ||
		    !lexpr_valid(v->code + p->trig_off, p->trig_len, p->sub))
			return 0;
	}
	return 1;
}

/* Each byte compare lies in its .ldb's range, triggered by an earlier
 * subsignature, with a kind, a width and comparisons it can apply. */
static int bcomps_ok(const struct vdb_view *v)
{
	size_t i;

	for (i = 0; i < v->nbcomp; i++) {
		const struct vdb_bcomp *b = &v->bcomp[i];
		const struct vdb_ldb *l;
		unsigned k;

		if (b->owner >= v->nldb)
			return 0;
		l = &v->ldb[b->owner];
		if (i < l->bcomp_first || i - l->bcomp_first >= l->nbcomp ||
		    b->sub >= l->nsub || b->trigger >= b->sub ||
		    !memchr("hdai", b->kind, 4) || !b->nbytes ||
		    b->nbytes > 64 || b->ncmp < 1 || b->ncmp > 2)
			return 0;
		for (k = 0; k < b->ncmp; k++)
			if (!memchr("<>=", b->op[k], 3))
				return 0;
	}
	return 1;
}

/* Icon metrics within what the .idb reader accepts (db/idbsig.c); group
 * requirements of .ldb lines that ask for them, in owner order; catalogs
 * inside their bytes. */
static int icons_ok(const struct vdb_view *v)
{
	size_t i, k, j;

	for (i = 0; i < v->nicon; i++) {
		const struct vdb_icon *c = &v->icon[i];
		uint32_t side = c->m.side, lim = side - side / 8;

		if (!name_ok(v, c->name) || !name_ok(v, c->group[0]) ||
		    !name_ok(v, c->group[1]) ||
		    (side != 16 && side != 24 && side != 32) ||
		    c->m.rsum + c->m.gsum + c->m.bsum > 103 ||
		    c->m.ccount > 100)
			return 0;
		for (k = 0; k < ICM_KINDS; k++)
			for (j = 0; j < 3; j++)
				if (c->m.x[k][j] > lim || c->m.y[k][j] > lim ||
				    c->m.avg[k][j] > 4072)
					return 0;
	}
	for (i = 0; i < v->nldbicon; i++) {
		const struct vdb_ldb_icon *r = &v->ldbicon[i];

		if (r->owner >= v->nldb ||
		    !(v->ldb[r->owner].flags & LDB_F_ICON) ||
		    (i && r->owner <= v->ldbicon[i - 1].owner) ||
		    !name_ok(v, r->group[0]) || !name_ok(v, r->group[1]))
			return 0;
	}
	for (i = 0; i < v->ncat; i++)
		if (!name_ok(v, v->cat[i].name) ||
		    v->cat[i].off > v->catblob_len ||
		    v->cat[i].len > v->catblob_len - v->cat[i].off)
			return 0;
	return 1;
}

/* Macro subsignatures in their .ldb's range (never the first one);
 * group members with patterns that are valid code. */
static int macros_ok(const struct vdb_view *v)
{
	size_t i;

	for (i = 0; i < v->nmacro; i++) {
		const struct vdb_macro *m = &v->macro[i];
		const struct vdb_ldb *l;

		if (m->owner >= v->nldb)
			return 0;
		l = &v->ldb[m->owner];
		if (i < l->macro_first || i - l->macro_first >= l->nmacro ||
		    !m->sub || m->sub >= l->nsub || m->group >= MACRO_GROUPS ||
		    m->min > m->max)
			return 0;
	}
	for (i = 0; i < v->nmacropat; i++) {
		const struct vdb_macro_pat *p = &v->macropat[i];

		if (p->group >= MACRO_GROUPS ||
		    !code_ok(v, p->code_off, p->code_len) ||
		    !pat_valid(v->code + p->code_off, p->code_len))
			return 0;
	}
	return 1;
}

int vdb_yara_next(const struct vdb_view *v, size_t *pos, const char **name,
		  size_t *nlen, const uint8_t **text, size_t *tlen)
{
	uint32_t head[2];

	if (*pos + sizeof(head) > v->yara_len)
		return 0;
	memcpy(head, v->yara + *pos, sizeof(head));
	if (head[0] > v->yara_len - *pos - sizeof(head) ||
	    head[1] > v->yara_len - *pos - sizeof(head) - head[0])
		return 0;
	*name = (const char *)v->yara + *pos + sizeof(head);
	*nlen = head[0];
	*text = v->yara + *pos + sizeof(head) + head[0];
	*tlen = head[1];
	*pos += sizeof(head) + head[0] + head[1];
	return 1;
}

/* Every YARA record lies inside its section, to its end. */
static int yara_ok(const struct vdb_view *v)
{
	size_t pos = 0, nlen, tlen;
	const uint8_t *text;
	const char *name;

	while (vdb_yara_next(v, &pos, &name, &nlen, &text, &tlen))
		;
	return pos == v->yara_len;
}

static int ldb_ok(const struct vdb_view *v, const struct vdb_ldb *l)
{
	return name_ok(v, l->name) && l->first <= v->nmatch &&
	       l->nmatch <= v->nmatch - l->first &&
	       l->nsub <= LEXPR_MAX_SUBSIGS && l->expr_off <= v->code_len &&
	       l->expr_len <= v->code_len - l->expr_off &&
	       lexpr_valid(v->code + l->expr_off, l->expr_len, l->nsub) &&
	       l->pcre_first <= v->npcre &&
	       l->npcre <= v->npcre - l->pcre_first && containers_ok(l) &&
	       l->bcomp_first <= v->nbcomp &&
	       l->nbcomp <= v->nbcomp - l->bcomp_first &&
	       l->macro_first <= v->nmacro &&
	       l->nmacro <= v->nmacro - l->macro_first;
}

static int ldbs_ok(const struct vdb_view *v)
{
	for (size_t s = 0; s < v->nldb; s += CHECK_STEP) {
		size_t e = v->nldb - s > CHECK_STEP ? s + CHECK_STEP : v->nldb;

		for (size_t i = s; i < e; i++)
			if (!ldb_ok(v, &v->ldb[i]))
				return 0;
		step_read(v, &v->ldb[s], (e - s) * sizeof(*v->ldb),
			  v->ldb[s].expr_off,
			  (size_t)v->ldb[e - 1].expr_off + v->ldb[e - 1].expr_len);
	}
	return 1;
}

static int records_ok(const struct vdb_view *v)
{
	size_t i;

	for (i = 0; i < v->nndb; i++)
		if (!name_ok(v, v->ndb[i].name) ||
		    v->ndb[i].matchable >= v->nmatch ||
		    v->match[v->ndb[i].matchable].kind != MATCH_NDB)
			return 0;
	if (!ldbs_ok(v))
		return 0;
	for (i = 0; i < v->nignore; i++)
		if (!name_ok(v, v->ignore[i]))
			return 0;
	for (i = 0; i < v->ncdb; i++) {
		const struct vdb_cdb *c = &v->cdb[i];

		if (!name_ok(v, c->name) || !name_ok(v, c->regex) ||
		    c->cltype >= CLT_COUNT || c->encrypted > CDB_ANY ||
		    cdb_regex_shape(vdb_str(v, c->regex),
				    strlen(vdb_str(v, c->regex))))
			return 0;
	}
	for (i = 0; i < v->nphish; i++) {
		const struct vdb_phish *f = &v->phish[i];
		const char *pat = name_ok(v, f->pattern) ?
					  vdb_str(v, f->pattern) : NULL;

		if (!pat || !strchr("RHXMYS", f->kind) || !f->kind ||
		    f->icase > 1)
			return 0;
		if (f->kind == 'S' ? strlen(pat) != 64 ||
					     strspn(pat, "0123456789abcdefABCDEF") != 64 ||
					     !f->reserved[0] ||
					     !strchr("012W", f->reserved[0]) :
				     cdb_regex_shape(pat, strlen(pat)) != NULL)
			return 0;
	}
	for (i = 0; i < v->ncert; i++) {
		const struct vdb_cert *c = &v->cert[i];

		if (!name_ok(v, c->name) || !name_ok(v, c->pubkey) ||
		    c->trusted > 1 || c->uses > 7 || c->has_serial > 1)
			return 0;
	}
	for (i = 0; i < v->nfuzzy; i++)
		if (v->fuzzy[i].owner >= v->nldb ||
		    v->fuzzy[i].sub >= v->ldb[v->fuzzy[i].owner].nsub)
			return 0;
	return pcres_ok(v) && bcomps_ok(v) && macros_ok(v) && icons_ok(v);
}

/* Images with this many matchables or more have most of them checked on
 * a second thread (a full-size feed's 510k patterns and their 45 MB of
 * code: about half of its warm load, read from memory), the share that
 * leaves both threads about as long. */
#define SPLIT_FROM 65536
#define SPLIT_SHARE(n) ((n) / 4 * 3)

struct part {
	const struct vdb_view *v;
	size_t to;
	int ok;
};

static void *part_main(void *arg)
{
	struct part *p = arg;

	p->ok = matchables_ok(p->v, 0, p->to);
	return NULL;
}

static int all_records_ok(const struct vdb_view *v)
{
	struct part p = { v, 0, 1 };
	pthread_t th;
	int ok, two = v->nmatch >= SPLIT_FROM &&
		      sysconf(_SC_NPROCESSORS_ONLN) > 1;

	p.to = two ? SPLIT_SHARE(v->nmatch) : 0;
	if (two && pthread_create(&th, NULL, part_main, &p) != 0)
		two = 0, p.to = 0;
	ok = records_ok(v) && matchables_ok(v, p.to, v->nmatch);
	if (two)
		pthread_join(th, NULL);
	return ok && p.ok;
}

int vdb_open(const uint8_t *buf, size_t len, const uint64_t *body_sum,
	     int mapped, struct vdb_view *v, const char **why)
{
	const void *p;
	size_t n;
	int rc;

	memset(v, 0, sizeof(*v));
	v->mapped = mapped;
	if ((rc = header(buf, len, body_sum, v, why)) < 0)
		return rc;
	if (section(v, VDB_SEC_META, 1, &p, &v->meta_len) < 0)
		return bad(why, "bad section bounds");
	v->meta = p;
	if (section(v, VDB_SEC_STRINGS, 1, &p, &n) < 0)
		return bad(why, "bad section bounds");
	v->strings = p;
	v->strings_len = n;
	if (!n || v->strings[n - 1] != 0)
		return bad(why, "string table not terminated");
	if ((rc = hash_sections(v, why)) < 0)
		return rc;
	if (section(v, VDB_SEC_MATCHABLE, sizeof(*v->match), &p, &v->nmatch) ||
	    (v->match = p, section(v, VDB_SEC_CODE, 1, &p, &v->code_len)) ||
	    (v->code = p, section(v, VDB_SEC_NDB, sizeof(*v->ndb), &p, &v->nndb)) ||
	    (v->ndb = p, section(v, VDB_SEC_LDB, sizeof(*v->ldb), &p, &v->nldb)) ||
	    (v->ldb = p, section(v, VDB_SEC_PCRE, sizeof(*v->pcre), &p,
				 &v->npcre)) ||
	    (v->pcre = p, section(v, VDB_SEC_BCOMP, sizeof(*v->bcomp), &p,
				  &v->nbcomp)) ||
	    (v->bcomp = p, section(v, VDB_SEC_MACRO, sizeof(*v->macro), &p,
				   &v->nmacro)) ||
	    (v->macro = p, section(v, VDB_SEC_MACROPAT, sizeof(*v->macropat),
				   &p, &v->nmacropat)) ||
	    (v->macropat = p, section(v, VDB_SEC_CDB, sizeof(*v->cdb), &p,
				      &v->ncdb)) ||
	    (v->cdb = p, section(v, VDB_SEC_PHISH, sizeof(*v->phish), &p,
				 &v->nphish)) ||
	    (v->phish = p, section(v, VDB_SEC_CERT, sizeof(*v->cert), &p,
				   &v->ncert)) ||
	    (v->cert = p, section(v, VDB_SEC_FUZZY, sizeof(*v->fuzzy), &p,
				   &v->nfuzzy)) ||
	    (v->fuzzy = p, section(v, VDB_SEC_ICON, sizeof(*v->icon), &p,
				   &v->nicon)) ||
	    (v->icon = p, section(v, VDB_SEC_LDBICON, sizeof(*v->ldbicon),
				  &p, &v->nldbicon)) ||
	    (v->ldbicon = p, section(v, VDB_SEC_CATALOG, sizeof(*v->cat), &p,
				     &v->ncat)) ||
	    (v->cat = p, section(v, VDB_SEC_CATBLOB, 1, &p, &v->catblob_len)) ||
	    (v->catblob = p, section(v, VDB_SEC_IGNORE, 4, &p, &v->nignore)) ||
	    (v->ignore = p, section(v, VDB_SEC_YARA, 1, &p, &v->yara_len)))
		return bad(why, "bad section bounds");
	v->yara = p;
	if (!all_records_ok(v))
		return bad(why, "a record refers outside the database");
	if (!yara_ok(v))
		return bad(why, "a YARA source runs past its section");
	return 0;
}

void vdb_meta(const struct vdb_view *v, const char *key, char *out,
	      size_t cap)
{
	struct rdr r;
	const char *line;
	size_t n, kl = strlen(key);

	out[0] = 0;
	rdr_init(&r, v->meta, v->meta_len);
	while (rdr_line(&r, 1 << 20, &line, &n)) {
		if (n > kl && line[kl] == '=' && !memcmp(line, key, kl)) {
			snprintf(out, cap, "%.*s", (int)(n - kl - 1),
				 line + kl + 1);
			return;
		}
	}
}
