/*
 * ymperes.c -- the pe module's resources: the three-level tree (type,
 * name, language; a named level's name kept as its raw UTF-16 bytes, as
 * yara does), each leaf's place and size, the version information's
 * key/value strings, and locale() and language() over them. The walk
 * stops after YMPE_MAX_RESOURCES leaves or four times as many entries: a
 * tree whose directories point back at themselves costs no more.
 */
#include <string.h>

#include "common/le.h"
#include "yara/ympe.h"

/* Entries visited at most, over the whole tree. */
#define RES_MAX_ENTRIES (4 * YMPE_MAX_RESOURCES)

struct res_walk {
	struct ym_scan *s;
	struct ympe *pe;
	int64_t base;			/* the tree's file offset */
	struct ym_obj *arr;
	int32_t id[3];			/* type, name, language (-1: none
				 * yet, as yara) */
	int64_t str[3];			/* their names' offsets, or -1 */
	uint32_t visited, nvi;
};

/* A named entry's UTF-16 name (its length, then its characters): its
 * offset, or -1. */
static int64_t entry_name(const struct res_walk *w, uint32_t name)
{
	int64_t at;

	if (!(name & 0x80000000u))
		return -1;
	at = w->base + (name & 0x7fffffff);
	if (ympe_avail(w->pe, (uint64_t)at) < 2 ||
	    ympe_avail(w->pe, (uint64_t)at) < 2 + 2ull * le16_load(w->pe->b + at))
		return -1;
	return at;
}

static void id_or_name(struct res_walk *w, struct ym_obj *o, int level,
		       size_t imember, size_t smember)
{
	int64_t at = w->str[level];

	if (at < 0)
		ym_int(o, imember, w->id[level]);
	else
		ym_str(w->s, o, smember, w->pe->b + at + 2,
		       2u * le16_load(w->pe->b + at));
}

/* Compares UTF-16LE text at p (n bytes there) with ASCII a. */
static int wide_is(const uint8_t *p, size_t n, const char *a)
{
	size_t i, l = strlen(a);

	if (n < 2 * (l + 1))
		return 0;
	for (i = 0; i < l; i++)
		if (p[2 * i] != (uint8_t)a[i] || p[2 * i + 1])
			return 0;
	return !p[2 * l] && !p[2 * l + 1];
}

/* The characters of a UTF-16 string at off before its NUL, or -1 if none
 * ends in the file. */
static int64_t wide_len(const struct ympe *pe, uint64_t off)
{
	size_t avail = ympe_avail(pe, off), i;

	for (i = 0; i + 2 <= avail; i += 2)
		if (!pe->b[off + i] && !pe->b[off + i + 1])
			return (int64_t)(i / 2);
	return -1;
}

/* yara's copy of a UTF-16 string: each character's low byte, up to the
 * first that is 0, at most cap - 1. */
static size_t narrow(const struct ympe *pe, uint64_t off, char *out,
		     size_t cap)
{
	size_t n = 0;

	while (n + 1 < cap && pe->b[off + 2 * n]) {
		out[n] = (char)pe->b[off + 2 * n];
		n++;
	}
	out[n] = 0;
	return n;
}

/* yara's step over a block: its length rounded up to 4 bytes. */
#define ALIGN4(x) (((uint64_t)(x) + 3) & ~(uint64_t)3)

static void version_string(struct res_walk *w, uint64_t at)
{
	struct ympe *pe = w->pe;
	int64_t klen = wide_len(pe, at + 6);
	uint64_t val = at + ALIGN4(6 + 2 * (uint64_t)klen + 2);
	char key[64], value[256];
	struct ym_val *v;
	struct ym_obj *kv;
	size_t kn, vn = 0;

	if (wide_len(pe, val) < 0)
		return;
	kn = narrow(pe, at + 6, key, sizeof(key));
	if (le16_load(pe->b + at + 2))
		vn = narrow(pe, val, value, sizeof(value));
	value[vn] = 0;
	if ((v = ym_dict(w->s, pe->root->v[PE_VERSION_INFO].u.o, key, kn)))
		*v = ym_text(w->s, value, vn);
	if (!(kv = ym_push_struct(w->s, pe->root->v[PE_VERSION_INFO_LIST].u.o,
				  PEKV_N)))
		return;
	ym_str(w->s, kv, PEKV_KEY, key, kn);
	ym_str(w->s, kv, PEKV_VALUE, value, vn);
	w->nvi++;
}

/* A block (length, value length, type, key) is readable at at. */
static int block_ok(const struct ympe *pe, uint64_t at, uint64_t before)
{
	return at < before && ympe_avail(pe, at) >= 6 && wide_len(pe, at + 6) >= 0 &&
	       le16_load(pe->b + at);
}

static void string_tables(struct res_walk *w, uint64_t sfi, uint64_t end)
{
	const struct ympe *pe = w->pe;
	uint64_t t = sfi + ALIGN4(6 + 30), tend, str;

	for (; block_ok(pe, t, end); t = tend) {
		str = t + ALIGN4(6 + 2 * ((uint64_t)wide_len(pe, t + 6) + 1));
		tend = t + ALIGN4(le16_load(pe->b + t));
		for (; block_ok(pe, str, tend) && w->nvi < YMPE_MAX_VERSION_STRINGS;
		     str += ALIGN4(le16_load(pe->b + str)))
			version_string(w, str);
	}
}

/* VS_VERSIONINFO: past its fixed part, the VarFileInfo blocks, then each
 * StringFileInfo's tables of strings. */
