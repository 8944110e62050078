/*
 * helpers.h -- shared by the unit tests: engines built from signature text
 * held in memory, and scans that check the buffer and stream paths agree.
 */
#ifndef VIGIL_TEST_HELPERS_H
#define VIGIL_TEST_HELPERS_H

#include <stddef.h>

#include "vigil/vigil.h"

/* An engine from one in-memory source file; NULL if it fails to compile. */
struct vigil_engine *eng_from(const char *name, const char *text,
			      unsigned flags);
/* Lines skipped (warned) while loading text as name. */
unsigned long skipped_lines(const char *name, const char *text);
/* Load result code for text as name, with flags. */
int load_rc(const char *name, const char *text, unsigned flags);
/*
 * Scans buf with e as a buffer and as streams cut into chunks of 1, 2, 3,
 * 7 and 64 bytes; fails the test if the verdicts differ. Returns the
 * verdict and copies the first name (or "") into name if not NULL.
 */
int scan_all_ways(struct vigil_engine *e, const void *buf, size_t len,
		  char *name, size_t cap);
/* Verdict of the body signature "T:0:OFFSET:hex" on buf (all ways). */
int ndb_hits(const char *offset, const char *hex, const void *buf,
	     size_t len);
/* Each line of bad, loaded as name beside a good line, is skipped once
 * with a warning and fails the load in strict mode. */
void each_refused(const char *name, const char *const *bad, size_t n);
#define HITS(hex, lit) ndb_hits("*", hex, lit, sizeof(lit) - 1)

#endif
