/*
 * sandbox.c -- `vigil scan` confines itself once its database is loaded,
 * with the layers vigild's workers use (common/confine.h): the whole file
 * system read-only and nothing else of it (output goes to descriptors
 * opened before), no TCP, no signals outward, and the scanning allowlist
 * (no sockets, no exec, no fork, no ptrace). A kernel that lacks a layer
 * gets one warning, or an error with --require-sandbox.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "common/confine.h"
#include "common/escape.h"

int scan_confine(int require)
{
	static const char *const everything[] = { "/", NULL };
	const struct confine_fs fs = { everything, 1, NULL };
	struct confine_report r;
	int rc = confine_scan(&fs, 1, &r); /* the scanning threads come after */

	if (rc < 0) {
		fprintf(stderr, "vigil: cannot confine the scan: %s\n",
			strerror(errno));
		return -1;
	}
	if (rc == 0)
		return 0;
	if (require) {
		fprintf(stderr, "vigil: the scan cannot be confined, and "
			"--require-sandbox asks for it: %s\n", r.why);
		return -1;
	}
	fprintf(stderr, "vigil: warning: scanning %s: %s\n",
		r.landlock_abi || r.seccomp ? "partly confined" : "unconfined",
		r.why);
	return 0;
}

int scan_sandbox_probe(const char *path)
{
	struct escape_result e;
	char said[512];

	escape_try(path, &e);
	printf("sandbox probe: %s\n", escape_format(&e, said, sizeof(said)));
	return e.read_errno || !e.write_errno || !e.socket_errno ||
			       !e.exec_errno || !e.fork_errno || !e.limit_errno ?
		       EXIT_ERROR : EXIT_CLEAN;
}
