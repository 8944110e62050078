/*
 * loader.c -- dispatch of signature sources to their parsers, line by line
 * through the bounded reader. Containers recurse into their members, whose
 * warnings read "main.cvd//main.ndb:12: reason".
 */
#include "db/loader.h"

#include <stdio.h>
#include <string.h>

#include "db/bodysig.h"
#include "db/cdb.h"
#include "db/ftm.h"
#include "db/cvd.h"
#include "db/cvdsign.h"
#include "db/hashdb.h"
#include "db/ign.h"
#include "db/crbdb.h"
#include "db/idbsig.h"
#include "db/phishdb.h"
#include "common/reader.h"

static const struct {
	const char *ext;
	int kind;
	int pua;
} kinds[] = {
	{ "hdb", LK_HASH, 0 },	 { "hsb", LK_HASH, 0 },
	{ "hdu", LK_HASH, 1 },	 { "hsu", LK_HASH, 1 },
	{ "fp", LK_ALLOW, 0 },	 { "sfp", LK_ALLOW, 0 },
	{ "ndb", LK_NDB, 0 },	 { "ndu", LK_NDB, 1 },
	{ "ldb", LK_LDB, 0 },	 { "ldu", LK_LDB, 1 },
	{ "ign2", LK_IGN2, 0 },	 { "ign", LK_IGN, 0 },
	{ "cvd", LK_CVD, 0 },	 { "cld", LK_CLD, 0 },
	{ "cud", LK_CUD, 0 },	 { "vdb", LK_VDB, 0 },
	{ "info", LK_SKIP, 0 },	 { "cfg", LK_SKIP, 0 },
	{ "mdb", LK_SECTHASH, 0 }, { "msb", LK_SECTHASH, 0 },
	{ "mdu", LK_SECTHASH, 1 }, { "msu", LK_SECTHASH, 1 },
	{ "imp", LK_IMP, 0 },	 { "cdb", LK_CDB, 0 },
	{ "ftm", LK_FTM, 0 }, { "pdb", LK_PDB, 0 },
	{ "gdb", LK_PDB, 0 }, { "wdb", LK_WDB, 0 },
	{ "crb", LK_CRB, 0 },	 { "cat", LK_CAT, 0 },
	{ "idb", LK_IDB, 0 }, { "cbc", LK_UNSUPPORTED, 0 },
	{ "yar", LK_YARA, 0 }, { "yara", LK_YARA, 0 },
	{ "pwdb", LK_UNSUPPORTED, 0 }, { "db", LK_UNSUPPORTED, 0 },
	{ "zmd", LK_UNSUPPORTED, 0 }, { "rmd", LK_UNSUPPORTED, 0 },
	{ "hdb2", LK_UNSUPPORTED, 0 },
};

int loader_kind(const char *name, int *pua)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	*pua = 0;
	if (!dot)
		return LK_UNKNOWN;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (!strcmp(dot + 1, kinds[i].ext)) {
			*pua = kinds[i].pua;
			return kinds[i].kind;
		}
	}
	return LK_UNKNOWN;
}

typedef int (*line_fn)(struct loadctx *lc, const char *s, size_t n);

static int hash_line(struct loadctx *lc, const char *s, size_t n)
{
	return hashdb_line(lc, s, n, HL_FILE);
}

static int allow_line(struct loadctx *lc, const char *s, size_t n)
{
	return hashdb_line(lc, s, n, HL_ALLOW);
}

static int section_line(struct loadctx *lc, const char *s, size_t n)
{
	return hashdb_line(lc, s, n, HL_SECTION);
}

static int imp_line(struct loadctx *lc, const char *s, size_t n)
{
	return hashdb_line(lc, s, n, HL_IMP);
}

static int body_line(struct loadctx *lc, const char *s, size_t n)
{
	int rc = ndb_line(lc, s, n);

	return rc < 0 ? rc : 0;
}

static int logic_line(struct loadctx *lc, const char *s, size_t n)
{
	int rc = ldb_line(lc, s, n);

	return rc < 0 ? rc : 0;
}

static int pdb_line(struct loadctx *lc, const char *s, size_t n)
{
	return phishdb_line(lc, s, n, 0);
}

