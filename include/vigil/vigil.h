/*
 * vigil.h -- the public interface of libvigil, Vigil's scanning engine.
 *
 * This header is the manual. An engine holds compiled signatures: create it,
 * add signature sources, compile it (it then becomes read-only and may be
 * shared by any number of threads), and create one scanner per thread to
 * scan buffers, file descriptors, paths or streams fed in chunks.
 *
 * Conventions, for every function below:
 *  - functions return 0 (VIGIL_OK) or a negative VIGIL_E* code; a detection
 *    is not an error, it is reported in a caller-owned struct vigil_result;
 *  - option and result structs carry their own size in their first member,
 *    so that they can grow without breaking callers built against an older
 *    header: set .size = sizeof(struct ...) before passing one in. An
 *    option struct larger than this library knows is accepted only if the
 *    fields it does not know are zero: a program built for a newer library
 *    that sets a new option gets VIGIL_EINVAL here, not a silent default;
 *  - strings handed back live as long as the handle they came from and are
 *    never for the caller to free();
 *  - the library never prints and never exits; it reports through return
 *    codes and an optional log callback.
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#ifndef VIGIL_VIGIL_H
#define VIGIL_VIGIL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(VIGIL_BUILDING_LIBRARY)
#define VIGIL_API __attribute__((visibility("default")))
#else
#define VIGIL_API
#endif

#define VIGIL_VERSION_MAJOR 0
#define VIGIL_VERSION_MINOR 2
#define VIGIL_VERSION_PATCH 0
#define VIGIL_VERSION_STRING "0.2.0"
/* MAJOR * 10000 + MINOR * 100 + PATCH, comparable with vigil_version_number() */
#define VIGIL_VERSION_NUMBER 200

/*
 * vigil_version, vigil_version_number -- the library's version at run time,
 * to compare with VIGIL_VERSION_STRING / VIGIL_VERSION_NUMBER at build time.
 * Thread: safe. Owns: static string. Errors: none.
 */
VIGIL_API const char *vigil_version(void);
VIGIL_API int vigil_version_number(void);

/* Error codes. Appended, never renumbered. */
enum vigil_error {
	VIGIL_OK = 0,
	VIGIL_ENOMEM = -1,	/* out of memory */
	VIGIL_EINVAL = -2,	/* invalid argument */
	VIGIL_EIO = -3,		/* read or write failed; errno has details */
	VIGIL_EFORMAT = -4,	/* malformed signature source or database */
	VIGIL_ESTATE = -5,	/* call not allowed in the handle's state */
	VIGIL_EUNSUPPORTED = -6, /* a signature uses what the engine lacks */
	VIGIL_ECHECKSUM = -7,	/* database or container integrity failure */
	VIGIL_EVERSION = -8,	/* database format version not supported */
	VIGIL_EMATCHER = -9,	/* the pattern matcher failed */
	VIGIL_ENOENT = -10,	/* no such file or directory */
	VIGIL_EEMPTY = -11,	/* no usable signatures were loaded */
	VIGIL_ETYPE = -12,	/* not a regular file (device, fifo, socket) */
	VIGIL_ELIMIT = -13,	/* an internal hard limit was exceeded */
	VIGIL_EFALSEPOS = -14,	/* the database flags a harmless object */
	VIGIL_ECHANGED = -15,	/* the file shrank while it was scanned
				 * (since 0.7) */
};

/*
 * vigil_strerror -- a short static description of a VIGIL_E* code.
 * Thread: safe. Owns: static string. Errors: unknown codes give "unknown".
 */
VIGIL_API const char *vigil_strerror(int code);

/* ------------------------------------------------------------ engine */

struct vigil_engine;

/* Log levels passed to the log callback. */
enum vigil_log_level {
	VIGIL_LOG_ERROR = 0,
	VIGIL_LOG_WARNING = 1,	/* e.g. "file.ndb:12: unsupported offset EP+4" */
	VIGIL_LOG_INFO = 2,
};

/* Engine flags. */
#define VIGIL_ENGINE_STRICT 0x1u  /* a signature the engine cannot honour is
				   * an error (VIGIL_EUNSUPPORTED) instead of
				   * a warning */
#define VIGIL_ENGINE_PUA 0x2u	  /* also load potentially-unwanted-application
				   * sources (.hdu .hsu .ndu .ldu) */
#define VIGIL_ENGINE_MERGE 0x4u	  /* merge every source, containers (.cvd)
				   * included, into one database instead of
				   * one shard per container */
#define VIGIL_ENGINE_NO_MATCHER 0x8u /* skip building the body matcher at
				      * compile (inspection, db info) */
#define VIGIL_ENGINE_NO_PHISHING_SIGS 0x10u /* skip HTML.Phishing.* and
					     * Email.Phishing.* body
					     * signatures (clamscan's
					     * --phishing-sigs=no) */
#define VIGIL_ENGINE_NO_PHISHING_URLS 0x20u /* do not load the phishing
					     * lists (.pdb .wdb): no link
					     * checks (--phishing-scan-urls=no) */
#define VIGIL_ENGINE_FULL_MATCHER 0x40u /* where the cache does not hold
					 * a shard's compiled (Vectorscan)
					 * matcher, compile it and store it,
					 * however long that takes, instead of
					 * serving with the matcher that builds
					 * in a fraction of a second but scans
					 * slower (since 0.5) */

typedef void (*vigil_log_fn)(void *ctx, int level, const char *msg);

/* ClamAV's default directory of certificates for .cvd.sign files. */
#define VIGIL_CLAMAV_CERTS_DIR "/etc/clamav/certs"

