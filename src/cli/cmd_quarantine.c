/*
 * cmd_quarantine.c -- `vigil quarantine`: what `vigil scan --quarantine`
 * took (qstore.h), listed, shown, restored, deleted or purged.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "common/jsonw.h"
#include "common/qstore.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: vigil quarantine [--dir DIR] [--json] list\n"
"       vigil quarantine [--dir DIR] [--json] show ID\n"
"       vigil quarantine [--dir DIR] restore ID [--to PATH]\n"
"       vigil quarantine [--dir DIR] delete ID\n"
"       vigil quarantine [--dir DIR] purge [--older-than DAYS]\n"
"\n"
"Files `vigil scan --quarantine` took out of place, kept encrypted with\n"
"their path, owner, mode, times, SHA-256 and detection (default store\n"
"%s). restore puts a file back exactly (never over an\n"
"existing one; --to elsewhere); purge deletes every entry, or those older\n"
"than DAYS.\n"
"Exit status: 0 done, 2 an error.\n", QSTORE_DEFAULT_DIR);
}

static json_t *entry_json(const struct qstore_entry *e)
{
	return json_pack("{s:s, s:o, s:o, s:s, s:I, s:i, s:I, s:I, s:I, s:I,"
			 " s:I}", "id", e->id, "path", jsonw_string(e->path),
			 "detection", jsonw_string(e->detection), "sha256",
			 e->sha256, "size", (json_int_t)e->size, "mode",
			 (int)e->mode, "uid", (json_int_t)e->uid, "gid",
			 (json_int_t)e->gid, "mtime_ns", (json_int_t)e->mtime_ns,
			 "atime_ns", (json_int_t)e->atime_ns, "quarantined",
			 (json_int_t)e->quarantined);
}

static void when(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static void show(const struct qstore_entry *e, int json, int brief)
{
	char t[32];

	if (json) {
		jsonw_print(stdout, entry_json(e)); /* takes it */
		return;
	}
	when(e->quarantined, t);
	if (brief) {
		printf("%s  %s  %s  %s\n", e->id, t, e->detection, e->path);
		return;
	}
	printf("id: %s\npath: %s\ndetection: %s\nquarantined: %s\n"
	       "size: %llu\nsha256: %s\nmode: %04o\nowner: %u:%u\n", e->id,
	       e->path, e->detection, t, (unsigned long long)e->size,
	       e->sha256, e->mode, (unsigned)e->uid, (unsigned)e->gid);
}

static int list(const char *dir, int json, int64_t older_than, int purge)
{
	struct qstore_entry *all;
	char err[512];
	size_t n, i;
	int rc = 0;

	if (qstore_list(dir, &all, &n, err, sizeof(err)) < 0) {
		fprintf(stderr, "vigil: %s\n", err);
		return EXIT_ERROR;
	}
	for (i = 0; i < n; i++) {
		if (!purge) {
			show(&all[i], json, 1);
		} else if (all[i].quarantined <= older_than &&
			   qstore_delete(dir, all[i].id, err, sizeof(err)) < 0) {
			fprintf(stderr, "vigil: %s\n", err);
			rc = EXIT_ERROR;
		}
	}
	free(all);
	return rc;
}

struct qargs {
	const char *dir, *to;
	int json;
	long days;
};

static int one(const char *cmd, const char *id, const struct qargs *a)
{
	struct qstore_entry e;
	char err[QSTORE_MAX_PATH + 512];
	int rc;

	if (!strcmp(cmd, "show"))
		rc = qstore_get(a->dir, id, &e, err, sizeof(err));
	else if (!strcmp(cmd, "restore"))
		rc = qstore_restore(a->dir, id, a->to, err, sizeof(err));
	else
		rc = qstore_delete(a->dir, id, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "vigil: %s\n", err);
		return EXIT_ERROR;
	}
	if (!strcmp(cmd, "show"))
		show(&e, a->json, 0);
	else
		printf("%s: %s\n", id, !strcmp(cmd, "restore") ? "restored" :
		       "deleted");
	return EXIT_CLEAN;
}

int cmd_quarantine(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "to", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "older-than", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct qargs a = { QSTORE_DEFAULT_DIR, NULL, 0, -1 };
	const char *cmd;
	int o;

	optind = 1;
	while ((o = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (o) {
		case 'd': a.dir = optarg; break;
		case 't': a.to = optarg; break;
		case 'j': a.json = 1; break;
		case 'o': a.days = strtol(optarg, NULL, 10); break;
		case 'h': usage(stdout); return EXIT_CLEAN;
		default: usage(stderr); return EXIT_ERROR;
		}
	}
	cmd = optind < argc ? argv[optind] : "";
	if ((!strcmp(cmd, "list") || !strcmp(cmd, "purge")) &&
	    optind + 1 == argc)
		return list(a.dir, a.json, a.days < 0 ? INT64_MAX :
			    (int64_t)time(NULL) - a.days * 86400,
			    !strcmp(cmd, "purge"));
	if ((!strcmp(cmd, "show") || !strcmp(cmd, "restore") ||
	     !strcmp(cmd, "delete")) && optind + 2 == argc)
		return one(cmd, argv[optind + 1], &a);
	usage(stderr);
	return EXIT_ERROR;
}
