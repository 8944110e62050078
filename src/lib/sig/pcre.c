/*
 * pcre.c -- compiling a PCRE subsignature's expression. UTF modes are
 * locked out (ClamAV forbids "(*UTF"): a signature matches bytes. PCRE2's
 * JIT is not used: it needs memory that is writable and executable, which
 * the scanning sandbox does not grant, and PCRE subsignatures run only
 * when their trigger holds, so the interpreter's speed is enough. Every
 * expression allows an offset limit, so that the scanner can search in
 * slices of start positions (see core/pcrescan.c).
 */
#include "sig/pcre.h"

#include <stdio.h>

#include "vigil/vigil.h"

static const char letters[] = "greismxAEU";

unsigned sigpcre_flag(char c)
{
	unsigned i;

	for (i = 0; letters[i]; i++)
		if (letters[i] == c)
			return 1u << i;
	return 0;
}

static uint32_t options(unsigned flags)
{
	static const struct {
		unsigned flag;
		uint32_t opt;
	} map[] = {
		{ SIGPCRE_CASELESS, PCRE2_CASELESS },
		{ SIGPCRE_DOTALL, PCRE2_DOTALL },
		{ SIGPCRE_MULTILINE, PCRE2_MULTILINE },
		{ SIGPCRE_EXTENDED, PCRE2_EXTENDED },
		{ SIGPCRE_ANCHORED, PCRE2_ANCHORED },
		{ SIGPCRE_DOLLAR_ENDONLY, PCRE2_DOLLAR_ENDONLY },
		{ SIGPCRE_UNGREEDY, PCRE2_UNGREEDY },
	};
	uint32_t o = PCRE2_NEVER_UTF | PCRE2_NEVER_UCP | PCRE2_USE_OFFSET_LIMIT;
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (flags & map[i].flag)
			o |= map[i].opt;
	return o;
}

int sigpcre_compile(const char *re, size_t n, unsigned flags,
		    pcre2_code **out, char *why, size_t whylen)
{
	PCRE2_UCHAR msg[160];
	PCRE2_SIZE at = 0;
	int err = 0;

	if (n > SIGPCRE_MAX_BYTES) {
		snprintf(why, whylen, "longer than %u bytes",
			 SIGPCRE_MAX_BYTES);
		return VIGIL_EFORMAT;
	}
	*out = pcre2_compile((PCRE2_SPTR)re, n, options(flags), &err, &at,
			     NULL);
	if (*out)
		return 0;
	if (err == PCRE2_ERROR_HEAP_FAILED)
		return VIGIL_ENOMEM;
	pcre2_get_error_message(err, msg, sizeof(msg));
	snprintf(why, whylen, "%s at byte %zu", (const char *)msg, (size_t)at);
	return VIGIL_EFORMAT;
}
