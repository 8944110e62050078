/*
 * lzfu.h -- compressed RTF (MS-OXRTFCP): the rich-text body of an Outlook
 * message, its PR_RTF_COMPRESSED property, in a TNEF stream (winmail.dat)
 * or a .msg file.
 */
#ifndef VIGIL_FORMATS_LZFU_H
#define VIGIL_FORMATS_LZFU_H

#include <stddef.h>
#include <stdint.h>

#include "util/vbuf.h"

/* The header's "compressed" and "stored" marks. */
#define LZFU_COMPRESSED 0x75465a4cu	/* "LZFu" */
#define LZFU_STORED 0x414c454du		/* "MELA" */

/*
 * Decodes compressed RTF (its 16-byte header first) into out, at most max
 * bytes (then *over is set). Returns 0; 1 if in is not compressed RTF;
 * FMT_DAMAGED if the data ends before its end mark or its declared size
 * (out keeps what was decoded); or VIGIL_ENOMEM. The CRC is not checked:
 * a wrong one hides nothing.
 */
int lzfu_decode(const uint8_t *in, size_t len, size_t max, struct vbuf *out,
		int *over);

#endif