struct vigil_engine_options {
	size_t size;		/* sizeof(struct vigil_engine_options) */
	unsigned flags;		/* VIGIL_ENGINE_* */
	const char *cache_dir;	/* where compiled matchers are cached, keyed
				 * by database content, Vectorscan version and
				 * CPU features; NULL: no cache */
	vigil_log_fn log;	/* optional; may be called from compile */
	void *log_ctx;
	const char *cvd_key;	/* a key trusted for .cvd signatures beside
				 * ClamAV's, "modulus:exponent" in decimal
				 * (a site that signs its own); NULL: none */
	const char *cvd_certs_dir; /* trusted certificates (PEM files) for
				    * the detached signatures of .cvd files,
				    * "<name>-<version>.cvd.sign" beside them
				    * (ClamAV 1.5's CVDCertsDirectory); a
				    * valid one vouches for the file, an
				    * invalid one refuses it; NULL: none */
};

/*
 * vigil_engine_new -- create an empty, mutable engine.
 * opts may be NULL for defaults; the strings it points to must outlive the
 * engine.
 * Thread: the engine must not be used by other threads until compiled.
 * Owns: *out, released with vigil_engine_free().
 * Errors: VIGIL_ENOMEM, VIGIL_EINVAL (opts->size too small, or a larger
 * struct with a non-zero field this library does not know).
 */
VIGIL_API int vigil_engine_new(struct vigil_engine **out,
			       const struct vigil_engine_options *opts);

/*
 * vigil_engine_free -- release an engine. All scanners made from it must be
 * freed first. NULL is accepted.
 * Thread: not while other threads use the engine.
 * Owns: releases e and everything it handed out (names included).
 * Errors: none.
 */
VIGIL_API void vigil_engine_free(struct vigil_engine *e);

/*
 * vigil_engine_load -- add signatures from a path: a compiled database
 * (.vdb), a ClamAV signature source (.hdb .hsb .hdu .hsu .ndb .ndu .ldb .ldu
 * .fp .sfp .ign2 .ign), a container (.cvd .cld .cud), or a directory holding
 * any of these (not recursive). Files of other extensions in a directory are
 * skipped; a file of unknown extension named directly is VIGIL_EFORMAT.
 * Lines the engine cannot honour are logged as warnings naming file:line and
 * counted (see vigil_engine_stats), or fail the load with VIGIL_ENGINE_STRICT.
 * Thread: only before vigil_engine_compile(), from one thread.
 * Owns: nothing is kept of path.
 * Errors: VIGIL_ENOENT, VIGIL_EIO, VIGIL_EFORMAT (a malformed line: the log
 * names it), VIGIL_ECHECKSUM, VIGIL_EVERSION, VIGIL_EUNSUPPORTED (strict),
 * VIGIL_ESTATE (already compiled), VIGIL_ENOMEM.
 */
VIGIL_API int vigil_engine_load(struct vigil_engine *e, const char *path);

/*
 * vigil_engine_load_memory -- as vigil_engine_load() for one file held in
 * memory; name supplies the extension that selects the format and the name
 * used in warnings.
 * Thread: as vigil_engine_load().
 * Owns: nothing: buf is copied where it needs to be kept.
 * Errors: as vigil_engine_load(), and VIGIL_EINVAL.
 */
VIGIL_API int vigil_engine_load_memory(struct vigil_engine *e,
				       const char *name, const void *buf,
				       size_t len);

/*
 * vigil_engine_compile -- finish loading: build the databases and their
 * matchers (from the cache when it holds them). The engine is read-only
 * afterwards and may be shared by all threads.
 * Thread: from one thread; afterwards the engine is safe to share.
 * Owns: nothing new; cache files are written under opts->cache_dir.
 * Errors: VIGIL_EEMPTY (no signatures at all), VIGIL_EMATCHER, VIGIL_ENOMEM,
 * VIGIL_ESTATE (compiled twice).
 */
VIGIL_API int vigil_engine_compile(struct vigil_engine *e);

/*
 * vigil_engine_save -- write the compiled database to path as a .vdb file
 * (written to a temporary name, then renamed into place). The engine must
 * hold exactly one database: use VIGIL_ENGINE_MERGE to fold containers
 * into the sources' database.
 * Thread: safe once compiled.
 * Owns: nothing is kept of path.
 * Errors: VIGIL_ESTATE (not compiled, or not exactly one source database),
 * VIGIL_EIO.
 */
VIGIL_API int vigil_engine_save(const struct vigil_engine *e,
				const char *path);

/* Counts of what an engine holds. */
struct vigil_engine_stats {
	size_t size;		/* sizeof(struct vigil_engine_stats) */
	uint64_t signatures;	/* detection signatures of all kinds */
	uint64_t hash_md5, hash_sha1, hash_sha256;
	uint64_t body;		/* .ndb */
	uint64_t logical;	/* .ldb */
	uint64_t allow;		/* .fp/.sfp allowlist entries */
	uint64_t ignore;	/* .ign2 names */
	uint64_t skipped;	/* lines the engine could not honour (warned) */
	uint64_t shards;	/* databases, each with its own matcher */
	uint64_t matcher_bytes; /* memory of the compiled matchers */
	uint64_t cache_hits;	/* matchers taken from the cache */
	uint64_t section_hash;	/* .mdb/.msb PE section hashes (since 0.2) */
	uint64_t import_hash;	/* .imp PE import table hashes (since 0.3) */
	uint64_t phishing;	/* .pdb .wdb .gdb lines (since 0.4) */
	uint64_t certificates;	/* .crb trusted and blocked certificates
				 * (since 0.4) */
	uint64_t quick_matchers; /* shards served by the quick-to-build
				  * matcher because the cache did not hold
				  * their compiled one; a compile with
				  * VIGIL_ENGINE_FULL_MATCHER would make
				  * scanning faster (since 0.5) */
	uint64_t db_created;	/* the newest compilation time (Unix) of the
				 * .vdb files loaded from disk, from their
				 * headers; 0 without one (since 0.5) */
	uint64_t yara;		/* YARA rules that can detect (those that
				 * need a module not evaluated yet are
				 * counted in skipped) (since 0.6) */
	uint64_t unsettled;	/* files the load read whole to check but
				 * could not stamp yet, as they had just
				 * changed: vigil_engine_settle() would
				 * (since 0.7) */
};

