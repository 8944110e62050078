/*
 * vdb_format.h -- the on-disk layout of a compiled database (.vdb). All
 * integers are little-endian; records are naturally aligned inside
 * sections that start on 64-byte boundaries, so the file is used in place
 * through mmap. The header's checksum (XXH3-64) covers every byte after the
 * header; readers verify it before trusting any offset.
 */
#ifndef VIGIL_DB_VDB_FORMAT_H
#define VIGIL_DB_VDB_FORMAT_H

#include <stdint.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error ".vdb files are read in place: little-endian hosts only"
#endif

#define VDB_MAGIC "VIGILDB\x1a"
#define VDB_FORMAT_VERSION 7
/* The version of an image that holds YARA sources (VDB_SEC_YARA): a
 * reader that does not know them refuses it rather than load the rest
 * and miss the rules silently. */
#define VDB_FORMAT_VERSION_YARA 8
#define VDB_SECTION_ALIGN 64
#define VDB_MAX_SECTIONS 48

struct vdb_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size;	/* sizeof(struct vdb_header) */
	uint64_t file_size;
	uint64_t checksum;	/* XXH3-64 of bytes [header_size, file_size) */
	uint32_t nsections;
	uint32_t flags;
	uint64_t created;	/* Unix time */
	uint8_t reserved[16];
};				/* 64 bytes, followed by the section table */

struct vdb_section {
	uint32_t id;		/* enum vdb_section_id */
	uint32_t reserved;
	uint64_t offset;
	uint64_t size;
};

enum vdb_section_id {
	VDB_SEC_META = 1,	/* "key=value\n" text */
	VDB_SEC_STRINGS = 2,	/* NUL-terminated names; offset 0 is "" */
	VDB_SEC_HASH = 3,	/* + algo: detection hash records, sorted */
	VDB_SEC_SIZES = 6,	/* + algo: u64 wildcard count, sorted sizes */
	VDB_SEC_ALLOW = 9,	/* + algo: allowlist hash records, sorted */
	VDB_SEC_MATCHABLE = 12,	/* struct vdb_matchable[] */
	VDB_SEC_CODE = 13,	/* pattern and expression bytecode */
	VDB_SEC_NDB = 14,	/* struct vdb_ndb[] */
	VDB_SEC_LDB = 15,	/* struct vdb_ldb[] */
	VDB_SEC_IGNORE = 16,	/* u32 string offsets, sorted by name */
	VDB_SEC_SECTHASH = 17,	/* + algo: PE section hash records (.mdb) */
	VDB_SEC_SECTSIZES = 20,	/* + algo: their sizes, as VDB_SEC_SIZES */
	VDB_SEC_PCRE = 23,	/* struct vdb_pcre[], by .ldb and subsignature */
	VDB_SEC_BCOMP = 24,	/* struct vdb_bcomp[], by .ldb and subsignature */
	VDB_SEC_IMPHASH = 25,	/* + algo: PE import table hash records (.imp) */
	VDB_SEC_IMPSIZES = 28,	/* + algo: their sizes, as VDB_SEC_SIZES */
	VDB_SEC_MACROPAT = 31,	/* struct vdb_macro_pat[]: macro group members */
	VDB_SEC_MACRO = 32,	/* struct vdb_macro[], by .ldb and subsignature */
	VDB_SEC_CDB = 33,	/* struct vdb_cdb[]: container metadata (.cdb) */
	VDB_SEC_PHISH = 34,	/* struct vdb_phish[]: phishing lists (.pdb .wdb) */
	VDB_SEC_CERT = 35,	/* struct vdb_cert[]: certificates (.crb) */
	VDB_SEC_FUZZY = 36,	/* struct vdb_fuzzy[]: image fuzzy hashes */
	VDB_SEC_ICON = 37,	/* struct vdb_icon[]: icon metrics (.idb) */
	VDB_SEC_LDBICON = 38,	/* struct vdb_ldb_icon[]: IconGroup1/2 */
	VDB_SEC_CATALOG = 39,	/* struct vdb_catalog[]: signed catalogs */
	VDB_SEC_CATBLOB = 40,	/* their bytes */
	VDB_SEC_YARA = 41,	/* YARA sources: per file, u32 name length,
				 * u32 text length, the name, the text;
				 * compiled when the database is loaded */
};

