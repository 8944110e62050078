/*
 * yrparse.h -- reading YARA rule files into a rule set (yrast.h), with
 * the checks yarac makes: names defined before use, strings declared and
 * each one used, modifiers that go together, hex strings well formed.
 */
#ifndef VIGIL_YARA_YRPARSE_H
#define VIGIL_YARA_YRPARSE_H

#include <stddef.h>

#include "yara/yrast.h"
#include "yara/yrstate.h"

/*
 * Adds the rules of src to rs (zeroed before the first call). 0, or -1
 * with "file:line:column: message" in err; after an error the set is only
 * fit to be freed.
 */
int yr_parse(struct yr_ruleset *rs, const char *src, size_t len,
	     const struct yr_parse_opts *o, char *err, size_t errcap);
void yr_ruleset_free(struct yr_ruleset *rs);

#endif
