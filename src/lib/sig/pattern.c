/*
 * pattern.c -- exact matching of one compiled body pattern. The fast path
 * (Vectorscan) finds candidates; this backtracking matcher confirms them
 * where a pattern has what a regular expression cannot say (edge tests,
 * negated multi-byte alternatives, offsets) and counts matches for logical
 * signatures. Unbounded gaps are memoised so that "a*b*c" stays linear, and
 * every call runs under a step budget.
 */
#define _GNU_SOURCE
#include "common/le.h"
#include "sig/pattern.h"

#include <ctype.h>
#include <string.h>

/* ClamAV's (B) table: bytes that may precede (1), follow (2) or both (3). */
const uint8_t pat_boundary[256] = {
	['\n'] = 2, ['\r'] = 2, [' '] = 3, ['"'] = 2, ['\''] = 2,
	['-'] = 3, ['.'] = 1, ['/'] = 3, ['<'] = 1, ['='] = 2, ['>'] = 2,
	['@'] = 1, ['_'] = 3,
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Size of the PAT_ALT operation at c, or 0 if it overruns end. */
static size_t alt_size(const uint8_t *c, const uint8_t *end)
{
	const uint8_t *p = c + 4;
	uint16_t n, i;

	if (end - c < 4)
		return 0;
	n = rd16(c + 2);
	for (i = 0; i < n; i++) {
		uint16_t ml;

		if (end - p < 2)
			return 0;
		ml = rd16(p);
		if ((size_t)(end - p - 2) < (size_t)ml * 2)
			return 0;
		p += 2 + (size_t)ml * 2;
	}
	return (size_t)(p - c);
}

/* Size of the operation at c, or 0 if it is invalid or overruns end. */
static size_t op_size(const uint8_t *c, const uint8_t *end)
{
	size_t left = (size_t)(end - c), need;

	switch (c[0]) {
	case PAT_LIT:
		need = left >= 3 ? 3 + (size_t)rd16(c + 1) : 3;
		break;
	case PAT_MASK:
		need = 3;
		break;
	case PAT_ANY:
		need = 5;
		break;
	case PAT_GAP:
		need = 9;
		break;
	case PAT_CLASS:
		need = 33;
		break;
	case PAT_ALT:
		return alt_size(c, end);
	case PAT_LINE:
	case PAT_EDGE:
		need = 2;
		break;
	default:
		return 0;
	}
	return need <= left ? need : 0;
}

int pat_valid(const uint8_t *code, size_t len)
{
	const uint8_t *c = code, *end = code + len;
	size_t gaps = 0;

	if (!len || len > PAT_MAX_CODE_BYTES)
		return 0;
	while (c < end) {
		size_t n = op_size(c, end);

		if (!n)
			return 0;
		if (c[0] == PAT_GAP && le32_load(c + 5) == PAT_INF &&
		    ++gaps > PAT_MAX_UNBOUNDED_GAPS)
			return 0;
		if (c[0] == PAT_GAP && le32_load(c + 1) > le32_load(c + 5))
			return 0;
		c += n;
	}
	return 1;
}

static uint32_t add_sat(uint32_t a, uint32_t b)
{
	return (a == PAT_INF || b == PAT_INF || a > PAT_INF - 1 - b) ?
		       PAT_INF :
		       a + b;
}

static void alt_lengths(const uint8_t *c, uint32_t *min, uint32_t *max)
{
	const uint8_t *p = c + 4;
	uint16_t n = rd16(c + 2), i;

	*min = PAT_INF;
	*max = 0;
	for (i = 0; i < n; i++) {
		uint16_t ml = rd16(p);

		*min = ml < *min ? ml : *min;
		*max = ml > *max ? ml : *max;
		p += 2 + (size_t)ml * 2;
	}
	if (!n)
		*min = 0;
}

void pat_op_lengths(const uint8_t *c, uint32_t *min, uint32_t *max)
{
	switch (c[0]) {
	case PAT_LIT:
		*min = *max = rd16(c + 1);
		break;
	case PAT_ANY:
		*min = *max = le32_load(c + 1);
		break;
	case PAT_GAP:
		*min = le32_load(c + 1);
		*max = le32_load(c + 5);
		break;
	case PAT_ALT:
		alt_lengths(c, min, max);
		break;
	case PAT_LINE:
		*min = 1;
		*max = c[1] ? 1 : 2;
		break;
	case PAT_EDGE:
		*min = *max = 0;
		break;
	default: /* PAT_MASK, PAT_CLASS */
		*min = *max = 1;
	}
}

size_t pat_op_size(const uint8_t *c, const uint8_t *end)
{
	return op_size(c, end);
}

uint32_t pat_add_sat(uint32_t a, uint32_t b)
{
	return add_sat(a, b);
}

void pat_lengths(const uint8_t *code, size_t len, uint32_t *min,
		 uint32_t *max)
{
	const uint8_t *c = code, *end = code + len;
	uint32_t lo = 0, hi = 0, a, b;
	size_t n;

	while (c < end && (n = op_size(c, end)) != 0) {
		pat_op_lengths(c, &a, &b);
		lo = add_sat(lo, a);
		hi = add_sat(hi, b);
		c += n;
	}
	*min = lo;
	*max = hi;
}

/* ---------------------------------------------------------- matching */

struct gapmemo {
	size_t pc;		/* operation after the unbounded gap */
	int64_t last;		/* last position where it matches, or -1 */
};

struct vstate {
	const uint8_t *code;
	size_t clen;
	const uint8_t *buf;
	size_t len;
	uint64_t steps;
	int exhausted;
	size_t nmemo;
	struct gapmemo memo[PAT_MAX_UNBOUNDED_GAPS];
};

static int64_t m_at(struct vstate *v, size_t pc, size_t pos);

static int is_word(uint8_t b)
{
	return isalnum(b) != 0;
}

static int edge_ok(uint8_t f, const uint8_t *buf, size_t len, size_t pos)
{
	int ok;

	if (f & PAT_EDGE_RIGHT) {
		uint8_t b = pos < len ? buf[pos] : 0;

		if (pos >= len)
			ok = 1;
		else if (f & PAT_EDGE_BOUND)
			ok = pat_boundary[b] >= 2;
		else if (f & PAT_EDGE_LINE)
			ok = b == '\n' ||
			     (b == '\r' && pos + 1 < len && buf[pos + 1] == '\n');
		else
			ok = !is_word(b);
	} else {
		uint8_t b = pos ? buf[pos - 1] : 0;

		if (!pos)
			ok = 1;
		else if (f & PAT_EDGE_BOUND)
			ok = pat_boundary[b] & 1;
		else if (f & PAT_EDGE_LINE)
			ok = b == '\n';
		else
			ok = !is_word(b);
	}
	return (f & PAT_EDGE_NEG) ? !ok : ok;
}

static int member_at(const uint8_t *m, uint16_t ml, const uint8_t *buf,
		     size_t len, size_t pos)
{
	uint16_t i;

	if (len - pos < ml)
		return 0;
	for (i = 0; i < ml; i++)
		if ((buf[pos + i] & m[2 * i + 1]) != m[2 * i])
			return 0;
	return 1;
}

static int64_t alt_branch(struct vstate *v, size_t pc, size_t pos)
{
	const uint8_t *c = v->code + pc, *p = c + 4;
	size_t next = pc + op_size(c, v->code + v->clen);
	uint16_t n = rd16(c + 2), i, ml = 0;
	int any = 0;

	for (i = 0; i < n; i++, p += 2 + (size_t)ml * 2) {
		int64_t r;

		ml = rd16(p);
		if (!member_at(p + 2, ml, v->buf, v->len, pos))
			continue;
		any = 1;
		if (c[1])
			break;
		if ((r = m_at(v, next, pos + ml)) >= 0 || v->exhausted)
			return r;
	}
	if (!c[1] || any)
		return -1;
	/* Negated: members share one length; consume that many bytes. */
	ml = rd16(c + 4);
	if (v->len - pos < ml)
		return -1;
	return m_at(v, next, pos + ml);
}

static int64_t line_branch(struct vstate *v, size_t pc, size_t pos)
{
	const uint8_t *b = v->buf;
	int crlf = pos + 1 < v->len && b[pos] == '\r' && b[pos + 1] == '\n';
	int64_t r;

	if (pos >= v->len)
		return -1;
	if (v->code[pc + 1]) /* negated: one byte that starts no line end */
		return (b[pos] == '\n' || crlf) ? -1 : m_at(v, pc + 2, pos + 1);
	if (b[pos] == '\n')
		return m_at(v, pc + 2, pos + 1);
	if (crlf && ((r = m_at(v, pc + 2, pos + 2)) >= 0 || v->exhausted))
		return r;
	return -1;
}

/* First byte the operation at pc must match, or -1 if not fixed. */
static int first_byte(const struct vstate *v, size_t pc)
{
	if (pc < v->clen && v->code[pc] == PAT_LIT && rd16(v->code + pc + 1))
		return v->code[pc + 3];
	return -1;
}

/* The last position at which the rest of the pattern matches, memoised. */
static int64_t gap_last(struct vstate *v, size_t next)
{
	size_t i, k;
	int fb = first_byte(v, next);
	int64_t found = -1;

	for (i = 0; i < v->nmemo; i++)
		if (v->memo[i].pc == next)
			return v->memo[i].last;
	for (k = v->len + 1; k-- > 0 && !v->exhausted;) {
		if (fb >= 0) {
			const uint8_t *p = memrchr(v->buf, fb, k + 1 <= v->len ?
							     k + 1 :
							     v->len);
			if (!p)
				break;
			k = (size_t)(p - v->buf);
		}
		if (m_at(v, next, k) >= 0) {
			found = (int64_t)k;
			break;
		}
	}
	if (v->nmemo < PAT_MAX_UNBOUNDED_GAPS && !v->exhausted) {
		v->memo[v->nmemo].pc = next;
		v->memo[v->nmemo++].last = found;
	}
	return found;
}

static int64_t gap_branch(struct vstate *v, size_t pc, size_t pos)
{
	const uint8_t *c = v->code + pc;
	uint32_t min = le32_load(c + 1), max = le32_load(c + 5);
	size_t next = pc + 9, k, hi;
	int fb = first_byte(v, next);
	int64_t r;

	if (v->len - pos < min)
		return -1;
	if (max == PAT_INF) {
		r = gap_last(v, next);
		return (r >= 0 && (size_t)r >= pos + min) ? r : -1;
	}
	hi = (v->len - pos < max) ? v->len : pos + max;
	for (k = pos + min; k <= hi && !v->exhausted; k++) {
		if (fb >= 0) {
			const uint8_t *p = memchr(v->buf + k, fb, hi - k +
							     (hi < v->len));
			if (!p)
				break;
			k = (size_t)(p - v->buf);
		}
		if ((r = m_at(v, next, k)) >= 0)
			return r;
	}
	return -1;
}

static int64_t m_at(struct vstate *v, size_t pc, size_t pos)
{
	while (pc < v->clen) {
		const uint8_t *c = v->code + pc;
		size_t n;

		if (++v->steps > PAT_MAX_VERIFY_STEPS) {
			v->exhausted = 1;
			return -1;
		}
		switch (c[0]) {
		case PAT_LIT:
			n = rd16(c + 1);
			if (v->len - pos < n || memcmp(v->buf + pos, c + 3, n))
				return -1;
			pos += n;
			pc += 3 + n;
			break;
		case PAT_MASK:
			if (pos >= v->len || (v->buf[pos] & c[2]) != c[1])
				return -1;
			pos++;
			pc += 3;
			break;
		case PAT_ANY:
			n = le32_load(c + 1);
			if (v->len - pos < n)
				return -1;
			pos += n;
			pc += 5;
			break;
		case PAT_CLASS:
			if (pos >= v->len ||
			    !(c[1 + (v->buf[pos] >> 3)] & (1u << (v->buf[pos] & 7))))
				return -1;
			pos++;
			pc += 33;
			break;
		case PAT_EDGE:
			if (!edge_ok(c[1], v->buf, v->len, pos))
				return -1;
			pc += 2;
			break;
		case PAT_LINE:
			return line_branch(v, pc, pos);
		case PAT_GAP:
			return gap_branch(v, pc, pos);
		case PAT_ALT:
			return alt_branch(v, pc, pos);
		default:
			return -1;
		}
	}
	return (int64_t)pos;
}

/* The literal that every match starts with (after left edges), if any. */
static const uint8_t *lead_literal(const uint8_t *code, size_t clen,
				   size_t *n)
{
	size_t pc = 0;

	while (pc < clen && code[pc] == PAT_EDGE)
		pc += 2;
	if (pc < clen && code[pc] == PAT_LIT && rd16(code + pc + 1)) {
		*n = rd16(code + pc + 1);
		return code + pc + 3;
	}
	return NULL;
}

/* Counts matches in w up to max_count; *first gets the first's start. */
static int64_t matches(const uint8_t *code, size_t clen, const uint8_t *buf,
		       size_t len, struct pat_window w, uint64_t max_count,
		       size_t *first)
{
	struct vstate v = { code, clen, buf, len, 0, 0, 0, { { 0, 0 } } };
	size_t ln = 0, s;
	const uint8_t *lit = lead_literal(code, clen, &ln);
	int64_t count = 0;

	if (w.lo > len)
		return 0;
	if (w.hi > len)
		w.hi = len;
	for (s = w.lo; s <= w.hi && (uint64_t)count < max_count; s++) {
		if (lit) {
			const uint8_t *p;
			size_t span = w.hi - s + ln;

			if (span > len - s)
				span = len - s;
			p = memmem(buf + s, span, lit, ln);
			if (!p)
				break;
			s = (size_t)(p - buf);
		}
		if (m_at(&v, 0, s) >= 0 && !count++)
			*first = s;
		if (v.exhausted)
			return -1;
	}
	return count;
}

int64_t pat_count(const uint8_t *code, size_t clen, const uint8_t *buf,
		  size_t len, struct pat_window w, uint64_t max_count)
{
	size_t first;

	return matches(code, clen, buf, len, w, max_count, &first);
}

int pat_find(const uint8_t *code, size_t clen, const uint8_t *buf, size_t len,
	     struct pat_window w, size_t *at)
{
	int64_t n = matches(code, clen, buf, len, w, 1, at);

	return n < 0 ? -1 : n > 0;
}
