/*
 * main.c -- the vigil program: dispatches to its commands.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "update.h"

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
		"database (see --help)\n"
		"  version                    show versions\n"
		"\n"
		"Exit status of scan: 0 clean, 1 something found, 2 error.\n");
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (!strcmp(cmd, "scan"))
		return cmd_scan(argc - 1, argv + 1);
	if (!strcmp(cmd, "db"))
		return cmd_db(argc - 1, argv + 1);
	if (!strcmp(cmd, "update"))
		return update_cli(argc - 1, argv + 1);
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