enum hash_algo { HASH_MD5 = 0, HASH_SHA1 = 1, HASH_SHA256 = 2, HASH_NALGO };
/*
 * Hash tables: whole-object hashes (.hdb .hsb) are tables 0..2, PE section
 * hashes (.mdb .msb) 3..5, PE import table hashes (.imp) 6..8; a table's
 * algorithm is its index % HASH_NALGO.
 */
#define HT_FILE 0
#define HT_SECTION HASH_NALGO
#define HT_IMP (2 * HASH_NALGO)
#define HT_N (3 * HASH_NALGO)

/* Section ids of a hash table's records and sizes. */
static inline uint32_t vdb_hash_section(int table)
{
	if (table >= HT_IMP)
		return VDB_SEC_IMPHASH + (uint32_t)(table - HT_IMP);
	return table < HT_SECTION ? VDB_SEC_HASH + (uint32_t)table :
		VDB_SEC_SECTHASH + (uint32_t)(table - HT_SECTION);
}

static inline uint32_t vdb_size_section(int table)
{
	if (table >= HT_IMP)
		return VDB_SEC_IMPSIZES + (uint32_t)(table - HT_IMP);
	return table < HT_SECTION ? VDB_SEC_SIZES + (uint32_t)table :
		VDB_SEC_SECTSIZES + (uint32_t)(table - HT_SECTION);
}
#define HASH_MAX_DIGEST 32
#define HASH_SIZE_ANY UINT64_MAX

/*
 * Hash record: u64 size (HASH_SIZE_ANY for '*'), u32 name, digest; its
 * stride is 12 + digest length, so read it with memcpy.
 */
#define VDB_HASH_STRIDE(dlen) (12u + (dlen))

/* A pattern to match: an .ndb signature or one .ldb subsignature form. */
struct vdb_matchable {
	uint32_t code_off;	/* in VDB_SEC_CODE */
	uint32_t code_len;
	uint32_t owner;		/* index in VDB_SEC_NDB or VDB_SEC_LDB */
	uint16_t sub;		/* subsignature index within its .ldb */
	uint8_t kind;		/* MATCH_NDB or MATCH_LDB */
	uint8_t target;		/* ClamAV target type 0..14 */
	uint8_t off_kind;	/* enum off_kind */
	uint8_t flags;		/* MATCH_F_* */
	uint16_t off_sect;	/* section of OFF_SX and OFF_SE */
	uint32_t off_shift;	/* maxshift of a floating offset */
	uint64_t off_n;
	uint32_t minlen;
	uint32_t maxlen;	/* PAT_INF if unbounded */
};				/* 40 bytes */

enum { MATCH_NDB = 1, MATCH_LDB = 2 };
/*
 * Where a pattern may start. The executable-relative kinds (ClamAV's EP+n,
 * Sx+n, SEx, SL+n) apply to PE, ELF and Mach-O targets only; off_n of
 * OFF_EP is a signed delta stored as two's complement.
 */
enum off_kind {
	OFF_ANY = 0, OFF_ABS = 1, OFF_EOF = 2,
	OFF_EP = 3, OFF_SX = 4, OFF_SE = 5, OFF_SL = 6,
	OFF_VI = 7,	/* at the start of a PE version information string */
	OFF_LAST = OFF_VI
};
#define MATCH_F_COUNT 0x01	/* its match count matters, not just one */

/* Intermediates: at most this many containers (ClamAV's limit). */
#define LDB_MAX_INTERMEDIATES 16

struct vdb_ndb {
	uint32_t name;
	uint32_t matchable;
};

struct vdb_ldb {
	uint32_t name;
	uint32_t expr_off;	/* expression bytecode in VDB_SEC_CODE */
	uint32_t expr_len;
	uint32_t first;		/* first matchable */
	uint16_t nmatch;	/* matchables: [first, first + nmatch) */
	uint16_t nsub;		/* subsignatures */
	uint8_t target;
	uint8_t flags;		/* LDB_F_* */
	uint16_t npcre;		/* PCRE subsignatures: [pcre_first, +npcre) */
	uint64_t fsize_min;
	uint64_t fsize_max;
	uint32_t pcre_first;
	uint16_t nsect_min;	/* NumberOfSections, with LDB_F_NSECT */
	uint16_t nsect_max;
	uint8_t container;	/* Container: enum cl_type, 0 for none */
	uint8_t ninter;		/* Intermediates: the nearest ninter */
	uint8_t inter[LDB_MAX_INTERMEDIATES]; /* containers, outermost first */
	uint8_t handler;	/* HandlerType: enum cl_type; 0 for none */
	uint8_t nbcomp;		/* byte compares: [bcomp_first, +nbcomp) */
	uint32_t bcomp_first;
	uint64_t ep_min;	/* EntryPoint, with LDB_F_EP */
	uint64_t ep_max;
	uint32_t macro_first;	/* macro subsignatures: [macro_first, */
	uint16_t nmacro;	/*  + nmacro) */
	uint16_t reserved2;
};				/* 96 bytes */

