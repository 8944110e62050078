/*
 * yrb64.c -- the patterns of a YARA base64 or base64wide string, made as
 * yara makes them (yrmatch.h): the string, or its wide form, after 0, 1
 * and 2 bytes, encoded with the alphabet, the characters that depend on
 * those bytes or on the padding cut off, widened for base64wide.
 */
#include <stdlib.h>
#include <string.h>

#include "yara/yrmatch.h"
#include "vigil/vigil.h"

/*
 * The base64 text of src (n bytes) after shift bytes 'A', with the
 * characters the shift and the padding touch cut off, as yara makes its
 * patterns: shift + 1 leading (none without a shift), pad + 1 trailing
 * (none without padding); widened when wide. NULL on ENOMEM.
 */
static uint8_t *b64_variant(const uint8_t *src, size_t n, int shift,
			    const char *abc, int wide, size_t *out_len)
{
	size_t total = n + (size_t)shift, o = 0, k, lead, trail, len, pad;
	uint8_t *in = malloc(total + 3), *enc = malloc((total + 2) / 3 * 4 + 1);
	uint8_t *res = NULL;

	if (!in || !enc)
		goto out;
	memset(in, 'A', (size_t)shift);
	memcpy(in + shift, src, n);
	memset(in + total, 0, 3);
	for (k = 0; k < total; k += 3) {
		uint32_t w = (uint32_t)in[k] << 16 | (uint32_t)in[k + 1] << 8 |
			     in[k + 2];
		size_t left = total - k, c;

		for (c = 0; c < 4; c++)
			enc[o++] = c <= left ? (uint8_t)abc[(w >> (18 - 6 * c)) & 63] :
					       '=';
	}
	pad = total % 3 ? 3 - total % 3 : 0;
	lead = shift ? (size_t)shift + 1 : 0;
	trail = pad ? pad + 1 : 0;
	len = o > lead + trail ? o - lead - trail : 0;
	if ((res = malloc(len * 2 + 1)) != NULL) {
		for (k = 0; k < len; k++) {
			if (wide) {
				res[2 * k] = enc[lead + k];
				res[2 * k + 1] = 0;
			} else {
				res[k] = enc[lead + k];
			}
		}
		*out_len = wide ? len * 2 : len;
	}
out:
	free(in);
	free(enc);
	return res;
}

void yr_b64_free(struct yr_b64set *b)
{
	while (b->n)
		free(b->v[--b->n]);
}

/* The patterns of a base64 or base64wide string, in yara's order. */
int yr_b64_patterns(const struct yr_string *s, struct yr_b64set *b)
{
	static const char std[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *abc = s->alphabet ? s->alphabet : std;
	uint8_t *wsrc = malloc(s->len * 2 + 1);
	int form, width, shift;
	size_t k;

	if (!wsrc)
		return VIGIL_ENOMEM;
	for (k = 0; k < s->len; k++) {
		wsrc[2 * k] = (uint8_t)s->value[k];
		wsrc[2 * k + 1] = 0;
	}
	for (form = 0; form < 2; form++) { /* the wide string, the ascii one */
		if (form == 0 ? !(s->mods & YM_WIDE) :
				(s->mods & YM_WIDE) && !(s->mods & YM_ASCII))
			continue;
		for (width = 0; width < 2; width++) {
			if (!(s->mods & (width ? YM_BASE64WIDE : YM_BASE64)))
				continue;
			for (shift = 0; shift < 3; shift++) {
				b->v[b->n] = b64_variant(
					form ? (const uint8_t *)s->value : wsrc,
					form ? s->len : s->len * 2, shift, abc,
					width, &b->len[b->n]);
				if (!b->v[b->n]) {
					free(wsrc);
					return VIGIL_ENOMEM;
				}
				b->n++;
			}
		}
	}
	free(wsrc);
	return 0;
}

size_t yr_b64_at(const struct yr_b64set *b, const uint8_t *buf, size_t len,
		 size_t i)
{
	int k;

	for (k = 0; k < b->n; k++)
		if (b->len[k] && len - i >= b->len[k] &&
		    !memcmp(buf + i, b->v[k], b->len[k]))
			return b->len[k];
	return 0;
}
