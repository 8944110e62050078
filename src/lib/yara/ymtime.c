/*
 * ymtime.c -- YARA's time module: time.now(), the scan's wall-clock time
 * in seconds since the epoch.
 */
#include <time.h>

#include "yara/ymodules.h"

static struct ym_val now(struct ym_call *c)
{
	time_t t = time(NULL);

	(void)c;
	return t == (time_t)-1 ? ym_undef : ym_vint((int64_t)t);
}

static const struct ym_decl time_members[] = {
	YM_DFN("now", "", 'i', now),
};

static const struct ym_decl time_root = YM_DSTRUCT("time", time_members);

const struct ym_module ym_time = { "time", &time_root, NULL, NULL };
