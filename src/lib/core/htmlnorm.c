/*
 * htmlnorm.c -- the two forms of an HTML page that clamscan matches
 * besides its bytes, made byte for byte as clamscan 1.4 makes them, so
 * that a body signature, a .hdb hash or a .fp entry written against
 * them means the same here (docs/signatures.md):
 *
 *   tags form (clamscan's nocomment.html): comments removed; tags kept,
 *     their names, attribute names and unquoted values lowered, quotes
 *     made double; character references decoded (code points over 254
 *     written "&#xhhhh;"); letters lowered; runs of white space one
 *     space; script and style text kept without white space, its single
 *     quotes made double.
 *   text form (notags.html): the text between tags, one space where a
 *     tag, a reference or a run of white space was, and the targets of
 *     links and images as written.
 *
 * Both keep clamscan's quirks, because a hash of the form must come out
 * the same: the page is read in pieces of at most 8191 bytes (NUL bytes
 * left out, a piece cut back after its last white space, white space at
 * a piece's start skipped); a comment ends at the first '>'; inside a
 * quoted value, a space ends the quoting; a multi-byte character is
 * written to the text form with its second-last byte in place of its
 * last; "data:" values are left out of the tags form. Written here: no
 * HTML library produces clamscan's forms. The page is untrusted: it is
 * copied piece by piece into a NUL-ended buffer (next_piece, bounded by
 * the page's length), and the state machine reads that buffer only, up
 * to its NUL; the forms grow with checked appends.
 *
 * Not done (listed in docs/signatures.md): pages encoded with Microsoft's
 * Script Encoder (#@~^) are not decoded.
 */
#include "core/htmlnorm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/htmlent.h"
#include "core/htmlplain.h"
#include "vigil/vigil.h"

/* clamscan's limits: the longest tag, attribute or value kept, and the
 * size of the pieces the page is read in */
#define HN_STR 1024
#define HN_PIECE 8192

enum hn_state {
	S_NORM, S_SKIP_WS, S_TRIM_WS, S_8BIT, S_TAG, S_ARG, S_ARG_EQUAL,
	S_ARG_VAL, S_COMMENT, S_PROCESS_TAG, S_REF, S_ENTITY, S_NUMREF,
	S_DATA_TYPE, S_DATA_INIT, S_DATA, S_DATA_FINISH, S_DATA_ESC,
	S_ESCAPE, S_BAD
};

enum { IN_TEXT, IN_SCRIPT, IN_STYLE };
enum { Q_NONE, Q_SINGLE, Q_DOUBLE };

/* A tag's first href= or src=: none, without a value, with one. */
enum { ARG_NONE, ARG_BARE, ARG_VALUE };

struct hn_arg {
	int set;
	char v[HN_STR + 1];
};

struct hn {
	uint8_t *p;		/* the byte being read, in a NUL-ended piece */
	const uint8_t *piece;	/* that piece */
	size_t style_at;	/* where the style text began in it */
	enum hn_state state, next;
	int in;			/* IN_*: inside a script or style */
	int binary;		/* inside a data: value: CR and LF as they are */
	int escape, quoted, hex, space;	/* space: one written to text */
	int64_t value;
	unsigned esc_len;
	uint32_t mb, mb2;	/* multi-byte characters being gathered */
	size_t tag_len, arg_len, val_len, ent_len;
	char tag[HN_STR + 1], arg[HN_STR + 1], val[HN_STR + 1];
	char ent[HN_STR + 1];
	struct hn_arg href, src;
	struct vbuf *o, *t;	/* tags form, text form (or NULL) */
	int how;		/* HP_*: how plain text is read */
	int err;
};

