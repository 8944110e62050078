/*
 * xmlelem.c -- finding an element's text in XML by its local name, with
 * any namespace prefix and in any case: a '<', an optional "prefix:", the
 * name, then '>', '/' or white space; its text runs to the next "</".
 * Written here: three formats need one element's text each, not an XML
 * document model (ClamAV reads the same elements with libxml2's reader).
 */
#define _GNU_SOURCE
#include "formats/codec/xmlelem.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static int name_char(uint8_t c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.';
}

/* The local name of the start tag at lt (a '<'), or NULL: after a
 * "prefix:" if there is one. */
static const uint8_t *local_name(const uint8_t *lt, const uint8_t *end)
{
	const uint8_t *p = lt + 1, *name = p;

	while (p < end && name_char(*p))
		p++;
	if (p < end && *p == ':') {
		name = ++p;
		while (p < end && name_char(*p))
			p++;
	}
	return p > name ? name : NULL;
}

int xml_next(const uint8_t *b, size_t len, size_t *pos, const char *local,
	     struct xml_elem *e)
{
	size_t n = strlen(local);
	const uint8_t *p = b + *pos, *end = b + len;

	while ((p = memchr(p, '<', (size_t)(end - p)))) {
		const uint8_t *name = local_name(p, end), *gt, *close;

		if (!name || (size_t)(end - name) <= n ||
		    strncasecmp((const char *)name, local, n) ||
		    !(isspace(name[n]) || name[n] == '>' || name[n] == '/')) {
			p++;
			continue;
		}
		if (!(gt = memchr(name, '>', (size_t)(end - name))))
			return 0;
		close = gt[-1] == '/' ? NULL :
			memmem(gt, (size_t)(end - gt), "</", 2);
		e->tag = p;
		e->text = gt + 1;
		e->text_len = close ? (size_t)(close - gt - 1) : 0;
		*pos = (size_t)((close ? close : gt + 1) - b);
		return 1;
	}
	return 0;
}

int xml_attr_is(const struct xml_elem *e, const char *name, const char *want)
{
	size_t n = strlen(name), w = strlen(want);
	const uint8_t *end = e->text, *p = e->tag;

	while ((p = memmem(p, (size_t)(end - p), name, n))) {
		if ((size_t)(end - p) > n + 2 + w && isspace(p[-1]) &&
		    p[n] == '=' && (p[n + 1] == '"' || p[n + 1] == '\'') &&
		    !strncasecmp((const char *)p + n + 2, want, w) &&
		    p[n + 2 + w] == p[n + 1])
			return 1;
		p += n;
	}
	return 0;
}
