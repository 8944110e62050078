/*
 * jsonw.c -- see jsonw.h. The UTF-8 check follows RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF; each byte of a bad sequence
 * becomes one U+FFFD, and a NUL, which jansson's strings cannot hold in C
 * strings, does too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonw.h"

/* Bytes of the valid UTF-8 sequence at s (at most n), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t need, i;
	uint32_t cp;

	if (s[0] && s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (need == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return need;
}

json_t *jsonw_stringn(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	char *clean;
	size_t i, k, o = 0;
	json_t *j;

	if (!s)
		return json_null();
	/* each bad byte grows to three: U+FFFD is EF BF BD */
	if (len > (SIZE_MAX - 1) / 3 || !(clean = malloc(3 * len + 1)))
		return NULL;
	for (i = 0; i < len; i += k) {
		if ((k = utf8_len(p + i, len - i)) > 0) {
			memcpy(clean + o, p + i, k);
			o += k;
		} else {
			memcpy(clean + o, "\xef\xbf\xbd", 3);
			o += 3;
			k = 1;
		}
	}
	j = json_stringn(clean, o);
	free(clean);
	return j;
}

json_t *jsonw_string(const char *s)
{
	return s ? jsonw_stringn(s, strlen(s)) : json_null();
}

int jsonw_set(json_t *obj, const char *key, json_t *v)
{
	return v && obj ? json_object_set_new(obj, key, v) : -1;
}

#define JSONW_FLAGS \
	(JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY | \
	 JSON_REAL_PRECISION(12))

int jsonw_print(FILE *out, json_t *doc)
{
	int rc = -1;

	if (doc && json_dumpf(doc, out, JSONW_FLAGS) == 0 &&
	    fputc('\n', out) != EOF)
		rc = 0;
	json_decref(doc);
	return rc;
}

char *jsonw_dumps(json_t *doc)
{
	char *s = doc ? json_dumps(doc, JSONW_FLAGS) : NULL;

	json_decref(doc);
	return s;
}