static int is_space(uint8_t c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static int is_xdigit(uint8_t c)
{
	return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static int is_alnum(uint8_t c)
{
	return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static void put(struct hn *h, struct vbuf *b, uint8_t c)
{
	if (!b)
		return;
	if (b->len < b->cap)
		b->data[b->len++] = c;
	else if (vbuf_append_u8(b, c) < 0)
		h->err = 1;
}

static void put_str(struct hn *h, struct vbuf *b, const char *s)
{
	while (*s)
		put(h, b, (uint8_t)*s++);
}

static void val_add(struct hn *h, uint8_t c)
{
	if (h->val_len < HN_STR)
		h->val[h->val_len++] = (char)c;
}

/* A decoded code point (cut to 16 bits), as clamscan writes it. */
static void put_u16(struct hn *h, uint16_t u)
{
	static const char hexd[] = "0123456789abcdef";
	char s[9];
	int i;

	if (!u)
		return;
	if (u < 0xff) {
		put(h, h->o, (uint8_t)u);
		return;
	}
	if (u == 0x3002 || u == 0xff0e || u == 0xfe52) {
		put(h, h->o, '.'); /* full stops of other scripts */
		return;
	}
	memcpy(s, "&#x0000;", 9);
	for (i = 6; i >= 3; i--, u >>= 4)
		s[i] = hexd[u & 0xf];
	put_str(h, h->o, s);
}

/* The first href= and src= of a tag are kept; a quoted value without its
 * quotes (its last byte dropped, whatever it is). */
static void add_arg(struct hn *h, const char *name, const char *value)
{
	struct hn_arg *a = !strcmp(name, "href") ? &h->href :
			   !strcmp(name, "src") ? &h->src : NULL;
	size_t n;

	if (!a || a->set != ARG_NONE)
		return;
	a->set = value ? ARG_VALUE : ARG_BARE;
	if (!value)
		return;
	if (*value == '"') {
		n = strlen(value + 1);
		memcpy(a->v, value + 1, n + 1);
		if (n)
			a->v[n - 1] = 0;
	} else {
		memcpy(a->v, value, strlen(value) + 1);
	}
}

static void go(struct hn *h, enum hn_state state, enum hn_state next)
{
	h->state = state;
	h->next = next;
}

/* The three special full stops, and 0xA1 before C, D or O. */
static int mb_stop(uint32_t mb, uint8_t c)
{
	return mb == 0xe38082 || mb == 0xefbc8e || mb == 0xefb992 ||
	       (mb == 0xa1 && (c == 'C' || c == 'D' || c == 'O'));
}

static void st_8bit(struct hn *h)
{
	uint8_t c = *h->p, c0, c1, c2;

	if (c >= 0x80 && h->mb < 0x10000) {
		h->mb = h->mb << 8 | c;
		h->p++;
		return;
	}
	if (mb_stop(h->mb, c)) {
		put(h, h->o, '.');
		put(h, h->t, '.');
		if (h->mb == 0xa1) { /* the letter is taken; state stays */
			h->p++;
			h->mb = 0;
			return;
		}
	} else {
		c0 = (uint8_t)(h->mb >> 16);
		c1 = (uint8_t)(h->mb >> 8);
		c2 = (uint8_t)h->mb;
		if (c0) {
			put(h, h->o, c0);
			put(h, h->t, c0);
		}
		if (c0 || c1) {
			put(h, h->o, c1);
			put(h, h->t, c1);
		}
		put(h, h->o, c2);
		put(h, h->t, c1); /* sic: clamscan's text form */
	}
	h->mb = 0;
	go(h, h->next, S_NORM);
}

/* A space in the text form, once for a run. */
static void text_space(struct hn *h)
{
	if (!h->space && h->in == IN_TEXT) {
		put(h, h->t, ' ');
		h->space = 1;
	}
}

static void st_norm(struct hn *h)
{
	uint8_t c = *h->p, lc;

	if (c == '<') {
		put(h, h->o, '<');
		text_space(h);
		h->p++;
		h->tag_len = 0;
		go(h, S_SKIP_WS, S_TAG);
	} else if (is_space(c)) {
		text_space(h);
		go(h, S_TRIM_WS, S_NORM);
	} else if (c == '&') {
		text_space(h);
		go(h, S_REF, S_NORM);
		h->p++;
	} else if (c >= 0x80) {
		go(h, S_8BIT, S_NORM);
		h->mb = c;
		h->p++;
	} else {
		lc = lower(c);
		if (h->in != IN_TEXT && lc == '\'')
			lc = '"';
		put(h, h->o, lc);
		if (h->in == IN_TEXT && c < 0x20) {
			text_space(h);
		} else if (h->in == IN_TEXT) {
			put(h, h->t, lc);
			h->space = 0;
		}
		h->p++;
	}
}

static void st_tag(struct hn *h)
{
	uint8_t c = *h->p;

	if (!h->tag_len && c == '!') { /* a comment */
		if (h->in != IN_TEXT)
			put(h, h->o, '!');
		else if (h->o->len)
			h->o->len--; /* its '<' */
		go(h, S_COMMENT, S_BAD);
		h->p++;
	} else if (c == '>') {
		put(h, h->o, '>');
		h->p++;
		h->tag[h->tag_len] = 0;
		go(h, S_SKIP_WS, S_PROCESS_TAG);
	} else if (!is_space(c)) {
		put(h, h->o, lower(c));
		/* inside a script only an end tag is one */
		if (h->in != IN_TEXT && !h->tag_len && c != '/')
			h->state = S_NORM;
		if (h->tag_len < HN_STR)
			h->tag[h->tag_len++] = (char)lower(c);
		h->p++;
	} else {
		h->tag[h->tag_len] = 0;
		h->arg_len = 0;
		go(h, S_SKIP_WS, h->in == IN_TEXT ? S_ARG : S_PROCESS_TAG);
	}
}

static void start_value(struct hn *h)
{
	put(h, h->o, '=');
	h->p++;
	h->escape = 0;
	h->quoted = Q_NONE;
	h->val_len = 0;
	go(h, S_SKIP_WS, S_ARG_VAL);
}

static void st_arg(struct hn *h)
{
	uint8_t c = *h->p;

	if (c == '=') {
		h->arg[h->arg_len] = 0;
		start_value(h);
	} else if (is_space(c)) {
		h->p++;
		h->arg[h->arg_len] = 0;
		go(h, S_SKIP_WS, S_ARG_EQUAL);
	} else if (c == '>') {
		put(h, h->o, '>');
		if (h->arg_len) {
			h->arg[h->arg_len] = 0;
			add_arg(h, h->arg, NULL);
		}
		h->p++;
		go(h, S_PROCESS_TAG, S_BAD);
	} else {
		if (!h->arg_len)
			put(h, h->o, ' ');
		put(h, h->o, lower(c));
		if (h->arg_len < HN_STR)
			h->arg[h->arg_len++] = (char)lower(c);
		h->p++;
	}
}

static void st_arg_equal(struct hn *h)
{
	if (*h->p == '=') {
		start_value(h);
		return;
	}
	if (h->arg_len) {
		h->arg[h->arg_len] = 0;
		add_arg(h, h->arg, NULL);
	}
	h->arg_len = 0;
	go(h, S_ARG, S_BAD);
}

/* The value ends: it is the attribute's. */
static void value_done(struct hn *h)
{
	h->val[h->val_len] = 0;
	add_arg(h, h->arg, h->val);
	h->arg_len = 0;
	go(h, S_SKIP_WS, S_ARG);
}

static void value_quote(struct hn *h, int q)
{
	int first = !h->val_len;

	put(h, h->o, '"');
	val_add(h, '"');
	h->p++;
	if (first)
		h->quoted = q;
	else if (!h->escape && h->quoted == q)
		value_done(h);
}

/* A multi-byte character in a value, written when it is complete. 1 if
 * the byte was taken as part of it (0xA1 before C, D or O). */
static int value_mb_flush(struct hn *h, uint8_t c)
{
	if (!h->mb2 || (c >= 0x80 && h->mb2 < 0x10000))
		return 0;
	if (mb_stop(h->mb2, c)) {
		put(h, h->o, '.');
		val_add(h, '.');
		if (h->mb2 == 0xa1) {
			h->p++;
			h->mb2 = 0;
			return 1;
		}
	} else {
		uint8_t c0 = (uint8_t)(h->mb2 >> 16), c1 = (uint8_t)(h->mb2 >> 8);

		if (c0)
			put(h, h->o, c0);
		if (c0 || c1)
			put(h, h->o, c1);
		put(h, h->o, (uint8_t)h->mb2);
		if (c0)
			val_add(h, c0);
		if (c0 || c1)
			val_add(h, c1);
		val_add(h, (uint8_t)h->mb2);
	}
	h->mb2 = 0;
	return 0;
}

static void value_byte(struct hn *h, uint8_t c)
{
	if (value_mb_flush(h, c))
		return;
	if (c >= 0x80) {
		h->mb2 = h->mb2 << 8 | c;
	} else {
		put(h, h->o, lower(c));
		val_add(h, c);
	}
	h->p++;
	h->escape = *h->p == '\\';
}

static int data_value(const struct hn *h)
{
	return (h->val_len == 5 && !memcmp(h->val, "data:", 5)) ||
	       (h->val_len == 6 && !memcmp(h->val, "\"data:", 6));
}

static void st_arg_val(struct hn *h)
{
	uint8_t c = *h->p;

	if (data_value(h)) { /* a data: URI is left out */
		if (h->o->len)
			h->o->len--;
		if (h->quoted != Q_NONE)
			put(h, h->o, '"');
		h->val_len = 0;
		go(h, S_DATA_TYPE, S_ARG);
	} else if (c == '&') {
		go(h, S_REF, S_ARG_VAL);
		h->p++;
	} else if (c == '\'' || c == '"') {
		value_quote(h, c == '"' ? Q_DOUBLE : Q_SINGLE);
	} else if ((is_space(c) || c == '>') && h->quoted == Q_NONE) {
		value_done(h);
	} else if (is_space(c) || c == '>') {
		put(h, h->o, c);
		val_add(h, is_space(c) ? ' ' : '>');
		h->escape = 0;
		h->quoted = Q_NONE; /* sic */
		go(h, S_SKIP_WS, S_ARG_VAL);
		h->p++;
	} else {
		value_byte(h, c);
		return;
	}
	h->escape = *h->p == '\\';
}

static void st_comment(struct hn *h)
{
	uint8_t c = *h->p;

	if (h->in != IN_TEXT && !is_space(c))
		put(h, h->o, c == '\'' ? '"' : lower(c));
	if (c == '>')
		go(h, S_SKIP_WS, S_NORM);
	h->p++;
}

static void put_arg(struct hn *h, const struct hn_arg *a)
{
	if (a->set == ARG_VALUE && a->v[0]) {
		put_str(h, h->t, a->v);
		put(h, h->t, ' ');
		h->space = 1;
	}
}

/* 1 if the normaliser gives up here: clamscan does when a style's end
 * tag began in an earlier piece than the one it ends in. */
static int st_process_tag(struct hn *h)
{
	const char *tag = h->tag;
	size_t at = (size_t)(h->p - h->piece);

	go(h, S_SKIP_WS, S_NORM);
	if (!strcmp(tag, "/script")) {
		h->in = IN_TEXT;
	} else if (!strcmp(tag, "/style") && h->in == IN_STYLE) {
		if (at < h->style_at + 8) /* strlen("</style>") */
			return 1;
		h->in = IN_TEXT;
	} else if (!strcmp(tag, "script")) {
		h->in = IN_SCRIPT;
	} else if (!strcmp(tag, "style")) {
		h->in = IN_STYLE;
		h->style_at = at;
	}
	else if (!strcmp(tag, "a"))
		put_arg(h, &h->href);
	else if (!strcmp(tag, "img"))
		put_arg(h, &h->src);
	h->href.set = h->src.set = ARG_NONE;
	return 0;
}

/* A reference ends: the state it came from goes on. */
static void ref_done(struct hn *h)
{
	go(h, h->next, S_BAD);
}

static void ref_out(struct hn *h, uint8_t c)
{
	put(h, h->o, c);
	if (h->next == S_ARG_VAL)
		val_add(h, c);
}

static void st_ref(struct hn *h)
{
	if (*h->p == '#') {
		h->value = 0;
		h->hex = 0;
		h->state = S_NUMREF;
		h->p++;
	} else {
		h->state = S_ENTITY;
	}
}

/* A name that is not one: written as it was, lowered. */
static void entity_raw(struct hn *h, int semicolon)
{
	size_t i;

	ref_out(h, '&');
	for (i = 0; i < h->ent_len; i++)
		ref_out(h, lower((uint8_t)h->ent[i]));
	if (semicolon)
		ref_out(h, ';');
}

static void st_entity(struct hn *h)
{
	uint8_t c = *h->p;
	unsigned cp;

	if (c == ';') {
		h->ent[h->ent_len] = 0;
		if ((cp = htmlent_find(h->ent)) != 0) {
			size_t from = h->o->len;

			put_u16(h, (uint16_t)cp);
			while (h->next == S_ARG_VAL && from < h->o->len)
				val_add(h, h->o->data[from++]);
		} else {
			entity_raw(h, 1);
		}
		h->ent_len = 0;
		ref_done(h);
		h->p++;
	} else if ((is_alnum(c) || c == '_' || c == ':' || c == '-') &&
		   h->ent_len < HN_STR) {
		h->ent[h->ent_len++] = (char)c;
		h->p++;
	} else {
		entity_raw(h, 0);
		h->ent_len = 0;
		ref_done(h);
	}
}

/* A numeric reference cut short: its value's low byte, as it is. */
static void numref_cut(struct hn *h, int take)
{
	put(h, h->o, (uint8_t)h->value);
	ref_done(h);
	h->p += take;
}

static void st_numref(struct hn *h)
{
	uint8_t c = *h->p;
	int64_t inc;

	if (!h->value && (c == 'x' || c == 'X')) {
		h->hex = 1;
		h->p++;
	} else if (c == ';') {
		if (h->next == S_ARG_VAL)
			val_add(h, (uint8_t)h->value);
		if (h->value < 0x80)
			put(h, h->o, lower((uint8_t)h->value));
		else
			put_u16(h, (uint16_t)h->value);
		ref_done(h);
		h->p++;
	} else if (is_digit(c) || (h->hex && is_xdigit(c))) {
		if (h->hex && h->value < INT64_MAX / 16)
			h->value *= 16;
		else if (h->value < INT64_MAX / 10)
			h->value *= 10;
		else
			return numref_cut(h, 1);
		inc = is_digit(c) ? c - '0' : lower(c) - 'a' + 10;
		if (h->value > INT64_MAX - inc)
			return numref_cut(h, 1);
		h->value += inc;
		h->p++;
	} else {
		numref_cut(h, 0);
	}
}

/* Inside a data: URI's type: nothing is written. */
static void st_data_type(struct hn *h)
{
	uint8_t c = *h->p;
	int q = c == '"' ? Q_DOUBLE : c == '\'' ? Q_SINGLE : Q_NONE;

	if (q != Q_NONE && !h->escape && h->quoted == q) {
		h->p++;
		h->arg_len = 0;
		go(h, S_SKIP_WS, S_ARG);
	} else if (q != Q_NONE) {
		val_add(h, '"');
		h->p++;
	} else if ((is_space(c) || c == '>') && h->quoted == Q_NONE) {
		h->arg_len = 0;
		go(h, S_SKIP_WS, S_ARG);
	} else if (is_space(c) || c == '>') {
		val_add(h, is_space(c) ? ' ' : '>');
		h->escape = 0;
		h->quoted = Q_NONE;
		go(h, S_SKIP_WS, S_DATA_TYPE);
		h->p++;
	} else if (c == ',') {
		h->val[h->val_len] = 0;
		h->escape = 0;
		go(h, S_DATA_INIT, S_BAD);
		h->p++;
	} else {
		val_add(h, lower(c));
		h->p++;
	}
	h->escape = *h->p == '\\';
}

/* Inside a data: URI's data: nothing is written but references. */
static void st_data(struct hn *h)
{
	uint8_t c = *h->p;
	int q = c == '"' ? Q_DOUBLE : c == '\'' ? Q_SINGLE : Q_NONE;

	if (c == '&') {
		go(h, S_REF, S_DATA);
	} else if (c == '%') {
		h->esc_len = 0;
		h->value = 0;
		go(h, S_ESCAPE, S_DATA_ESC);
	} else if (q != Q_NONE) {
		if (!h->escape && h->quoted == q)
			h->state = S_DATA_FINISH;
	} else if (is_space(c) || c == '>') {
		if (h->quoted == Q_NONE)
			h->state = S_DATA_FINISH;
	}
	h->p++;
	h->escape = *h->p == '\\';
}

static void st_escape(struct hn *h)
{
	uint8_t c = *h->p;

	if (h->value >= INT64_MAX / 16) {
		ref_done(h);
		h->p++;
		return;
	}
	h->value *= 16;
	h->esc_len++;
	if (is_xdigit(c))
		h->value += is_digit(c) ? c - '0' : lower(c) - 'a' + 10;
	else
		h->state = h->next;
	if (h->esc_len == 2)
		h->state = h->next;
	h->p++;
}

/* The states that read no byte: 1 if the normaliser gives up. */
static int st_zero_width(struct hn *h)
{
	switch (h->state) {
	case S_PROCESS_TAG:
		return st_process_tag(h);
	case S_DATA_INIT:
		h->state = S_DATA;
		h->binary = 1;
		break;
	case S_DATA_FINISH:
		h->escape = 0;
		h->quoted = Q_NONE;
		h->binary = 0;
		go(h, S_SKIP_WS, S_ARG);
		break;
	default: /* S_DATA_ESC */
		h->state = S_DATA;
		break;
	}
	return 0;
}

static void st_ws(struct hn *h)
{
	if (is_space(*h->p)) {
		h->p++;
		return;
	}
	if (h->state == S_TRIM_WS && h->in == IN_TEXT)
		put(h, h->o, ' ');
	go(h, h->next, S_BAD);
}

/* One step of the state machine: 1 if the normaliser gives up. */
static int step(struct hn *h)
{
	switch (h->state) {
	case S_NORM: st_norm(h); break;
	case S_SKIP_WS: case S_TRIM_WS: st_ws(h); break;
	case S_8BIT: st_8bit(h); break;
	case S_TAG: st_tag(h); break;
	case S_ARG: st_arg(h); break;
	case S_ARG_EQUAL: st_arg_equal(h); break;
	case S_ARG_VAL: st_arg_val(h); break;
	case S_COMMENT: st_comment(h); break;
	case S_REF: st_ref(h); break;
	case S_ENTITY: st_entity(h); break;
	case S_NUMREF: st_numref(h); break;
	case S_DATA_TYPE: st_data_type(h); break;
	case S_DATA: st_data(h); break;
	case S_ESCAPE: st_escape(h); break;
	default: return st_zero_width(h);
	}
	return 0;
}

/*
 * Plain text outside scripts, the most of a page (htmlplain.c): letters
 * lowered into both forms, and a single space for a run of white space
 * between words, as the state machine would write them (a space into the
 * tags form through S_TRIM_WS, into the text form once for a run; line
 * ends are white space to it, whether run_piece made them spaces or not;
 * h->next, which S_NORM always sets before it is used, is left as it
 * is). A piece gives at most HN_PIECE bytes to each form here, so room
 * is made once (and HTMLPLAIN_SLACK more: a run writes whole vectors).
 */
static void plain_run(struct hn *h)
{
	struct hplain r;

	if ((h->o->cap - h->o->len < HN_PIECE + HTMLPLAIN_SLACK &&
	     vbuf_reserve(h->o, HN_PIECE + HTMLPLAIN_SLACK) < 0) ||
	    (h->t && h->t->cap - h->t->len < HN_PIECE + HTMLPLAIN_SLACK &&
	     vbuf_reserve(h->t, HN_PIECE + HTMLPLAIN_SLACK) < 0)) {
		h->err = 1;
		return;
	}
	r.p = h->p;
	r.o = h->o->data + h->o->len;
	r.t = h->t ? h->t->data + h->t->len : NULL;
	r.space = h->space;
	htmlplain_run(&r, !h->binary, h->how);
	h->o->len = (size_t)(r.o - h->o->data);
	if (h->t)
		h->t->len = (size_t)(r.t - h->t->data);
	h->space = r.space;
	h->p = r.p;
}

/* One piece: 0, or 1 when the normaliser gave up (as clamscan does). */
static int run_piece(struct hn *h, uint8_t *p)
{
	h->piece = p;
	h->style_at = 0;
	while (*p && is_space(*p))
		p++;
	h->p = p;
	while (*h->p && !h->err) {
		if (!h->binary && *h->p == '\n') {
			*h->p = ' ';
			continue;
		}
		if (!h->binary && *h->p == '\r') {
			h->p++;
			continue;
		}
		if (h->state == S_BAD)
			return 1;
		if (h->state == S_NORM && h->in == IN_TEXT &&
		    h->how != HP_BYTES) {
			const uint8_t *was = h->p;

			plain_run(h);
			if (h->p != was)
				continue;
		}
		if (step(h))
			return 1;
	}
	return 0;
}

/* rewind_tospace: a piece cut in a word ends after its last white space
 * (not when that is its first byte). */
static size_t cut_back(const uint8_t *b, size_t n)
{
	size_t k = n;

	while (k > 1 && !is_space(b[k - 1]))
		k--;
	return k == 1 ? n : k;
}

/*
 * The next piece of the page into buf (NUL-ended; buf holds HN_PIECE +
 * HTMLPLAIN_SLACK bytes): its length, or -1 at the end. Up to HN_PIECE - 1 bytes that are not NUL; *off moves on past
 * what was read, and back by what a cut gives back (counted in bytes
 * kept, which is clamscan's arithmetic when NULs were left out).
 */
static long next_piece(const uint8_t *in, size_t len, size_t *off,
		       uint8_t *buf)
{
	const uint8_t *start = in + *off, *end = in + len, *p, *nul;
	size_t n = len - *off, k, c;

	if (n > HN_PIECE - 1)
		n = HN_PIECE - 1;
	if (!n)
		return -1;
	if (!(nul = memchr(start, 0, n))) {
		memcpy(buf, start, n);
		k = n;
		p = start + n;
	} else {
		k = (size_t)(nul - start);
		memcpy(buf, start, k);
		for (p = nul; p < end && k < HN_PIECE - 1; p++)
			if (*p)
				buf[k++] = *p;
	}
	*off += (size_t)(p - start);
	/* the NUL, and defined bytes where a run's vectors read past it */
	memset(buf + k, 0, HTMLPLAIN_SLACK);
	if (k && p < end && !is_space(*p) && (c = cut_back(buf, k)) < k) {
		buf[c] = 0;
		*off -= k - c;
		k = c;
	}
	return (long)k;
}

/* A name left open at the end of the page. */
static void entity_at_end(struct hn *h)
{
	unsigned cp;

	h->ent[h->ent_len] = 0;
	if (h->ent_len && (cp = htmlent_find(h->ent)) != 0)
		put_u16(h, (uint16_t)cp);
	else if (h->ent_len)
		entity_raw(h, 0);
}

int htmlnorm(const uint8_t *in, size_t len, struct vbuf *tags,
	     struct vbuf *text)
{
	return htmlnorm_how(in, len, tags, text, HP_BEST);
}

int htmlnorm_how(const uint8_t *in, size_t len, struct vbuf *tags,
		 struct vbuf *text, int how)
{
	struct hn *h = calloc(1, sizeof(*h));
	uint8_t piece[HN_PIECE + HTMLPLAIN_SLACK];
	size_t off = 0;
	int gave_up = 0, err;

	/* room for the forms as long as the page, and a piece more */
	if (!h || vbuf_reserve(tags, len + 2 * HN_PIECE) < 0 ||
	    (text && vbuf_reserve(text, len + 2 * HN_PIECE) < 0)) {
		free(h);
		return VIGIL_ENOMEM;
	}
	h->o = tags;
	h->t = text;
	h->how = how;
	h->state = S_NORM;
	h->next = S_BAD;
	while (!gave_up && !h->err && next_piece(in, len, &off, piece) >= 0) {
		gave_up = run_piece(h, piece);
		if (h->next == h->state) /* clamscan's guard against loops */
			h->next = S_BAD;
	}
	if (!gave_up)
		entity_at_end(h);
	err = h->err;
	free(h);
	return err ? VIGIL_ENOMEM : 0;
}
