/*
 * split.c -- see split.h. Requests and answers travel over a socketpair
 * made before either side is confined: a request is a type byte ('G' a
 * file, 'P' its first bytes, 'N' a reload to send), the URL
 * (its length first) and the cap; an answer the result, a reason and at
 * most cap bytes; lengths little-endian, read back through a reader. The verifier trusts none of it more than it would the
 * network: everything is checked as before.
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/confine.h"
#include "common/reader.h"
#include "split.h"

/* What the fetcher may read: TLS trust, name resolution, libraries. */
static const char *const fetcher_reads[] = {
	"/etc/ssl", "/etc/ca-certificates", "/usr/share/ca-certificates",
	"/usr/lib/ssl", "/etc/pki", "/etc/resolv.conf", "/etc/hosts",
	"/etc/nsswitch.conf", "/etc/gai.conf", "/etc/host.conf",
	"/usr/lib", "/lib", "/lib64", "/usr/lib64",
};

static const int fetcher_denied[] = {
	SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(ptrace),
	SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
};

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VIGIL_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define VIGIL_ASAN 1
#endif

static const int verifier_denied[] = {
	SCMP_SYS(socket), SCMP_SYS(socketpair), SCMP_SYS(connect),
	SCMP_SYS(bind), SCMP_SYS(listen), SCMP_SYS(accept),
	SCMP_SYS(accept4), SCMP_SYS(execve), SCMP_SYS(execveat),
	SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
#ifndef VIGIL_ASAN
	/* LeakSanitizer stops the process with ptrace at exit: only in the
	 * sanitizer test build is it left open */
	SCMP_SYS(ptrace),
#endif
};

static int xfer(int fd, void *buf, size_t n, int out)
{
	char *p = buf;

	while (n) {
		ssize_t k = out ? write(fd, p, n) : read(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Frames carry their lengths little-endian, read back through a reader. */
static int put_le(int fd, uint64_t v, size_t n)
{
	uint8_t b[8];
	size_t i;

	for (i = 0; i < n; i++, v >>= 8)
		b[i] = (uint8_t)v;
	return xfer(fd, b, n, 1);
}

/* n (4 or 8) bytes from fd as a little-endian number; -1 if cut short. */
static int get_le(int fd, size_t n, uint64_t *v)
{
	uint8_t b[8];
	struct rdr in;

	if (xfer(fd, b, n, 0) < 0)
		return -1;
	rdr_init(&in, b, n);
	*v = n == 8 ? rdr_u64le(&in) : rdr_u32le(&in);
	return rdr_failed(&in) ? -1 : 0;
}

static void probe(const char *who)
{
	const char *path = getenv("VIGIL_TEST_SANDBOX_PROBE");
	int fd;

	if (!path || !*path)
		return;
	errno = 0;
	fd = !strcmp(who, "fetcher") ?
		     open(path, O_RDONLY | O_CLOEXEC) :
		     socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	fprintf(stderr, "sandbox probe: %s: %s: %s\n", who,
		!strcmp(who, "fetcher") ? "open" : "socket",
		fd < 0 ? strerror(errno) : "allowed");
	if (fd >= 0)
		close(fd);
}

static void notify(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char reply[64];
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    write(fd, "zRELOAD", 8) != 8 || read(fd, reply, sizeof(reply)) <= 0)
		fprintf(stderr, "vigil-update: could not tell vigild at %s to "
			"reload\n", path);
	if (fd >= 0)
		close(fd);
}

/* One request: 0, or -1 when the verifier has gone. */
static int serve_one(struct uctx *c, int fd)
{
	char type, *url = NULL, *buf = NULL, why[512] = "";
	uint64_t n, cap;
	size_t len = 0;
	unsigned char r;
	int rc;

	if (xfer(fd, &type, 1, 0) < 0 || get_le(fd, 4, &n) < 0 || n > 8192 ||
	    !(url = calloc(1, n + 1)) || xfer(fd, url, n, 0) < 0 ||
	    get_le(fd, 8, &cap) < 0) {
		free(url);
		return -1;
	}
	if (type == 'N') {
		notify(url);
		free(url);
		return xfer(fd, "k", 1, 1);
	}
	r = (unsigned char)(type == 'P' ?
		upd_fetch_prefix(url, (size_t)cap, &c->fo, &buf, &len, why,
				 sizeof(why)) :
		upd_fetch(url, (size_t)cap, &c->fo, &buf, &len, why,
			  sizeof(why)));
	free(url);
	rc = xfer(fd, &r, 1, 1) < 0 || put_le(fd, strlen(why), 4) < 0 ||
	     xfer(fd, why, strlen(why), 1) < 0 || put_le(fd, len, 8) < 0 ||
	     xfer(fd, buf, len, 1) < 0;
	free(buf);
	return rc ? -1 : 0;
}

static void fetcher(struct uctx *c, int fd)
{
	static const char *paths[sizeof(fetcher_reads) / sizeof(char *) +
				 MAX_MIRRORS + 1];
	struct confine_fs fs = { paths, 0, NULL };
	unsigned i, n = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; i < sizeof(fetcher_reads) / sizeof(*fetcher_reads); i++)
		paths[n++] = fetcher_reads[i];
	for (i = 0; i < c->nmirrors; i++)
		if (!strncmp(c->mirrors[i], "file://", 7))
			paths[n++] = c->mirrors[i] + 7;
	paths[n] = NULL;
	if (confine_landlock(&fs) < 0 ||
	    confine_seccomp(fetcher_denied, sizeof(fetcher_denied) /
						   sizeof(*fetcher_denied)) < 0)
		_exit(3);
	probe("fetcher");
	while (serve_one(c, fd) == 0)
		;
	_exit(0);
}

int upd_split_start(struct uctx *c)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		close(sv[0]);
		fetcher(c, sv[1]);
	}
	close(sv[1]);
	c->fetch_fd = sv[0];
	c->fetch_pid = pid;
	if (confine_seccomp(verifier_denied, sizeof(verifier_denied) /
						     sizeof(*verifier_denied)) < 0)
		return -1;
	probe("verifier");
	return 0;
}