/*
 * vigil_engine_stats -- fill *st with the engine's counts (after
 * vigil_engine_compile(); before, most counts are zero).
 * Thread: safe once compiled.
 * Owns: *st is the caller's; only st->size bytes are written.
 * Errors: VIGIL_EINVAL (NULL, or st->size too small).
 */
VIGIL_API int vigil_engine_stats(const struct vigil_engine *e,
				 struct vigil_engine_stats *st);

/*
 * vigil_engine_self_test -- scan a few harmless objects (an empty one,
 * plain text, a small page, a shell script) with a compiled engine: a
 * database that flags any of them is broken. What vigild, vigil-update and
 * vigil-repo run before a database may serve (since 0.3).
 * Thread: safe once compiled.
 * Owns: name (may be NULL) receives the detection's name, cut to len.
 * Errors: VIGIL_EFALSEPOS (a harmless object flagged), VIGIL_EINVAL,
 * VIGIL_ESTATE (not compiled), VIGIL_ENOMEM, or a scan's error.
 */
VIGIL_API int vigil_engine_self_test(const struct vigil_engine *e,
				     char *name, size_t len);

/*
 * vigil_engine_settle -- leave in the cache directory the stamps that
 * spare later loads a whole read of this engine's files. A load reads a
 * .vdb, and the cached table of a large set's matcher, whole to check
 * them once, and leaves a stamp that later loads of the same unchanged
 * file trust; but not for a file changed in the last two seconds, since
 * a file's times tick coarsely and a change in the same tick would go
 * unseen. This stamps those files once they have settled, after reading
 * them again (not mapped; a 600 MB feed takes a fraction of a second), so
 * that the next load or reload (vigild's, after an update) does not read
 * them whole. A file changed since the load is left alone (since 0.7).
 * Returns 0 when nothing is left to do, or the milliseconds after which
 * to call again (a file has not settled yet).
 * Thread: safe once compiled, beside scans; it only reads the engine.
 * Owns: nothing; best effort (a stamp that cannot be written only costs
 * the next load its read).
 * Errors: VIGIL_EINVAL, VIGIL_ESTATE (not compiled).
 */
VIGIL_API int vigil_engine_settle(const struct vigil_engine *e);

/* vigil_engine_changed()'s answers. */
#define VIGIL_CHANGED 1		/* files added, removed or replaced */
#define VIGIL_CHANGED_IN_PLACE 2 /* a .vdb in use written over in place */

/*
 * vigil_engine_changed -- whether the files and directories e was loaded
 * from (vigil_engine_load()) have changed since, as ClamAV's
 * cl_statchkdir() tells: 0 (no), VIGIL_CHANGED (database files added,
 * removed, changed, or replaced by a rename: a new engine would load
 * another database), or VIGIL_CHANGED_IN_PLACE (a .vdb the engine reads
 * where it lies was written over in place: the engine now reads the new
 * file's bytes at the old one's offsets, and its scans since may have
 * missed what they should find; load a new engine at once, and replace
 * .vdb files by renaming a new one over them). By stat() alone: a few
 * system calls per file. Checked as they were just before the load, so a
 * change during it counts (since 0.7).
 * Thread: safe at any time; it only reads the file system.
 * Errors: VIGIL_EINVAL (NULL).
 */
VIGIL_API int vigil_engine_changed(const struct vigil_engine *e);

/* Header fields of a compiled database file. */
struct vigil_db_info {
	size_t size;		/* sizeof(struct vigil_db_info) */
	uint32_t format_version;
	uint64_t file_size;
	uint64_t created;	/* Unix time of compilation */
	uint64_t checksum;	/* XXH3-64 of the body, verified */
	uint64_t hash_md5, hash_sha1, hash_sha256, body, logical, allow,
		ignore;
	char builder[64];	/* library version that wrote it */
	char sources[256];	/* what it was compiled from, truncated */
	uint64_t section_hash;	/* .mdb/.msb PE section hashes (since 0.2) */
	uint64_t yara_files;	/* YARA rule files it holds (since 0.3) */
};

/*
 * vigil_db_info -- read and verify a .vdb file's header and checksum.
 * Thread: safe. Owns: nothing.
 * Errors: VIGIL_ENOENT, VIGIL_EIO, VIGIL_EFORMAT (not a .vdb or truncated),
 * VIGIL_EVERSION, VIGIL_ECHECKSUM.
 */
VIGIL_API int vigil_db_info(const char *path, struct vigil_db_info *info);

/* ------------------------------------------------------------ scanning */

struct vigil_scanner;

/* Scan flags. */
#define VIGIL_SCAN_ALLMATCH 0x1u /* report every detection, not the first */
#define VIGIL_SCAN_LIMITS_WARN 0x2u /* an exceeded limit, or content that
				     * cannot be read (encrypted), becomes a
				     * warning instead of a result */
#define VIGIL_SCAN_NO_RECURSE 0x4u /* match the object only, without
				    * unpacking what it contains */
#define VIGIL_SCAN_ALERT_EXCEEDS_MAX 0x8u /* a PCRE subsignature stopped
					   * by its limits is a result, not
					   * a warning (clamscan's
					   * --alert-exceeds-max) */
