/*
 * vbuf.h -- growable byte buffer and growable array of fixed-size records,
 * used while building databases. Append functions return 0 or VIGIL_ENOMEM.
 */
#ifndef VIGIL_UTIL_VBUF_H
#define VIGIL_UTIL_VBUF_H

#include <stddef.h>
#include <stdint.h>

struct vbuf {
	uint8_t *data;
	size_t len;
	size_t cap;
};

int vbuf_reserve(struct vbuf *b, size_t extra);
int vbuf_append(struct vbuf *b, const void *p, size_t n);
int vbuf_append_u8(struct vbuf *b, uint8_t v);
int vbuf_append_u16(struct vbuf *b, uint16_t v);
int vbuf_append_u32(struct vbuf *b, uint32_t v);
/* Pads with zero bytes up to a multiple of align (a power of two). */
int vbuf_align(struct vbuf *b, size_t align);
void vbuf_free(struct vbuf *b);

/* An array of records of one size. */
struct varr {
	void *data;
	size_t n;
	size_t cap;
	size_t elem;
};

void varr_init(struct varr *a, size_t elem);
/* Appends one zeroed record and returns it, or NULL on ENOMEM. */
void *varr_push(struct varr *a);
void *varr_at(const struct varr *a, size_t i);
void varr_free(struct varr *a);

#endif
