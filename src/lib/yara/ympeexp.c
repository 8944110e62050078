/*
 * ympeexp.c -- the pe module's exports (with forwarders and names) and
 * the import hash, with exports(), exports_index() and imphash().
 */
#include <ctype.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/le.h"
#include "yara/ympe.h"

struct export_dir {
	int64_t start;		/* the directory's file offset */
	uint32_t size;
	uint32_t n, nnames, base;
	int64_t names, ords, funcs;	/* tables' file offsets */
};

static int export_tables(const struct ympe *pe, struct export_dir *x)
{
	const uint8_t *d = pe->b + x->start;
	int64_t name;

	x->n = le32_load(d + 20);
	if (x->n > YMPE_MAX_EXPORTS)
		x->n = YMPE_MAX_EXPORTS;
	x->base = le32_load(d + 16);
	name = ympe_rva_to_offset(pe, le32_load(d + 12));
	if ((uint64_t)x->n * 4 > ympe_avail(pe, name > 0 ? (uint64_t)name : 0))
		return -1;
	x->nnames = le32_load(d + 24);
	x->names = -1;
	if (x->nnames) {
		x->names = ympe_rva_to_offset(pe, le32_load(d + 32));
		if (x->names < 0 ||
		    (uint64_t)x->nnames * 4 > ympe_avail(pe, (uint64_t)x->names))
			return -1;
	}
	x->ords = ympe_rva_to_offset(pe, le32_load(d + 36));
	x->funcs = ympe_rva_to_offset(pe, le32_load(d + 28));
	if (x->ords < 0 || ympe_avail(pe, (uint64_t)x->ords) < 2ull * x->n ||
	    x->funcs < 0 || ympe_avail(pe, (uint64_t)x->funcs) < 4ull * x->n)
		return -1;
	if (x->nnames > x->n)
		x->nnames = x->n;
	return 0;
}

static void dll_name(struct ym_scan *s, struct ympe *pe,
		     const struct export_dir *x)
{
	int64_t off = ympe_rva_to_offset(pe, le32_load(pe->b + x->start + 12));

	if (off > 0)
		ym_str(s, pe->root, PE_DLL_NAME, pe->b + off,
		       strnlen((const char *)pe->b + off,
			       ympe_avail(pe, (uint64_t)off)));
}

static void one_export(struct ym_scan *s, const struct ympe *pe,
		       const struct export_dir *x, uint32_t i, int64_t name_j,
		       struct ym_obj *e)
{
	int64_t off = ympe_rva_to_offset(pe, le32_load(pe->b + x->funcs + 4 * i));
	size_t n;

	ym_int(e, PEE_ORDINAL, (int64_t)x->base + i);
	ym_int(e, PEE_RVA, le32_load(pe->b + x->funcs + 4 * i));
	if (off > x->start && off < x->start + (int64_t)x->size) {
		n = strnlen((const char *)pe->b + off,
			    ympe_avail(pe, (uint64_t)off));
		ym_str(s, e, PEE_FORWARD_NAME, pe->b + off,
		       n < YMPE_MAX_EXPORT_NAME ? n : YMPE_MAX_EXPORT_NAME);
	} else {
		ym_int(e, PEE_OFFSET, off);
	}
	if (name_j < 0 || (uint32_t)name_j >= x->nnames)
		return;
	off = ympe_rva_to_offset(pe, le32_load(pe->b + x->names + 4 * name_j));
	if (off > 0) {
		n = strnlen((const char *)pe->b + off,
			    ympe_avail(pe, (uint64_t)off));
		ym_str(s, e, PEE_NAME, pe->b + off,
		       n < YMPE_MAX_EXPORT_NAME ? n : YMPE_MAX_EXPORT_NAME);
	}
}

void ympe_exports(struct ym_scan *s, struct ympe *pe)
{
	struct ym_obj *arr = ym_sub(s, pe->root, PE_EXPORT_DETAILS, 0);
	struct export_dir x;
	int64_t *first;
	uint32_t rva, i;

	ym_int(pe->root, PE_NUMBER_OF_EXPORTS, 0);
	memset(&x, 0, sizeof(x));
	if (ympe_dir(pe, 0, &rva, &x.size) < 0 || !rva ||
	    (x.start = ympe_rva_to_offset(pe, rva)) < 0 ||
	    ympe_avail(pe, (uint64_t)x.start) < 40)
		return;
	ym_int(pe->root, PE_EXPORT_TIMESTAMP, le32_load(pe->b + x.start + 4));
	dll_name(s, pe, &x);
	if (export_tables(pe, &x) < 0 || !x.n)
		return;
	if (!(first = malloc(x.n * sizeof(*first)))) {
		s->oom = 1;
		return;
	}
	for (i = 0; i < x.n; i++)
		first[i] = -1;
	/* the first name slot pointing at each export, as yara's scan */
	for (i = 0; x.names >= 0 && i < x.n; i++) {
		uint16_t o = le16_load(pe->b + x.ords + 2 * i);

		if (o < x.n && first[o] < 0)
			first[o] = i;
	}
	for (i = 0; i < x.n; i++) {
		struct ym_obj *e = ym_push_struct(s, arr, PEE_N);

		if (!e)
			break;
		one_export(s, pe, &x, i, first[i], e);
	}
	free(first);
	ym_int(pe->root, PE_NUMBER_OF_EXPORTS, arr->n);
}

