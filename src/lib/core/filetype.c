/*
 * filetype.c -- content-based type recognition. Binary magic numbers are
 * tested first; then mail, by its header block whatever bytes the values
 * hold; then HTML, by markup among text that may carry a few stray
 * control bytes, or by ClamAV's markup rules in the first KiB of any
 * data; then text, a first kilobyte free of the control bytes
 * that never occur in text. None of these can be steered away by one
 * byte. The type decides which ClamAV target types apply: target 0
 * always; 3 (HTML) and 7 (text) only to the normalised text, as in ClamAV.
 */
#define _GNU_SOURCE
#include "core/filetype.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "vigil/vigil.h"

/* Bytes of a mail header's name at most (RFC 5322 suggests 76 a line). */
#define MAIL_MAX_NAME_BYTES 76
/* Stray control bytes tolerated in markup: fewer than 1 in this many. */
#define MOSTLY_TEXT_RATIO 32

static int starts(const uint8_t *b, size_t len, const void *m, size_t n)
{
	return len >= n && !memcmp(b, m, n);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int is_pe(const uint8_t *b, size_t len)
{
	uint32_t off;

	if (!starts(b, len, "MZ", 2) || len < 0x40)
		return 0;
	off = (uint32_t)b[0x3c] | (uint32_t)b[0x3d] << 8 |
	      (uint32_t)b[0x3e] << 16 | (uint32_t)b[0x3f] << 24;
	return off <= len - 4 && !memcmp(b + off, "PE\0\0", 4);
}

static int exec_type(const uint8_t *b, size_t len)
{
	static const uint8_t macho[4][4] = { { 0xfe, 0xed, 0xfa, 0xce },
					     { 0xce, 0xfa, 0xed, 0xfe },
					     { 0xfe, 0xed, 0xfa, 0xcf },
					     { 0xcf, 0xfa, 0xed, 0xfe } };
	int i;

	if (is_pe(b, len))
		return VIGIL_TYPE_PE;
	if (starts(b, len, "\x7f" "ELF", 4))
		return VIGIL_TYPE_ELF;
	for (i = 0; i < 4; i++)
		if (starts(b, len, macho[i], 4))
			return VIGIL_TYPE_MACHO;
	if (starts(b, len, "\xca\xfe\xba\xbe", 4) && len >= 8)
		return be32(b + 4) < 0x20 ? VIGIL_TYPE_MACHO : VIGIL_TYPE_JAVA;
	return -1;
}

struct magic {
	const char *m;
	size_t n;
	size_t at;
	int type;
};

static const struct magic magics[] = {
	{ "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8, 0, VIGIL_TYPE_OLE2 },
	{ "GIF87a", 6, 0, VIGIL_TYPE_GRAPHICS },
	{ "GIF89a", 6, 0, VIGIL_TYPE_GRAPHICS },
	{ "\x89PNG\r\n\x1a\n", 8, 0, VIGIL_TYPE_GRAPHICS },
	{ "\xff\xd8\xff", 3, 0, VIGIL_TYPE_GRAPHICS },
	{ "II*\0", 4, 0, VIGIL_TYPE_GRAPHICS },
	{ "MM\0*", 4, 0, VIGIL_TYPE_GRAPHICS },
	{ "FWS", 3, 0, VIGIL_TYPE_FLASH },
	{ "CWS", 3, 0, VIGIL_TYPE_FLASH },
	{ "ZWS", 3, 0, VIGIL_TYPE_FLASH },
	{ "PK\x03\x04", 4, 0, VIGIL_TYPE_ARCHIVE },
	{ "PK\x05\x06", 4, 0, VIGIL_TYPE_ARCHIVE },
	{ "PK\x07\x08", 4, 0, VIGIL_TYPE_ARCHIVE },
	{ "Rar!\x1a\x07", 6, 0, VIGIL_TYPE_ARCHIVE },
	{ "7z\xbc\xaf\x27\x1c", 6, 0, VIGIL_TYPE_ARCHIVE },
	{ "MSCF\0\0\0\0", 8, 0, VIGIL_TYPE_ARCHIVE },
	{ "!<arch>\n", 8, 0, VIGIL_TYPE_ARCHIVE },
	{ "070707", 6, 0, VIGIL_TYPE_ARCHIVE },
	{ "070701", 6, 0, VIGIL_TYPE_ARCHIVE },
	{ "070702", 6, 0, VIGIL_TYPE_ARCHIVE },
	{ "\xc7\x71", 2, 0, VIGIL_TYPE_ARCHIVE },	/* binary cpio */
	{ "\x71\xc7", 2, 0, VIGIL_TYPE_ARCHIVE },
	{ "xar!", 4, 0, VIGIL_TYPE_ARCHIVE },
	{ "-lh", 3, 2, VIGIL_TYPE_ARCHIVE },
	{ "ustar", 5, 257, VIGIL_TYPE_ARCHIVE },
	{ "CD001", 5, 0x8001, VIGIL_TYPE_ARCHIVE },
	{ "\x1f\x8b", 2, 0, VIGIL_TYPE_COMPRESSED },
	{ "\x1f\x9d", 2, 0, VIGIL_TYPE_COMPRESSED },
	{ "BZh", 3, 0, VIGIL_TYPE_COMPRESSED },
	{ "\xfd" "7zXZ\0", 6, 0, VIGIL_TYPE_COMPRESSED },
	{ "\x28\xb5\x2f\xfd", 4, 0, VIGIL_TYPE_COMPRESSED },
	{ "\x5d\0\0", 3, 0, VIGIL_TYPE_COMPRESSED },	/* lzma alone */
	{ "LZIP", 4, 0, VIGIL_TYPE_COMPRESSED },
	{ "\x04\x22\x4d\x18", 4, 0, VIGIL_TYPE_COMPRESSED },
	{ "{\\rt", 4, 0, VIGIL_TYPE_RTF },
	{ "\x78\x9f\x3e\x22", 4, 0, VIGIL_TYPE_TNEF },
	{ "SZDD\x88\xf0\x27\x33", 8, 0, VIGIL_TYPE_MSCOMPRESS },
	{ "KWAJ\x88\xf0\x27\xd1", 8, 0, VIGIL_TYPE_MSCOMPRESS },
	{ "ITSF\x03\0\0\0", 8, 0, VIGIL_TYPE_MSCOMPRESS },
};

/* A Windows or OS/2 bitmap: "BM" and a DIB header size that exists.
 * (ClamAV types every "BM" file as graphics, text that starts so too.) */
static int is_bmp(const uint8_t *b, size_t len)
{
	uint32_t dib;

	if (len < 18 || b[0] != 'B' || b[1] != 'M')
		return 0;
	dib = (uint32_t)b[14] | (uint32_t)b[15] << 8 | (uint32_t)b[16] << 16 |
	      (uint32_t)b[17] << 24;
	return dib == 12 || dib == 40 || dib == 52 || dib == 56 ||
	       dib == 64 || dib == 108 || dib == 124;
}

/* Whether b[0, len) holds the n bytes s: by memchr() over the first of
 * them, which most texts and binaries have seldom (glibc's memmem() sets
 * up a table of the needle on every call, for an object's first KiBs). */
static int holds(const uint8_t *b, size_t len, const char *s, size_t n)
{
	const uint8_t *p = b, *end = b + len;

	while ((size_t)(end - p) >= n &&
	       (p = memchr(p, s[0], (size_t)(end - p) - n + 1))) {
		if (!memcmp(p, s, n))
			return 1;
		p++;
	}
	return 0;
}

static int container_type(const uint8_t *b, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		const struct magic *m = &magics[i];

		if (len >= m->at + m->n && !memcmp(b + m->at, m->m, m->n))
			return m->type;
	}
	/* zstd skippable frame: magic 0x184D2A5? (ClamAV's CL_TYPE_ZSTD) */
	if (len >= 8 && (b[0] & 0xf0) == 0x50 && !memcmp(b + 1, "\x2a\x4d\x18", 3))
		return VIGIL_TYPE_COMPRESSED;
	if (holds(b, len < 1024 ? len : 1024, "%PDF-", 5))
		return VIGIL_TYPE_PDF;
	if (holds(b, len < 4096 ? len : 4096,
		  "(This file must be converted with BinHex", 40))
		return VIGIL_TYPE_BINHEX;
	return is_bmp(b, len) ? VIGIL_TYPE_GRAPHICS : -1;
}

/*
 * Text as ClamAV and file(1) see it: no byte that never occurs in text
 * (NUL and most other controls, DEL); bytes above 0x7f are allowed, so
 * UTF-8 and ISO-8859 text both qualify.
 */
static int is_text(const uint8_t *b, size_t len)
{
	size_t i;
	unsigned bad = 0;

	/* the controls allowed: BEL BS HT LF (7-10), FF CR (12, 13), ESC
	 * (27). No early exit, so that the loop is vectorised: the callers
	 * give a KiB at most. */
	for (i = 0; i < len; i++) {
		uint8_t c = b[i];

		bad |= (unsigned)(c < 7) | (c == 11) | (c > 13 && c < 27) |
		       (c > 27 && c < 0x20) | (c == 0x7f);
	}
	return !bad;
}

/* A header field's name: printable ASCII but the colon (RFC 5322). */
static size_t field_name(const uint8_t *b, size_t len)
{
	size_t n = 0;

	while (n < len && n < MAIL_MAX_NAME_BYTES && b[n] > 32 && b[n] < 127 &&
	       b[n] != ':')
		n++;
	return n < len && b[n] == ':' ? n : 0;
}

static int mail_field(const uint8_t *b, size_t n)
{
	static const char *const names[] = {
		"from", "to", "cc", "bcc", "subject", "date", "message-id",
		"mime-version", "content-type", "content-transfer-encoding",
		"received", "return-path", "reply-to", "sender", "delivered-to",
		"envelope-to", "x-original-to", "dkim-signature", "arc-seal",
		"authentication-results", "x-mailer", "x-mozilla-status",
		"thread-topic", "importance", "in-reply-to", "references",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n &&
		    !strncasecmp((const char *)b, names[i], n))
			return 1;
	return 0;
}

/*
 * Mail: an mbox "From " line, or a block of header lines ("Name: value",
 * folded lines after them) of which at least two are fields, one a field
 * only mail carries, whatever bytes the values hold (a control byte in a
 * Subject does not make a message binary, and the first field may be any
 * of them).
 */
static int is_mail(const uint8_t *b, size_t len)
{
	size_t pos = 0, fields = 0, mailish = 0, n;
	const uint8_t *nl;

	if (len >= 5 && !memcmp(b, "From ", 5))
		return 1;
	while (pos < len) {
		nl = memchr(b + pos, '\n', len - pos);
		if (b[pos] == '\r' || b[pos] == '\n')
			break; /* the end of the header block */
		if (b[pos] == ' ' || b[pos] == '\t') {
			if (!fields)
				return 0;
		} else if ((n = field_name(b + pos, len - pos)) != 0) {
			fields++;
			mailish += mail_field(b + pos, n);
		} else {
			break;
		}
		if (!nl)
			break;
		pos = (size_t)(nl - b) + 1;
	}
	return fields >= 2 && mailish >= 1;
}

/* A header line "name" starting at b[at] (after a newline): the first
 * letter of each word in either case, as ClamAV's mail magic has it. */
static int header_at(const uint8_t *b, size_t len, size_t at, const char *name)
{
	size_t i, n = strlen(name);

	if (at + n > len)
		return 0;
	for (i = 0; i < n; i++) {
		uint8_t c = b[at + i];
		int first = !i || name[i - 1] == '-';

		if (c != (uint8_t)name[i] && !(first && c == (uint8_t)name[i] + 32))
			return 0;
	}
	return 1;
}

/* The first line from 'from' on (within 'span' bytes) that starts with
 * 'name'; SIZE_MAX if none. */
static size_t header_line(const uint8_t *b, size_t len, size_t from,
			  size_t span, const char *name)
{
	size_t end = from + span < len ? from + span : len;
	const uint8_t *nl = b + from;

	while (nl < b + end && (nl = memchr(nl, '\n', (size_t)(b + end - nl)))) {
		if (header_at(b, len, (size_t)(nl - b) + 1, name))
			return (size_t)(nl - b);
		nl++;
	}
	return SIZE_MAX;
}

/*
 * ClamAV's other mail rule (its file type magic): a pair of header lines
 * in the first KiB, the second within the span after the first, a message
 * after a line of something else (a spool's envelope, a mailbox's
 * separator).
 */
static int mail_pair(const uint8_t *b, size_t len)
{
	static const struct {
		const char *first, *then;
		size_t span;
	} pairs[] = {
		{ "From: ", "MIME-Version: ", 1024 },
		{ "From: ", "Content-Type: ", 2048 },
		{ "MIME-Version: ", "Content-Type: ", 2048 },
		{ "Message-Id: ", "Content-Type: ", 1024 },
		{ "Received: ", "Content-Type: ", 2048 },
	};
	size_t i, at;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		at = header_line(b, len, 0, 1024 + 1, pairs[i].first);
		if (at != SIZE_MAX &&
		    header_line(b, len, at + 1, pairs[i].span + 1 +
				strlen(pairs[i].first), pairs[i].then) != SIZE_MAX)
			return 1;
	}
	return 0;
}