/*
 * The expression holds with no match at all, or a PCRE subsignature's
 * trigger does: it is evaluated for every object of its target.
 */
#define LDB_F_ZERO_TRUE 0x01
#define LDB_F_NSECT 0x02	/* nsect_min..nsect_max sections */
#define LDB_F_EP 0x04		/* its entry point's offset in ep_min..ep_max */
#define LDB_F_ICON 0x08		/* IconGroup1/2: true only when an icon of
				 * the PE matches a .idb entry of the groups
				 * its struct vdb_ldb_icon names */

/*
 * A PCRE subsignature: its trigger (a logical expression over the
 * subsignatures before it) and its expression, both in VDB_SEC_CODE, the
 * flags (enum sigpcre_flag) and an offset as a matchable's.
 */
struct vdb_pcre {
	uint32_t re_off;
	uint32_t re_len;
	uint32_t trig_off;
	uint32_t trig_len;
	uint32_t owner;		/* index in VDB_SEC_LDB */
	uint16_t sub;
	uint16_t flags;
	uint8_t off_kind;
	uint8_t reserved;
	uint16_t off_sect;
	uint32_t off_shift;
	uint64_t off_n;
};				/* 40 bytes */

/*
 * A byte-compare subsignature "T(>>off#opts#cmp[,cmp])": the number at
 * off bytes after (or, with BCOMP_F_BACK, before) where subsignature
 * trigger matched, read as kind says, compared with one or two values.
 */
struct vdb_bcomp {
	uint32_t owner;		/* index in VDB_SEC_LDB */
	uint16_t sub;
	uint16_t trigger;	/* a plain subsignature of the same .ldb */
	uint64_t off;
	uint32_t nbytes;	/* bytes (or digits) to read */
	uint8_t kind;		/* 'h' hex, 'd' decimal, 'a' either, 'i' raw */
	uint8_t flags;		/* BCOMP_F_* */
	uint8_t ncmp;		/* 1 or 2 */
	uint8_t op[2];		/* '<', '>', '=' */
	uint8_t reserved[7];
	uint64_t value[2];
};				/* 48 bytes */

/* Macro groups: .ndb lines with the offset "$N" (N < MACRO_GROUPS) are
 * members of group N, matched only through macro subsignatures. */
#define MACRO_GROUPS 32

/*
 * A fuzzy_img subsignature: it counts once when an image's fuzzy hash
 * (core/imghash.h) equals hash.
 */
struct vdb_fuzzy {
	uint8_t hash[8];
	uint32_t owner;		/* index in VDB_SEC_LDB */
	uint16_t sub;
	uint16_t reserved;
};				/* 16 bytes */

/*
 * What ClamAV's icon matcher measures of a 16, 24 or 32 pixel square icon
 * (core/iconmetrics.h): for each kind of area (ICM_*), the three best
 * non-overlapping windows of a quarter of the side, by average and
 * corner; then the colour spread (red, green and blue weights and the
 * percentage of coloured pixels; all 0 for an icon in black and white).
 */
enum { ICM_COLOR, ICM_GRAY, ICM_BRIGHT, ICM_DARK, ICM_EDGE, ICM_NOEDGE,
       ICM_KINDS };
struct vdb_icon_metrics {
	uint32_t side;
	uint32_t avg[ICM_KINDS][3];
	uint32_t x[ICM_KINDS][3];
	uint32_t y[ICM_KINDS][3];
	uint32_t rsum, gsum, bsum, ccount;
	uint32_t reserved;
};				/* 240 bytes */

/* A .idb line: NAME:GROUP1:GROUP2:METRICS (names in VDB_SEC_STRINGS). */
struct vdb_icon {
	uint32_t name;
	uint32_t group[2];
	uint32_t reserved;
	struct vdb_icon_metrics m;
};				/* 256 bytes */