#define VIGIL_SCAN_ALERT_MACROS 0x10u /* an OLE2 VBA project is
				       * Heuristics.OLE2.ContainsMacros
				       * (clamscan's --alert-macros) */
#define VIGIL_SCAN_NO_ALERT_ENCRYPTED_ARCHIVE 0x20u /* an encrypted archive
						     * entry is a warning, not
						     * Heuristics.Encrypted.*
						     * (--alert-encrypted-archive=no) */
#define VIGIL_SCAN_NO_ALERT_ENCRYPTED_DOC 0x40u /* likewise an encrypted
						 * document (PDF) */
#define VIGIL_SCAN_NO_HEURISTIC_ALERTS 0x80u /* clamscan's
					      * --heuristic-alerts=no: the
					      * heuristics below, and
					      * Heuristics.Zip.OverlappingFiles,
					      * are off or warnings */
#define VIGIL_SCAN_HEURISTIC_PRECEDENCE 0x100u /* a heuristic result
						* (Heuristics.*) ends the
						* scan at once; without it,
						* one is reported only if no
						* signature matches */
#define VIGIL_SCAN_ALERT_BROKEN 0x200u /* a PE or ELF file whose
					* headers are broken is
					* Heuristics.Broken.Executable */
#define VIGIL_SCAN_ALERT_BROKEN_MEDIA 0x400u /* a JPEG, PNG, GIF or TIFF
					      * image that is broken is
					      * Heuristics.Broken.Media.* */
#define VIGIL_SCAN_DETECT_STRUCTURED 0x800u /* credit card and US social
					     * security numbers in text:
					     * Heuristics.Structured.* */
#define VIGIL_SCAN_STRUCTURED_CC_ONLY 0x1000u /* credit cards only, not
					       * debit and private cards */
#define VIGIL_SCAN_STRUCTURED_SSN_NORMAL 0x2000u   /* SSNs as 123-45-6789 */
#define VIGIL_SCAN_STRUCTURED_SSN_STRIPPED 0x4000u /* SSNs as 123456789 */
#define VIGIL_SCAN_ALERT_PHISHING_SSL 0x8000u /* a displayed https link to
					       * a plain http one is
					       * Heuristics.Phishing.Email.
					       * SSL-Spoof for every domain,
					       * not only the listed ones */
#define VIGIL_SCAN_ALERT_PARTITION_INTERSECTION 0x20000u /* partitions of
							  * a disk image
							  * that overlap are
							  * Heuristics.
							  * PartitionIntersection */
#define VIGIL_SCAN_ALERT_PHISHING_CLOAK 0x10000u /* likewise a real URL
						  * cloaked with a NUL byte
						  * (Cloaked.Null) */

/*
 * Limits, with ClamAV-like defaults; a value of 0 selects the default. An
 * exceeded limit gives the verdict VIGIL_VERDICT_LIMIT with the name
 * "Heuristics.Limits.Exceeded.<Which>" (never clean), unless
 * VIGIL_SCAN_LIMITS_WARN makes it a warning.
 */
#define VIGIL_DEFAULT_MAX_FILESIZE_BYTES (100ull << 20) /* one object */
#define VIGIL_DEFAULT_MAX_SCANSIZE_BYTES (400ull << 20) /* per scan */
#define VIGIL_DEFAULT_MAX_FILES 10000u			/* objects per scan */
#define VIGIL_DEFAULT_MAX_DEPTH 17u			/* nesting */
#define VIGIL_DEFAULT_MAX_SECONDS 120u			/* per scan */
#define VIGIL_DEFAULT_MAX_RATIO 1000u	/* decompressed:compressed, checked
					 * past 1 MiB of output */
/* PCRE subsignatures: PCRE2's match and depth limits, and the largest
 * object they run over (clamd's PCREMatchLimit, PCRERecMatchLimit and
 * PCREMaxFileSize). As in ClamAV, a limit is part of what a PCRE
 * subsignature means: one stopped by it does not match, with a warning,
 * unless VIGIL_SCAN_ALERT_EXCEEDS_MAX makes it a limit result. */
#define VIGIL_DEFAULT_PCRE_MATCH_LIMIT 10000u
#define VIGIL_DEFAULT_PCRE_RECMATCH_LIMIT 2000u
#define VIGIL_DEFAULT_PCRE_MAX_FILESIZE_BYTES (100ull << 20)
/* --detect-structured: numbers an object must hold (clamscan's default). */
#define VIGIL_DEFAULT_STRUCTURED_COUNT 3u

struct vigil_scan_options {
	size_t size;		/* sizeof(struct vigil_scan_options) */
	unsigned flags;		/* VIGIL_SCAN_* */
	uint64_t max_filesize;	/* bytes in one contained object, and in a
				 * stream (MaxFileSize); a file, descriptor
				 * or buffer given is matched whole (0.3) */
	uint64_t max_scansize;	/* bytes of contained objects matched in
				 * one scan (MaxScanSize; since 0.3 the
				 * object given is not counted) */
	uint32_t max_files;	/* objects in one scan (MaxFiles) */
	uint32_t max_depth;	/* nesting of contained objects
				 * (MaxRecursion) */
	uint32_t max_seconds;	/* time for one scan (MaxScanTime) */
	uint32_t max_ratio;	/* compression ratio (CompressionRatio) */
	uint32_t pcre_match_limit;	/* PCREMatchLimit */
	uint32_t pcre_recmatch_limit;	/* PCRERecMatchLimit */
	uint64_t pcre_max_filesize;	/* PCREMaxFileSize, bytes */
	unsigned skip_families;	/* VIGIL_FAMILY_*: not unpacked (clamscan's
				 * --scan-archive=no and the like) */
	/* Since 0.4: VIGIL_SCAN_DETECT_STRUCTURED's thresholds, the numbers
	 * an object must hold to be reported (0: ClamAV's default, 3). */
	uint32_t structured_cc_count;	/* StructuredMinCreditCardCount */
	uint32_t structured_ssn_count;	/* StructuredMinSSNCount */
	/* Since 0.6: threads that help this scanner with one large
	 * container (1 MiB or more): its members are matched on them while
	 * the scanner's own thread unpacks the next ones, so that one big
	 * archive uses several cores. The result is the one a scan without
	 * helpers gives (the same detections in the same order), except that
	 * a scan stopped by MaxScanSize or MaxFiles may report more of what
	 * it matched before the limit. Started on first use; 0: none. At
	 * most VIGIL_MAX_SCAN_THREADS. */
	uint32_t threads;
};
#define VIGIL_MAX_SCAN_THREADS 64u

/* Families of contained objects, for vigil_scan_options.skip_families. */
#define VIGIL_FAMILY_ARCHIVE 0x01u /* archives, compressed streams and
				    * what is embedded in other objects */
#define VIGIL_FAMILY_MAIL 0x02u	  /* mail, BinHex, TNEF */
#define VIGIL_FAMILY_HTML 0x04u
#define VIGIL_FAMILY_PDF 0x08u
#define VIGIL_FAMILY_OLE2 0x10u	  /* OLE2 documents, VBA, RTF */
#define VIGIL_FAMILY_PE 0x20u	  /* executables: packers, resources,
				   * installers, overlays */
#define VIGIL_FAMILY_ELF 0x40u	  /* ELF executables (--scan-elf) */
#define VIGIL_FAMILY_SWF 0x80u	  /* compressed Flash files */
#define VIGIL_FAMILY_XMLDOCS 0x100u /* Office Open XML documents */
#define VIGIL_FAMILY_HWP 0x200u	  /* Hangul Word Processor files */
#define VIGIL_FAMILY_ONENOTE 0x400u /* OneNote sections */
#define VIGIL_FAMILY_IMAGE 0x800u /* images: the broken-media checks
				   * and the fuzzy hash */
#define VIGIL_FAMILY_IMAGE_FUZZY 0x1000u /* images' fuzzy hash (fuzzy_img
					 * subsignatures) */

