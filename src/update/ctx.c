/*
 * ctx.c -- see ctx.h: the error names, the failure record, the payload's
 * name and the crash test hook.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"

static const char *const names[U_COUNT] = {
	"OK", "E_SIG", "E_HASH", "E_ROLLBACK", "E_EXPIRED", "E_TOOBIG",
	"E_SLOW", "E_FETCH", "E_FORMAT", "E_MISMATCH", "E_WRONGTARGET",
	"E_DELEGATION", "E_NOMIRROR", "E_INSTALL", "E_WITNESS", "E_SPLITVIEW",
	"E_INCLUSION", "E_NOTLOGGED", "E_LOAD",
};

const char *upd_error_name(enum upd_error e)
{
	return e < U_COUNT ? names[e] : "E_?";
}

enum upd_error upd_fail(struct uctx *c, enum upd_error e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return e;
}

const char *upd_payload_name(const struct uctx *c)
{
	return strcmp(c->type, "rules") ? "main.vdb" : "rules";
}

/* Test hook: VIGIL_TEST_CRASH_AT=k kills the process at step k of an
 * install, to show that every step leaves a usable database. */
void upd_crash_point(int k)
{
	const char *at = getenv("VIGIL_TEST_CRASH_AT");

	if (at && atoi(at) == k)
		kill(getpid(), SIGKILL);
}

enum upd_error upd_fetch_error(struct uctx *c, enum fetch_result r,
			       const char *why)
{
	switch (r) {
	case FETCH_OK: return U_OK;
	case FETCH_TOOBIG: return upd_fail(c, U_TOOBIG, "%s", why);
	case FETCH_SLOW: return upd_fail(c, U_SLOW, "%s", why);
	default: return upd_fail(c, U_FETCH, "%s", why);
	}
}