static void version_info(struct res_walk *w, uint32_t rva)
{
	const struct ympe *pe = w->pe;
	int64_t off = ympe_rva_to_offset(pe, rva);
	uint64_t at, next;

	if (off < 0 || ympe_avail(pe, (uint64_t)off) < 6 + 32 ||
	    !wide_is(pe->b + off + 6, 32, "VS_VERSION_INFO"))
		return;
	at = (uint64_t)off + 92;
	while (ympe_avail(pe, at) >= 6 + 24 &&
	       wide_is(pe->b + at + 6, 24, "VarFileInfo") &&
	       le16_load(pe->b + at))
		at += ALIGN4(le16_load(pe->b + at));
	while (ympe_avail(pe, at) >= 6 + 30 &&
	       wide_is(pe->b + at + 6, 30, "StringFileInfo") &&
	       le16_load(pe->b + at)) {
		next = at + ALIGN4(le16_load(pe->b + at));
		string_tables(w, at, next);
		at = next;
	}
}

static void leaf(struct res_walk *w, int64_t data)
{
	struct ympe *pe = w->pe;
	uint32_t rva = le32_load(pe->b + data);
	struct ym_obj *o;
	int64_t off;

	if (w->arr->n >= YMPE_MAX_RESOURCES ||
	    !(o = ym_push_struct(w->s, w->arr, PERS_N)))
		return;
	ym_int(o, PERS_RVA, rva);
	if ((off = ympe_rva_to_offset(pe, rva)) >= 0)
		ym_int(o, PERS_OFFSET, off);
	ym_int(o, PERS_LENGTH, le32_load(pe->b + data + 4));
	id_or_name(w, o, 0, PERS_TYPE, PERS_TYPE_STRING);
	id_or_name(w, o, 1, PERS_ID, PERS_NAME_STRING);
	id_or_name(w, o, 2, PERS_LANGUAGE, PERS_LANGUAGE_STRING);
	if (w->id[0] == 16)
		version_info(w, rva);
}

/* Directory at file offset dir, level 0 to 2: -1 to stop the walk. */
static int directory(struct res_walk *w, int64_t dir, int level)
{
	const uint8_t *d = w->pe->b + dir;
	uint32_t named = le16_load(d + 12), ids = le16_load(d + 14), i;
	int64_t e = dir + 16, to;

	if (le32_load(d) || named > 32768 || ids > 32768)
		return 0;
	for (i = 0; i < named + ids; i++, e += 8) {
		uint32_t name, where;

		if (ympe_avail(w->pe, (uint64_t)e) < 8 ||
		    ++w->visited > RES_MAX_ENTRIES)
			return -1;
		name = le32_load(w->pe->b + e);
		where = le32_load(w->pe->b + e + 4);
		w->id[level] = (int32_t)name;
		w->str[level] = entry_name(w, name);
		to = w->base + (where & 0x7fffffff);
		if ((where & 0x80000000u) && level < 2) {
			if (ympe_avail(w->pe, (uint64_t)to) < 16 ||
			    directory(w, to, level + 1) < 0)
				return -1;
		} else if (ympe_avail(w->pe, (uint64_t)to) < 16) {
			return -1;
		} else {
			leaf(w, to);
		}
	}
	return 0;
}

void ympe_resources(struct ym_scan *s, struct ympe *pe)
{
	struct res_walk w;
	uint32_t rva, size;

	memset(&w, 0, sizeof(w));
	w.id[0] = w.id[1] = w.id[2] = -1;
	w.str[0] = w.str[1] = w.str[2] = -1;
	w.s = s;
	w.pe = pe;
	w.arr = ym_sub(s, pe->root, PE_RESOURCES, 0);
	ym_sub(s, pe->root, PE_VERSION_INFO, 0);
	ym_sub(s, pe->root, PE_VERSION_INFO_LIST, 0);
	if (w.arr && ympe_dir(pe, 2, &rva, &size) == 0 && rva &&
	    (w.base = ympe_rva_to_offset(pe, rva)) >= 0 &&
	    ympe_avail(pe, (uint64_t)w.base) >= 16) {
		struct ym_obj *ver = ym_sub(s, pe->root, PE_RESOURCE_VERSION,
					    PEV_N);

		ym_int(pe->root, PE_RESOURCE_TIMESTAMP,
		       le32_load(pe->b + w.base + 4));
		ym_int(ver, PEV_MAJOR, le16_load(pe->b + w.base + 8));
		ym_int(ver, PEV_MINOR, le16_load(pe->b + w.base + 10));
		directory(&w, w.base, 0);
	}
	ym_int(pe->root, PE_NUMBER_OF_RESOURCES, w.arr ? w.arr->n : 0);
	ym_int(pe->root, PE_NUMBER_OF_VERSION_INFOS, w.nvi);
}

static struct ym_val language_match(struct ym_call *c, int64_t mask)
{
	const struct ympe *pe = c->priv;
	const struct ym_obj *arr;
	uint32_t i;

	if (!pe || !pe->nt)
		return ym_undef;
	arr = pe->root->v[PE_RESOURCES].u.o;
	for (i = 0; arr && i < arr->n; i++) {
		const struct ym_val *l = &arr->v[i].u.o->v[PERS_LANGUAGE];

		if (l->type == YM_INT && (l->u.i & mask) == c->arg[0].u.i)
			return ym_vint(1);
	}
	return ym_vint(0);
}

struct ym_val ympe_locale(struct ym_call *c)
{
	return language_match(c, 0xffff);
}

struct ym_val ympe_language(struct ym_call *c)
{
	return language_match(c, 0xff);
}
