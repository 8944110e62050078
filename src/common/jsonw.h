/*
 * jsonw.h -- what every Vigil program needs to write JSON with jansson:
 * strings from arbitrary bytes (names inside archives, paths, prefixes
 * from a peer), whose invalid UTF-8 is replaced by U+FFFD so that the
 * output is always valid JSON, and one way to print a document (compact,
 * keys in the order they were added, one line).
 */
#ifndef VIGIL_COMMON_JSONW_H
#define VIGIL_COMMON_JSONW_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* A JSON string of the NUL-terminated bytes s (NULL: JSON null); every
 * invalid UTF-8 sequence and NUL-free control byte is kept valid. NULL
 * only when out of memory. */
json_t *jsonw_string(const char *s);
/* The same for len bytes (a NUL inside becomes U+FFFD). */
json_t *jsonw_stringn(const char *s, size_t len);

/* Sets key of obj to v, taking the reference (jansson's _new form); a
 * NULL v (out of memory) makes the document fail to print. 0 or -1. */
int jsonw_set(json_t *obj, const char *key, json_t *v);

/* Prints doc on one line followed by a newline, and releases it: 0, or
 * -1 when doc is NULL or could not be written. */
int jsonw_print(FILE *out, json_t *doc);
/* The same into a string the caller frees; NULL on failure. */
char *jsonw_dumps(json_t *doc);

#endif