static int wdb_line(struct loadctx *lc, const char *s, size_t n)
{
	return phishdb_line(lc, s, n, 1);
}

static int ign2_line(struct loadctx *lc, const char *s, size_t n)
{
	return ign_line(lc, s, n, 0);
}

static int ign1_line(struct loadctx *lc, const char *s, size_t n)
{
	return ign_line(lc, s, n, 1);
}

static int each_line(struct loadctx *lc, const uint8_t *buf, size_t len,
		     line_fn fn)
{
	struct rdr r;
	const char *s;
	size_t n;
	int rc;

	rdr_init(&r, buf, len);
	lc->line = 0;
	while (rdr_line(&r, SIG_MAX_LINE_BYTES, &s, &n)) {
		lc->line++;
		if (!n || s[0] == '#')
			continue;
		lc->text = s;
		lc->text_len = n;
		if ((rc = fn(lc, s, n)) < 0)
			return rc;
	}
	if (rdr_failed(&r)) {
		lc->line++;
		return load_warn(lc, VIGIL_EFORMAT, "line longer than %u bytes",
				 SIG_MAX_LINE_BYTES);
	}
	return 0;
}

/* Signature lines of a file: neither empty nor a "#" comment. */
static size_t count_lines(const uint8_t *buf, size_t len)
{
	size_t n = 0, i;
	int start = 1, counted = 0;

	for (i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			start = 1;
			counted = 0;
			continue;
		}
		if (start && buf[i] != '#' && buf[i] != '\r' && !counted) {
			n++;
			counted = 1;
		}
		start = 0;
	}
	return n;
}

struct member_ctx {
	struct loadctx *lc;
	const char *container;
};

static int member(void *ctx, const char *name, const uint8_t *data,
		  size_t len)
{
	struct member_ctx *m = ctx;
	struct loadctx sub = *m->lc;
	char full[512];
	int pua, kind = loader_kind(name, &pua), rc;

	if (kind == LK_UNKNOWN || kind == LK_VDB || kind == LK_CVD ||
	    kind == LK_CLD || kind == LK_CUD)
		return 0; /* COPYING and the like; no nested containers */
	snprintf(full, sizeof(full), "%s//%s", m->container, name);
	sub.file = full;
	rc = loader_load(&sub, full, data, len);
	m->lc->line = 0;
	return rc;
}

/*
 * What a .cvd's checks are: with a detached signature (cvdsign.c) that
 * verifies, the MD5 alone; one that does not, none (refused: -1); without
 * one, the MD5 and the header's signature.
 */
static int cvd_checks(struct loadctx *lc, const char *name,
		      const uint8_t *buf, size_t len)
{
	struct cvd_header h;
	char why[256];
	int rc;

	if (!lc->cvd_certs_dir || cvd_parse_header(buf, len, &h) < 0)
		return CVD_CHECK_MD5 | CVD_CHECK_DSIG;
	rc = cvdsign_check(name, h.version, buf, len, lc->cvd_certs_dir, why,
			   sizeof(why));
	if (rc == CVDSIGN_ABSENT)
		return CVD_CHECK_MD5 | CVD_CHECK_DSIG;
	load_log(lc, rc == CVDSIGN_VALID ? VIGIL_LOG_INFO : VIGIL_LOG_ERROR,
		 "%s: %s", name, why);
	return rc == CVDSIGN_VALID ? CVD_CHECK_MD5 : -1;
}

static int container(struct loadctx *lc, const char *name, int kind,
		     const uint8_t *buf, size_t len)
{
	struct member_ctx m = { lc, name };
	const char *why = NULL;
	int rc, checks = kind == LK_CVD ? cvd_checks(lc, name, buf, len) : 0;

	if (checks < 0)
		return VIGIL_ECHECKSUM;
	rc = cvd_unpack(buf, len, checks, lc->cvd_key, member, &m, &why);
	lc->file = name;
	lc->line = 0;
	if (rc == VIGIL_EFORMAT || rc == VIGIL_ECHECKSUM || rc == VIGIL_ELIMIT)
		load_log(lc, VIGIL_LOG_ERROR, "%s: %s", name, why);
	return rc;
}

