/*
 * lines.c -- see lines.h. Both formats are split through the bounded
 * reader; a NUL byte, a word too long or a word too many is refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/reader.h"
#include "lines.h"

static int listed(const char *key, const char *const *keys, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(key, keys[i]))
			return 1;
	return 0;
}
#define LISTED(key, keys) listed(key, keys, sizeof(keys) / sizeof(keys[0]))

/* Values that are words, not numbers: checked for their own form. */
static int text_ok(const char *key, const char *val, char *err, size_t errlen)
{
	char *end;
	double f;

	if (!strcmp(key, "amp-guard") && strcmp(val, "yes") &&
	    strcmp(val, "no") && strcmp(val, "1") && strcmp(val, "0"))
		snprintf(err, errlen, "%s: yes or no, not %s", key, val);
	else if (!strcmp(key, "flowspec-action") && strcmp(val, "discard") &&
		 strcmp(val, "rate-limit"))
		snprintf(err, errlen, "%s: discard or rate-limit, not %s", key,
			 val);
	else if (!strcmp(key, "baseline-factor") &&
		 (f = strtod(val, &end), *end || !(f == 0 || (f >= 1 && f <= 1000))))
		snprintf(err, errlen, "%s: 0 (off) or a number from 1 to 1000, "
			 "not %s", key, val);
	else
		return 0;
	return -1;
}

/* Every key but the text ones takes a whole number, some of 32 bits. */
static int value_ok(const char *key, const char *val, char *err,
		    size_t errlen)
{
	static const char *const text[] = {
		"allow", "block", "amp-guard", "protect", "bird-socket",
		"bird-include", "flowspec-action", "location-db",
		"metrics-addr", "baseline-factor", "rules-file",
	};
	static const char *const narrow[] = {
		"src-pps", "src-burst", "syn-pps", "syn-burst", "sample-every",
		"hold-down", "baseline-warmup",
	};
	uint64_t max = UINT64_MAX, v;
	struct rdr d;

	if (LISTED(key, text))
		return text_ok(key, val, err, errlen);
	if (LISTED(key, narrow))
		max = UINT32_MAX;
	if (!strcmp(key, "metrics-port"))
		max = 65535;
	rdr_init(&d, val, strlen(val));
	if (rdr_decimal(&d, max, &v) == 0 && !rdr_left(&d))
		return 0;
	snprintf(err, errlen, "%s: not a whole number up to %llu: %s", key,
		 (unsigned long long)max, val);
	return -1;
}

#define CONF_SPACE " \t\r\v\f"

/* The next word of the line into out; "" at the end or a comment. */
static int word(struct rdr *r, char *out, size_t cap)
{
	rdr_span(r, CONF_SPACE);
	if (rdr_peek(r) == '#') {
		out[0] = '\0';
		return 0;
	}
	return rdr_word(r, CONF_SPACE, out, cap);
}

int shield_conf_line(const char *line, size_t len, char *key, char *val,
		     char *err, size_t errlen)
{
	char more[2];
	struct rdr r;

	if (memchr(line, '\0', len)) {
		snprintf(err, errlen, "a NUL byte in the line");
		return -1;
	}
	rdr_init(&r, line, len);
	if (word(&r, key, SHIELD_CONF_MAX_KEY_BYTES) < 0) {
		snprintf(err, errlen, "the key is too long");
		return -1;
	}
	if (!key[0])
		return 1;
	word(&r, val, SHIELD_CONF_MAX_LINE_BYTES);
	if (!val[0]) {
		snprintf(err, errlen, "%s: a value is missing", key);
		return -1;
	}
	if (word(&r, more, sizeof(more)) < 0 || more[0]) {
		snprintf(err, errlen, "%s: one value only", key);
		return -1;
	}
	return value_ok(key, val, err, errlen);
}

int shield_request_parse(const char *buf, size_t len, char *cmd, char *arg)
{
	static const char space[] = " \t\r";
	const char *line;
	char more[2];
	struct rdr r, l;
	size_t n;

	rdr_init(&r, buf, len);
	if (!rdr_field(&r, '\n', SHIELD_MAX_REQUEST_BYTES, &line, &n))
		return rdr_failed(&r) ? -1 : 1;
	rdr_init(&l, line, n);
	rdr_span(&l, space);
	if (!rdr_left(&l))
		return 1;
	return rdr_word(&l, space, cmd, SHIELD_MAX_COMMAND_BYTES) < 0 ||
	       rdr_word(&l, space, arg, SHIELD_MAX_REQUEST_BYTES) < 0 ||
	       rdr_word(&l, space, more, sizeof(more)) < 0 || more[0] ? -1 : 0;
}