enum vigil_verdict {
	VIGIL_VERDICT_CLEAN = 0,
	VIGIL_VERDICT_FOUND = 1,  /* a signature matched: name says which */
	VIGIL_VERDICT_LIMIT = 2,  /* a limit stopped the scan: name is
				   * "Heuristics.Limits.Exceeded.<Which>";
				   * never to be taken as clean */
};

/* File types recognised by content. */
enum vigil_file_type {
	VIGIL_TYPE_BINARY = 0, VIGIL_TYPE_TEXT, VIGIL_TYPE_HTML,
	VIGIL_TYPE_MAIL, VIGIL_TYPE_PE, VIGIL_TYPE_ELF, VIGIL_TYPE_MACHO,
	VIGIL_TYPE_OLE2, VIGIL_TYPE_PDF, VIGIL_TYPE_GRAPHICS,
	VIGIL_TYPE_FLASH, VIGIL_TYPE_JAVA, VIGIL_TYPE_ARCHIVE,
	VIGIL_TYPE_EMPTY, VIGIL_TYPE_COMPRESSED, VIGIL_TYPE_RTF,
	VIGIL_TYPE_BINHEX, VIGIL_TYPE_TNEF, VIGIL_TYPE_MSCOMPRESS,
};

/*
 * vigil_file_type_name -- a short name for a file type ("PE", "TEXT").
 * Thread: safe. Owns: static string.
 * Errors: an unknown type gives "UNKNOWN".
 */
VIGIL_API const char *vigil_file_type_name(int type);

/*
 * vigil_image_fuzzy_hash -- the image fuzzy hash of a PNG, JPEG, GIF,
 * TIFF or BMP image in buf, as ClamAV's fuzzy_img subsignatures and
 * "sigtool --fuzzy-img" give it (8 bytes, written as 16 hex digits).
 * Thread: safe. Owns: nothing.
 * Errors: VIGIL_EFORMAT (not an image it reads), VIGIL_ELIMIT (over the
 * pixel limits), VIGIL_ENOMEM, VIGIL_EINVAL.
 */
VIGIL_API int vigil_image_fuzzy_hash(const void *buf, size_t len,
				     unsigned char out[8]);

/*
 * vigil_pe_icon_metrics -- the icons of a PE image's first icon group as
 * ClamAV's icon matcher measures them: for each icon it reads (in the
 * order it reads them), the METRICS field of an .idb line
 * (NAME:GROUP1:GROUP2:METRICS), 124 hex digits and a NUL, in out[i] for
 * i < max; *count says how many icons there were (more than max: the rest
 * not written). An icon not of 16, 24 or 32 pixels is measured at the
 * side ClamAV scales it to, which an .idb line cannot hold.
 * Thread: safe. Owns: nothing.
 * Errors: VIGIL_EFORMAT (not a PE image), VIGIL_ENOMEM, VIGIL_EINVAL.
 */
VIGIL_API int vigil_pe_icon_metrics(const void *buf, size_t len,
				    char (*out)[125], size_t max,
				    size_t *count);

/* The outcome of one scan. Caller-owned; set .size before the call. */
struct vigil_result {
	size_t size;		/* sizeof(struct vigil_result) */
	int verdict;		/* enum vigil_verdict */
	const char *name;	/* first detection's name, or NULL when clean;
				 * valid as long as the engine */
	uint32_t detections;	/* number of detections (1 unless ALLMATCH) */
	int file_type;		/* enum vigil_file_type of the object */
	uint64_t bytes;		/* bytes of the object */
	uint64_t bytes_scanned;	/* bytes matched, contained objects included */
	uint32_t objects;	/* objects matched: 1 + contained objects */
	uint32_t warnings;	/* see vigil_scanner_warning() */
};

