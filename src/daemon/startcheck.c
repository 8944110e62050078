/*
 * startcheck.c -- see startcheck.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/updstate.h"
#include "log.h"
#include "oninfected.h"
#include "startcheck.h"

static int database_dir(struct vconf *c, char *err, size_t errlen)
{
	char path[4200];
	struct stat st;

	if (!c->database_dir) {
		snprintf(err, errlen, "DatabaseDirectory is not set");
		return -1;
	}
	if (updstate_db_dir(c->database_dir, path, sizeof(path)) < 0) {
		snprintf(err, errlen, "DatabaseDirectory: path too long");
		return -1;
	}
	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "DatabaseDirectory %s: %s", path,
			 strerror(errno));
		return -1;
	}
	free(c->db_dir);
	if (!(c->db_dir = strdup(path))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int loopback(const char *addr)
{
	return !addr || !strncmp(addr, "127.", 4) || !strcmp(addr, "::1") ||
	       !strcmp(addr, "localhost");
}

/* The HTTP API's settings that only make sense together. */
static int http_check(const struct vconf *c, char *err, size_t errlen)
{
	if (c->http_port && !loopback(c->http_addr) && !c->http_token_file) {
		snprintf(err, errlen, "HTTPAddr %s is not loopback: set "
			 "HTTPTokenFile (every request then needs the token)",
			 c->http_addr);
		return -1;
	}
	if (!c->http_tls_cert != !c->http_tls_key) {
		snprintf(err, errlen, "HTTPTLSCertificate and HTTPTLSKey go "
			 "together");
		return -1;
	}
	if (c->http_token_file && access(c->http_token_file, R_OK) < 0) {
		snprintf(err, errlen, "HTTPTokenFile %s: %s",
			 c->http_token_file, strerror(errno));
		return -1;
	}
	return 0;
}

int start_check(struct vconf *c, char *err, size_t errlen)
{
	if (database_dir(c, err, errlen) < 0)
		return -1;
	if (!c->local_socket && !c->tcp_port && !c->icap_port &&
	    !getenv("LISTEN_FDS")) {
		snprintf(err, errlen, "nothing to listen on: set LocalSocket, "
			 "TCPSocket or ICAPPort");
		return -1;
	}
	if (c->user && !getpwnam(c->user)) {
		snprintf(err, errlen, "User %s: no such user", c->user);
		return -1;
	}
	if (c->local_socket_group && !getgrnam(c->local_socket_group)) {
		snprintf(err, errlen, "LocalSocketGroup %s: no such group",
			 c->local_socket_group);
		return -1;
	}
	if (http_check(c, err, errlen) < 0)
		return -1;
	return on_infected_check(c, err, errlen);
}

static int become(const struct vconf *c, const struct passwd *pw)
{
	gid_t g = pw->pw_gid;

	if (c->allow_supplementary_groups ? initgroups(pw->pw_name, g) :
					    setgroups(1, &g))
		return -1;
	if (setgid(g) || setuid(pw->pw_uid))
		return -1;
	/* no way back: a process that could regain root did not drop it */
	if (setuid(0) == 0) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

int drop_privileges(const struct vconf *c, char *err, size_t errlen)
{
	const struct passwd *pw;

	if (!c->user)
		return 0;
	if (!(pw = getpwnam(c->user))) {
		snprintf(err, errlen, "User %s: no such user", c->user);
		return -1;
	}
	if (geteuid() != 0) {
		if (pw->pw_uid != geteuid())
			vlog(LOG_WARNING, "User %s: not started as root, so "
			     "staying user %u", c->user, (unsigned)geteuid());
		return 0;
	}
	if (become(c, pw) < 0) {
		snprintf(err, errlen, "cannot become user %s: %s", c->user,
			 strerror(errno));
		return -1;
	}
	vlog(LOG_INFO, "running as user %s", c->user);
	return 0;
}
