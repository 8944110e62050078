/*
 * yaraload.c -- YARA rules gathered by the engine (yaraload.h), into the
 * same rule sets the public YARA interface builds (vigil_yara_*): the
 * loader keeps each source's text in its signature set, which goes into
 * the shard's image (and so into a .vdb written from it); at compile,
 * every shard's sources are added, in order, to one set in the namespace
 * "default" (so a rule name is used once across the engine's sources, as
 * in yara's one namespace), each rule's detection name is made, and the
 * rules that need a module Vigil does not have are counted as skipped
 * and warned of.
 */
#include "core/yaraload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine_int.h"
#include "vigil/vigil.h"
#include "yara/yrapi_int.h"

/* The external variables that scanners built on YARA define for each file
 * (LOKI's and THOR's set, which public rules use): defined here, empty, so
 * that the rules compile; each object's own values are set as it is
 * scanned (yarascan.c). */
static const char *const externals[] = { "filename", "filepath",
					  "extension", "filetype", "owner" };

static int new_set(struct vigil_engine *e)
{
	struct vigil_yara_options o = { sizeof(o), e->opts.log,
					e->opts.log_ctx, 0 };
	size_t i;
	int rc = vigil_yara_new(&e->yara, &o);

	for (i = 0; !rc && i < sizeof(externals) / sizeof(*externals); i++)
		rc = vigil_yara_define(e->yara, externals[i], "\"\"");
	return rc;
}

/* Each shard's YARA sources (VDB_SEC_YARA: from .yar files loaded, or a
 * .vdb written with them), in order, into the one set. */
static int add_sources(struct vigil_engine *e)
{
	char nm[4097];
	const uint8_t *text;
	const char *name;
	size_t i, pos, nlen, tlen;
	int rc;

	for (i = 0; i < e->nshards; i++)
		for (pos = 0; vdb_yara_next(&e->shards[i].v, &pos, &name, &nlen,
					    &text, &tlen);) {
			if (!e->yara && (rc = new_set(e)) != 0)
				return rc;
			snprintf(nm, sizeof(nm), "%.*s", (int)nlen, name);
			if ((rc = vigil_yara_add_memory(e->yara, nm,
							(const char *)text, tlen,
							NULL)) != 0)
				return rc;
		}
	return 0;
}

/* The detection names, "YARA.<rule>", by rule; the rules that need a
 * module Vigil does not have counted as skipped, with a warning. */
static int names(struct vigil_engine *e, size_t n)
{
	const struct yr_ruleset *rs = &e->yara->rs;
	size_t r, skipped = 0;

	if (!(e->yara_names = calloc(n + 1, sizeof(*e->yara_names))))
		return VIGIL_ENOMEM;
	for (r = 0; r < n; r++) {
		const char *rule = rs->rules[r].name;

		skipped += yr_rule_uses_module(rs, &rs->rules[r]);
		if (!(e->yara_names[r] = malloc(strlen(rule) + 6)))
			return VIGIL_ENOMEM;
		sprintf(e->yara_names[r], "YARA.%s", rule);
	}
	e->nyara = n;
	e->skipped += skipped;
	e->yara_skipped = skipped;
	if (skipped && e->opts.log) {
		char msg[200];

		snprintf(msg, sizeof(msg), "%zu YARA rules use a module Vigil "
			 "does not have (dotnet, cuckoo): they "
			 "detect nothing", skipped);
		e->opts.log(e->opts.log_ctx, VIGIL_LOG_WARNING, msg);
	}
	return 0;
}

int yaraload_compile(struct vigil_engine *e, uint64_t *nrules)
{
	int rc;

	*nrules = 0;
	if ((rc = add_sources(e)) != 0 || !e->yara)
		return rc;
	if ((rc = vigil_yara_compile(e->yara)) != 0 ||
	    (rc = names(e, vigil_yara_rule_count(e->yara))) != 0)
		return rc;
	*nrules = e->nyara;
	return 0;
}

void yaraload_free(struct vigil_engine *e)
{
	size_t r;

	for (r = 0; r < e->nyara; r++)
		free(e->yara_names[r]);
	free(e->yara_names);
	vigil_yara_free(e->yara);
}