/*
 * vigil_scanner_new -- create a scanner for a compiled engine. Scanners are
 * cheap; use one per thread.
 * opts may be NULL for defaults.
 * Thread: a scanner is used by one thread at a time.
 * Owns: *out, released with vigil_scanner_free(); the engine must outlive it.
 * Errors: VIGIL_ESTATE (engine not compiled), VIGIL_ENOMEM, VIGIL_EINVAL
 * (opts->size too small, or a larger struct with a non-zero field this
 * library does not know), VIGIL_EMATCHER.
 */
VIGIL_API int vigil_scanner_new(struct vigil_scanner **out,
				const struct vigil_engine *e,
				const struct vigil_scan_options *opts);

/*
 * vigil_scanner_free -- release a scanner, and an open stream with it.
 * NULL is accepted.
 * Thread: the scanner's thread. Owns: releases s. Errors: none.
 */
VIGIL_API void vigil_scanner_free(struct vigil_scanner *s);

/*
 * vigil_scanner_scan_buffer -- scan len bytes at buf.
 * Thread: one thread per scanner. Owns: res->name points into the engine.
 * Errors: VIGIL_EINVAL, VIGIL_ENOMEM, VIGIL_EMATCHER, VIGIL_ESTATE (a
 * stream is open on this scanner).
 */
VIGIL_API int vigil_scanner_scan_buffer(struct vigil_scanner *s,
					const void *buf, size_t len,
					struct vigil_result *res);

/*
 * vigil_scanner_set_name -- what the scans of descriptors and buffers that
 * follow read is called (its path, as a daemon that was handed the file
 * knows it), for the rules that read a file's name: YARA's externals
 * filename, filepath and extension. NULL: no name. name is copied;
 * vigil_scanner_scan_path() uses its own path. Errors: VIGIL_EINVAL,
 * VIGIL_ENOMEM.
 */
VIGIL_API int vigil_scanner_set_name(struct vigil_scanner *s,
				     const char *name);

/*
 * vigil_scanner_scan_fd -- scan what can be read from fd: a regular file is
 * mapped from offset 0 whatever the descriptor's position; a pipe or
 * socket is read to its end, within the scan time (max_seconds): a writer
 * that has not ended by then makes the MaxScanTime limit the result.
 * A file another process shrinks during the scan does not end this one
 * (SIGBUS): the pages it lost read as zeros, and the scan returns
 * VIGIL_ECHANGED, or reports the detection it made with a warning. For
 * that the library installs a SIGBUS handler the first time it maps a
 * file; a fault outside its mappings goes to the handler there was
 * before (by default the process ends). A program that installs its own
 * SIGBUS handler later should hand such faults on to the one it replaced.
 * Thread, Owns: as vigil_scanner_scan_buffer(). The descriptor stays open.
 * Errors: as vigil_scanner_scan_buffer(), and VIGIL_EIO (errno EIO where a
 * page of the file could not be read), VIGIL_ECHANGED (since 0.7),
 * VIGIL_ETYPE (a directory or device).
 */
VIGIL_API int vigil_scanner_scan_fd(struct vigil_scanner *s, int fd,
				    struct vigil_result *res);

/*
 * vigil_scanner_scan_path -- open and scan a regular file. Anything else
 * (a directory, device, fifo or socket) is refused without being opened
 * for reading, so a fifo cannot block the scan.
 * Thread, Owns: as vigil_scanner_scan_buffer().
 * Errors: as vigil_scanner_scan_fd(), and VIGIL_ENOENT.
 */
VIGIL_API int vigil_scanner_scan_path(struct vigil_scanner *s,
				      const char *path,
				      struct vigil_result *res);

/*
 * vigil_scanner_scan_paths -- scan n files, each as vigil_scanner_scan_path()
 * would, in order, calling fn after each with its index, the code
 * vigil_scanner_scan_path() would have returned (errno set as it would
 * set it) and, when that is 0, its result; vigil_scanner_detection() and
 * the others tell of that file during the call. Faster than n calls on
 * small files: up to 256 of 1 MiB or less (16 MiB in all) are read ahead,
 * the normalised forms of web pages among them made, and the MD5 and
 * SHA-256 digests hash signatures want of files and forms computed
 * together (sixteen side by side with AVX-512). fn returning nonzero
 * stops the scan: the files after are not scanned. Since 0.4.
 * Thread, Owns: as vigil_scanner_scan_buffer(); paths and res are read
 * during the call only. Errors: VIGIL_EINVAL (s, fn, or paths with n not
 * 0, NULL), VIGIL_ESTATE (a stream is open); a file's own goes to fn.
 */
typedef int (*vigil_path_fn)(void *ctx, size_t i, int rc,
			     const struct vigil_result *res);
VIGIL_API int vigil_scanner_scan_paths(struct vigil_scanner *s,
				       const char *const *paths, size_t n,
				       vigil_path_fn fn, void *ctx);

/*
 * Streams: an object that arrives in chunks, such as a network stream, is
 * matched exactly as if it were whole: a match that spans chunks is found,
 * and end-of-file offsets refer to the stream's end. Chunks are kept in
 * memory, then in an anonymous memory file past 16 MiB; past max_filesize
 * they are dropped and the verdict is VIGIL_VERDICT_LIMIT.
 */

/*
 * vigil_scanner_stream_begin -- open a stream on the scanner. While it is
 * open the scanner accepts no other scan.
 * Thread: one thread per scanner. Owns: nothing.
 * Errors: VIGIL_EINVAL, VIGIL_ESTATE (a stream is already open).
 */
VIGIL_API int vigil_scanner_stream_begin(struct vigil_scanner *s);

