/*
 * clock.h -- the wall clock the update code reasons with (expiry,
 * freshness, log timestamps): seconds since the epoch, or the test clock
 * VIGIL_TEST_NOW when the test suite sets it, for vigil-update,
 * vigil-repo and vigild alike.
 */
#ifndef VIGIL_COMMON_CLOCK_H
#define VIGIL_COMMON_CLOCK_H

#include <stdint.h>

int64_t clock_now(void);

#endif
