/*
 * root.c -- the trusted root: the stored one (DBDIR/state/root), or the
 * --trust file on a first run, which must be signed by its own threshold
 * of root keys; and the adoption of a newer root verified by the cycle.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "fsutil.h"
#include "root.h"

static int same_keys(const struct role_keys *a, const struct role_keys *b)
{
	return a->threshold == b->threshold && a->nkeys == b->nkeys &&
	       !memcmp(a->keyid, b->keyid, a->nkeys * KEYID_BYTES);
}

void upd_root_adopt(struct uctx *c, const struct manifest *m, char *text,
		size_t len)
{
	/* new timestamp or release keys: their old floors may have been
	 * pushed up by a thief of the old keys (fast-forward); start over */
	if (!same_keys(&c->root.roles[ROLE_TIMESTAMP], &m->roles[ROLE_TIMESTAMP]))
		c->st.timestamp = 0;
	if (!same_keys(&c->root.roles[ROLE_RELEASE], &m->roles[ROLE_RELEASE]))
		c->st.release = 0;
	c->root = *m;
	free(c->root_text);
	c->root_text = text;
	c->root_len = len;
	c->root_changed = 1;
}

enum upd_error upd_root_load(struct uctx *c)
{
	char path[4096];
	const char *why;
	size_t len;
	char *text;

	snprintf(path, sizeof(path), "%s/state/root", c->dir);
	text = upd_read_file(path, MANIFEST_MAX_ROOT_BYTES, &len);
	if (!text && c->trust)
		text = upd_read_file(c->trust, MANIFEST_MAX_ROOT_BYTES, &len);
	else if (text)
		c->trust = NULL; /* the stored root supersedes the first */
	if (!text)
		return upd_fail(c, U_INSTALL, "no root of trust (give --trust "
			    "ROOTFILE): %s", strerror(errno));
	if (upd_manifest_parse(text, len, ROLE_ROOT, &c->root, &why) < 0) {
		free(text);
		return upd_fail(c, U_FORMAT, "root of trust: %s", why);
	}
	if (upd_verify_threshold(&c->root, text, &c->root, ROLE_ROOT) < 0) {
		free(text);
		return upd_fail(c, U_SIG, "root of trust: not signed by its own "
			    "threshold of root keys");
	}
	c->root_text = text;
	c->root_len = len;
	c->root_changed = c->trust != NULL;
	return U_OK;
}
