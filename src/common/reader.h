/*
 * reader.h -- the bounded reader: the only way libvigil reads untrusted
 * bytes. Every getter checks the remaining length first; a failed read sets
 * a sticky error flag and yields zeroes, so a parser can read a whole
 * structure and test rdr_failed() once.
 */
#ifndef VIGIL_COMMON_READER_H
#define VIGIL_COMMON_READER_H

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
/* At most *n bytes: as many as are left, *n set to that (a length a
 * header claims, cut short: read as far as it goes); NULL once failed. */
const uint8_t *rdr_upto(struct rdr *r, size_t *n);
int rdr_skip(struct rdr *r, size_t n);
int rdr_seek(struct rdr *r, size_t pos);
/*
 * Text (reader_text.c), for line- and word-structured formats and
 * protocols. Tokens point into the buffer and are not NUL-terminated.
 */

/*
 * Next line without its "\n" or "\r\n"; returns 1 and sets *line, *n, or 0
 * at the end of the buffer. A line longer than max_len fails the reader.
 */
int rdr_line(struct rdr *r, size_t max_len, const char **line, size_t *n);

/* The next byte, not consumed; -1 at the end or after a failure. */
int rdr_peek(const struct rdr *r);
/* Where what is left starts (rdr_left bytes from there). */
const char *rdr_here(const struct rdr *r);
/*
 * The bytes before the next delim, which is consumed but not returned:
 * 1 with *tok and *n set; 0 when delim does not occur in what is left
 * (nothing is consumed: more input may complete it). A token longer than
 * max_len, or a remainder without delim longer than max_len, fails the
 * reader.
 */
int rdr_until(struct rdr *r, uint8_t delim, size_t max_len,
	      const char **tok, size_t *n);
/*
 * As rdr_until, but the last field may end at the end of the buffer:
 * 0 only when nothing is left. An empty field between two delims is a
 * field (n == 0).
 */
int rdr_field(struct rdr *r, uint8_t delim, size_t max_len,
	      const char **tok, size_t *n);
/*
 * Moves to the next occurrence of the n bytes of needle in what is left
 * (not consuming it): 1, or 0 with nothing moved when there is none.
 */
int rdr_find(struct rdr *r, const void *needle, size_t n);
/* The same, ASCII letters matched without regard to case. */
int rdr_find_nocase(struct rdr *r, const char *needle, size_t n);
/* If what is left starts with the n bytes of s, consumes them: 1, else 0. */
int rdr_accept(struct rdr *r, const char *s, size_t n);
/* The same, ASCII letters matched without regard to case. */
int rdr_accept_nocase(struct rdr *r, const char *s, size_t n);
/* Consumes the bytes that are in set (a C string); returns how many. */
size_t rdr_span(struct rdr *r, const char *set);
/* Consumes the bytes up to the first that is in set; returns how many. */
size_t rdr_cspan(struct rdr *r, const char *set);
/*
 * Skips the bytes in space, then copies the word up to the next byte in
 * space (or the end) into out as a C string, "" when nothing is left:
 * 0, or -1 when it does not fit in cap bytes with its NUL, or holds a NUL.
 */
int rdr_word(struct rdr *r, const char *space, char *out, size_t cap);
/*
 * A run of decimal (rdr_decimal) or hexadecimal (rdr_hex) digits whose
 * value is at most max: 0 with *v set, or -1 when there is no digit or the
 * value exceeds max, and the reader fails. Stops at the first non-digit.
 */
int rdr_decimal(struct rdr *r, uint64_t max, uint64_t *v);
int rdr_hex(struct rdr *r, uint64_t max, uint64_t *v);

#endif
