/*
 * egg.c -- EGG archives (ESTsoft's ALZip 8 format): the archive header
 * ("EGGA", version, id) and its extra fields, then file headers (with
 * extra fields: the name, Windows or POSIX information, encryption) each
 * followed by the blocks of its data (method 0 stored, 1 deflate, 2 bzip2;
 * AZO and LZMA are not read), every header list closed by the end mark
 * 0x08E28222. Each file is a contained object under its name; an
 * encrypted one is Heuristics.Encrypted.EGG; solid archives (blocks
 * shared between files, which ClamAV does not read either), unknown
 * methods and damaged headers are Heuristics.Broken.EGG. Field layout as
 * ESTsoft's format and ClamAV's reader give it.
 */
#include <stdio.h>
#include <string.h>

#include "common/le.h"
#include "common/reader.h"
#include "formats/archive/streams.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

#define EGG_ARCHIVE 0x41474745u
#define EGG_FILE 0x0A8590E3u
#define EGG_BLOCK 0x02B50C13u
#define EGG_END 0x08E28222u
#define EGG_ENCRYPT 0x08D1470Fu
#define EGG_FILENAME 0x0A8591ACu
#define EGG_SOLID 0x24E5A060u
#define EGG_NAME_BYTES 256
#define EGG_MAX_ITEMS 65536
#define BROKEN "Heuristics.Broken.EGG"

int egg_probe(const uint8_t *buf, size_t len, int type)
{
	(void)type;
	return len >= 14 && le32_load(buf) == EGG_ARCHIVE;
}

struct egg_file {
	char name[EGG_NAME_BYTES];
	int encrypted;
	struct vbuf data;	/* what its blocks decoded to */
	int broken;
};

/* One extra field after its magic: its data in *d, *n bytes. */
static int extra(struct rdr *r, const uint8_t **d, size_t *n, uint8_t *flag)
{
	*flag = rdr_u8(r);
	*n = (*flag & 1) ? rdr_u32le(r) : rdr_u16le(r);
	*d = rdr_bytes(r, *n);
	return rdr_failed(r) || (!*d && *n) ? -1 : 0;
}

static void name_field(const uint8_t *d, size_t n, uint8_t flag,
		       struct egg_file *f)
{
	size_t skip = ((flag & 0x08) ? 2 : 0) + ((flag & 0x10) ? 4 : 0);

	if (n > skip)
		snprintf(f->name, sizeof(f->name), "%.*s", (int)(n - skip),
			 (const char *)d + skip);
}

/* Extra fields up to the end mark: of the archive (file NULL) or a file.
 * Returns -1 if damaged, 1 if the archive is solid. */
static int extras(struct rdr *r, struct egg_file *f)
{
	unsigned i;

	for (i = 0; i < EGG_MAX_ITEMS; i++) {
		uint32_t magic = rdr_u32le(r);
		const uint8_t *d;
		uint8_t flag;
		size_t n;

		if (rdr_failed(r))
			return -1;
		if (magic == EGG_END)
			return 0;
		if (extra(r, &d, &n, &flag) < 0)
			return -1;
		if (!f && magic == EGG_SOLID)
			return 1;
		if (f && magic == EGG_FILENAME)
			name_field(d, n, flag, f);
		else if (f && magic == EGG_ENCRYPT)
			f->encrypted = 1;
	}
	return -1;
}

/* A block's data decoded onto the file's. */
static void decode(struct fmt_ctx *c, struct egg_file *f, uint8_t method,
		   const uint8_t *d, size_t n)
{
	size_t room = fmt_max_child(c) - f->data.len;
	struct stream_out o;

	if (method == 0) {
		if (n > room || vbuf_append(&f->data, d, n) < 0)
			f->broken = 1;
		return;
	}
	if (method != 1 && method != 2) {
		f->broken = 1; /* AZO, LZMA: not read */
		return;
	}
	stream_out_init(&o, c, room);
	if (method == 1)
		stream_inflate_raw(&o, d, n);
	else
		stream_bunzip(&o, d, n);
	if (o.nomem || o.stop || (o.err && !o.b.len) ||
	    vbuf_append(&f->data, o.b.data, o.b.len) < 0)
		f->broken = 1;
	vbuf_free(&o.b);
}

/* A block after its magic; -1 if damaged. */
static int block(struct fmt_ctx *c, struct rdr *r, struct egg_file *f)
{
	uint8_t method = rdr_u8(r);
	uint32_t csize;
	const uint8_t *d;

	rdr_skip(r, 1 + 4); /* hint, unpacked size */
	csize = rdr_u32le(r);
	rdr_skip(r, 4); /* CRC-32 */
	if (rdr_u32le(r) != EGG_END || rdr_failed(r) ||
	    (!(d = rdr_bytes(r, csize)) && csize))
		return -1;
	if (f && !f->encrypted && !f->broken)
		decode(c, f, method, d, csize);
	return 0;
}

/* A file whose blocks are all read: handed over. */
static int flush(struct fmt_ctx *c, struct egg_file *f)
{
	struct fmt_entry m = { f->name, FMT_UNKNOWN, f->data.len, f->encrypted,
			       0, 0 };
	int rc = fmt_entry(c, &m);

	if (rc == 0)
		rc = f->encrypted ? fmt_unreadable(c, "Heuristics.Encrypted.EGG") :
		     f->broken ? fmt_unreadable(c, BROKEN) :
		     f->data.len ? fmt_child(c, f->name, f->data.data, f->data.len) :
				   0;
	vbuf_free(&f->data);
	memset(f, 0, sizeof(*f));
	return rc;
}

static int items(struct fmt_ctx *c, struct rdr *r, struct egg_file *f,
		 int *have)
{
	unsigned i;
	int rc = 0;

	for (i = 0; i < EGG_MAX_ITEMS && !rc && !fmt_expired(c); i++) {
		uint32_t magic = rdr_u32le(r);
		const uint8_t *d;
		uint8_t flag;
		size_t n;

		if (rdr_failed(r) || magic == EGG_END)
			break;
		if (magic == EGG_FILE) {
			if (*have && (rc = flush(c, f)) != 0)
				break;
			*have = 1;
			snprintf(f->name, sizeof(f->name), "egg-%u", i);
			rdr_skip(r, 12); /* file id, length */
			if (extras(r, f) != 0)
				return fmt_unreadable(c, BROKEN);
		} else if (magic == EGG_BLOCK) {
			if (block(c, r, *have ? f : NULL) < 0)
				return fmt_unreadable(c, BROKEN);
		} else if (extra(r, &d, &n, &flag) < 0) { /* a comment ... */
			return fmt_unreadable(c, BROKEN);
		}
	}
	if (!rc && i == EGG_MAX_ITEMS)
		rc = fmt_unreadable(c, FMT_MAXFILES);
	return rc;
}

int egg_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	struct egg_file f;
	int have = 0, rc;
	struct rdr r;

	memset(&f, 0, sizeof(f));
	rdr_init(&r, buf, len);
	rdr_skip(&r, 14); /* magic, version, id, reserved */
	if ((rc = extras(&r, NULL)) != 0) {
		fmt_warn(c, "EGG: %s", rc > 0 ? "a solid archive is not read" :
						"a damaged archive header");
		return fmt_unreadable(c, BROKEN);
	}
	rc = items(c, &r, &f, &have);
	if (have && rc == 0)
		rc = flush(c, &f);
	vbuf_free(&f.data);
	return rc;
}
