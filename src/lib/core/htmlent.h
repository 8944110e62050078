/*
 * htmlent.h -- the named character references clamscan decodes.
 */
#ifndef VIGIL_CORE_HTMLENT_H
#define VIGIL_CORE_HTMLENT_H

/* The code point (cut to 16 bits) a name stands for, or 0. */
unsigned htmlent_find(const char *name);

#endif