/* Text but for a few stray bytes: under 1 in MOSTLY_TEXT_RATIO control
 * bytes that never occur in text. */
static int mostly_text(const uint8_t *b, size_t len)
{
	size_t i, bad = 0;

	for (i = 0; i < len; i++)
		bad += (b[i] < 0x20 && b[i] != '\t' && b[i] != '\n' &&
			b[i] != '\r' && b[i] != '\f') || b[i] == 0x7f;
	return bad * MOSTLY_TEXT_RATIO < len;
}

/* "href" in any case after "<a ", as ClamAV's rule ([hH][rR]ef|EF). */
static int href_after(const uint8_t *b, size_t len)
{
	size_t i;

	for (i = 0; i + 4 <= len; i++)
		if ((b[i] | 0x20) == 'h' && (b[i + 1] | 0x20) == 'r' &&
		    ((b[i + 2] == 'e' && b[i + 3] == 'f') ||
		     (b[i + 2] == 'E' && b[i + 3] == 'F')))
			return 1;
	return 0;
}

/* A tag ClamAV's file type magic takes for HTML, at b[at] (a '<'):
 * <iframe, <img, <object, <script or <table before a separator, <head>
 * or <html> (in the cases its rules list, all covered by ignoring case).
 * "<a " is the caller's: it needs an href anywhere after it. */
