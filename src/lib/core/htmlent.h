/*
 * htmlent.h -- HTML 4.01's named character references.
 */
#ifndef VIGIL_CORE_HTMLENT_H
#define VIGIL_CORE_HTMLENT_H

/* The code point a name (without '&' and ';') stands for, or 0. */
unsigned htmlent_find(const char *name);

#endif
