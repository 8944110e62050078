/*
 * olefs.h -- the reader of OLE2 compound files (olefs.c): the sector
 * allocation table, the mini stream and the directory tree, every chain
 * bounded by the number of sectors. The OLE2 format (ole2.c) walks the
 * tree with it; VBA (vba.c) reads its project's streams with it.
 */
#ifndef VIGIL_FORMATS_OFFICE_OLEFS_H
#define VIGIL_FORMATS_OFFICE_OLEFS_H

#include <stddef.h>
#include <stdint.h>

#include "formats/format.h"
#include "util/vbuf.h"

#define OLE2_HEADER_BYTES 512
#define OLE2_MAX_ENTRIES 65536
#define OLE2_MAX_DEPTH 32
#define END_OF_CHAIN 0xfffffffeu
#define FREE_SECT 0xffffffffu
#define NO_STREAM 0xffffffffu

struct dirent2 {
	char name[64];		/* UTF-16 name, low bytes */
	uint8_t type;		/* 1 storage, 2 stream, 5 root */
	uint32_t left, right, child, start;
	uint64_t size;
};

struct ole2 {
	const uint8_t *buf;
	size_t len;
	size_t ssz;		/* sector size */
	size_t nsect;		/* sectors in the file */
	uint32_t *fat;
	size_t nfat;
	uint32_t *minifat;
	size_t nminifat;
	struct vbuf ministream;
	uint32_t cutoff;
	struct dirent2 *dir;
	size_t ndir;
	uint8_t *seen;		/* directory entries visited */
	struct fmt_ctx *c;
	int hwp5;		/* an HWP 5 document (set by ole2.c) */
	uint32_t hwp5_flags;	/* and its header's flags */
};

/* Reads the header, tables and directory of the len bytes at buf (which
 * must outlive o): 0, FMT_DAMAGED or VIGIL_ENOMEM. c is the scan, for
 * the formats that read streams through o. ole2_close frees in any case. */
int ole2_open(struct ole2 *o, struct fmt_ctx *c, const uint8_t *buf,
	      size_t len);
void ole2_close(struct ole2 *o);
/* Index of the stream or storage named name in a storage, or NO_STREAM. */
uint32_t ole2_find(const struct ole2 *o, uint32_t storage, const char *name);
/* Reads directory entry idx's data: 0, 1 (over the size limit), -1. */
int ole2_read(const struct ole2 *o, uint32_t idx, struct vbuf *out);
struct fmt_ctx *ole2_ctx(const struct ole2 *o);

#endif
