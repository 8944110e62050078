/*
 * kvconf.c -- see kvconf.h. A line is split into its key and value first,
 * then the value is checked for its key's type in full (a number must be
 * all digits, a text must fit), so nothing is half-applied: a refused line
 * changes no field.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/kvconf.h"
#include "common/reader.h"
#include "common/size.h"

#define KV_SPACE " \t\r\v\f"

static int refuse(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The clamd.conf form: the rest of the line, trimmed, quotes taken off. */
static int rest_value(struct rdr *r, const char *key, char *val, size_t cap,
		      char *err, size_t errlen)
{
	const char *p;
	size_t n;

	rdr_span(r, KV_SPACE);
	p = rdr_here(r);
	n = rdr_left(r);
	while (n && strchr(KV_SPACE, p[n - 1]))
		n--;
	if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
		p++;
		n -= 2;
	}
	if (n >= cap)
		return refuse(err, errlen, "%s: longer than %zu bytes", key,
			      cap - 1);
	memcpy(val, p, n);
	val[n] = '\0';
	return 0;
}

/* The next word into out; "" at the end or at a # comment. */
static int word(struct rdr *r, char *out, size_t cap)
{
	rdr_span(r, KV_SPACE);
	if (rdr_peek(r) == '#') {
		out[0] = '\0';
		return 0;
	}
	return rdr_word(r, KV_SPACE, out, cap);
}

static int word_value(struct rdr *r, const char *key, char *val, size_t cap,
		      char *err, size_t errlen)
{
	char more[2];

	if (word(r, val, cap) < 0)
		return refuse(err, errlen, "%s: longer than %zu bytes", key,
			      cap - 1);
	if (val[0] && (word(r, more, sizeof(more)) < 0 || more[0]))
		return refuse(err, errlen, "%s: one value only", key);
	return 0;
}

/* Decimal (or octal) digits only, at most max. */
static int number(const char *v, int base, uint64_t max, uint64_t *out)
{
	unsigned long long n;
	char *end;

	if (!*v || strspn(v, base == 8 ? "01234567" : "0123456789") !=
			   strlen(v))
		return -1;
	errno = 0;
	n = strtoull(v, &end, base);
	if (errno || n > max)
		return -1;
	*out = n;
	return 0;
}

static int set_bool(const char *key, const char *v, int *p, char *err,
		    size_t errlen)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1"))
		*p = 1;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") ||
		 !strcmp(v, "0"))
		*p = 0;
	else
		return refuse(err, errlen, "%s: yes or no, not %s", key, v);
	return 0;
}

static int set_number(const struct kv_key *k, const char *v, void *p,
		      char *err, size_t errlen)
{
	int wide = k->type == KV_U64 || k->type == KV_SIZE;
	uint64_t max = k->max ? k->max : wide ? UINT64_MAX : UINT_MAX, n;

	if (k->type == KV_SIZE) {
		if (size_parse(v, max, &n) < 0)
			return refuse(err, errlen, "%s: not a size (bytes, or "
				      "a number with K, M or G) up to %llu "
				      "bytes: %s", k->name,
				      (unsigned long long)max, v);
	} else if (number(v, k->type == KV_OCTAL ? 8 : 10, max, &n) < 0) {
		return refuse(err, errlen, k->type == KV_OCTAL ?
			      "%s: not an octal number up to %llo: %s" :
			      "%s: not a whole number up to %llu: %s",
			      k->name, (unsigned long long)max, v);
	}
	if (wide)
		*(uint64_t *)p = n;
	else
		*(unsigned *)p = (unsigned)n;
	return 0;
}

static int set_word(const struct kv_key *k, const char *v, int *p, char *err,
		    size_t errlen)
{
	char list[256] = "";
	size_t i, n;

	for (n = 0; k->words[n]; n++)
		if (!strcmp(v, k->words[n])) {
			*p = (int)n;
			return 0;
		}
	for (i = 0; i < n; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%s", i ? (i + 1 < n ? ", " : " or ") : "",
			 k->words[i]);
	return refuse(err, errlen, "%s: %s, not %s", k->name, list, v);
}

static int set_text(const struct kv_key *k, const char *v, void *p,
		    char *err, size_t errlen)
{
	size_t n = strlen(v);
	char *s;

	if (k->type == KV_TEXT) {
		if (n >= k->cap)
			return refuse(err, errlen, "%s: longer than %zu bytes",
				      k->name, k->cap - 1);
		memcpy(p, v, n + 1);
		return 0;
	}
	if (!(s = strdup(v)))
		return refuse(err, errlen, "%s: out of memory", k->name);
	free(*(char **)p);
	*(char **)p = s;
	return 0;
}

static int set_value(const struct kv_key *k, void *conf, const char *v,
		     char *err, size_t errlen)
{
	void *p = (char *)conf + k->off;

	switch (k->type) {
	case KV_BOOL:
		return set_bool(k->name, v, p, err, errlen);
	case KV_UINT: case KV_OCTAL: case KV_U64: case KV_SIZE:
		return set_number(k, v, p, err, errlen);
	case KV_STRDUP: case KV_TEXT:
		return set_text(k, v, p, err, errlen);
	case KV_WORD:
		return set_word(k, v, p, err, errlen);
	case KV_CALL:
		return k->call(conf, v, err, errlen);
	}
	return refuse(err, errlen, "%s: no such type", k->name);
}

