/*
 * yrapi.c -- building the public YARA rule set (vigil.h): externals, rule
 * files and texts parsed into namespaces (includes read relative to the
 * including file), then the fast matcher and the caller's view of each
 * rule (metadata, string names) made at compile.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fileio.h"
#include "yara/yrapi_int.h"

static void say(const struct vigil_yara *y, int level, const char *msg)
{
	if (y->log)
		y->log(y->log_ctx, level, msg);
}

int vigil_yara_new(struct vigil_yara **out,
		   const struct vigil_yara_options *opts)
{
	struct vigil_yara *y;

	*out = NULL;
	if (opts && opts->size < offsetof(struct vigil_yara_options, flags))
		return VIGIL_EINVAL;
	if (!(y = calloc(1, sizeof(*y))))
		return VIGIL_ENOMEM;
	if (opts) {
		y->log = opts->log;
		y->log_ctx = opts->log_ctx;
		if (opts->size >= sizeof(*opts))
			y->flags = opts->flags;
	}
	*out = y;
	return 0;
}

void vigil_yara_free(struct vigil_yara *y)
{
	size_t r;

	if (!y)
		return;
	for (r = 0; y->views && r < y->rs.nrules; r++) {
		free(y->views[r].meta);
		free(y->views[r].ids);
	}
	free(y->views);
	yr_fast_free(y->fast);
	yr_ruleset_free(&y->rs);
	for (r = 0; r < y->next; r++)
		free(y->owned[r]);
	free(y);
}

static int name_ok(const char *n)
{
	size_t i;

	if (!n || !((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') ||
		    *n == '_'))
		return 0;
	for (i = 1; n[i]; i++)
		if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= 'A' && n[i] <= 'Z') ||
		      (n[i] >= '0' && n[i] <= '9') || n[i] == '_') || i >= 128)
			return 0;
	return 1;
}

/* The value's kind as yara's -d reads it. */
static void typed(struct yr_external *x, char *value)
{
	size_t n = strlen(value);
	char *end;

	x->kind = YN_TEXT;
	x->text = value;
	errno = 0;
	x->i = strtoll(value, &end, 0);
	if (n && !*end && !errno) {
		x->kind = YN_INT;
		return;
	}
	errno = 0;
	x->f = strtod(value, &end);
	if (n && !*end && !errno && strpbrk(value, ".eE")) {
		x->kind = YN_FLOAT;
	} else if (!strcmp(value, "true") || !strcmp(value, "false")) {
		x->kind = YN_BOOL;
		x->i = value[0] == 't';
	} else if (n >= 2 && value[0] == '"' && value[n - 1] == '"') {
		value[n - 1] = 0;
		x->text = value + 1;
	}
}

int vigil_yara_define(struct vigil_yara *y, const char *name,
		      const char *value)
{
	struct yr_external *x;
	size_t nl;
	char *own;

	if (!y || !name_ok(name) || !value || y->state != YRAPI_ADDING)
		return VIGIL_EINVAL;
	if (y->next == YRAPI_MAX_EXTERNALS)
		return VIGIL_ELIMIT;
	nl = strlen(name);
	if (!(own = malloc(nl + strlen(value) + 2)))
		return VIGIL_ENOMEM;
	memcpy(own, name, nl + 1);
	strcpy(own + nl + 1, value);
	x = &y->ext[y->next];
	x->name = own;
	typed(x, own + nl + 1);
	y->names[y->next] = own;
	y->owned[y->next++] = own;
	return 0;
}

/* A rule file into malloc'd memory (the parser frees what includes
 * return): 0 or a VIGIL_E* code. */
static int slurp(const char *path, char **src, size_t *len)
{
	struct filemap fm;
	int rc = filemap_open(path, &fm);

	if (rc)
		return rc;
	if (fm.len > YRAPI_MAX_RULE_FILE) {
		filemap_close(&fm);
		return VIGIL_ELIMIT;
	}
	if ((*src = malloc(fm.len + 1)) != NULL) {
		memcpy(*src, fm.map ? fm.map : "", fm.len);
		*len = fm.len;
	}
	filemap_close(&fm);
	return *src ? 0 : VIGIL_ENOMEM;
}

/* An included file, named relative to the file that includes it (as yarac
 * reads them). */
static int include(void *ctx, const char *name, const char *from,
		   char **path, char **src, size_t *len)
{
	const char *slash = from ? strrchr(from, '/') : NULL;
	size_t dir = slash && name[0] != '/' ? (size_t)(slash - from) + 1 : 0;

	(void)ctx;
	*src = NULL;
	if (!(*path = malloc(dir + strlen(name) + 1)))
		return -1;
	memcpy(*path, from, dir);
	strcpy(*path + dir, name);
	return slurp(*path, src, len) ? -1 : 0;
}

