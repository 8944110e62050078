/*
 * main.c -- vigil-onaccess: options, then oa_run(). See
 * vigil-onaccess(8).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/qstore.h"
#include "common/size.h"
#include "onaccess.h"

#define DEFAULT_SOCKET "/run/vigil/vigild.ctl"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vigil-onaccess --path DIR [--path DIR...] [options]\n"
		"Scans files as they are opened and written under each DIR, "
		"with vigild.\n\n"
		"  -p, --path DIR          watch DIR and every directory under "
		"it (repeatable)\n"
		"  -x, --exclude-path DIR  not under DIR (repeatable)\n"
		"  -u, --exclude-uid USER  not for USER's processes (name or "
		"number; repeatable)\n"
		"  -s, --socket PATH       vigild's LocalSocket (default "
		DEFAULT_SOCKET ")\n"
		"      --prevent           deny opening infected files "
		"(default: log only)\n"
		"      --fail-closed       deny when a file cannot be scanned "
		"(default: allow)\n"
		"      --whole-mount       mark the mounts holding the paths, "
		"not each directory\n"
		"  -j, --threads N         scans at once (default 4)\n"
		"      --timeout SECONDS   per scan (default 10)\n"
		"      --cache-seconds S   remember clean files S seconds "
		"(default 60; 0: never)\n"
		"      --max-size BYTES    larger files are not scanned "
		"(default 5M; K, M, G)\n"
		"      --quarantine[=DIR]  take infected files into Vigil's "
		"encrypted\n"
		"                          quarantine (default "
		QSTORE_DEFAULT_DIR ";\n"
		"                          vigil quarantine lists and "
		"restores them)\n"
		"      --quarantine-max SIZE  its size, oldest out first "
		"(default 1G)\n"
		"  -h, --help\n\n"
		"Runs in the foreground until SIGTERM; logs to stderr. Root (or "
		"CAP_SYS_ADMIN) is needed.\n"
		"Exit status: 0 stopped, 1 could not start, 2 usage. "
		"See vigil-onaccess(8).\n");
}

/* Adds the resolved DIR to a list; -1 with a message if it cannot. */
static int add_path(const char **list, unsigned *n, const char *dir)
{
	char *real = realpath(dir, NULL);

	if (!real || *n == OA_MAX_PATHS) {
		fprintf(stderr, "vigil-onaccess: %s: %s\n", dir,
			real ? "too many paths" : strerror(errno));
		free(real);
		return -1;
	}
	list[(*n)++] = real;
	return 0;
}

/* A user by name or number into the exclusions; -1 if unknown. */
static int add_uid(struct oa_config *c, const char *user)
{
	struct passwd *pw = getpwnam(user);
	uint64_t v;

	if (c->nexclude_uids == OA_MAX_PATHS)
		return -1;
	if (pw)
		v = pw->pw_uid;
	else if (size_parse(user, UINT32_MAX - 1, &v) < 0)
		return -1;
	c->exclude_uids[c->nexclude_uids++] = (uid_t)v;
	return 0;
}

static int option(struct oa_config *c, int opt, const char *arg)
{
	uint64_t v;

	switch (opt) {
	case 'u': return add_uid(c, arg);
	case 'p': return add_path(c->paths, &c->npaths, arg);
	case 'x': return add_path(c->excludes, &c->nexcludes, arg);
	case 's': c->socket = arg; return 0;
	case 'P': c->prevent = 1; return 0;
	case 'F': c->fail_closed = 1; return 0;
	case 'W': c->whole_mount = 1; return 0;
	case 'm': return size_parse(arg, UINT64_MAX, &c->max_size);
	case 'Q': c->quarantine = arg ? arg : QSTORE_DEFAULT_DIR; return 0;
	case 'C': return size_parse(arg, UINT64_MAX, &c->quarantine_cap);
	}
	if (size_parse(arg, opt == 'j' ? OA_MAX_THREADS : 86400, &v) < 0 ||
	    (opt == 'j' && !v) || (opt == 't' && !v))
		return -1;
	if (opt == 'j')
		c->threads = (unsigned)v;
	else if (opt == 't')
		c->timeout_s = (unsigned)v;
	else
		c->cache_s = (unsigned)v;
	return 0;
}

static void free_paths(struct oa_config *c)
{
	unsigned i;

	for (i = 0; i < c->npaths; i++)
		free((char *)(uintptr_t)c->paths[i]);
	for (i = 0; i < c->nexcludes; i++)
		free((char *)(uintptr_t)c->excludes[i]);
}

static const struct option long_options[] = {
	{ "path", required_argument, NULL, 'p' },
	{ "exclude-path", required_argument, NULL, 'x' },
	{ "exclude-uid", required_argument, NULL, 'u' },
	{ "socket", required_argument, NULL, 's' },
	{ "prevent", no_argument, NULL, 'P' },
	{ "fail-closed", no_argument, NULL, 'F' },
	{ "whole-mount", no_argument, NULL, 'W' },
	{ "threads", required_argument, NULL, 'j' },
	{ "timeout", required_argument, NULL, 't' },
	{ "cache-seconds", required_argument, NULL, 'c' },
	{ "max-size", required_argument, NULL, 'm' },
	{ "quarantine", optional_argument, NULL, 'Q' },
	{ "quarantine-max", required_argument, NULL, 'C' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The options into c: 0, 1 (--help shown), 2 (usage). */
static int options(struct oa_config *c, int argc, char **argv)
{
	int opt;

	while ((opt = getopt_long(argc, argv, "p:x:u:s:j:h", long_options,
				  NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return 1;
		}
		if (opt == '?' || option(c, opt, optarg) < 0) {
			if (opt != '?' && opt != 'p' && opt != 'x')
				fprintf(stderr, "vigil-onaccess: bad value: %s\n",
					optarg);
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc || !c->npaths) {
		fprintf(stderr, "vigil-onaccess: %s\n", optind < argc ?
			"unexpected arguments" : "no --path to watch");
		usage(stderr);
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct oa_config c = { .socket = DEFAULT_SOCKET, .threads = 4,
			       .timeout_s = 10, .cache_s = 60,
			       .max_size = 5u << 20,
			       .quarantine_cap = QSTORE_DEFAULT_CAP_BYTES };
	int rc = options(&c, argc, argv);

	if (rc == 0)
		rc = oa_run(&c);
	else
		rc = rc == 1 ? 0 : 2;
	free_paths(&c);
	return rc;
}
