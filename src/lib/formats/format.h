/*
 * format.h -- what a format parser sees. A parser only extracts: it hands
 * each contained object to fmt_child(), which matches it with every
 * signature and descends into it in turn. Parsers keep their output within
 * fmt_max_child() bytes, check fmt_expired() in long loops, and report what
 * they could not read through fmt_limit() or fmt_warn(). One parser per
 * file in its family's directory, one line in the table of dispatch.c
 * (or, for an executable stage, in exe/pipeline.c).
 */
#ifndef VIGIL_FORMATS_FORMAT_H
#define VIGIL_FORMATS_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "match/magic.h"

struct vbuf;

struct fmt_ctx;

/*
 * What decoders return for damaged input: distinct from every VIGIL_E*
 * code (VIGIL_ENOMEM is -1, so -1 must never mean "damaged").
 */
#define FMT_DAMAGED (-100)

struct format {
	const char *name;
	unsigned family;	/* VIGIL_FAMILY_* */
	/* 1 if the parser takes this object (type: enum vigil_file_type);
	 * or, for a format known by a mark anywhere in it (magic.h), NULL
	 * and by_marks asked, given where the marks were found */
	int (*probe)(const uint8_t *buf, size_t len, int type);
	/* Extracts the contained objects; returns 0, 1 (stop) or an error. */
	int (*extract)(struct fmt_ctx *c, const uint8_t *buf, size_t len);
	int (*by_marks)(const struct magic_hits *h, int type);
};

/*
 * What the objects handed on from now are held in, as ClamAV's type
 * (enum cl_type) for Container and Intermediates: by default the type of
 * the object being extracted; a parser whose children come out of a part
 * with a type of its own (an AutoIt script in an executable) names it.
 * Returns the type it replaces, for the parser to put back.
 */
int fmt_set_container(struct fmt_ctx *c, int cltype);
/* What a container says of an entry, for container metadata signatures. */
#define FMT_UNKNOWN UINT64_MAX
struct fmt_entry {
	const char *name;
	uint64_t stored;	/* bytes it takes in the container, or
				 * FMT_UNKNOWN */
	uint64_t size;		/* bytes once extracted, or FMT_UNKNOWN */
	int encrypted;
	int has_crc;
	uint32_t crc;		/* CRC-32 of its data (zip, rar) */
};

/*
 * Announces the next entry of the container before it is extracted (or
 * reported unreadable): its metadata is matched with .cdb signatures, and
 * the fmt_child() that may follow with the same name pointer does not
 * count it again. Parsers that
 * do not announce get their entries announced by fmt_child() with what it
 * knows (the name and size). Returns as fmt_child().
 */
int fmt_entry(struct fmt_ctx *c, const struct fmt_entry *m);
/* Type of the object being extracted (enum vigil_file_type). */
int fmt_type(const struct fmt_ctx *c);
/* Nesting of the object being extracted: 0 for the file itself. */
unsigned fmt_depth(const struct fmt_ctx *c);

/* The parser for an object (where h says the marks are), or NULL. */
const struct format *format_for(const uint8_t *buf, size_t len, int type,
				const struct magic_hits *h);
/* What the object holds besides what its own family reads (an archive
 * appended to it, or after a prefix, a stream or an executable inside it),
 * found at the offsets in h, or NULL. */
const struct format *format_embedded(const uint8_t *buf, size_t len,
				     int type, const struct magic_hits *h);
/* Where the containers' signatures are in the object being extracted. */
const struct magic_hits *fmt_hits(const struct fmt_ctx *c);

/*
 * Matches a contained object and descends into it. name is its name in the
 * container (any bytes; it is cleaned for display). Returns 0 to go on, 1
 * when the scan must stop (a detection without all-match, or a scan-wide
 * limit), or a negative error.
 */
int fmt_child(struct fmt_ctx *c, const char *name, const uint8_t *buf,
	      size_t len);
/* The name of the object being extracted: its member name in its
 * container, or the file's own (its last component); "" when unknown. */
void fmt_own_name(const struct fmt_ctx *c, char *out, size_t len);
/*
 * Extracts entries 0 .. n-1 of a container whose entries can be read in
 * any order (a zip's, by its central directory) with each(c, arg, i),
 * which may be called on other threads, each with a context of its own,
 * while this call lasts (arg must stay valid and unchanged till it
 * returns; each reads the object's bytes, writes only its own memory).
 * size(arg, i), if not NULL, guesses the bytes entry i gives (the larger
 * start first). Results arrive as if the entries were read one after
 * another in order. An "entry" may be a run of the container's entries
 * (a piece of a 7z): first(arg, i), if not NULL, counts the entries the
 * ones before i announce (first(arg, n): all of them); without it, each
 * announces one. Returns as fmt_child().
 */
