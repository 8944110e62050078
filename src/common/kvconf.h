/*
 * kvconf.h -- configuration files of "Key value" lines, table-driven. A
 * table names each key, the type of its value, the field it sets (an
 * offset into the caller's struct) and the range allowed; the parser
 * splits the file through the bounded reader and refuses, naming the line,
 * a value malformed, out of range or too long, an unknown key, a NUL byte,
 * a line over the format's limit. vigild's clamd.conf and vigil-shield's
 * configuration are two tables over it.
 */
#ifndef VIGIL_COMMON_KVCONF_H
#define VIGIL_COMMON_KVCONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum kv_type {
	KV_BOOL,	/* int: yes/no, true/false, 1/0, any case */
	KV_UINT,	/* unsigned: decimal digits, at most max */
	KV_OCTAL,	/* unsigned: octal digits (a file mode), at most max */
	KV_U64,		/* uint64_t: decimal digits, at most max */
	KV_SIZE,	/* uint64_t: bytes, or K/M/G (common/size.h), max */
	KV_STRDUP,	/* char *: a copy, freed by kv_free */
	KV_TEXT,	/* char[cap]: refused when longer */
	KV_WORD,	/* int: the index of the value in words */
	KV_CALL,	/* call(conf, value): for values of their own form */
};

struct kv_key {
	const char *name;
	enum kv_type type;
	size_t off;		/* of the field in the caller's struct */
	uint64_t max;		/* numbers: the largest; 0: the type's */
	size_t cap;		/* KV_TEXT: bytes in the field */
	const char *const *words; /* KV_WORD: NULL-terminated */
	/* KV_CALL: 0, or -1 with a reason in err; called with "" too, when
	 * the line has no value */
	int (*call)(void *conf, const char *value, char *err, size_t errlen);
};

struct kv_format {
	const struct kv_key *keys;
	size_t nkeys;
	/* keys accepted and ignored (another program's), NULL-terminated */
	const char *const *skipped;
	/* 1: the value is the rest of the line, "quotes" taken off (the
	 * clamd.conf form); 0: one word, then an optional # comment */
	int rest_of_line;
	size_t max_line_bytes;	/* one line, without its newline */
	size_t max_file_bytes;	/* the whole file */
};

/* Bytes of a key's name, with its NUL. */
#define KV_MAX_KEY_BYTES 64u

/* One line of len bytes: 0 applied, 1 blank, comment or skipped key, -1
 * with a reason in err ("Key: why"). */
int kv_line(const struct kv_format *f, void *conf, const char *line,
	    size_t len, char *err, size_t errlen);
/* A whole text, line by line, stopping at the first refusal: 0, or -1
 * with "name:line: why" in err. */
int kv_text(const struct kv_format *f, void *conf, const char *text,
	    size_t len, const char *name, char *err, size_t errlen);
/* The file at path, read whole (at most f->max_file_bytes): as kv_text,
 * errors naming the path. */
int kv_load(const struct kv_format *f, void *conf, const char *path,
	    char *err, size_t errlen);
/* Each key and its value in conf, "Key value" a line (KV_CALL keys are
 * left out: their values live where the call put them). */
void kv_print(const struct kv_format *f, const void *conf, FILE *out);
/* Frees the KV_STRDUP fields. */
void kv_free(const struct kv_format *f, void *conf);

#endif
