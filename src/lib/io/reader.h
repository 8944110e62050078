/*
 * reader.h -- the bounded reader: the only way libvigil reads untrusted
 * bytes. Every getter checks the remaining length first; a failed read sets
 * a sticky error flag and yields zeroes, so a parser can read a whole
 * structure and test rdr_failed() once.
 */
#ifndef VIGIL_IO_READER_H
#define VIGIL_IO_READER_H

#include <stddef.h>
#include <stdint.h>

struct rdr {
	const uint8_t *buf;
	size_t len;
	size_t pos;
	int failed;
};

void rdr_init(struct rdr *r, const void *buf, size_t len);
size_t rdr_left(const struct rdr *r);
int rdr_failed(const struct rdr *r);
uint8_t rdr_u8(struct rdr *r);
uint16_t rdr_u16le(struct rdr *r);
uint32_t rdr_u32le(struct rdr *r);
uint64_t rdr_u64le(struct rdr *r);
/* Either byte order: big-endian if be is non-zero. */
uint16_t rdr_u16(struct rdr *r, int be);
uint32_t rdr_u32(struct rdr *r, int be);
uint64_t rdr_u64(struct rdr *r, int be);
/* Returns a pointer to n bytes in the buffer, or NULL (and fails). */
const uint8_t *rdr_bytes(struct rdr *r, size_t n);
int rdr_skip(struct rdr *r, size_t n);
int rdr_seek(struct rdr *r, size_t pos);
/*
 * Next line without its "\n" or "\r\n"; returns 1 and sets *line, *n, or 0
 * at the end of the buffer. A line longer than max_len fails the reader.
 */
int rdr_line(struct rdr *r, size_t max_len, const char **line, size_t *n);

#endif
