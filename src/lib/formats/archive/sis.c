/*
 * sis.c -- Symbian installation files (SIS, EPOC R5 and OS 6-8): the file
 * records after the header point at each installed file's data, zlib
 * compressed unless the header says otherwise; each file is handed over
 * under its destination name (as its record declares it, and whole when
 * it inflates past that). Records of other kinds (options, conditions)
 * carry no files and are stepped over.
 */
#include <stdio.h>
#include <string.h>

#include "common/le.h"
#include "formats/archive/streams.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "common/reader.h"
#include "vigil/vigil.h"

#define SIS_UID2_R5 0x1000006du
#define SIS_UID2_ER6 0x10003a12u
#define SIS_UID3 0x10000419u
#define SIS_NOCOMPRESS 0x0008
#define SIS_MAX_LANGS 64
#define SIS_NAME_BYTES 128
/* File records, in any order: files (one, or one per language), and the
 * installer's options and conditions, which the files may follow. */
#define SIS_REC_FILE 0
#define SIS_REC_LANGFILE 1
#define SIS_REC_OPTIONS 2
#define SIS_REC_IF 3
#define SIS_REC_ELSEIF 4
#define SIS_REC_ELSE 5
#define SIS_REC_ENDIF 6

struct sis {
	struct fmt_ctx *c;
	const uint8_t *buf;
	size_t len;
	uint16_t nlangs;
	uint16_t options;
	int er6;
};

int sis_probe(const uint8_t *buf, size_t len, int type)
{
	(void)type;
	return len >= 0x50 && (le32_load(buf + 4) == SIS_UID2_R5 ||
			       le32_load(buf + 4) == SIS_UID2_ER6) &&
	       le32_load(buf + 8) == SIS_UID3;
}

/* The last path element of a (UTF-16 or 8-bit) destination name. */
static void dest_name(const struct sis *s, uint32_t len, uint32_t ptr,
		      char *out)
{
	size_t i, o = 0, step = (s->options & 1) ? 2 : 1;

	out[0] = 0;
	if ((uint64_t)ptr + len > s->len)
		return;
	for (i = 0; i + step <= len && o + 1 < SIS_NAME_BYTES; i += step) {
		char ch = (char)s->buf[ptr + i];

		if (ch == '\\' || ch == '/' || ch == ':')
			o = 0;
		else
			out[o++] = ch;
	}
	out[o] = 0;
}

/* Each file's data: zlib (a 2-byte header, then deflate) unless the header
 * says stored. The size an OS 6-8 record declares (orig; UINT64_MAX for
 * EPOC R5, which declares none) is not trusted: what inflates is matched
 * as far as it goes, and as declared where it inflates past that
 * (stream_inflate_declared()). */
static int file_data(struct sis *s, const char *name, uint32_t len,
		     uint32_t ptr, uint64_t orig)
{
	if (ptr > s->len) {
		fmt_warn(s->c, "%s: data past the end of the file", name);
		return 0;
	}
	/* cut short: read as far as it goes (its bytes would hide from
	 * every signature but the container's) */
	if (len > s->len - ptr) {
		fmt_warn(s->c, "%s: data cut short (%zu of %lu bytes)", name,
			 s->len - ptr, (unsigned long)len);
		len = (uint32_t)(s->len - ptr);
	}
	if (s->options & SIS_NOCOMPRESS)
		return fmt_child(s->c, name, s->buf + ptr, len);
	if (len <= 2) {
		fmt_warn(s->c, "%s: no compressed data", name);
		return 0;
	}
	return stream_inflate_declared(s->c, name, s->buf + ptr + 2, len - 2,
				       orig);
}

/* A simple (0) or multi-language (1) file record. */
static int file_record(struct sis *s, struct rdr *r, uint32_t type)
{
	uint32_t lens[SIS_MAX_LANGS], ptrs[SIS_MAX_LANGS], orig[SIS_MAX_LANGS];
	unsigned n = type == SIS_REC_LANGFILE ? s->nlangs : 1, i;
	uint32_t dlen, dptr;
	char name[SIS_NAME_BYTES];
	int rc = 0;

	rdr_skip(r, 8 + 8);	/* file type, details; source name */
	dlen = rdr_u32le(r);
	dptr = rdr_u32le(r);
	for (i = 0; i < n; i++)
		lens[i] = rdr_u32le(r);
	for (i = 0; i < n; i++)
		ptrs[i] = rdr_u32le(r);
	for (i = 0; s->er6 && i < n; i++)
		orig[i] = rdr_u32le(r); /* original sizes */
	if (s->er6)
		rdr_skip(r, 8); /* MIME type */
	if (rdr_failed(r))
		return FMT_DAMAGED;
	dest_name(s, dlen, dptr, name);
	for (i = 0; i < n && !rc; i++)
		rc = file_data(s, *name ? name : "file", lens[i], ptrs[i],
			       s->er6 ? orig[i] : UINT64_MAX);
	return rc;
}

int sis_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	struct sis s = { c, buf, len, 0, 0, le32_load(buf + 4) == SIS_UID2_ER6 };
	struct rdr r;
	uint16_t nfiles, i;
	int rc = 0;

	rdr_init(&r, buf, len);
	rdr_seek(&r, 0x12);
	s.nlangs = rdr_u16le(&r);
	nfiles = rdr_u16le(&r);
	rdr_seek(&r, 0x24);
	s.options = rdr_u16le(&r);
	rdr_seek(&r, 0x34);
	rdr_seek(&r, rdr_u32le(&r));
	if (rdr_failed(&r) || !s.nlangs || s.nlangs > SIS_MAX_LANGS)
		return 0;
	for (i = 0; i < nfiles && !rc && !fmt_expired(c); i++) {
		uint32_t type = rdr_u32le(&r);

		if (type == SIS_REC_FILE || type == SIS_REC_LANGFILE)
			rc = file_record(&s, &r, type);
		else if (type == SIS_REC_OPTIONS) /* names, then a bitmap */
			rdr_skip(&r, (size_t)rdr_u32le(&r) * s.nlangs * 8 + 16);
		else if (type == SIS_REC_IF || type == SIS_REC_ELSEIF)
			rdr_skip(&r, rdr_u32le(&r)); /* the condition */
		else if (type != SIS_REC_ELSE && type != SIS_REC_ENDIF) {
			fmt_warn(c, "unknown record type %lu",
				 (unsigned long)type);
			break;
		}
		if (rc == FMT_DAMAGED || rdr_failed(&r)) {
			fmt_warn(c, "truncated record");
			return 0;
		}
	}
	return rc;
}
