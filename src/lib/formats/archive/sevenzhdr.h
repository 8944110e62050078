/*
 * sevenzhdr.h -- a 7z archive's headers: the signature header that says
 * where the header is, and the header itself (pack streams, folders with
 * their coder chains, the streams each folder's output is cut into, and
 * the file records that name them), read through the bounded reader into
 * flat tables. The decoding is sevenz.c's.
 */
#ifndef VIGIL_FORMATS_ARCHIVE_SEVENZHDR_H
#define VIGIL_FORMATS_ARCHIVE_SEVENZHDR_H

#include <stddef.h>
#include <stdint.h>

/* The signature header, before everything else. */
#define SZ_SIG_BYTES 32
/* Largest header read, packed or unpacked (7-Zip's own headers for a
 * million files take tens of MiB). */
#define SZ_MAX_HEADER_BYTES (64u << 20)
/* Coders in a folder this reader decodes (a chain liblzma takes: up to
 * three filters and LZMA or LZMA2); longer or branching folders (BCJ2)
 * are marked, not decoded. */
#define SZ_MAX_CHAIN 4
/* Coders a folder may have at all; pack streams, streams and files an
 * archive may have, and folders (each takes about 200 bytes here): more
 * leaves the archive to libarchive. */
#define SZ_MAX_FOLDER_CODERS 32
#define SZ_MAX_ITEMS (1u << 20)
#define SZ_MAX_FOLDERS (1u << 18)

/* 7z's codec ids, as the bytes read big-endian. */
#define SZ_COPY 0x00
#define SZ_DELTA 0x03
#define SZ_LZMA2 0x21
#define SZ_LZMA 0x030101
#define SZ_AES 0x06f10701

/* What sz_parse() and sz_signature() return besides 0. */
#define SZ_ENCODED 1		/* a packed header: decode folder 0, again */
#define SZ_DAMAGED (-1)		/* not a header this reader can read */
#define SZ_NOMEM (-2)

struct sz_coder {
	uint64_t method;	/* codec id */
	const uint8_t *props;	/* its properties (in the header) */
	size_t nprops;
};

struct sz_folder {
	/* the coders from the one that gives the folder's output back to the
	 * one that reads the packed stream, when the folder is such a chain
	 * (chain_len > 0); else chain_len is 0 */
	struct sz_coder chain[SZ_MAX_CHAIN];
	unsigned chain_len;
	int encrypted;		/* an AES coder anywhere in it */
	uint64_t pack_at;	/* its first packed stream: offset from the
				 * archive's start, and bytes */
	uint64_t pack_len;
	uint64_t size;		/* bytes it decodes to */
	int has_crc;
	uint32_t crc;
	uint64_t nstreams;	/* streams it holds */
	uint64_t first;		/* the first of them in sz_header.stream */
};

/* A file's data: bytes at an offset of its folder's output. */
struct sz_stream {
	uint64_t folder;
	uint64_t at;
	uint64_t size;
	int has_crc;
	uint32_t crc;
};

struct sz_file {
	size_t name;		/* offset of its UTF-8 name in names */
	uint64_t stream;	/* its data, or SZ_NONE */
	int dir;		/* no data, and not an empty file */
};
#define SZ_NONE UINT64_MAX

struct sz_header {
	struct sz_folder *folder;
	size_t nfolders;
	struct sz_stream *stream;
	size_t nstreams;
	struct sz_file *file;
	size_t nfiles;
	char *names;		/* NUL-terminated UTF-8 names */
	int crc_damaged;	/* a stream's size or CRC list did not add up */
};

/*
 * The signature header of the archive at buf: 0 with *at and *n set to
 * where the header lies (inside buf), SZ_DAMAGED if it is not one or
 * points outside buf or past SZ_MAX_HEADER_BYTES. *crc_ok tells whether
 * the header's bytes have the CRC it gives.
 */
int sz_signature(const uint8_t *buf, size_t len, size_t *at, size_t *n,
		 int *crc_ok);

/*
 * Reads the header of n bytes at hdr (which must outlive h: coder
 * properties point into it) of an archive of len bytes: 0, SZ_ENCODED
 * (h describes the pack stream and folder holding the real header),
 * SZ_DAMAGED or SZ_NOMEM. h is freed with sz_free() whatever the result.
 */
int sz_parse(const uint8_t *hdr, size_t n, uint64_t len, struct sz_header *h);
void sz_free(struct sz_header *h);

#endif
