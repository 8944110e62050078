/*
 * yc.c -- executables encrypted with yoda's Crypter 1.3. The crypter adds
 * a section "yC" whose stub first decrypts the rest of itself, then every
 * section but the resources, relocations, exports, TLS and itself, a byte
 * at a time: load a byte, run it through a short sequence of byte
 * operations (add, sub, xor, rotate, inc, dec, not, neg, with constants or
 * with the loop counter, padded with no-ops and jumps over junk bytes),
 * store it back. Both sequences are read from the stub and run here on
 * the file's bytes; the decrypted image goes on as "yc-decrypted" (often
 * it is another packer's output, UPX, which is then unpacked in turn).
 * The stub is read through the bounded reader.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "formats/format.h"
#include "formats/parsers.h"
#include "formats/pe.h"
#include "io/reader.h"
#include "vigil/vigil.h"

#define YC_NAME "yC\0\0\0\0\0\0"
#define YC_SEARCH_BYTES 4096	/* the section table is in the headers */
#define YC_MAX_OPS 256		/* operations in one byte sequence */

/* The stub's first instructions, up to the first sequence (0xff: any). */
static const uint8_t prologue[] = {
	0x55, 0x8b, 0xec, 0x53, 0x56, 0x57, 0x60, 0xe8, 0x00, 0x00, 0x00,
	0x00, 0x5d, 0x81, 0xed, 0xff, 0xff, 0xff, 0xff, 0xb9, 0xff, 0xff,
	0xff, 0xff, 0x81, 0xe9, 0xff, 0xff, 0xff, 0xff, 0x8b, 0xd5, 0x81,
	0xc2, 0xff, 0xff, 0xff, 0xff, 0x8d, 0x3a, 0x8b, 0xf7, 0x33, 0xc0,
	0xeb, 0x04, 0x90, 0xeb, 0x01, 0xff, 0xac,
};

/* The section decryptor: mov edi, esi; jmp; nop; jmp over junk; lodsb. */
static const uint8_t decryptor[] = { 0x8b, 0xfe, 0xeb, 0x04, 0x90, 0xeb,
				     0x01, 0xff, 0xac };

enum op_kind {
	OP_ADD, OP_SUB, OP_XOR, OP_ROL, OP_ROR, OP_ADD_CL, OP_SUB_CL,
	OP_XOR_CL, OP_ROL_CL, OP_ROR_CL, OP_NOT, OP_NEG
};

struct op {
	uint8_t kind, imm;
};

struct seq {
	struct op op[YC_MAX_OPS];
	unsigned n;
};

int yc_probe(const uint8_t *buf, size_t len, int type)
{
	return type == VIGIL_TYPE_PE &&
	       memmem(buf, len < YC_SEARCH_BYTES ? len : YC_SEARCH_BYTES,
		      YC_NAME, 8);
}

/* Whether the bytes at r match pat (0xff: any); consumed if they do. */
static int match(struct rdr *r, const uint8_t *pat, size_t n)
{
	struct rdr t = *r;
	const uint8_t *p = rdr_bytes(&t, n);
	size_t i;

	if (!p)
		return 0;
	for (i = 0; i < n; i++)
		if (pat[i] != 0xff && p[i] != pat[i])
			return 0;
	*r = t;
	return 1;
}

static int push(struct seq *s, uint8_t kind, uint8_t imm)
{
	if (s->n == YC_MAX_OPS)
		return -1;
	s->op[s->n].kind = kind;
	s->op[s->n++].imm = imm;
	return 1;
}

/* One instruction of a sequence at r into s: 1, 0 at the store (stosb)
 * that ends the sequence, -1 if it is not one the crypter uses. */
