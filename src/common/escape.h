/*
 * escape.h -- what an intruder in a confined process would try first,
 * tried for real: reading and writing a file, opening a socket, running a
 * program, forking, starting a thread, raising its own memory limit. vigild's workers (DebugSandboxProbe) and `vigil
 * scan --sandbox-probe` use it, so that the tests, and any user, can see
 * the sandbox refuse each.
 */
#ifndef VIGIL_COMMON_ESCAPE_H
#define VIGIL_COMMON_ESCAPE_H

#include <stddef.h>

/* errno of each attempt; 0: it worked. */
struct escape_result {
	int read_errno;		/* open(path, O_RDONLY) */
	int write_errno;	/* open(path, O_WRONLY | O_APPEND): nothing written */
	int socket_errno;	/* socket(AF_INET, SOCK_STREAM) */
	int exec_errno;		/* execve of a path that does not exist */
	int fork_errno;		/* fork(); a child exits at once */
	int thread_errno;	/* pthread_create(); it returns at once */
	int limit_errno;	/* setrlimit(RLIMIT_AS) to its hard limit
				 * (vigild moves a worker's from outside);
				 * the old one put back */
};

/* Tries each; nothing is written and no program runs, even unconfined. */
void escape_try(const char *path, struct escape_result *r);

/* "read: allowed; write: Permission denied; socket: ...; exec: ...;
 * fork: ...; thread: ...; limit: ...", into buf. */
const char *escape_format(const struct escape_result *r, char *buf,
			  size_t len);

#endif
