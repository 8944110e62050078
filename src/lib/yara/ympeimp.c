/*
 * ympeimp.c -- the pe module's imports (standard and delayed), exports
 * and imphash, with the functions over them: imports(), exports(),
 * exports_index(), imphash(). Read as yara reads them; where yara 4.2
 * numbered a DLL's functions on from the DLL before, each DLL's count
 * here is its own, as in later versions.
 */
#include <ctype.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/le.h"
#include "formats/exe/peimp.h"
#include "yara/ympe.h"

/* A NUL-ended name at file offset off, at most max bytes; n: its length. */
static const char *name_at(const struct ympe *pe, int64_t off, size_t max,
			   size_t *n)
{
	size_t avail;
	const char *p;

	if (off < 0 || !(avail = ympe_avail(pe, (uint64_t)off)))
		return NULL;
	p = (const char *)pe->b + off;
	*n = strnlen(p, avail < max ? avail : max);
	return p;
}

/* yara's test of a DLL name: printable, none of "*<>?|, ended in the
 * file. */
static int valid_dll_name(const struct ympe *pe, int64_t off)
{
	size_t avail = ympe_avail(pe, (uint64_t)off), l;

	for (l = 0; l < avail && pe->b[off + (int64_t)l]; l++) {
		unsigned char ch = pe->b[off + (int64_t)l];

		if (ch < ' ' || strchr("\"*<>?|", ch))
			return 0;
	}
	return l > 0 && l < avail;
}

struct dll_out {
	struct ym_obj *dll;	/* import_details[i] */
	struct ym_obj *fns;	/* its functions */
};

static int new_dll(struct ym_scan *s, struct ym_obj *arr, const char *name,
		   struct dll_out *o)
{
	if (!(o->dll = ym_push_struct(s, arr, PEI_N)))
		return -1;
	ym_str(s, o->dll, PEI_LIBRARY_NAME, name, strlen(name));
	o->fns = ym_sub(s, o->dll, PEI_FUNCTIONS, 0);
	return o->fns ? 0 : -1;
}

/* A function of dll: named, or by ordinal (ord >= 0) with its name. */
static void add_function(struct ym_scan *s, struct dll_out *o,
			 const char *name, size_t n, int ord)
{
	struct ym_obj *f = ym_push_struct(s, o->fns, PEF_N);
	char buf[32];

	if (!f)
		return;
	if (ord >= 0) {
		peimp_ordinal_name(o->dll->v[PEI_LIBRARY_NAME].u.s,
				   (unsigned)ord, buf, sizeof(buf));
		ym_str(s, f, PEF_NAME, buf, strlen(buf));
		ym_int(f, PEF_ORDINAL, ord);
	} else {
		ym_str(s, f, PEF_NAME, name, n);
	}
	ym_int(o->dll, PEI_NUMBER_OF_FUNCTIONS, o->fns->n);
}

/* One descriptor's thunks; *total counts every function read. */
static void thunks(struct ym_scan *s, const struct ympe *pe,
		   const uint8_t *desc, struct dll_out *o, int64_t *total)
{
	unsigned w = pe->is64 ? 8 : 4;
	uint64_t flag = pe->is64 ? 1ull << 63 : 1ull << 31, t;
	int64_t off = ympe_rva_to_offset(pe, le32_load(desc));
	size_t n;

	if (off <= 0)
		off = ympe_rva_to_offset(pe, le32_load(desc + 16));
	for (; off >= 0 && ympe_avail(pe, (uint64_t)off) >= w &&
	       *total < YMPE_MAX_IMPORTS; off += w, ++*total) {
		t = w == 8 ? le64_load(pe->b + off) : le32_load(pe->b + off);
		if (!t)
			break;
		if (t & flag) {
			add_function(s, o, NULL, 0, (int)(t & 0xffff));
			continue;
		}
		int64_t at = ympe_rva_to_offset(pe, t);
		const char *nm;

		if (at >= 0 && ympe_avail(pe, (uint64_t)at) >= 4 &&
		    (nm = name_at(pe, at + 2, 512, &n)))
			add_function(s, o, nm, n, -1);
	}
}

