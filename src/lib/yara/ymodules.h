/*
 * ymodules.h -- the modules Vigil has (ym*.c) and the table of them
 * (ymodules.c).
 */
#ifndef VIGIL_YARA_YMODULES_H
#define VIGIL_YARA_YMODULES_H

#include "yara/ymod.h"

/* The module called name, or NULL; its index into a ym_scan. */
const struct ym_module *ym_module_find(const char *name, int *index);
const struct ym_module *ym_module_at(int index);
/* The root of module index for s, loading it the first time; NULL if
 * memory ran out. */
struct ym_obj *ym_scan_root(struct ym_scan *s, int index);
void ym_scan_free(struct ym_scan *s);

extern const struct ym_module ym_pe, ym_elf, ym_math, ym_hash, ym_time,
	ym_console, ym_string, ym_magic;

/* Opens the calling thread's libmagic handle now (its database read from
 * the system), so that a scan confined afterwards can use it. */
void ym_magic_prepare(void);

#endif
