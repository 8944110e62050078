/*
 * peimp.c -- a PE's import table as ClamAV hashes it: for each import
 * descriptor (until one names no DLL), the DLL's name without a ".dll",
 * ".ocx" or ".sys" extension, then each function the original first thunk
 * (or, failing it, the first thunk) lists: "dll.function" in lower case,
 * entries joined by ','. A function imported by ordinal is "ordN", or its
 * name for the ordinals of ws2_32, wsock32 and oleaut32 that ClamAV names
 * (ordnames.h). A name with a byte other than
 * a letter, digit, '_' or '.' makes the table unhashable, as in ClamAV.
 */
#include "formats/exe/peimp.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/reader.h"
#include "formats/exe/pe.h"
#include "vigil/vigil.h"

#include "formats/exe/ordnames.h"

void peimp_ordinal_name(const char *dll, unsigned ord, char *fn, size_t cap)
{
	const struct ord_name *t = NULL;
	size_t n = 0, i;

	if (!strncasecmp(dll, "ws2_32.dll", 10) ||
	    !strncasecmp(dll, "wsock32.dll", 11)) {
		t = ws2_32_ords;
		n = sizeof(ws2_32_ords) / sizeof(ws2_32_ords[0]);
	} else if (!strncasecmp(dll, "oleaut32.dll", 12)) {
		t = oleaut32_ords;
		n = sizeof(oleaut32_ords) / sizeof(oleaut32_ords[0]);
	}
	for (i = 0; i < n; i++) {
		if (t[i].ord == ord) {
			snprintf(fn, cap, "%s", t[i].name);
			return;
		}
	}
	snprintf(fn, cap, "ord%u", ord);
}

/* The NUL-terminated name at an RVA (at most PEIMP_MAX_NAME bytes). */
static int name_at(const uint8_t *b, size_t len, const struct pe_info *pe,
		   uint32_t rva, char *out)
{
	long off = pe_loader_off(pe, rva);
	size_t i;

	if (off < 0 || (size_t)off >= len)
		return -1;
	for (i = 0; i < PEIMP_MAX_NAME - 1 && (size_t)off + i < len; i++)
		if (!(out[i] = (char)b[off + i]))
			break;
	out[i] = 0;
	return 0;
}

static int valid(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

static int add(struct vbuf *out, const char *dll, size_t dlen,
	       const char *fn)
{
	char e[2 * PEIMP_MAX_NAME + 2];
	size_t n = 0, i;

	if (out->len)
		e[n++] = ',';
	for (i = 0; i < dlen; i++)
		e[n++] = (char)(dll[i] >= 'A' && dll[i] <= 'Z' ? dll[i] + 32 :
							       dll[i]);
	e[n++] = '.';
	for (i = 0; fn[i]; i++)
		e[n++] = (char)(fn[i] >= 'A' && fn[i] <= 'Z' ? fn[i] + 32 :
							     fn[i]);
	if (out->len + n > PEIMP_MAX_TEXT_BYTES)
		return 2;
	return vbuf_append(out, e, n);
}

/* The length of a DLL name without its extension, as ClamAV cuts it. */
static size_t dll_len(const char *dll)
{
	const char *dot = strchr(dll, '.');

	if (dot && (!strncasecmp(dot, ".dll", 4) ||
		    !strncasecmp(dot, ".ocx", 4) || !strncasecmp(dot, ".sys", 4)))
		return (size_t)(dot - dll);
	return strlen(dll);
}

/* One descriptor's functions; 0, 1 (unhashable) or VIGIL_ENOMEM. */
static int functions(const uint8_t *b, size_t len, const struct pe_info *pe,
		     uint32_t oft, uint32_t ft, const char *dll,
		     struct vbuf *out)
{
	long at = oft ? pe_loader_off(pe, oft) : -1;
	unsigned n, w = pe->is64 ? 8 : 4;
	char fn[PEIMP_MAX_NAME];
	struct rdr r;

	if (at <= 0 && (at = pe_loader_off(pe, ft)) < 0)
		return 1;
	rdr_init(&r, b, len);
	rdr_seek(&r, (size_t)at);
	for (n = 0; n < PEIMP_MAX_IMPORTS; n++) {
		uint64_t t = w == 8 ? rdr_u64le(&r) : rdr_u32le(&r);
		int rc;

		if (rdr_failed(&r) || !t)
			break;
		if (t >> (w * 8 - 1)) /* by ordinal */
			peimp_ordinal_name(dll, (unsigned)(t & 0xffff), fn, sizeof(fn));
		else if (t > UINT32_MAX - 2 ||
			 name_at(b, len, pe, (uint32_t)t + 2, fn) < 0)
			continue; /* no name to read: ClamAV adds nothing */
		if (!valid(fn))
			return 1;
		if ((rc = add(out, dll, dll_len(dll), fn)) != 0)
			return rc;
	}
	return 0;
}

int peimp_text(const uint8_t *b, size_t len, struct vbuf *out)
{
	struct pe_info pe;
	char dll[PEIMP_MAX_NAME];
	struct rdr r;
	long at;
	size_t left;
	unsigned n;
	int rc;

	out->len = 0;
	if (pe_parse(b, len, &pe) < 0 || !pe.imp_rva || !pe.imp_size ||
	    (at = pe_loader_off(&pe, pe.imp_rva)) < 0 ||
	    (size_t)at > len || pe.imp_size > len - (size_t)at)
		return 1;
	rdr_init(&r, b + at, pe.imp_size);
	for (left = pe.imp_size, n = 0; left > 20 && n < PEIMP_MAX_IMPORTS;
	     left -= 20, n++) {
		uint32_t oft = rdr_u32le(&r), name, ft;

		rdr_skip(&r, 8);
		name = rdr_u32le(&r);
		ft = rdr_u32le(&r);
		if (rdr_failed(&r) || !name)
			break;
		if (name_at(b, len, &pe, name, dll) < 0)
			return 1;
		if ((rc = functions(b, len, &pe, oft, ft, dll, out)) != 0)
			return rc;
	}
	return 0;
}