void ympe_imports(struct ym_scan *s, struct ympe *pe)
{
	struct ym_obj *arr = ym_sub(s, pe->root, PE_IMPORT_DETAILS, 0);
	int64_t off, name, total = 0, ndll = 0;
	uint32_t rva, size;
	struct dll_out o;

	ym_int(pe->root, PE_NUMBER_OF_IMPORTS, 0);
	ym_int(pe->root, PE_NUMBER_OF_IMPORTED_FUNCTIONS, 0);
	if (ympe_dir(pe, 1, &rva, &size) < 0 || !rva ||
	    (off = ympe_rva_to_offset(pe, rva)) < 0)
		return;
	for (; ympe_avail(pe, (uint64_t)off) >= 20 && le32_load(pe->b + off + 12) &&
	       ndll < YMPE_MAX_IMPORTS; off += 20) {
		name = ympe_rva_to_offset(pe, le32_load(pe->b + off + 12));
		if (name >= 0) {
			if (!valid_dll_name(pe, name))
				continue;
			if (new_dll(s, arr, (const char *)pe->b + name, &o) < 0)
				return;
			thunks(s, pe, pe->b + off, &o, &total);
			if (!o.fns->n)
				arr->n--; /* no function: not listed */
		}
		ndll++;
	}
	ym_int(pe->root, PE_NUMBER_OF_IMPORTS, ndll);
	ym_int(pe->root, PE_NUMBER_OF_IMPORTED_FUNCTIONS, total);
}

/* A 32-bit image's delay-load value that is an address, made an RVA. */
static uint64_t delay_rva(const struct ympe *pe, int attrs, uint64_t v)
{
	uint64_t base = (uint64_t)pe->root->v[PE_IMAGE_BASE].u.i;

	return !pe->is64 && !attrs && v > base ? v - base : v;
}

static int delay_ptr(const struct ympe *pe, uint64_t rva, uint64_t *v)
{
	int64_t off = ympe_rva_to_offset(pe, rva);
	unsigned w = pe->is64 ? 8 : 4;

	if (off < 0 || ympe_avail(pe, (uint64_t)off) < w)
		return -1;
	*v = w == 8 ? le64_load(pe->b + off) : le32_load(pe->b + off);
	return 0;
}

static void delayed_functions(struct ym_scan *s, const struct ympe *pe,
			      const uint8_t *d, struct dll_out *o,
			      int64_t *total)
{
	uint32_t attrs = le32_load(d);
	uint64_t names = delay_rva(pe, (int)attrs, le32_load(d + 16));
	uint64_t iat = delay_rva(pe, (int)attrs, le32_load(d + 12));
	uint64_t flag = pe->is64 ? 1ull << 63 : 1ull << 31, nm, fn;
	unsigned w = pe->is64 ? 8 : 4;
	const char *p;
	size_t n;

	for (; *total < YMPE_MAX_IMPORTS; names += w, iat += w) {
		if (delay_ptr(pe, names, &nm) < 0 || delay_ptr(pe, iat, &fn) < 0 ||
		    !nm || !fn)
			break;
		++*total;
		if (nm & flag) {
			add_function(s, o, NULL, 0, (int)(nm & 0xffff));
			continue;
		}
		p = name_at(pe, ympe_rva_to_offset(pe, delay_rva(pe, (int)attrs,
								   nm) + 2),
			    512, &n);
		add_function(s, o, p ? p : "", p ? n : 0, -1);
	}
}

