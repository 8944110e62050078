/*
 * mspack.c -- Microsoft compressed formats through libmspack: SZDD and
 * KWAJ (compress.exe), CHM help files. libmspack reads and writes through
 * an mspack_system of ours that serves memory: the "file names" it is
 * given are pointers to memory files, so nothing touches the disk, and
 * writes stop one byte past fmt_max_output() (size and ratio limits).
 */
#include <mspack.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "formats/format.h"
#include "formats/parsers.h"
#include "util/vbuf.h"
#include "vigil/vigil.h"

/* CHM entries handed out at most; a help file rarely has a thousand. */
#define CHM_MAX_ENTRIES 10000

struct memfile {
	const uint8_t *in;	/* input, or NULL for an output */
	size_t inlen;
	struct vbuf out;
	size_t max;
	int over;		/* the output outgrew max */
};

struct mfh {
	struct memfile *mf;
	size_t pos;
};

static struct mspack_file *m_open(struct mspack_system *self,
				  const char *name, int mode)
{
	struct mfh *h = calloc(1, sizeof(*h));

	(void)self;
	(void)mode;
	if (h)
		h->mf = (struct memfile *)(uintptr_t)name;
	return (struct mspack_file *)h;
}

static void m_close(struct mspack_file *f)
{
	free(f);
}

static int m_read(struct mspack_file *f, void *buf, int bytes)
{
	struct mfh *h = (struct mfh *)f;
	size_t left = h->mf->inlen > h->pos ? h->mf->inlen - h->pos : 0;
	size_t n = bytes < 0 ? 0 : (size_t)bytes;

	if (!h->mf->in)
		return -1;
	if (n > left)
		n = left;
	memcpy(buf, h->mf->in + h->pos, n);
	h->pos += n;
	return (int)n;
}

static int m_write(struct mspack_file *f, void *buf, int bytes)
{
	struct mfh *h = (struct mfh *)f;
	struct memfile *mf = h->mf;

	if (bytes < 0 || mf->in)
		return -1;
	if (mf->out.len + (size_t)bytes > mf->max + 1) {
		mf->over = 1;
		return -1;
	}
	if (vbuf_append(&mf->out, buf, (size_t)bytes) < 0)
		return -1;
	return bytes;
}

static int m_seek(struct mspack_file *f, off_t off, int mode)
{
	struct mfh *h = (struct mfh *)f;
	size_t size = h->mf->in ? h->mf->inlen : h->mf->out.len;
	off_t base = mode == MSPACK_SYS_SEEK_START ? 0 :
		     mode == MSPACK_SYS_SEEK_CUR ? (off_t)h->pos :
						   (off_t)size;

	if (base + off < 0 || (uint64_t)(base + off) > size)
		return -1;
	h->pos = (size_t)(base + off);
	return 0;
}

static off_t m_tell(struct mspack_file *f)
{
	return (off_t)((struct mfh *)f)->pos;
}

static void m_message(struct mspack_file *f, const char *fmt, ...)
{
	(void)f;
	(void)fmt;
}

/*
 * Zeroed: libmspack 0.11's KWAJ reader frees the header's name fields on a
 * short header before it has set them.
 */
static void *m_alloc(struct mspack_system *self, size_t n)
{
	(void)self;
	return calloc(1, n);
}

static void m_free(void *p)
{
	free(p);
}

static void m_copy(void *src, void *dst, size_t n)
{
	memmove(dst, src, n);
}

static struct mspack_system memsys = {
	m_open, m_close, m_read, m_write, m_seek, m_tell, m_message,
	m_alloc, m_free, m_copy, NULL,
};

int mspack_probe(const uint8_t *buf, size_t len, int type)
{
	(void)buf;
	(void)len;
	return type == VIGIL_TYPE_MSCOMPRESS;
}

/* Hands the output over, or reports why there is none. */
static int deliver(struct fmt_ctx *c, const char *name, struct memfile *out,
		   int err, size_t in)
{
	if (out->over)
		return fmt_over(c, name, in);
	if (err != MSPACK_ERR_OK)
		fmt_warn(c, "%s: libmspack error %d (%zu bytes recovered)", name,
			 err, out->out.len);
	return out->out.len ? fmt_child(c, name, out->out.data, out->out.len) :
			      0;
}

static int single(struct fmt_ctx *c, const uint8_t *buf, size_t len,
		  int kwaj)
{
	struct memfile in = { buf, len, { 0 }, 0, 0 };
	struct memfile out = { NULL, 0, { 0 }, fmt_max_output(c, len), 0 };
	int err, rc;

	if (kwaj) {
		struct mskwaj_decompressor *d =
			mspack_create_kwaj_decompressor(&memsys);

		if (!d)
			return VIGIL_ENOMEM;
		err = d->decompress(d, (const char *)&in, (const char *)&out);
		mspack_destroy_kwaj_decompressor(d);
	} else {
		struct msszdd_decompressor *d =
			mspack_create_szdd_decompressor(&memsys);

		if (!d)
			return VIGIL_ENOMEM;
		err = d->decompress(d, (const char *)&in, (const char *)&out);
		mspack_destroy_szdd_decompressor(d);
	}
	rc = deliver(c, "data", &out, err, len);
	vbuf_free(&out.out);
	return rc;
}

/* One file of the help file; its ratio is judged against the whole file. */
static int chm_file(struct fmt_ctx *c, struct mschm_decompressor *d,
		    struct mschmd_file *f, size_t len)
{
	struct memfile out = { NULL, 0, { 0 }, fmt_max_output(c, len), 0 };
	int err, rc;

	if (f->length <= 0)
		return 0;
	if ((uint64_t)f->length > out.max)
		return fmt_over(c, f->filename, len);
	err = d->extract(d, f, (const char *)&out);
	rc = deliver(c, f->filename, &out, err, len);
	vbuf_free(&out.out);
	return rc;
}

static int chm(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	struct memfile in = { buf, len, { 0 }, 0, 0 };
	struct mschm_decompressor *d = mspack_create_chm_decompressor(&memsys);
	struct mschmd_header *h;
	struct mschmd_file *f;
	unsigned n = 0;
	int rc = 0;

	if (!d)
		return VIGIL_ENOMEM;
	if (!(h = d->open(d, (const char *)&in))) {
		fmt_warn(c, "unreadable CHM: libmspack error %d", d->last_error(d));
		mspack_destroy_chm_decompressor(d);
		return 0;
	}
	for (f = h->files; f && !rc && !fmt_expired(c); f = f->next) {
		if (++n > CHM_MAX_ENTRIES) {
			rc = fmt_unreadable(c, FMT_MAXFILES);
			break;
		}
		rc = chm_file(c, d, f, len);
	}
	d->close(d, h);
	mspack_destroy_chm_decompressor(d);
	return rc;
}

int mspack_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	if (len >= 4 && !memcmp(buf, "SZDD", 4))
		return single(c, buf, len, 0);
	if (len >= 4 && !memcmp(buf, "KWAJ", 4))
		return single(c, buf, len, 1);
	return chm(c, buf, len);
}