static const struct ympe *image(const struct ym_call *c)
{
	const struct ympe *pe = c->priv;

	return pe && pe->nt ? pe : NULL;
}

/* The index of the first export a function's argument finds, -1 if
 * none, -2 if the image has no exports (or is no PE). */
static int64_t find_export(const struct ym_call *c)
{
	const struct ympe *pe = image(c);
	const struct ym_val *a = &c->arg[0], *d;
	uint32_t i;

	if (!pe || (d = &pe->root->v[PE_EXPORT_DETAILS])->type != YM_STRUCT ||
	    !d->u.o->n)
		return -2;
	if (a->type == YM_INT && (a->u.i == 0 || a->u.i > d->u.o->n))
		return -1;
	for (i = 0; i < d->u.o->n; i++) {
		const struct ym_obj *e = d->u.o->v[i].u.o;
		const struct ym_val *nm = &e->v[PEE_NAME];

		if (a->type == YM_INT ? e->v[PEE_ORDINAL].u.i == a->u.i :
		    nm->type != YM_STR ? 0 :
		    a->type == YM_REGEX ?
			c->scan->re_match(c->scan->re_ctx, a->u.re, nm->u.s,
					  nm->n) :
			nm->n == a->n && !strncasecmp(nm->u.s, a->u.s, a->n))
			return i;
	}
	return -1;
}

struct ym_val ympe_fn_exports(struct ym_call *c)
{
	int64_t i = find_export(c);

	if (!image(c))
		return ym_undef;
	return ym_vint(i >= 0);
}

struct ym_val ympe_fn_exports_index(struct ym_call *c)
{
	int64_t i = find_export(c);

	return i >= 0 ? ym_vint(i) : ym_undef;
}

/* "dll.function" lower-cased, the DLL's .dll, .ocx or .sys cut. */
static void imphash_add(EVP_MD_CTX *md, const struct ym_val *dll,
			const struct ym_val *fn, int *first)
{
	const char *ext = strchr(dll->u.s, '.');
	size_t dn = dll->n, i;
	char ch;

	if (ext && (!strncasecmp(ext, ".ocx", 4) || !strncasecmp(ext, ".sys", 4) ||
		    !strncasecmp(ext, ".dll", 4)))
		dn = (size_t)(ext - dll->u.s);
	if (!*first)
		EVP_DigestUpdate(md, ",", 1);
	*first = 0;
	for (i = 0; i < dn; i++) {
		ch = (char)tolower((unsigned char)dll->u.s[i]);
		EVP_DigestUpdate(md, &ch, 1);
	}
	EVP_DigestUpdate(md, ".", 1);
	for (i = 0; i < fn->n; i++) {
		ch = (char)tolower((unsigned char)fn->u.s[i]);
		EVP_DigestUpdate(md, &ch, 1);
	}
}

struct ym_val ympe_imphash(struct ym_call *c)
{
	static const char hexd[] = "0123456789abcdef";
	struct ympe *pe = c->priv;
	unsigned char d[EVP_MAX_MD_SIZE];
	const struct ym_val *det;
	char hex[32];
	unsigned dl = 0, i, k;
	int first = 1;
	EVP_MD_CTX *md;

	if (!pe || !pe->nt)
		return ym_undef;
	if (pe->imphash.type == YM_STR)
		return pe->imphash; /* rule sets ask for it hundreds of times */
	if (!(md = EVP_MD_CTX_new()))
		return ym_undef;
	EVP_DigestInit_ex(md, EVP_md5(), NULL);
	det = &pe->root->v[PE_IMPORT_DETAILS];
	for (i = 0; det->type == YM_STRUCT && i < det->u.o->n; i++) {
		const struct ym_obj *o = det->u.o->v[i].u.o;
		const struct ym_obj *fns = o->v[PEI_FUNCTIONS].u.o;

		for (k = 0; k < fns->n; k++)
			imphash_add(md, &o->v[PEI_LIBRARY_NAME],
				    &fns->v[k].u.o->v[PEF_NAME], &first);
	}
	EVP_DigestFinal_ex(md, d, &dl);
	EVP_MD_CTX_free(md);
	for (i = 0; i < dl && i < 16; i++) {
		hex[2 * i] = hexd[d[i] >> 4];
		hex[2 * i + 1] = hexd[d[i] & 15];
	}
	pe->imphash = ym_text(c->scan, hex, 2 * i);
	return pe->imphash;
}