struct fmt_each_ops {
	int (*each)(struct fmt_ctx *c, void *arg, size_t i);
	uint64_t (*size)(void *arg, size_t i);
	uint64_t (*first)(void *arg, size_t i);
};
int fmt_each(struct fmt_ctx *c, size_t n, const struct fmt_each_ops *ops,
	     void *arg);
/*
 * As fmt_child() for a script a document runs (a PDF's JavaScript): it is
 * matched as text, never taken for the document type its words may look
 * like, which would read it again as one (a PDF in a /JS string holding
 * the same PDF: each level doubled the work).
 */
int fmt_script(struct fmt_ctx *c, const char *name, const uint8_t *buf,
	       size_t len);
/*
 * As fmt_child() for what a compression layer (gzip, bzip2, xz, zstd)
 * wraps: the same file, unwrapped, so it does not count as a level of
 * nesting; layers in a row are limited on their own.
 */
int fmt_layer(struct fmt_ctx *c, const char *name, const uint8_t *buf,
	      size_t len);
/*
 * A buffer for the entries of the object being extracted, kept by the scan
 * from one entry to the next (and from scan to scan) so that each entry
 * does not map and fault in fresh memory: len 0, data and capacity as the
 * last entry left them; give it back with fmt_buffer_put() (with what the
 * entry grew it to) before the next fmt_buffer(). NULL when nested too
 * deep: use a buffer of your own.
 */
struct vbuf *fmt_buffer(struct fmt_ctx *c);
void fmt_buffer_put(struct fmt_ctx *c, struct vbuf *b);
/* Largest object fmt_child() accepts now; decompress no more than one
 * byte past it, then call fmt_too_big(). */
size_t fmt_max_child(const struct fmt_ctx *c);
/* Reports an object that outgrew fmt_max_child(). Returns as fmt_child. */
int fmt_too_big(struct fmt_ctx *c, const char *name);
/*
 * For decoders that cannot check the ratio guard as they go: the most
 * output to produce from in bytes of input (fmt_max_child(), and past
 * 1 MiB no more than the compression ratio allows). Output that grows past
 * it is reported by fmt_over(c, name, in) as the limit it broke (the
 * ratio, or the size). Returns as fmt_child.
 */
size_t fmt_max_output(const struct fmt_ctx *c, uint64_t in);
int fmt_over(struct fmt_ctx *c, const char *name, uint64_t in);
/* A parser's own bound on the entries of one object, met with entries
 * left (as clamscan names the objects-per-file limit). */
#define FMT_MAXFILES "Heuristics.Limits.Exceeded.MaxFiles"
/* Reports content that could not be read ("Heuristics.Encrypted.Zip",
 * a limit name...): never clean (encrypted content is a warning when the
 * scan's flags say so). Returns as fmt_child(). */
int fmt_unreadable(struct fmt_ctx *c, const char *name);
/* Macros of a language ("VBA" or "XLM") were found:
 * Heuristics.OLE2.ContainsMacros.<lang> if the scan asks for it
 * (VIGIL_SCAN_ALERT_MACROS). Returns as fmt_child(). */
int fmt_macros(struct fmt_ctx *c, const char *lang);
/* A heuristic result (Heuristics.Broken.Media.PNG ...) about the current
 * object: reported unless a signature matches; with
 * VIGIL_SCAN_HEURISTIC_PRECEDENCE it ends the scan. Returns as
 * fmt_child(). */
int fmt_heuristic(struct fmt_ctx *c, const char *name);
/* 1 if the scan's flags (VIGIL_SCAN_*) include flag. */
int fmt_flag(const struct fmt_ctx *c, unsigned flag);
/* Largest mail text part whose links are checked (ClamAV's 100 KiB). */
#define PHISH_MAX_PART_BYTES (100u * 1024)
/* The text of a mail's body part (HTML or plain): its links checked
 * against the phishing lists. Returns as fmt_child(). */
int fmt_phish(struct fmt_ctx *c, const uint8_t *buf, size_t len);
/* A warning naming the current object: why something was not read. */
void fmt_warn(struct fmt_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
struct rdr;
/*
 * The *n bytes a header claims for what (a member, a fork, a block), at
 * r: as many as are there, *n set to that, with a warning when that is
 * fewer. A member cut short is read as far as it goes, as the tools that
 * extract it do: else its bytes would hide from every signature but the
 * container's. NULL once r has failed.
 */
const uint8_t *fmt_upto(struct fmt_ctx *c, const char *what, struct rdr *r,
			size_t *n);
/* 1 if the scan's time is up (the limit is then reported); check often. */
int fmt_expired(struct fmt_ctx *c);
/*
 * 1 if out bytes produced from in bytes exceed the compression-ratio
 * guard (the limit is then reported): call while decompressing.
 */
int fmt_ratio_exceeded(struct fmt_ctx *c, uint64_t out, uint64_t in);

#endif
