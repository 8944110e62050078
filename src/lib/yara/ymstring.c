/*
 * ymstring.c -- YARA's string module (YARA 4.3 and YARA-X): to_int() of
 * a whole string in base 0 (C's prefixes) or 2 to 36, undefined unless
 * every character is a digit of it and the value fits; length().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "yara/ymodules.h"

static struct ym_val to_int(struct ym_call *c)
{
	int64_t base = c->nargs > 1 ? c->arg[1].u.i : 0;
	const char *s = c->arg[0].u.s;
	char *end;
	long long v;

	if ((base != 0 && (base < 2 || base > 36)) ||
	    strlen(s) != c->arg[0].n)
		return ym_undef;
	errno = 0;
	v = strtoll(s, &end, (int)base);
	if (errno || end == s || *end)
		return ym_undef;
	return ym_vint((int64_t)v);
}

static struct ym_val length(struct ym_call *c)
{
	return ym_vint(c->arg[0].n);
}

static const struct ym_decl string_members[] = {
	YM_DFN("to_int", "s", 'i', to_int),
	YM_DFN("to_int", "si", 'i', to_int),
	YM_DFN("length", "s", 'i', length),
};

static const struct ym_decl string_root =
	YM_DSTRUCT("string", string_members);

const struct ym_module ym_string = { "string", &string_root, NULL, NULL };