static int parse(struct vigil_yara *y, const char *name, const char *src,
		 size_t len, const char *ns, int includes)
{
	struct yr_parse_opts o = { .file = name, .ns = ns, .externals = y->names,
				   .nexternals = y->next };
	char err[1024];
	int rc;

	if (includes)
		o.include = include;
	if (y->state != YRAPI_ADDING)
		return VIGIL_ESTATE;
	if ((rc = yr_parse(&y->rs, src, len, &o, err, sizeof(err))) == 0)
		return 0;
	y->state = YRAPI_FAILED;
	say(y, VIGIL_LOG_ERROR, err);
	/* the parser says -1 for both; its message tells them apart */
	return !strcmp(err, "out of memory") ? VIGIL_ENOMEM : VIGIL_EFORMAT;
}

int vigil_yara_add_memory(struct vigil_yara *y, const char *name,
			  const void *src, size_t len, const char *ns)
{
	if (!y || (!src && len))
		return VIGIL_EINVAL;
	return parse(y, name ? name : "<rules>", src ? src : "", len, ns, 0);
}

int vigil_yara_add_file(struct vigil_yara *y, const char *path,
			const char *ns)
{
	size_t len = 0;
	char *src = NULL;
	int rc;

	if (!y || !path)
		return VIGIL_EINVAL;
	if (y->state != YRAPI_ADDING)
		return VIGIL_ESTATE;
	if ((rc = slurp(path, &src, &len)) != 0)
		return rc;
	rc = parse(y, path, src, len, ns, 1);
	free(src);
	return rc;
}

/* The caller's view of rule r: its metadata and string names. */
static int view(struct vigil_yara *y, size_t r)
{
	const struct yr_rule *rule = &y->rs.rules[r];
	struct yrapi_view *v = &y->views[r];
	size_t k;

	v->meta = calloc(rule->nmeta + 1, sizeof(*v->meta));
	v->ids = calloc(rule->nstrings + 1, sizeof(*v->ids));
	if (!v->meta || !v->ids)
		return VIGIL_ENOMEM;
	for (k = 0; k < rule->nmeta; k++) {
		const struct yr_meta *m = &rule->meta[k];

		v->meta[k] = (struct vigil_yara_meta){
			m->key, m->kind == YN_INT ? VIGIL_YARA_META_INT :
				m->kind == YN_BOOL ? VIGIL_YARA_META_BOOL :
						     VIGIL_YARA_META_TEXT,
			m->i, m->text };
	}
	for (k = 0; k < rule->nstrings; k++) {
		const char *id = rule->strings[k].id;
		char *s = yr_alloc(&y->rs.arena, strlen(id) + 2);

		if (!s)
			return VIGIL_ENOMEM;
		s[0] = '$';
		strcpy(s + 1, id);
		v->ids[k] = s;
	}
	return 0;
}

/* yarac's warning for each string that will be slow to look for. */
static void warn_slow(const struct vigil_yara *y)
{
	const struct yr_ruleset *rs = &y->rs;
	size_t r, k;
	char msg[512];

	for (r = 0; y->log && r < rs->nrules; r++)
		for (k = 0; k < rs->rules[r].nstrings; k++) {
			if (yr_fast_slow(y->fast, r, k) < 2)
				continue; /* a short run warns yara of nothing */
			snprintf(msg, sizeof(msg), "%s:%u: string $%s in rule "
				 "%s may slow down scanning (no two fixed bytes "
				 "to look for: it is matched over every file)",
				 rs->rules[r].file, rs->rules[r].strings[k].line,
				 rs->rules[r].strings[k].id, rs->rules[r].name);
			y->log(y->log_ctx, VIGIL_LOG_WARNING, msg);
		}
}

int vigil_yara_compile(struct vigil_yara *y)
{
	size_t r;
	int rc;

	if (!y)
		return VIGIL_EINVAL;
	if (y->state != YRAPI_ADDING)
		return VIGIL_ESTATE;
	if (!(y->views = calloc(y->rs.nrules + 1, sizeof(*y->views))))
		return VIGIL_ENOMEM;
	for (r = 0; r < y->rs.nrules; r++)
		if ((rc = view(y, r)) != 0)
			return rc;
	if ((rc = yr_fast_build(&y->rs, &y->fast)) != 0)
		return rc;
	if (y->flags & VIGIL_YARA_WARN_SLOW)
		warn_slow(y);
	y->state = YRAPI_COMPILED;
	return 0;
}

size_t vigil_yara_rule_count(const struct vigil_yara *y)
{
	return y ? y->rs.nrules : 0;
}
