/*
 * updconf.c -- see updconf.h.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/kvconf.h"
#include "updconf.h"

/* Longest line and file of update.conf, in bytes. */
#define UPDCONF_MAX_LINE_BYTES 4096u
#define UPDCONF_MAX_FILE_BYTES (64u << 10)

/* A mirror of either kind: Vigil's (Mirror) or ClamAV's (ClamAVMirror),
 * not both in one file. */
static int add_mirror(struct updconf *f, const char *value, int clamav,
		      char *err, size_t errlen)
{
	const char *key = clamav ? "ClamAVMirror" : "Mirror";

	if (f->nmirrors && f->clamav != clamav) {
		snprintf(err, errlen, "%s: Mirror and ClamAVMirror cannot be "
			 "mixed", key);
		return -1;
	}
	if (!*value || f->nmirrors >= MAX_MIRRORS) {
		snprintf(err, errlen, "%s: %s", key, *value ? "more than 16" :
			 "a URL is missing");
		return -1;
	}
	if (!(f->mirrors[f->nmirrors] = strdup(value))) {
		snprintf(err, errlen, "%s: out of memory", key);
		return -1;
	}
	f->clamav = clamav;
	f->nmirrors++;
	return 0;
}

static int mirror(void *conf, const char *value, char *err, size_t errlen)
{
	return add_mirror(conf, value, 0, err, errlen);
}

static int clamav_mirror(void *conf, const char *value, char *err,
			 size_t errlen)
{
	return add_mirror(conf, value, 1, err, errlen);
}

#define S(n, f) { .name = n, .type = KV_STRDUP, \
		  .off = offsetof(struct updconf, f) }
static const struct kv_key keys[] = {
	S("DatabaseDirectory", dir),
	S("Trust", trust),
	S("Target", target),
	S("Channel", channel),
	S("Type", type),
	S("ReloadSocket", reload_sock),
	S("Proxy", proxy),
	S("ClamAVDatabases", cvd_names),
	S("CVDCertsDirectory", certs_dir),
	{ .name = "ClamAVMirror", .type = KV_CALL, .call = clamav_mirror },
	{ .name = "PrivateMirror", .type = KV_CALL, .call = clamav_mirror },
	{ .name = "Mirror", .type = KV_CALL, .call = mirror },
	{ .name = "DatabaseMirror", .type = KV_CALL, .call = mirror },
	{ .name = "Checks", .type = KV_UINT, .max = UPDCONF_MAX_CHECKS,
	  .off = offsetof(struct updconf, checks) },
};
#undef S

static const struct kv_format format = {
	keys, sizeof(keys) / sizeof(*keys), NULL, 1, UPDCONF_MAX_LINE_BYTES,
	UPDCONF_MAX_FILE_BYTES,
};

/* What no line says alone: a Type known, a number of checks. */
static int check(const struct updconf *f, const char *name, char *err,
		 size_t errlen)
{
	if (f->type && strcmp(f->type, "sigdb") && strcmp(f->type, "rules")) {
		snprintf(err, errlen, "%s: Type: sigdb or rules, not %s", name,
			 f->type);
		return -1;
	}
	if (!f->checks) {
		snprintf(err, errlen, "%s: Checks: 1 to %u a day, not 0", name,
			 UPDCONF_MAX_CHECKS);
		return -1;
	}
	return 0;
}

int updconf_load(struct updconf *f, const char *path, char *err,
		 size_t errlen)
{
	f->checks = UPDCONF_DEFAULT_CHECKS;
	if (kv_load(&format, f, path, err, errlen) < 0)
		return -1;
	return check(f, path, err, errlen);
}

int updconf_text(struct updconf *f, const char *text, size_t len,
		 const char *name, char *err, size_t errlen)
{
	f->checks = UPDCONF_DEFAULT_CHECKS;
	if (kv_text(&format, f, text, len, name, err, errlen) < 0)
		return -1;
	return check(f, name, err, errlen);
}

void updconf_apply(const struct updconf *f, struct uctx *c)
{
	unsigned i;

	if (!c->dir)
		c->dir = f->dir;
	if (!c->trust)
		c->trust = f->trust;
	if (!c->target)
		c->target = f->target;
	if (!c->channel)
		c->channel = f->channel;
	if (!c->type)
		c->type = f->type;
	if (!c->reload_sock)
		c->reload_sock = f->reload_sock;
	if (!c->fo.proxy)
		c->fo.proxy = f->proxy;
	if (!c->cvd_names)
		c->cvd_names = f->cvd_names;
	if (!c->certs_dir)
		c->certs_dir = f->certs_dir;
	if (c->nmirrors)
		return;
	for (i = 0; i < f->nmirrors; i++)
		c->mirrors[i] = f->mirrors[i];
	c->nmirrors = f->nmirrors;
	c->clamav = f->clamav;
}

void updconf_free(struct updconf *f)
{
	unsigned i;

	for (i = 0; i < f->nmirrors; i++)
		free(f->mirrors[i]);
	kv_free(&format, f);
	memset(f, 0, sizeof(*f));
}
