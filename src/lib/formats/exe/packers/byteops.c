/*
 * byteops.c -- see byteops.h.
 */
#include "formats/exe/packers/byteops.h"

enum op_kind {
	OP_ADD, OP_SUB, OP_XOR, OP_ROL, OP_ROR, OP_ADD_CL, OP_SUB_CL,
	OP_XOR_CL, OP_ROL_CL, OP_ROR_CL, OP_NOT, OP_NEG
};

static int push(struct byteops *s, uint8_t kind, uint8_t imm)
{
	if (s->n == BYTEOPS_MAX)
		return -1;
	s->op[s->n].kind = kind;
	s->op[s->n++].imm = imm;
	return 1;
}

/* One instruction of a sequence at r into s: 1, 0 at the store (stosb)
 * that ends the sequence, -1 if it is not one of those above. */
static int parse_op(struct rdr *r, struct byteops *s)
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
	if (b0 == 0x0a)
		return 1; /* or al, r8: a no-op here */
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

int byteops_parse(struct rdr *r, struct byteops *s)
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

uint8_t byteops_run(const struct byteops *s, uint8_t al, uint8_t cl)
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

void byteops_decrypt(const struct byteops *s, uint8_t *p, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		p[i] = byteops_run(s, p[i], (uint8_t)(n - i));
}

