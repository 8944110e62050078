/*
 * vbuf.c -- growable buffers. Growth doubles capacity, so appends are
 * amortised O(1); sizes are checked against overflow before multiplying.
 */
#include "util/vbuf.h"

#include <stdlib.h>
#include <string.h>

#include "vigil/vigil.h"

static int grow(void **data, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 64;
	void *p;

	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return VIGIL_ENOMEM;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem)
		return VIGIL_ENOMEM;
	p = realloc(*data, ncap * elem);
	if (!p)
		return VIGIL_ENOMEM;
	*data = p;
	*cap = ncap;
	return 0;
}

int vbuf_reserve(struct vbuf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len)
		return VIGIL_ENOMEM;
	if (b->len + extra <= b->cap)
		return 0;
	return grow((void **)&b->data, &b->cap, b->len + extra, 1);
}

int vbuf_append(struct vbuf *b, const void *p, size_t n)
{
	int rc;

	if (!n)
		return 0;
	if ((rc = vbuf_reserve(b, n)) < 0)
		return rc;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

int vbuf_append_u8(struct vbuf *b, uint8_t v)
{
	return vbuf_append(b, &v, 1);
}

int vbuf_append_u16(struct vbuf *b, uint16_t v)
{
	uint8_t le[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	return vbuf_append(b, le, 2);
}

int vbuf_append_u32(struct vbuf *b, uint32_t v)
{
	uint8_t le[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			  (uint8_t)(v >> 24) };

	return vbuf_append(b, le, 4);
}

int vbuf_align(struct vbuf *b, size_t align)
{
	static const uint8_t zeros[64];
	size_t pad = (align - (b->len & (align - 1))) & (align - 1);

	return vbuf_append(b, zeros, pad);
}

void vbuf_free(struct vbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void varr_init(struct varr *a, size_t elem)
{
	a->data = NULL;
	a->n = a->cap = 0;
	a->elem = elem;
}

void *varr_push(struct varr *a)
{
	void *p;

	if (a->n == a->cap && grow(&a->data, &a->cap, a->n + 1, a->elem) < 0)
		return NULL;
	p = (uint8_t *)a->data + a->n * a->elem;
	memset(p, 0, a->elem);
	a->n++;
	return p;
}

void *varr_at(const struct varr *a, size_t i)
{
	return (uint8_t *)a->data + i * a->elem;
}

void varr_free(struct varr *a)
{
	free(a->data);
	a->data = NULL;
	a->n = a->cap = 0;
}
