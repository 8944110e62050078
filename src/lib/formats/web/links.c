/*
 * links.c -- the real and displayed URLs of an HTML text, by the rules of
 * ClamAV's phishing documentation: an <a href> and the text inside it
 * (tags stripped, a second <a> closing the first), its title attribute,
 * the action of an enclosing <form> against each href or image inside it,
 * and an <img src>/<img dynsrc>/<iframe src>/<area href> inside an <a>
 * against that href. Numeric and the common named character references
 * are decoded in values and text (a reader sees "www.paypal.com" for
 * "www&#46;paypal&#46;com"; ClamAV leaves them), and the full stops of
 * CJK scripts (U+3002, U+FF0E, U+FE52) count as dots, as in ClamAV.
 * Comments, scripts and styles are skipped. Written here: it is a walk of
 * tags and text, not a document model.
 */
#include "formats/web/links.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vigil/vigil.h"

#define TAG_NAME_BYTES 16
#define ATTR_NAME_BYTES 16

struct text {
	char s[LINK_MAX_BYTES + 1];
	size_t n;
};

struct walk {
	const uint8_t *b;
	size_t len, pos;
	link_fn fn;
	void *ctx;
	int in_a;
	char href[LINK_MAX_BYTES + 1];
	struct text contents;
	int in_form;
	char action[LINK_MAX_BYTES + 1];
};

static void put(struct text *t, char c)
{
	if (t->n < LINK_MAX_BYTES)
		t->s[t->n++] = c;
	t->s[t->n] = 0;
}

/* A character reference at b[*i] ('&'), decoded into t; 0 if none. */
static int entity(const uint8_t *b, size_t len, size_t *i, struct text *t)
{
	static const struct { const char *name; char c; } named[] = {
		{ "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' },
		{ "quot;", '"' }, { "nbsp;", ' ' }, { "period;", '.' },
	};
	size_t j = *i + 1, k;
	unsigned long v = 0;

	if (j < len && b[j] == '#') {
		int hex = ++j < len && (b[j] == 'x' || b[j] == 'X');
		size_t d0 = j += hex;

		for (; j < len && (hex ? isxdigit(b[j]) : isdigit(b[j])) &&
		       j - d0 < 8; j++)
			v = v * (hex ? 16 : 10) +
			    (unsigned long)(isdigit(b[j]) ? b[j] - '0' :
					    (tolower(b[j]) - 'a' + 10));
		if (j == d0 || v == 0 || v > 0x7e)
			return 0; /* only ASCII references are decoded */
		*i = j < len && b[j] == ';' ? j : j - 1;
		put(t, (char)v);
		return 1;
	}
	for (k = 0; k < sizeof(named) / sizeof(named[0]); k++) {
		size_t n = strlen(named[k].name);

		if (len - j >= n && !strncmp((const char *)b + j, named[k].name, n)) {
			*i = j + n - 1;
			put(t, named[k].c);
			return 1;
		}
	}
	return 0;
}

/* Text between tags inside an <a>. */
static void text_char(struct walk *w)
{
	const uint8_t *b = w->b;
	uint8_t c = b[w->pos];

	if (c == '&' && entity(b, w->len, &w->pos, &w->contents))
		return;
	if (c == 0xe3 && w->len - w->pos >= 3 && b[w->pos + 1] == 0x80 &&
	    b[w->pos + 2] == 0x82) {
		put(&w->contents, '.');
		w->pos += 2;
		return;
	}
	if (c == 0xef && w->len - w->pos >= 3 &&
	    ((b[w->pos + 1] == 0xbc && b[w->pos + 2] == 0x8e) ||
	     (b[w->pos + 1] == 0xb9 && b[w->pos + 2] == 0x92))) {
		put(&w->contents, '.');
		w->pos += 2;
		return;
	}
	put(&w->contents, c == '\n' || c == '\r' ? ' ' : (char)c);
}

/* Skips to just after the next occurrence of s (case-blind), or the end. */
static void skip_past(struct walk *w, const char *s)
{
	size_t n = strlen(s);

	while (w->pos + n <= w->len &&
	       strncasecmp((const char *)w->b + w->pos, s, n))
		w->pos++;
	w->pos = w->pos + n <= w->len ? w->pos + n : w->len;
}

#define TAG_MAX_ATTRS 16

struct tag {
	char name[TAG_NAME_BYTES];
	char attr[TAG_MAX_ATTRS][ATTR_NAME_BYTES];
	struct text value[TAG_MAX_ATTRS];
	unsigned n;
};

static int space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* A word (tag or attribute name), lowercased, cut to cap - 1 bytes. */
static void word(struct walk *w, char *out, size_t cap, const char *stops)
{
	size_t o = 0;

	while (w->pos < w->len && !space(w->b[w->pos]) &&
	       !strchr(stops, w->b[w->pos])) {
		if (o + 1 < cap)
			out[o++] = (char)tolower(w->b[w->pos]);
		w->pos++;
	}
	out[o] = 0;
}

static void attr_value(struct walk *w, struct text *v)
{
	uint8_t q = 0;

	v->n = 0;
	v->s[0] = 0;
	if (w->pos < w->len && (w->b[w->pos] == '"' || w->b[w->pos] == '\''))
		q = w->b[w->pos++];
	for (; w->pos < w->len; w->pos++) {
		uint8_t c = w->b[w->pos];

		if (q ? c == q : (space(c) || c == '>'))
			break;
		if (c == '&' && entity(w->b, w->len, &w->pos, v))
			continue;
		put(v, c == '\n' || c == '\r' ? ' ' : (char)c);
	}
	if (q && w->pos < w->len)
		w->pos++;
}

/* The tag at w->pos (just after '<'), up to and past its '>'. */
static void read_tag(struct walk *w, struct tag *t)
{
	t->n = 0;
	word(w, t->name, sizeof(t->name), ">/");
	while (w->pos < w->len && w->b[w->pos] != '>') {
		char name[ATTR_NAME_BYTES];

		if (space(w->b[w->pos]) || w->b[w->pos] == '/') {
			w->pos++;
			continue;
		}
		word(w, name, sizeof(name), "=>/");
		while (w->pos < w->len && space(w->b[w->pos]))
			w->pos++;
		if (w->pos < w->len && w->b[w->pos] == '=') {
			w->pos++;
			while (w->pos < w->len && space(w->b[w->pos]))
				w->pos++;
			if (t->n < TAG_MAX_ATTRS) {
				strcpy(t->attr[t->n], name);
				attr_value(w, &t->value[t->n++]);
			} else {
				struct text sink;

				attr_value(w, &sink);
			}
		} else if (!*name) {
			w->pos++; /* a stray byte */
		}
	}
	if (w->pos < w->len)
		w->pos++;
}

static const char *attr(const struct tag *t, const char *name)
{
	unsigned i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->attr[i], name))
			return t->value[i].s;
	return NULL;
}