static const struct kv_key *find(const struct kv_format *f, const char *key)
{
	size_t i;

	for (i = 0; i < f->nkeys; i++)
		if (!strcmp(key, f->keys[i].name))
			return &f->keys[i];
	return NULL;
}

static int skipped(const struct kv_format *f, const char *key)
{
	size_t i;

	for (i = 0; f->skipped && f->skipped[i]; i++)
		if (!strcmp(key, f->skipped[i]))
			return 1;
	return 0;
}

int kv_line(const struct kv_format *f, void *conf, const char *line,
	    size_t len, char *err, size_t errlen)
{
	char key[KV_MAX_KEY_BYTES], *val;
	const struct kv_key *k;
	struct rdr r;
	int rc;

	if (memchr(line, '\0', len))
		return refuse(err, errlen, "a NUL byte in the line");
	rdr_init(&r, line, len);
	rdr_span(&r, KV_SPACE);
	if (!rdr_left(&r) || rdr_peek(&r) == '#')
		return 1;
	if (rdr_word(&r, KV_SPACE, key, sizeof(key)) < 0)
		return refuse(err, errlen, "the key is too long");
	if (!(val = malloc(f->max_line_bytes + 1)))
		return refuse(err, errlen, "%s: out of memory", key);
	rc = f->rest_of_line ?
		     rest_value(&r, key, val, f->max_line_bytes + 1, err,
				errlen) :
		     word_value(&r, key, val, f->max_line_bytes + 1, err,
				errlen);
	k = rc == 0 ? find(f, key) : NULL;
	if (rc == 0 && !val[0] && (!k || k->type != KV_CALL))
		rc = refuse(err, errlen, "%s: a value is missing", key);
	if (rc == 0 && k)
		rc = set_value(k, conf, val, err, errlen);
	else if (rc == 0)
		rc = skipped(f, key) ? 1 : refuse(err, errlen,
						  "unknown option %s", key);
	free(val);
	return rc;
}

int kv_text(const struct kv_format *f, void *conf, const char *text,
	    size_t len, const char *name, char *err, size_t errlen)
{
	char why[512];
	const char *line;
	unsigned lineno = 0;
	struct rdr r;
	size_t n;
	int rc = 0;

	rdr_init(&r, text, len);
	while (rc >= 0 && rdr_line(&r, f->max_line_bytes, &line, &n)) {
		lineno++;
		rc = kv_line(f, conf, line, n, why, sizeof(why));
	}
	if (rc >= 0 && rdr_failed(&r)) {
		lineno++;
		rc = refuse(why, sizeof(why), "line longer than %zu bytes",
			    f->max_line_bytes);
	}
	if (rc < 0)
		snprintf(err, errlen, "%s:%u: %s", name, lineno, why);
	return rc < 0 ? -1 : 0;
}

int kv_load(const struct kv_format *f, void *conf, const char *path,
	    char *err, size_t errlen)
{
	FILE *fp = fopen(path, "re");
	char *text;
	size_t len;
	int rc = -1;

	if (!fp)
		return refuse(err, errlen, "%s: %s", path, strerror(errno));
	text = malloc(f->max_file_bytes + 1);
	len = text ? fread(text, 1, f->max_file_bytes + 1, fp) : 0;
	if (!text)
		refuse(err, errlen, "%s: out of memory", path);
	else if (ferror(fp))
		refuse(err, errlen, "%s: read error", path);
	else if (len > f->max_file_bytes)
		refuse(err, errlen, "%s: larger than %zu bytes", path,
		       f->max_file_bytes);
	else
		rc = kv_text(f, conf, text, len, path, err, errlen);
	free(text);
	fclose(fp);
	return rc;
}

void kv_print(const struct kv_format *f, const void *conf, FILE *out)
{
	const struct kv_key *k;

	for (k = f->keys; k < f->keys + f->nkeys; k++) {
		const void *p = (const char *)conf + k->off;

		if (k->type == KV_CALL)
			continue;
		fprintf(out, "%s ", k->name);
		switch (k->type) {
		case KV_BOOL:
			fputs(*(const int *)p ? "yes\n" : "no\n", out);
			break;
		case KV_UINT:
			fprintf(out, "%u\n", *(const unsigned *)p);
			break;
		case KV_OCTAL:
			fprintf(out, "%03o\n", *(const unsigned *)p);
			break;
		case KV_U64: case KV_SIZE:
			fprintf(out, "%llu\n",
				(unsigned long long)*(const uint64_t *)p);
			break;
		case KV_STRDUP:
			fprintf(out, "%s\n", *(char *const *)p ?
				*(char *const *)p : "(unset)");
			break;
		case KV_TEXT:
			fprintf(out, "%s\n", *(const char *)p ?
				(const char *)p : "(unset)");
			break;
		case KV_WORD:
			fprintf(out, "%s\n", k->words[*(const int *)p]);
			break;
		case KV_CALL:
			break;
		}
	}
}

void kv_free(const struct kv_format *f, void *conf)
{
	size_t i;

	for (i = 0; i < f->nkeys; i++)
		if (f->keys[i].type == KV_STRDUP) {
			free(*(char **)((char *)conf + f->keys[i].off));
			*(char **)((char *)conf + f->keys[i].off) = NULL;
		}
}