/*
 * vigil_scanner_stream_write -- add len bytes at buf to the open stream.
 * Thread: one thread per scanner. Owns: buf is copied.
 * Errors: VIGIL_EINVAL, VIGIL_ESTATE (no stream open), VIGIL_ENOMEM,
 * VIGIL_EIO (the memory file could not be written).
 */
VIGIL_API int vigil_scanner_stream_write(struct vigil_scanner *s,
					 const void *buf, size_t len);

/*
 * vigil_scanner_stream_end -- match the whole stream, fill *res and close
 * the stream (also when an error is returned).
 * Thread: one thread per scanner. Owns: as vigil_scanner_scan_buffer().
 * Errors: VIGIL_EINVAL, VIGIL_ESTATE (no stream open), VIGIL_ENOMEM,
 * VIGIL_EIO, VIGIL_EMATCHER.
 */
VIGIL_API int vigil_scanner_stream_end(struct vigil_scanner *s,
				       struct vigil_result *res);

/*
 * vigil_scanner_detection -- the name of the i-th detection of the last
 * scan (i < res->detections), or NULL.
 * Thread: the scanner's thread. Owns: points into the engine.
 * Errors: NULL for an index out of range.
 */
VIGIL_API const char *vigil_scanner_detection(const struct vigil_scanner *s,
					      size_t i);

/*
 * vigil_scanner_detection_path -- where the i-th detection of the last scan
 * was found inside the scanned object: "" for the object itself, else the
 * names of the contained objects joined by "//" ("invoice.zip//a.exe").
 * Thread: the scanner's thread. Owns: valid until the next scan.
 * Errors: NULL for an index out of range.
 */
VIGIL_API const char *
vigil_scanner_detection_path(const struct vigil_scanner *s, size_t i);

/*
 * vigil_scanner_warning, vigil_scanner_warning_path -- the i-th warning of
 * the last scan (i < res->warnings): why some content was not fully read
 * ("truncated archive"), and the path of the object it is about, as for
 * vigil_scanner_detection_path().
 * Thread: the scanner's thread. Owns: valid until the next scan.
 * Errors: NULL for an index out of range.
 */
VIGIL_API const char *vigil_scanner_warning(const struct vigil_scanner *s,
					    size_t i);
VIGIL_API const char *
vigil_scanner_warning_path(const struct vigil_scanner *s, size_t i);

/* ------------------------------------------------------------ YARA rules */

/*
 * YARA rules, compiled on their own (as libyara's compiler and rules): add
 * rule files or texts, each into a namespace, compile, then scan with one
 * scanner per thread; each rule that matches is handed to a callback with
 * its namespace, tags, metadata and, if asked, its strings' matches.
 * docs/yara.md says what of the language is evaluated and how it differs
 * from yara 4.x. A rule whose condition needs what is not evaluated yet
 * (a module), or whose string reached a limit, is reported as such, never
 * as a rule that did not match.
 */
struct vigil_yara;
struct vigil_yara_scanner;

struct vigil_yara_options {
	size_t size;		/* sizeof(struct vigil_yara_options) */
	vigil_log_fn log;	/* compiler errors, "file:line:column: ..."
				 * (VIGIL_LOG_ERROR, _WARNING); the lines
				 * rules write with console.log() while
				 * scanning (VIGIL_LOG_INFO, from the
				 * scanning thread) */
	void *log_ctx;
	unsigned flags;		/* VIGIL_YARA_* below */
};

#define VIGIL_YARA_WARN_SLOW 0x1u /* at compile, a warning for each string
				   * without two fixed bytes to look for,
				   * matched over every file (as yarac's
				   * "may slow down scanning") */

/*
 * vigil_yara_new -- an empty rule set, to add rules to. opts may be NULL.
 * Thread: one thread until compiled; then shared read-only.
 * Owns: *out, released with vigil_yara_free().
 * Errors: VIGIL_ENOMEM, VIGIL_EINVAL.
 */
VIGIL_API int vigil_yara_new(struct vigil_yara **out,
			     const struct vigil_yara_options *opts);
VIGIL_API void vigil_yara_free(struct vigil_yara *y);

/*
 * vigil_yara_define -- an external variable (yara's -d NAME=VALUE), before
 * the rules that use it are added: value is an integer (decimal or 0x),
 * a float, true or false, else text (a pair of double quotes around it
 * dropped).
 * Errors: VIGIL_EINVAL (a bad name, or rules already compiled),
 * VIGIL_ENOMEM, VIGIL_ELIMIT (more than 256).
 */
VIGIL_API int vigil_yara_define(struct vigil_yara *y, const char *name,
				const char *value);

/*
 * vigil_yara_add_file, vigil_yara_add_memory -- the rules of a file (its
 * includes named relative to it) or of len bytes at src (name for
 * messages; no includes), into namespace ns (NULL: "default").
 * Errors: VIGIL_EFORMAT (the error logged, "file:line:column: message";
 * the set is then only fit to be freed), VIGIL_EIO, VIGIL_ENOENT,
 * VIGIL_ENOMEM, VIGIL_ESTATE (already compiled), VIGIL_EINVAL.
 */
VIGIL_API int vigil_yara_add_file(struct vigil_yara *y, const char *path,
				  const char *ns);
VIGIL_API int vigil_yara_add_memory(struct vigil_yara *y, const char *name,
				    const void *src, size_t len,
				    const char *ns);

/*
 * vigil_yara_compile -- builds the matcher; no rules can be added after.
 * Errors: VIGIL_ENOMEM, VIGIL_ESTATE (already compiled, or a failed add).
 */
VIGIL_API int vigil_yara_compile(struct vigil_yara *y);
/* Rules in the set (private ones included). */
VIGIL_API size_t vigil_yara_rule_count(const struct vigil_yara *y);

