/*
 * yrdup.c -- strings that several rules hold alike, matched once. Public
 * rule sets repeat strings from rule to rule (signature-base: 29,444
 * strings, 21,491 of them different; elastic: 10,810 and 8,736), and each
 * copy had its own anchors: a key found was looked up and verified once
 * per copy. Strings the same in all that decides their matches (kind,
 * bytes, modifiers, xor range, base64 alphabet) and read the same way by
 * their conditions (yruse.h) form a group; its first string alone gets
 * runs, and the others take a copy of its matches when their rule asks
 * for them (yrfast.c).
 */
#include <stdlib.h>
#include <string.h>

#include "yara/yrast.h"
#include "yara/yrfast_int.h"
#include "vigil/vigil.h"

static int same(const struct yr_string *a, const struct yr_string *b)
{
	return a->kind == b->kind && a->len == b->len && a->mods == b->mods &&
	       a->re_flags == b->re_flags && a->xor_min == b->xor_min &&
	       a->xor_max == b->xor_max && !a->alphabet == !b->alphabet &&
	       (!a->alphabet || !strcmp(a->alphabet, b->alphabet)) &&
	       !memcmp(a->value, b->value, a->len);
}

/* A hash of the length, the modifiers and at most the first and last
 * HASHED bytes (signature-base's hex strings run to kilobytes; same()
 * compares the rest), by yrast.c's yr_hash(). */
#define HASHED 32

static size_t hash(const struct yr_string *s, uint8_t use)
{
	size_t head = s->len < HASHED ? s->len : HASHED,
	       tail = s->len - head < HASHED ? s->len - head : HASHED;
	size_t h = yr_hash(s->value, head) ^
		   yr_hash(s->value + s->len - tail, tail) * 31;

	return h ^ ((size_t)s->kind | (size_t)s->mods << 8 |
		    (size_t)use << 24) * 0x9e3779b97f4a7c15u ^ s->len;
}

int yr_fast_group(struct yr_fast *f)
{
	size_t size = 16, mask, k, i;
	uint32_t *slot, *last;

	while (size < 2 * f->nstr)
		size *= 2;
	mask = size - 1;
	f->canon = malloc((f->nstr + 1) * sizeof(*f->canon));
	f->dup_next = malloc((f->nstr + 1) * sizeof(*f->dup_next));
	slot = malloc(size * sizeof(*slot)); /* string + 1, or 0: empty */
	last = malloc((f->nstr + 1) * sizeof(*last)); /* per group: its last */
	if (!f->canon || !f->dup_next || !slot || !last) {
		free(slot);
		free(last);
		return VIGIL_ENOMEM;
	}
	memset(slot, 0, size * sizeof(*slot));
	for (k = 0; k < f->nstr; k++) {
		const struct yr_string *s = f->str[k].s;

		f->canon[k] = (uint32_t)k;
		f->dup_next[k] = YR_NO_DUP;
		for (i = hash(s, f->use[k]) & mask; slot[i]; i = (i + 1) & mask) {
			uint32_t c = slot[i] - 1;

			if (f->use[c] == f->use[k] && same(f->str[c].s, s)) {
				f->canon[k] = c;
				f->dup_next[last[c]] = (uint32_t)k;
				last[c] = (uint32_t)k;
				break;
			}
		}
		if (!slot[i]) {
			slot[i] = (uint32_t)k + 1;
			last[k] = (uint32_t)k;
		}
	}
	free(slot);
	free(last);
	return 0;
}