/* The <a> being read ends: its href against its text. */
static int close_a(struct walk *w)
{
	w->in_a = 0;
	return w->fn(w->ctx, "href", w->href, w->contents.s);
}

static int open_a(struct walk *w, const struct tag *t)
{
	const char *href = attr(t, "href"), *title = attr(t, "title");
	int rc;

	if (!href || !*href)
		return 0;
	if (w->in_a && (rc = close_a(w)) != 0)
		return rc;
	if (title && (rc = w->fn(w->ctx, "href_title", title, href)) != 0)
		return rc;
	if (w->in_form && (rc = w->fn(w->ctx, "form", href, w->action)) != 0)
		return rc;
	strcpy(w->href, href);
	w->in_a = 1;
	w->contents.n = 0;
	w->contents.s[0] = 0;
	return 0;
}

/* An image, frame or area: displayed against the <a> or <form> around. */
static int inner(struct walk *w, const char *tag, const char *value)
{
	if (!value || !*value)
		return 0;
	if (w->in_a)
		return w->fn(w->ctx, tag, value, w->href);
	if (w->in_form)
		return w->fn(w->ctx, "form", value, w->action);
	return 0;
}

static int on_tag(struct walk *w, const struct tag *t)
{
	const char *v;
	int rc = 0;

	if (!strcmp(t->name, "a"))
		return open_a(w, t);
	if (!strcmp(t->name, "/a"))
		return w->in_a ? close_a(w) : 0;
	if (!strcmp(t->name, "form") && (v = attr(t, "action"))) {
		strcpy(w->action, v);
		w->in_form = 1;
	} else if (!strcmp(t->name, "/form")) {
		w->in_form = 0;
	} else if (!strcmp(t->name, "img")) {
		rc = inner(w, "src", attr(t, "src"));
		if (!rc)
			rc = inner(w, "dynsrc", attr(t, "dynsrc"));
	} else if (!strcmp(t->name, "iframe")) {
		rc = inner(w, "iframe", attr(t, "src"));
	} else if (!strcmp(t->name, "area")) {
		rc = inner(w, "area", attr(t, "href"));
	} else if (!strcmp(t->name, "script") || !strcmp(t->name, "style")) {
		skip_past(w, !strcmp(t->name, "script") ? "</script" :
							   "</style");
	}
	return rc;
}

int links_extract(const uint8_t *b, size_t len, link_fn fn, void *ctx)
{
	struct walk *w = calloc(1, sizeof(*w));
	struct tag *t = malloc(sizeof(*t));
	int rc = 0;

	if (!w || !t) {
		free(w);
		free(t);
		return VIGIL_ENOMEM;
	}
	w->b = b;
	w->len = len;
	w->fn = fn;
	w->ctx = ctx;
	while (!rc && w->pos < len) {
		if (b[w->pos] == '<' && len - w->pos >= 4 &&
		    !memcmp(b + w->pos, "<!--", 4)) {
			w->pos += 4;
			skip_past(w, "-->");
		} else if (b[w->pos] == '<' && w->pos + 1 < len &&
			   (isalpha(b[w->pos + 1]) || b[w->pos + 1] == '/')) {
			w->pos++;
			read_tag(w, t);
			rc = on_tag(w, t);
		} else {
			if (w->in_a)
				text_char(w);
			w->pos++;
		}
	}
	if (!rc && w->in_a)
		rc = close_a(w);
	free(w);
	free(t);
	return rc;
}