enum vigil_yara_meta_type {
	VIGIL_YARA_META_INT = 1,
	VIGIL_YARA_META_BOOL = 2,
	VIGIL_YARA_META_TEXT = 3,
};

struct vigil_yara_meta {
	const char *key;
	int type;		/* enum vigil_yara_meta_type */
	int64_t i;		/* INT and BOOL */
	const char *text;	/* TEXT */
};

/* One match of a string: where, and its first bytes. */
struct vigil_yara_string_match {
	const char *id;		/* "$name", or "$" for an anonymous string */
	uint64_t offset, length;
	const uint8_t *data;	/* the matched bytes, at most 512 */
	size_t data_len;
	int hex;		/* a hex string's (yara prints it as bytes) */
};

/* What a rule came to on one object. */
enum vigil_yara_status {
	VIGIL_YARA_FALSE = 0,
	VIGIL_YARA_TRUE = 1,
	VIGIL_YARA_UNSUPPORTED = 2, /* needs what is not evaluated (why) */
	VIGIL_YARA_LIMIT = 3,	/* a string reached a limit (why) */
};

struct vigil_yara_rule {
	size_t size;		/* sizeof(struct vigil_yara_rule) */
	const char *name, *ns;
	const char *const *tags;
	size_t ntags;
	const struct vigil_yara_meta *meta;
	size_t nmeta;
	int status;		/* enum vigil_yara_status */
	const char *why;	/* for UNSUPPORTED and LIMIT */
	const struct vigil_yara_string_match *strings; /* with
					 * VIGIL_YARA_SCAN_STRINGS */
	size_t nstrings;
	size_t index;		/* the rule's place in the set, from 0 */
};

/* Called for each rule reported; nonzero stops the scan (its value is
 * then returned by the scan). The rule lives until the callback returns. */
typedef int (*vigil_yara_fn)(void *ctx, const struct vigil_yara_rule *r);

#define VIGIL_YARA_SCAN_STRINGS 0x1u /* hand each rule its strings'
				      * matches */
#define VIGIL_YARA_SCAN_FALSE 0x2u   /* report the rules that did not
				      * match too (yara's -n) */

/*
 * vigil_yara_scanner_new -- a scanner over a compiled set, one per thread.
 * Owns: *out, released with vigil_yara_scanner_free(); the set must
 * outlive it. Errors: VIGIL_ESTATE (not compiled), VIGIL_ENOMEM.
 */
VIGIL_API int vigil_yara_scanner_new(const struct vigil_yara *y,
				     struct vigil_yara_scanner **out);
VIGIL_API void vigil_yara_scanner_free(struct vigil_yara_scanner *s);

/*
 * vigil_yara_stream_write, vigil_yara_stream_end -- the rules over data
 * that arrives in pieces (a socket, a pipe, a decoder's output): each
 * write adds a piece; end scans all that was written as one buffer (YARA's
 * conditions read any offset and filesize), as vigil_yara_scan_buffer(),
 * and makes s ready for the next stream. At most 1 GiB a stream: past it,
 * writes and the end fail with VIGIL_ELIMIT (nothing reported as clean).
 * Errors: VIGIL_ENOMEM, VIGIL_ELIMIT, VIGIL_EINVAL; end also the
 * callback's nonzero value.
 */
VIGIL_API int vigil_yara_stream_write(struct vigil_yara_scanner *s,
				      const void *buf, size_t len);
VIGIL_API int vigil_yara_stream_end(struct vigil_yara_scanner *s,
				    unsigned flags, vigil_yara_fn fn,
				    void *ctx);

/* Called (from the scanning thread) for a rule whose strings and condition
 * took at least slow_ms on one buffer: its namespace, name, microseconds. */
typedef void (*vigil_yara_slow_fn)(void *ctx, const char *ns,
				   const char *rule, uint64_t micros);

struct vigil_yara_limits {
	size_t size;		/* sizeof(struct vigil_yara_limits) */
	uint32_t timeout_ms;	/* per buffer, 0: none. Past it, each rule
				 * not yet evaluated is reported
				 * VIGIL_YARA_LIMIT ("the time limit was
				 * reached"), never false */
	uint32_t slow_ms;	/* with slow: the threshold */
	vigil_yara_slow_fn slow; /* NULL: rules are not timed */
	void *slow_ctx;
};

/*
 * vigil_yara_scanner_limits -- a time limit for each buffer s scans, and a
 * callback for rules that are slow (what yara's --timeout and its users'
 * long-asked "which rule is slow" give). l NULL: none. Errors: VIGIL_EINVAL.
 */
VIGIL_API int vigil_yara_scanner_limits(struct vigil_yara_scanner *s,
					const struct vigil_yara_limits *l);

/*
 * vigil_yara_scan_buffer, vigil_yara_scan_path -- the rules over len bytes
 * at buf, or a regular file (read into a buffer the scanner keeps, up to
 * a MiB; mapped if larger). Private rules are not reported; a
 * rule that is UNSUPPORTED or LIMIT always is. A mapped file that another
 * process shrinks during the scan gives VIGIL_ECHANGED, and no rule is
 * reported after the loss was seen (vigil_scanner_scan_fd() says how).
 * Errors: VIGIL_ENOMEM, VIGIL_EIO, VIGIL_ENOENT, VIGIL_ETYPE (not a
 * regular file), VIGIL_EINVAL, VIGIL_ECHANGED (since 0.7); or the
 * callback's nonzero value.
 */
VIGIL_API int vigil_yara_scan_buffer(struct vigil_yara_scanner *s,
				     const void *buf, size_t len,
				     unsigned flags, vigil_yara_fn fn,
				     void *ctx);
VIGIL_API int vigil_yara_scan_path(struct vigil_yara_scanner *s,
				   const char *path, unsigned flags,
				   vigil_yara_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_VIGIL_H */
