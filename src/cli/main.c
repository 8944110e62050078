/*
 * main.c -- the vigil program: dispatches to its commands. `vigil update`
 * is vigil-update, run in this process's place: the scanner links nothing
 * that opens connections.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#ifndef VIGIL_BINDIR
#define VIGIL_BINDIR "/usr/local/bin"
#endif
#ifndef VIGIL_BUILD_UPDATE
#define VIGIL_BUILD_UPDATE ""
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: vigil COMMAND [OPTIONS] [ARGS]\n"
		"\n"
		"Commands:\n"
		"  scan [OPTIONS] PATH...     scan files and directories "
		"(see vigil scan --help)\n"
		"  db compile SRC... -o FILE  compile signatures into a .vdb "
		"database\n"
		"  db info FILE.vdb           show a compiled database's "
		"header\n"
		"  update --mirror URL --trust ROOT --dir DBDIR --once\n"
		"                             install the newest signed "
		"database (runs\n"
		"                             vigil-update; see "
		"vigil-update --help)\n"
		"  yara [OPTIONS] RULES... TARGET\n"
		"                             YARA rules over a file or "
		"directory, with\n"
		"                             yara's options and output "
		"(vigil yara --help)\n"
		"  quarantine list|show|restore|delete|purge\n"
		"                             what scan --quarantine took "
		"(vigil quarantine\n"
		"                             --help)\n"
		"  version                    show versions\n"
		"\n"
		"Exit status of scan: 0 clean, 1 something found, 2 error.\n");
}

/* Runs vigil-update: beside this program, in the build tree, where it is
 * installed, or on PATH, in that order. Returns only if none would run. */
static int run_update(char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	argv[0] = "vigil-update";
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/vigil-update", self);
			execv(path, argv);
		}
	}
	if (*VIGIL_BUILD_UPDATE)
		execv(VIGIL_BUILD_UPDATE, argv);
	execv(VIGIL_BINDIR "/vigil-update", argv);
	execvp("vigil-update", argv);
	fprintf(stderr, "vigil: cannot run vigil-update: %s\n",
		strerror(errno));
	return EXIT_ERROR;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "scan"))
		return cmd_scan(argc - 1, argv + 1);
	if (!strcmp(cmd, "db"))
		return cmd_db(argc - 1, argv + 1);
	if (!strcmp(cmd, "yara"))
		return cmd_yara(argc - 1, argv + 1);
	if (!strcmp(cmd, "quarantine"))
		return cmd_quarantine(argc - 1, argv + 1);
	if (!strcmp(cmd, "update"))
		return run_update(argv + 1);
	if (!strcmp(cmd, "version") || !strcmp(cmd, "--version") ||
	    !strcmp(cmd, "-V")) {
		printf("vigil %s (libvigil %s)\n", VIGIL_VERSION_STRING,
		       vigil_version());
		return 0;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "-h")) {
		usage(stdout);
		return 0;
	}
	if (*cmd)
		fprintf(stderr, "vigil: unknown command '%s'\n", cmd);
	usage(stderr);
	return EXIT_ERROR;
}
