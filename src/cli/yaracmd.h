/*
 * yaracmd.h -- `vigil yara` (cmd_yara.c): its options, and its output
 * (yaraout.c).
 */
#ifndef VIGIL_CLI_YARACMD_H
#define VIGIL_CLI_YARACMD_H

#include <jansson.h>
#include <stdio.h>

#include "vigil/vigil.h"

#define YARA_MAX_DEFINES 256

struct yara_opts {
	int strings, lengths, meta, tags, namespaces, count, negate;
	int recursive, no_warnings, fail_on_warnings, json;
	int follow_symlinks;
	int threads;
	long max_rules;			/* -l: stop after this many, 0 none */
	uint32_t timeout_ms;		/* -a, 0 none */
	uint32_t slow_ms;		/* --slow-rules, 0 off */
	unsigned long long skip_larger;	/* -z, 0 none */
	const char *identifier;		/* -i */
	const char *tag;		/* -t */
	char *defines[YARA_MAX_DEFINES]; /* -d VAR=VALUE */
	int ndefines;
};

/* Prints a rule that matched (yara's format). */
void yaraout_rule(FILE *f, const struct yara_opts *o,
		  const struct vigil_yara_rule *r, const char *target);
/* The rule as a JSON object: rule, namespace, tags, meta, strings. */
json_t *yaraout_json_rule(const struct vigil_yara_rule *r);

#endif
