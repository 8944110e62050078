/*
 * cvdfeed.c -- see cvdfeed.h. Both parsers read through the bounded
 * reader; fuzz/fuzz_cvdfeed.c runs them.
 */
#include <stdio.h>
#include <string.h>

#include "common/reader.h"
#include "cvdfeed.h"

/* Longest header field skipped (the time, the signature), in bytes. */
#define FIELD_MAX 400

int cvdfeed_header(const void *buf, size_t len, struct cvdfeed_head *h)
{
	struct rdr r;
	const char *tok;
	uint64_t v;
	size_t n;
	int i;

	memset(h, 0, sizeof(*h));
	rdr_init(&r, buf, len < CVDFEED_HEADER_BYTES ? len :
			  CVDFEED_HEADER_BYTES);
	if (!rdr_accept(&r, "ClamAV-VDB:", 11) ||
	    rdr_until(&r, ':', FIELD_MAX, &tok, &n) <= 0 ||
	    rdr_decimal(&r, UINT32_MAX, &v) < 0 || !rdr_accept(&r, ":", 1))
		return -1;
	h->version = (uint32_t)v;
	for (i = 0; i < 5; i++) /* sigs, level, md5, dsig, builder */
		if (rdr_until(&r, ':', FIELD_MAX, &tok, &n) <= 0)
			return -1;
	if (rdr_decimal(&r, INT64_MAX, &h->built) < 0)
		return -1;
	return 0;
}

int cvdfeed_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n && n < CVDFEED_MAX_NAME &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == n;
}

int cvdfeed_state_find(struct cvdfeed_state *s, const char *name, int make)
{
	unsigned i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->db[i].name, name))
			return (int)i;
	if (!make || s->n == CVDFEED_MAX_DBS || !cvdfeed_name_ok(name))
		return -1;
	memset(&s->db[s->n], 0, sizeof(s->db[0]));
	snprintf(s->db[s->n].name, sizeof(s->db[0].name), "%s", name);
	return (int)s->n++;
}

/* One line "NAME VERSION BUILDTIME": 0, or -1. */
static int state_line(const char *line, size_t n, struct cvdfeed_state *s)
{
	char name[CVDFEED_MAX_NAME];
	uint64_t v, t;
	struct rdr r;
	int i;

	rdr_init(&r, line, n);
	if (rdr_word(&r, " ", name, sizeof(name)) < 0 || !*name ||
	    !rdr_accept(&r, " ", 1) || rdr_decimal(&r, UINT32_MAX, &v) < 0 ||
	    !rdr_accept(&r, " ", 1) || rdr_decimal(&r, INT64_MAX, &t) < 0 ||
	    rdr_left(&r) || (i = cvdfeed_state_find(s, name, 1)) < 0)
		return -1;
	s->db[i].version = (uint32_t)v;
	s->db[i].built = t;
	return 0;
}

int cvdfeed_state_parse(const char *text, size_t len,
			struct cvdfeed_state *s)
{
	const char *line;
	struct rdr r;
	size_t n;

	memset(s, 0, sizeof(*s));
	if (len > CVDFEED_STATE_MAX_BYTES)
		return -1;
	rdr_init(&r, text, len);
	while (rdr_line(&r, 256, &line, &n))
		if (n && state_line(line, n, s) < 0)
			return -1;
	return rdr_failed(&r) ? -1 : 0;
}

int cvdfeed_state_format(const struct cvdfeed_state *s, char *buf,
			 size_t len)
{
	size_t off = 0;
	unsigned i;
	int k;

	for (i = 0; i < s->n; i++) {
		k = snprintf(buf + off, len - off, "%s %u %llu\n",
			     s->db[i].name, s->db[i].version,
			     (unsigned long long)s->db[i].built);
		if (k < 0 || (size_t)k >= len - off)
			return -1;
		off += (size_t)k;
	}
	return (int)off;
}
