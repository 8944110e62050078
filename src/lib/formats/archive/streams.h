/*
 * streams.h -- decoders of whole compressed streams into a bounded output,
 * for single compressed files (compressed.c) and zip entries (zip.c):
 * gzip (every member), raw deflate, bzip2, xz and .lzma, zstd, and zip's
 * LZMA. What they produce is checked against the object size, the
 * compression ratio and the scan's time as it is produced; a decoder
 * stops at the first that is exceeded (o->stop; the ratio and time guards
 * report themselves) and records damage in o->err, keeping what it
 * recovered.
 */
#ifndef VIGIL_FORMATS_ARCHIVE_STREAMS_H
#define VIGIL_FORMATS_ARCHIVE_STREAMS_H

#include <stddef.h>
#include <stdint.h>

#include "formats/format.h"
#include "util/vbuf.h"

struct stream_out {
	struct fmt_ctx *c;
	struct vbuf b;
	size_t max;		/* object size limit */
	size_t block;		/* room() made for this many bytes */
	int stop;		/* 1: too big, a bomb, or out of time */
	int nomem;		/* an allocation failed: VIGIL_ENOMEM */
	const char *err;	/* decoder error, NULL if none */
};

void stream_out_init(struct stream_out *o, struct fmt_ctx *c, size_t max);
/* name (name_cap bytes, may be 0) receives the gzip header's file name. */
void stream_gunzip(struct stream_out *o, const uint8_t *in, size_t len,
		   char *name, size_t name_cap);
void stream_inflate_raw(struct stream_out *o, const uint8_t *in, size_t len);
void stream_bunzip(struct stream_out *o, const uint8_t *in, size_t len);
/* xz, and .lzma ("LZMA alone"). */
void stream_unxz(struct stream_out *o, const uint8_t *in, size_t len);
void stream_unzstd(struct stream_out *o, const uint8_t *in, size_t len);
/*
 * Raw deflate data (of the stream 'what', for warnings) inflated into the
 * contained object name, its first skip bytes left out when there are
 * more: damage warned about, what was recovered handed on. Returns as
 * fmt_child().
 */
int stream_inflate_child(struct fmt_ctx *c, const char *what,
			 const char *name, const uint8_t *in, size_t len,
			 size_t skip);
/*
 * Raw deflate data whose container declares what it inflates to (a
 * PowerPoint object, a SIS file): inflated as far as it goes, not into a
 * reservation of the declared size. The declared size's worth is handed
 * over as name (what the program reading the container loads); data that
 * inflates past it is handed over whole too, as "<name>-whole", with a
 * warning, so that nothing after the declared end hides from signatures
 * of the whole. declared UINT64_MAX: none, the whole is name. Returns as
 * fmt_child().
 */
int stream_inflate_declared(struct fmt_ctx *c, const char *name,
			    const uint8_t *in, size_t len, uint64_t declared);
/* usize: the declared size, UINT64_MAX if unknown. */
void stream_unlzma_zip(struct stream_out *o, const uint8_t *in, size_t len,
		       uint64_t usize);

#endif