static int clamav_tag(const uint8_t *b, size_t len, size_t at)
{
	static const char *const sep_tags[] = { "<iframe", "<img", "<object",
						"<script", "<table" };
	static const char *const closed[] = { "<head>", "<html>" };
	size_t i, n, left = len - at;

	for (i = 0; i < sizeof(sep_tags) / sizeof(sep_tags[0]); i++) {
		n = strlen(sep_tags[i]);
		if (left > n &&
		    !strncasecmp((const char *)b + at, sep_tags[i], n) &&
		    b[at + n] && strchr(">/ \t\n\v\f\r", b[at + n]))
			return 1;
	}
	for (i = 0; i < sizeof(closed) / sizeof(closed[0]); i++)
		if (left >= 6 && !strncasecmp((const char *)b + at, closed[i], 6))
			return 1;
	return 0;
}

/*
 * Markup: ClamAV's HTML rules anywhere in the object (one pass over its
 * '<'), "<%@ LANGUAGE =" at its start, and the tags Vigil adds in the
 * first 4 KiB (<body, <title, <meta, <form, <embed, <applet, <frameset,
 * <style, <!doctype html), each in any case.
 */
/* Whether c, after a '<', can begin one of the tags above (their first
 * letters, in any case, and "!doctype"): most '<' of a text (C source,
 * "a < b") are passed over on it alone. */
