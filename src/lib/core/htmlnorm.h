/*
 * htmlnorm.h -- the two normalised forms of an HTML page that clamscan
 * matches besides the page's bytes, made byte for byte as clamscan makes
 * them (its "nocomment.html" and "notags.html").
 */
#ifndef VIGIL_CORE_HTMLNORM_H
#define VIGIL_CORE_HTMLNORM_H

#include <stddef.h>
#include <stdint.h>

#include "util/vbuf.h"

/*
 * Appends the page's tags form to tags and, when text is not NULL, its
 * text form to text. 0 or VIGIL_ENOMEM.
 */
int htmlnorm(const uint8_t *in, size_t len, struct vbuf *tags,
	     struct vbuf *text);
/* The same, its plain text read as how (enum HP_* of htmlplain.h) says:
 * the tests and the fuzz target compare the ways. */
int htmlnorm_how(const uint8_t *in, size_t len, struct vbuf *tags,
		 struct vbuf *text, int how);

#endif
