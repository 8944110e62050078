/*
 * ymmagic.c -- YARA's magic module: magic.type() and magic.mime_type() of
 * the scanned bytes, as libmagic (file(1)'s library, a maintained parser
 * of exactly this) names them. A libmagic handle is not shared between
 * threads: each thread opens its own the first time, loads the system's
 * magic database into it, and closes it when the thread ends. Each
 * answer is computed once per buffer.
 */
#include <magic.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "yara/ymodules.h"
#include "vigil/vigil.h"

struct magic_priv {
	struct ym_val type, mime;
	int have_type, have_mime;
};

static pthread_key_t cookie_key;
static pthread_once_t cookie_once = PTHREAD_ONCE_INIT;

static void cookie_close(void *cookie)
{
	magic_close(cookie);
}

static void cookie_init(void)
{
	pthread_key_create(&cookie_key, cookie_close);
}

/* This thread's libmagic handle with its database loaded, or NULL. */
static magic_t cookie(void)
{
	magic_t m;

	pthread_once(&cookie_once, cookie_init);
	if ((m = pthread_getspecific(cookie_key)))
		return m;
	if (!(m = magic_open(MAGIC_NONE)))
		return NULL;
	if (magic_load(m, NULL) != 0 || pthread_setspecific(cookie_key, m)) {
		magic_close(m);
		return NULL;
	}
	return m;
}

static struct ym_val describe(struct ym_call *c, int mime)
{
	struct magic_priv *p = c->priv;
	magic_t m = cookie();
	const char *text;

	if (!p || !m)
		return ym_undef;
	if (!(mime ? p->have_mime : p->have_type)) {
		magic_setflags(m, mime ? MAGIC_MIME_TYPE : MAGIC_NONE);
		text = magic_buffer(m, c->scan->buf, c->scan->len);
		if (mime) {
			p->mime = text ? ym_text(c->scan, text, strlen(text)) :
					 ym_undef;
			p->have_mime = 1;
		} else {
			p->type = text ? ym_text(c->scan, text, strlen(text)) :
					 ym_undef;
			p->have_type = 1;
		}
	}
	return mime ? p->mime : p->type;
}

static struct ym_val mime_type(struct ym_call *c)
{
	return describe(c, 1);
}

static struct ym_val type(struct ym_call *c)
{
	return describe(c, 0);
}

static const struct ym_decl magic_members[] = {
	YM_DFN("mime_type", "", 's', mime_type),
	YM_DFN("type", "", 's', type),
};

static const struct ym_decl magic_root = YM_DSTRUCT("magic", magic_members);

static int load(struct ym_scan *s, struct ym_obj *root, void **priv)
{
	(void)s;
	(void)root;
	*priv = calloc(1, sizeof(struct magic_priv));
	return *priv ? 0 : VIGIL_ENOMEM;
}

const struct ym_module ym_magic = { "magic", &magic_root, load, free };

void ym_magic_prepare(void)
{
	(void)cookie();
}