static int tag_letter(uint8_t c)
{
	switch (c | 0x20) {
	case 'a': case 'b': case 'e': case 'f': case 'h': case 'i': case 'm':
	case 'o': case 's': case 't':
		return 1;
	default:
		return c == '!';
	}
}

static int has_markup(const uint8_t *b, size_t len, size_t sample)
{
	static const char *const more[] = {
		"<!doctype html", "<body", "<title", "<meta", "<form",
		"<embed", "<applet", "<frameset", "<style",
	};
	const uint8_t *p = b, *end = b + len;
	int anchor_seen = 0;
	size_t i;

	if (len >= 14 && !memcmp(b, "<%@ LANGUAGE =", 14))
		return 1;
	while ((p = memchr(p, '<', (size_t)(end - p)))) {
		size_t at = (size_t)(p - b);

		if (end - p < 2 || !tag_letter(p[1])) {
			p++;
			continue;
		}
		if (clamav_tag(b, len, at))
			return 1;
		if (!anchor_seen && len - at > 3 && (p[1] | 0x20) == 'a' &&
		    p[2] == ' ') {
			anchor_seen = 1; /* a later "<a " sees less after it */
			if (href_after(p + 3, len - at - 3))
				return 1;
		}
		for (i = 0; at < sample && i < sizeof(more) / sizeof(more[0]); i++)
			if (len - at >= strlen(more[i]) &&
			    !strncasecmp((const char *)p, more[i], strlen(more[i])))
				return 1;
		p++;
	}
	return 0;
}