/* A signed catalog: kept whole, checked when the engine is compiled. */
/* A YARA file's text, kept for the engine to compile (and to write into
 * a .vdb): a record as VDB_SEC_YARA holds it. */
static int yara_source(struct loadctx *lc, const char *name,
		       const uint8_t *buf, size_t len)
{
	uint32_t head[2];

	if (len > YARA_MAX_SOURCE_BYTES || strlen(name) > 4096)
		return load_warn(lc, VIGIL_ELIMIT, "a YARA file of over %u MiB "
				 "(or a name of over 4096 bytes)",
				 YARA_MAX_SOURCE_BYTES >> 20);
	head[0] = (uint32_t)strlen(name);
	head[1] = (uint32_t)len;
	return vbuf_append(&lc->ss->yara, head, sizeof(head)) < 0 ||
	       vbuf_append(&lc->ss->yara, name, head[0]) < 0 ||
	       vbuf_append(&lc->ss->yara, buf, len) < 0 ? VIGIL_ENOMEM : 0;
}

static int catalog(struct loadctx *lc, const char *name, const uint8_t *buf,
		   size_t len)
{
	struct sigset *ss = lc->ss;
	struct vdb_catalog *c;
	const char *base = strrchr(name, '/');
	int rc;

	if (len < 2 || buf[0] != 0x30 || len > CAT_MAX_BYTES)
		return load_warn(lc, VIGIL_EFORMAT, "not a signed catalog of "
				 "at most %u MiB", CAT_MAX_BYTES >> 20);
	if (!(c = varr_push(&ss->cat)))
		return VIGIL_ENOMEM;
	c->off = ss->catblob.len;
	c->len = len;
	c->reserved = 0;
	if ((rc = sigset_string(ss, base ? base + 1 : name,
				strlen(base ? base + 1 : name), &c->name)) ||
	    (rc = vbuf_append(&ss->catblob, buf, len)) < 0) {
		ss->cat.n--;
		return rc;
	}
	return 0;
}

int loader_load(struct loadctx *lc, const char *name, const uint8_t *buf,
		size_t len)
{
	static const line_fn fns[] = {
		[LK_HASH] = hash_line, [LK_ALLOW] = allow_line,
		[LK_SECTHASH] = section_line, [LK_IMP] = imp_line,
		[LK_CDB] = cdb_line, [LK_FTM] = ftm_line,
		[LK_PDB] = pdb_line, [LK_WDB] = wdb_line,
		[LK_NDB] = body_line, [LK_LDB] = logic_line,
		[LK_IGN2] = ign2_line, [LK_IGN] = ign1_line,
		[LK_CRB] = crbdb_line, [LK_IDB] = idbsig_line,
	};
	int pua, kind = loader_kind(name, &pua);
	size_t lines;

	lc->file = name;
	lc->line = 0;
	if (pua && !(lc->flags & VIGIL_ENGINE_PUA))
		return 0;
	if ((kind == LK_PDB || kind == LK_WDB) && /* .gdb is LK_PDB too */
	    (lc->flags & VIGIL_ENGINE_NO_PHISHING_URLS))
		return 0;
	switch (kind) {
	case LK_CVD:
	case LK_CLD:
	case LK_CUD:
		return container(lc, name, kind, buf, len);
	case LK_SKIP:
		return 0;
	case LK_CAT:
		return catalog(lc, name, buf, len);
	case LK_YARA:
		if (lc->yara)
			return yara_source(lc, name, buf, len);
		__attribute__((fallthrough)); /* no one takes them: warned of */
	case LK_UNSUPPORTED:
		if (!(lines = count_lines(buf, len)))
			return 0;
		if (!strcmp(strrchr(name, '.'), ".cbc"))
			lines = 1; /* a bytecode file is one signature */
		lc->ss->skipped += lines - 1;
		return load_warn(lc, VIGIL_EUNSUPPORTED, "%zu signatures in a "
				 "format Vigil does not read yet", lines);
	case LK_UNKNOWN:
	case LK_VDB:
		load_log(lc, VIGIL_LOG_ERROR, "%s: not a signature file "
			 "Vigil knows", name);
		return VIGIL_EFORMAT;
	default:
		return each_line(lc, buf, len, fns[kind]);
	}
}
