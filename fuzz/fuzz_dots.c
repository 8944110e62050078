/*
 * fuzz_dots.c -- libFuzzer target for the DOTS signal channel's bodies
 * (src/shield/ctl/dotsmsg.c over libcbor): the input read as a
 * mitigation request, an efficacy update, a status answer and a
 * heartbeat; and the data channel's JSON bodies (dotsacl.c over
 * jansson): aliases and filter lists, written back as JSON. A refusal always says why; a request taken stays within its
 * limits, and written back reads the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dots.h"
#include "dotsmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_scope(const struct dots_scope *s)
{
	unsigned i;

	if (s->ntarget > DOTS_MAX_TARGETS || s->nport > DOTS_MAX_PORTS ||
	    s->nproto > DOTS_MAX_PROTOS)
		abort();
	for (i = 0; i < s->nport; i++)
		if (s->port[i].lo > s->port[i].hi)
			abort();
}

static void round_trip(const struct dots_scope *s)
{
	static uint8_t out[DOTS_MAX_BODY_BYTES];
	struct dots_scope again;
	char err[160];
	size_t n = dots_write_request(s, out, sizeof(out));

	if (!n)
		abort(); /* a scope within the limits always fits */
	if (dots_parse_request(out, n, 0, &again, err, sizeof(err)) < 0 ||
	    again.ntarget != s->ntarget || again.nport != s->nport ||
	    again.nproto != s->nproto || again.lifetime != s->lifetime ||
	    again.nalias != s->nalias ||
	    memcmp(again.alias, s->alias, sizeof(s->alias[0]) * s->nalias) ||
	    memcmp(again.port, s->port, sizeof(s->port[0]) * s->nport) ||
	    memcmp(again.proto, s->proto, s->nproto))
		abort();
}

static void data_channel(const uint8_t *data, size_t size)
{
	static struct dots_alias al[DOTS_MAX_ALIASES];
	static struct dots_acl acl[DOTS_MAX_ACLS];
	json_t *body = json_loadb((const char *)data, size, 0, NULL);
	char err[160];
	unsigned n, i;

	if (!body)
		return;
	err[0] = '\0';
	if (dots_parse_aliases(body, al, DOTS_MAX_ALIASES, &n, err,
			       sizeof(err)) == 0)
		for (i = 0; i < n; i++) {
			check_scope(&al[i].scope);
			json_decref(dots_alias_json(&al[i]));
		}
	else if (!err[0])
		abort();
	if (dots_parse_acls(body, acl, DOTS_MAX_ACLS, &n, err,
			    sizeof(err)) == 0)
		for (i = 0; i < n; i++) {
			if (acl[i].nace > DOTS_MAX_ACES)
				abort();
			json_decref(dots_acl_json(&acl[i]));
		}
	json_decref(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dots_scope s, list[DOTS_MAX_SCOPES];
	char err[160];
	int ok, n, efficacy;

	for (efficacy = 0; efficacy < 2; efficacy++) {
		err[0] = '\0';
		if (dots_parse_request(data, size, efficacy, &s, err,
				       sizeof(err)) < 0) {
			if (!err[0])
				abort();
			continue;
		}
		check_scope(&s);
		if (!efficacy)
			round_trip(&s);
	}
	n = dots_parse_status(data, size, list, DOTS_MAX_SCOPES, err,
			      sizeof(err));
	while (n-- > 0)
		check_scope(&list[n]);
	dots_parse_heartbeat(data, size, &ok, err, sizeof(err));
	data_channel(data, size);
	return 0;
}