int filetype_detect(const uint8_t *buf, size_t len)
{
	size_t sample = len < FILETYPE_SAMPLE_BYTES ? len :
						      FILETYPE_SAMPLE_BYTES;
	size_t tsample = len < FILETYPE_TEXT_SAMPLE_BYTES ?
				 len :
				 FILETYPE_TEXT_SAMPLE_BYTES;
	int t, text;

	if (!len)
		return VIGIL_TYPE_EMPTY;
	if ((t = exec_type(buf, len)) >= 0 || (t = container_type(buf, len)) >= 0)
		return t;
	if (is_mail(buf, sample))
		return VIGIL_TYPE_MAIL;
	text = is_text(buf, tsample); /* once: every test below asks it */
	if (text && mail_pair(buf, sample))
		return VIGIL_TYPE_MAIL;
	/* markup among text with a few stray bytes (a NUL, a \x01 before
	 * <html>) is still a page a browser renders; and as ClamAV, any data
	 * is when its rules find markup in the first KiB, whatever bytes are
	 * around it (control bytes do not hide a page) */
	if (((text || mostly_text(buf, sample)) &&
	     has_markup(buf, len, sample)) ||
	    has_markup(buf, tsample, 0))
		return VIGIL_TYPE_HTML;
	return text ? VIGIL_TYPE_TEXT : VIGIL_TYPE_BINARY;
}

uint32_t filetype_raw_targets(int type)
{
	static const int8_t target[] = {
		[VIGIL_TYPE_PE] = 1, [VIGIL_TYPE_OLE2] = 2,
		[VIGIL_TYPE_MAIL] = 4, [VIGIL_TYPE_GRAPHICS] = 5,
		[VIGIL_TYPE_ELF] = 6, [VIGIL_TYPE_MACHO] = 9,
		[VIGIL_TYPE_PDF] = 10, [VIGIL_TYPE_FLASH] = 11,
		[VIGIL_TYPE_JAVA] = 12,
	};

	if (type >= 0 && (size_t)type < sizeof(target) && target[type])
		return 1u | 1u << target[type];
	return 1u;
}

uint32_t filetype_norm_targets(int type)
{
	if (type == VIGIL_TYPE_TEXT)
		return 1u | 1u << 7;
	if (type == VIGIL_TYPE_HTML)
		return 1u | 1u << 3;
	return 0;
}