void upd_split_stop(struct uctx *c)
{
	if (c->fetch_fd < 0)
		return;
	close(c->fetch_fd);
	c->fetch_fd = -1;
	waitpid(c->fetch_pid, NULL, 0);
}

static int request(struct uctx *c, char type, const char *url, uint64_t cap)
{
	size_t n = strlen(url);

	return xfer(c->fetch_fd, &type, 1, 1) < 0 ||
	       put_le(c->fetch_fd, n, 4) < 0 ||
	       xfer(c->fetch_fd, (void *)(uintptr_t)url, n, 1) < 0 ||
	       put_le(c->fetch_fd, cap, 8) < 0 ? -1 : 0;
}

static enum fetch_result ask(struct uctx *c, char type, const char *url,
			     size_t cap, char **buf, size_t *len, char *why,
			     size_t whylen)
{
	unsigned char r;
	uint64_t wl, n;

	*buf = NULL;
	if (request(c, type, url, cap) < 0 || xfer(c->fetch_fd, &r, 1, 0) < 0 ||
	    r > FETCH_FAILED || get_le(c->fetch_fd, 4, &wl) < 0 || wl >= whylen ||
	    xfer(c->fetch_fd, why, wl, 0) < 0 ||
	    get_le(c->fetch_fd, 8, &n) < 0 || n > cap ||
	    !(*buf = malloc(n ? n : 1)) || xfer(c->fetch_fd, *buf, n, 0) < 0) {
		free(*buf);
		*buf = NULL;
		snprintf(why, whylen, "the fetcher process failed");
		return FETCH_FAILED;
	}
	why[wl] = '\0';
	*len = n;
	if (r != FETCH_OK) {
		free(*buf);
		*buf = NULL;
	}
	return (enum fetch_result)r;
}

enum fetch_result upd_fetch_via(struct uctx *c, const char *url, size_t cap,
			 char **buf, size_t *len, char *why, size_t whylen)
{
	if (c->fetch_fd < 0)
		return upd_fetch(url, cap, &c->fo, buf, len, why, whylen);
	return ask(c, 'G', url, cap, buf, len, why, whylen);
}

enum fetch_result upd_fetch_prefix_via(struct uctx *c, const char *url,
				       size_t n, char **buf, size_t *len,
				       char *why, size_t whylen)
{
	if (c->fetch_fd < 0)
		return upd_fetch_prefix(url, n, &c->fo, buf, len, why,
					whylen);
	return ask(c, 'P', url, n, buf, len, why, whylen);
}

void upd_split_notify(struct uctx *c, const char *path)
{
	char k;

	if (c->fetch_fd < 0) {
		notify(path);
		return;
	}
	if (request(c, 'N', path, 0) == 0)
		xfer(c->fetch_fd, &k, 1, 0);
}