/* The icon groups an .ldb with LDB_F_ICON names (0: any, as "*"). Sorted
 * by owner. */
struct vdb_ldb_icon {
	uint32_t owner;		/* index in VDB_SEC_LDB */
	uint32_t group[2];
	uint32_t reserved;
};				/* 16 bytes */

/* A signed catalog (.cat): its DER bytes in VDB_SEC_CATBLOB, checked
 * when the engine is compiled (core/catalog.c). */
struct vdb_catalog {
	uint64_t off;
	uint64_t len;
	uint32_t name;		/* its file name */
	uint32_t reserved;
};				/* 24 bytes */

struct vdb_macro_pat {
	uint32_t code_off;	/* its pattern in VDB_SEC_CODE */
	uint32_t code_len;
	uint8_t group;
	uint8_t reserved[7];
};				/* 16 bytes */

/*
 * A macro subsignature "${min-max}N$": a member of group N matches
 * starting min..max bytes after where the subsignature before it does.
 */
struct vdb_macro {
	uint32_t owner;		/* index in VDB_SEC_LDB */
	uint16_t sub;
	uint8_t group;
	uint8_t reserved;
	uint32_t min;
	uint32_t max;
};				/* 16 bytes */

/*
 * A container metadata signature (.cdb): an entry of a container of type
 * cltype (0: any) whose name matches regex (POSIX extended, in
 * VDB_SEC_STRINGS) and whose numbers fall in the ranges (lo..hi, inclusive;
 * 0..UINT64_MAX for '*').
 */
struct vdb_cdb {
	uint32_t name;
	uint32_t regex;
	uint8_t cltype;
	uint8_t encrypted;	/* 0, 1, or CDB_ANY */
	uint8_t has_crc;	/* crc applies (zip and rar entries) */
	uint8_t reserved;
	uint32_t crc;
	uint64_t range[4][2];	/* CDB_R_*: [lo, hi] */
};				/* 80 bytes */

/*
 * A line of a phishing list: kind is the line's letter (.pdb: 'R' regex,
 * 'H' host; .wdb: 'X' regex, 'M' host pair, 'Y' real-URL regex); pattern
 * (in VDB_SEC_STRINGS) is what follows it, with ClamAV's '/' appended.
 * Regexes are POSIX extended, case-blind when icase. Kind 'S' is a URL
 * hash (.gdb): pattern is its SHA-256 in hex, reserved[0] its list ('0',
 * '1', '2', or 'W' for allowed).
 */
struct vdb_phish {
	uint32_t pattern;
	uint8_t kind;
	uint8_t icase;
	uint8_t reserved[2];
};				/* 8 bytes */

/*
 * A trusted or blocked code-signing certificate (.crb), as ClamAV
 * identifies one: SHA-1 digests of its subject name (the DER content of
 * the Name) and of its serial number's bytes (has_serial 0: any serial),
 * and its RSA modulus, in hex in VDB_SEC_STRINGS (pubkey). uses says
 * what a trusted one may sign (CRB_*); name is reported for a blocked one.
 */
struct vdb_cert {
	uint32_t name;
	uint32_t pubkey;
	int64_t not_before;	/* NotBefore: vouches for a certificate itself
				 * only if its validity starts no earlier */
	uint8_t subject[20];
	uint8_t serial[20];
	uint8_t trusted;	/* 1 trusted, 0 blocked */
	uint8_t uses;		/* CRB_CODE | CRB_TIME | CRB_CERT */
	uint8_t has_serial;
	uint8_t reserved[5];
};				/* 64 bytes */

#define CRB_CODE 0x1
#define CRB_TIME 0x2
#define CRB_CERT 0x4

#define CDB_ANY 2
enum { CDB_R_CONTAINER = 0, CDB_R_STORED, CDB_R_REAL, CDB_R_POS };

#define BCOMP_F_BACK 0x01	/* "<<": before the trigger's match */
#define BCOMP_F_LITTLE 0x02	/* 'l': little-endian */
#define BCOMP_F_EXACT 0x04	/* 'e' (or 'i'): exactly nbytes, or no compare */
#define BCOMP_F_ENDIAN 0x08	/* 'l' or 'b' given (or implied by 'd') */

#endif
