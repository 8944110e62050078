/*
 * scan_example.c -- the smallest useful libvigil program: load signatures,
 * compile, scan each file named on the command line.
 *
 *   cc scan_example.c $(pkg-config --cflags --libs vigil) -o scan_example
 *   ./scan_example SIGNATURES FILE...
 *
 * SPDX-License-Identifier: Apache-2.0
 */
#include <stdio.h>

#include <vigil/vigil.h>

int main(int argc, char **argv)
{
	struct vigil_engine *engine = NULL;
	struct vigil_scanner *scanner = NULL;
	int i, rc, status = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: %s SIGNATURES FILE...\n", argv[0]);
		return 2;
	}
	if ((rc = vigil_engine_new(&engine, NULL)) < 0 ||
	    (rc = vigil_engine_load(engine, argv[1])) < 0 ||
	    (rc = vigil_engine_compile(engine)) < 0 ||
	    (rc = vigil_scanner_new(&scanner, engine, NULL)) < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], vigil_strerror(rc));
		vigil_engine_free(engine);
		return 2;
	}
	for (i = 2; i < argc; i++) {
		struct vigil_result res = { .size = sizeof(res) };

		rc = vigil_scanner_scan_path(scanner, argv[i], &res);
		if (rc < 0) {
			printf("%s: %s ERROR\n", argv[i], vigil_strerror(rc));
			status = status ? status : 2;
		} else if (res.verdict != VIGIL_VERDICT_CLEAN) {
			printf("%s: %s FOUND\n", argv[i], res.name);
			status = 1;
		} else {
			printf("%s: OK\n", argv[i]);
		}
	}
	vigil_scanner_free(scanner);
	vigil_engine_free(engine);
	return status;
}