void ympe_delayed_imports(struct ym_scan *s, struct ympe *pe)
{
	struct ym_obj *arr = ym_sub(s, pe->root, PE_DELAYED_IMPORT_DETAILS, 0);
	uint64_t image = (uint64_t)pe->root->v[PE_SIZE_OF_IMAGE].u.i;
	int64_t off, name, total = 0, ndll = 0;
	uint32_t rva, size, attrs;
	struct dll_out o;
	static const uint8_t zero[32];

	ym_int(pe->root, PE_NUMBER_OF_DELAYED_IMPORTS, 0);
	ym_int(pe->root, PE_NUMBER_OF_DELAYED_IMPORTED_FUNCTIONS, 0);
	if (ympe_dir(pe, 13, &rva, &size) < 0 || !rva ||
	    (off = ympe_rva_to_offset(pe, rva)) < 0)
		return;
	for (; ympe_avail(pe, (uint64_t)off) >= 32 && ndll < YMPE_MAX_IMPORTS;
	     off += 32) {
		const uint8_t *d = pe->b + off;

		attrs = le32_load(d);
		if (!memcmp(d, zero, 32) || attrs > 1)
			break;
		if (delay_rva(pe, (int)attrs, le32_load(d + 16)) >= image ||
		    delay_rva(pe, (int)attrs, le32_load(d + 12)) >= image ||
		    delay_rva(pe, (int)attrs, le32_load(d + 4)) < 64 ||
		    delay_rva(pe, (int)attrs, le32_load(d + 16)) < 64)
			break;
		name = ympe_rva_to_offset(pe, delay_rva(pe, (int)attrs,
							le32_load(d + 4)));
		if (name < 0 || !valid_dll_name(pe, name))
			continue;
		if (new_dll(s, arr, (const char *)pe->b + name, &o) < 0)
			return;
		delayed_functions(s, pe, d, &o, &total);
		ndll++;
	}
	ym_int(pe->root, PE_NUMBER_OF_DELAYED_IMPORTS, ndll);
	ym_int(pe->root, PE_NUMBER_OF_DELAYED_IMPORTED_FUNCTIONS, total);
}

/* The image behind a function, or NULL (not a PE). */
static const struct ympe *image(const struct ym_call *c)
{
	const struct ympe *pe = c->priv;

	return pe && pe->nt ? pe : NULL;
}

/* How many of the DLLs' functions (in details array d) a search finds,
 * or with first set 1 at the first. */
static int64_t search(const struct ym_call *c, const struct ym_val *d,
		      const struct ym_val *dll, const struct ym_val *fn,
		      int first)
{
	int64_t found = 0;
	uint32_t i, k;

	if (d->type != YM_STRUCT)
		return 0;
	for (i = 0; i < d->u.o->n; i++) {
		const struct ym_obj *o = d->u.o->v[i].u.o;
		const struct ym_val *name = &o->v[PEI_LIBRARY_NAME];
		const struct ym_obj *fns = o->v[PEI_FUNCTIONS].u.o;

		if (dll->type == YM_REGEX ?
			    !c->scan->re_match(c->scan->re_ctx, dll->u.re,
					       name->u.s, name->n) :
			    strcasecmp(name->u.s, dll->u.s))
			continue;
		for (k = 0; k < fns->n; k++) {
			const struct ym_obj *f = fns->v[k].u.o;

			if (!fn)
				found++;
			else if (fn->type == YM_INT)
				found += f->v[PEF_ORDINAL].type == YM_INT &&
					 f->v[PEF_ORDINAL].u.i == fn->u.i;
			else if (fn->type == YM_REGEX)
				found += c->scan->re_match(c->scan->re_ctx,
							   fn->u.re,
							   f->v[PEF_NAME].u.s,
							   f->v[PEF_NAME].n);
			else
				found += !strcasecmp(f->v[PEF_NAME].u.s,
						     fn->u.s);
			if (found && first)
				return 1;
		}
	}
	return found;
}

struct ym_val ympe_fn_imports(struct ym_call *c)
{
	const struct ympe *pe = image(c);
	int64_t flags = 1, found = 0;
	size_t a = 0;
	int first;

	if (!pe)
		return ym_undef;
	if (c->arg[0].type == YM_INT) {
		flags = c->arg[0].u.i;
		a = 1;
	}
	/* by name or ordinal: 1 or 0; a DLL or regexes: how many */
	first = c->nargs - a == 2 && c->arg[a].type == YM_STR;
	if (flags & 1)
		found += search(c, &pe->root->v[PE_IMPORT_DETAILS], &c->arg[a],
				c->nargs - a > 1 ? &c->arg[a + 1] : NULL, first);
	if ((flags & 2) && !(first && found))
		found += search(c, &pe->root->v[PE_DELAYED_IMPORT_DETAILS],
				&c->arg[a], c->nargs - a > 1 ? &c->arg[a + 1] :
							       NULL, first);
	return ym_vint(first && found ? 1 : found);
}