static int parse_op(struct rdr *r, struct seq *s)
{
	static const struct {
		uint8_t b0, b1, kind, imm; /* imm: the second byte is one */
	} ops[] = {
		{ 0x04, 0, OP_ADD, 1 },	       { 0x2c, 0, OP_SUB, 1 },
		{ 0x34, 0, OP_XOR, 1 },	       { 0x02, 0xc1, OP_ADD_CL, 0 },
		{ 0x2a, 0xc1, OP_SUB_CL, 0 },  { 0x32, 0xc1, OP_XOR_CL, 0 },
		{ 0xd2, 0xc0, OP_ROL_CL, 0 },  { 0xd2, 0xc8, OP_ROR_CL, 0 },
		{ 0xf6, 0xd0, OP_NOT, 0 },     { 0xf6, 0xd8, OP_NEG, 0 },
	};
	uint8_t b0 = rdr_u8(r), b1, imm;
	size_t i;

	if (rdr_failed(r))
		return -1;
	if (b0 == 0xaa)
		return 0;
	if (b0 == 0x90 || b0 == 0xf8 || b0 == 0xf9 || b0 == 0xf5)
		return 1; /* nop, clc, stc, cmc: no effect on the byte */
	b1 = rdr_u8(r);
	if (b0 == 0xeb && b1 == 0x01)
		return rdr_skip(r, 1) < 0 ? -1 : 1; /* a jump over junk */
	if (rdr_failed(r))
		return -1;
	if (b0 == 0xfe && (b1 == 0xc0 || b1 == 0xc8)) /* inc al, dec al */
		return push(s, b1 == 0xc0 ? OP_ADD : OP_SUB, 1);
	if (b0 == 0xc0 && (b1 == 0xc0 || b1 == 0xc8)) {
		imm = rdr_u8(r);
		return rdr_failed(r) ? -1 :
		       push(s, b1 == 0xc0 ? OP_ROL : OP_ROR, imm & 7);
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (b0 == ops[i].b0 && (ops[i].imm || b1 == ops[i].b1))
			return push(s, ops[i].kind, ops[i].imm ? b1 : 0);
	return -1;
}

/* The sequence that starts at r (after a lodsb), within 1 KiB; 0, or -1. */
static int parse_seq(struct rdr *r, struct seq *s)
{
	size_t start = r->pos;
	int k;

	s->n = 0;
	while (r->pos - start < 1024)
		if ((k = parse_op(r, s)) <= 0)
			return k;
	return -1;
}

static uint8_t rot(uint8_t v, unsigned k, int left)
{
	k &= 7;
	if (!k)
		return v;
	return left ? (uint8_t)(v << k | v >> (8 - k)) :
		      (uint8_t)(v >> k | v << (8 - k));
}

static uint8_t run(const struct seq *s, uint8_t al, uint8_t cl)
{
	unsigned i;

	for (i = 0; i < s->n; i++) {
		uint8_t imm = s->op[i].imm;

		switch (s->op[i].kind) {
		case OP_ADD: al = (uint8_t)(al + imm); break;
		case OP_SUB: al = (uint8_t)(al - imm); break;
		case OP_XOR: al ^= imm; break;
		case OP_ROL: al = rot(al, imm, 1); break;
		case OP_ROR: al = rot(al, imm, 0); break;
		case OP_ADD_CL: al = (uint8_t)(al + cl); break;
		case OP_SUB_CL: al = (uint8_t)(al - cl); break;
		case OP_XOR_CL: al ^= cl; break;
		case OP_ROL_CL: al = rot(al, cl, 1); break;
		case OP_ROR_CL: al = rot(al, cl, 0); break;
		case OP_NOT: al = (uint8_t)~al; break;
		default: al = (uint8_t)-al; break; /* OP_NEG */
		}
	}
	return al;
}

/* Decrypts n bytes at p the way the stub's loop does: the counter (ecx)
 * runs from n down to 1. */
static void decrypt(const struct seq *s, uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		p[i] = run(s, p[i], (uint8_t)(n - i));
}

/* The little-endian 32 bits at off; 0 past the end. */
static uint32_t u32_at(const uint8_t *buf, size_t len, size_t off)
{
	struct rdr r;

	rdr_init(&r, buf, len);
	rdr_seek(&r, off);
	return rdr_u32le(&r);
}

/* The section yC, with the entry point in it; its index, or -1. */
static int yc_section(const struct pe_info *pe)
{
	uint16_t i;

	for (i = 0; i < pe->nsect; i++)
		if (!strcmp(pe->sect[i].name, "yC") &&
		    pe->ep - pe->sect[i].vaddr < pe->sect[i].rawsize)
			return i;
	return -1;
}

/* The stub's first layer, decrypted in the copy: where the rest of the
 * stub is (*at, *n in the file); 0, or -1 if this is not yC 1.3. */
static int stub_layer(const uint8_t *buf, size_t len, const struct pe_info *pe,
		      uint8_t *copy, long *at, uint32_t *n)
{
	const struct pe_section *y = &pe->sect[yc_section(pe)];
	long ep = pe_rva_to_off(pe, pe->ep);
	uint32_t va, rva;
	struct seq s;
	struct rdr r;
	size_t e;

	rdr_init(&r, buf, len);
	if (ep < 0 || rdr_seek(&r, (size_t)ep) < 0 ||
	    !match(&r, prologue, sizeof(prologue)) || parse_seq(&r, &s) < 0)
		return -1;
	e = (size_t)ep; /* the prologue's immediates, read as the stub does */
	*n = u32_at(buf, len, e + 20) - u32_at(buf, len, e + 26);
	va = (uint32_t)pe->image_base + pe->ep + 12 -
	     u32_at(buf, len, e + 15) + u32_at(buf, len, e + 34);
	rva = va - (uint32_t)pe->image_base;
	*at = pe_rva_to_off(pe, rva);
	if (*at < (long)y->raw || *n > y->rawsize ||
	    (uint64_t)*at + *n > (uint64_t)y->raw + y->rawsize ||
	    (uint64_t)*at + *n > len)
		return -1;
	decrypt(&s, copy + *at, *n);
	return 0;
}

/* The section decryptor in the decrypted stub; 0, or -1. */
static int find_decryptor(const uint8_t *p, uint32_t n, struct seq *s)
{
	struct rdr r;
	uint32_t i;

	rdr_init(&r, p, n);
	for (i = 0; i + sizeof(decryptor) < n; i++)
		if (rdr_seek(&r, i) == 0 &&
		    match(&r, decryptor, sizeof(decryptor)))
			return parse_seq(&r, s);
	return -1;
}

/* The sections the stub decrypts: not by these names, not empty. */
static int encrypted(const struct pe_section *sect, size_t len)
{
	static const char *const skip[] = { "rsrc", ".rsr", "relo", ".rel",
					    "yC", ".eda", ".tls" };
	size_t i;

	for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (!strncmp(sect->name, skip[i], strlen(skip[i]) < 4 ?
							  strlen(skip[i]) + 1 :
							  4))
			return 0;
	return sect->raw && sect->rawsize && sect->raw < len;
}

/* Not yC after all (a section of that name without the stub): what the
 * formats after this one in the table would have done. */
static int fallback(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	return fmt_extract_after(c, "yc", buf, len);
}

int yc_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	struct pe_info pe;
	struct seq s;
	uint8_t *copy;
	uint32_t n;
	uint16_t i;
	long at;
	int y, rc;

	if (pe_parse(buf, len, &pe) < 0 || (y = yc_section(&pe)) < 0)
		return fallback(c, buf, len);
	if (len > fmt_max_child(c))
		return fmt_too_big(c, "yc-decrypted");
	if (!(copy = malloc(len)))
		return VIGIL_ENOMEM;
	memcpy(copy, buf, len);
	if (stub_layer(buf, len, &pe, copy, &at, &n) < 0 ||
	    find_decryptor(copy + at, n, &s) < 0) {
		fmt_warn(c, "yC: not a stub this version knows");
		free(copy);
		return fallback(c, buf, len);
	}
	for (i = 0; i < pe.nsect; i++)
		if (encrypted(&pe.sect[i], len))
			decrypt(&s, copy + pe.sect[i].raw,
				(uint32_t)(pe.sect[i].rawsize <
						   len - pe.sect[i].raw ?
					   pe.sect[i].rawsize :
					   len - pe.sect[i].raw));
	/* the copy is not to be decrypted again: its section gets renamed */
	copy[pe.table_end - 40u * (pe.nsect - (unsigned)y) + 2] = '-';
	rc = fmt_child(c, "yc-decrypted", copy, len);
	free(copy);
	return rc;
}
