/*
 * cmd_db.c -- "vigil db compile" (sources into one .vdb, matcher cache
 * warmed), "vigil db info" (a .vdb's header, checksum verified) and
 * "vigil db fuzzy-img" (images' fuzzy hashes) and "vigil db icon-sig"
 * (PE icons' metrics), for writing signatures.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "common/jsonw.h"

#define MAX_SOURCES 256
#define PEICONS_SHOWN 100	/* icons a PE's group is read for */

static void db_usage(FILE *f)
{
	fprintf(f,
"Usage: vigil db compile [OPTIONS] SOURCE... -o FILE.vdb\n"
"       vigil db info [--json] FILE.vdb\n"
"       vigil db fuzzy-img IMAGE...\n"
"       vigil db icon-sig PE...\n"
"\n"
"compile: SOURCE is ClamAV signature files (.hdb .hsb .ndb .ldb .fp .sfp\n"
"         .ign2 ...), containers (.cvd .cld .cud) or directories of them;\n"
"         all are merged into one database.\n"
"  -o, --output=FILE   where to write the database\n"
"      --strict        refuse signatures Vigil cannot honour\n"
"      --detect-pua    include PUA signatures\n"
"      --no-matcher    do not build the matcher cache now\n"
"      --cache-dir=DIR matcher cache (default ~/.cache/vigil)\n"
"      --cvd-key=N:E   trust this RSA key (decimal modulus and exponent)\n"
"                      for .cvd signatures, beside ClamAV's own\n"
"      --cvdcertsdir=DIR trusted certificates for .cvd.sign files\n"
"                      (default /etc/clamav/certs, as ClamAV 1.5)\n"
"  -v, --verbose       list every signature line skipped\n"
"\n"
"fuzzy-img: print each image's fuzzy hash (PNG, JPEG, GIF, TIFF, BMP), for\n"
"         fuzzy_img#HASH#0 subsignatures, as sigtool --fuzzy-img does.\n"
"icon-sig: print the metrics of each icon of a PE's first icon group, the\n"
"         last field of an .idb line (NAME:GROUP1:GROUP2:METRICS), as\n"
"         clamscan --debug prints them.\n");
}

static void print_stats(const struct vigil_engine *e, const char *out,
			double secs)
{
	struct vigil_engine_stats s = { .size = sizeof(s) };

	vigil_engine_stats(e, &s);
	printf("%s: %llu signatures (md5 %llu, sha1 %llu, sha256 %llu, "
	       "section %llu, import %llu, body %llu, logical %llu), "
	       "%llu allowlist, %llu phishing, %llu certificates, "
	       "%llu ignored names; %llu lines skipped; %.2f s\n",
	       out, (unsigned long long)s.signatures,
	       (unsigned long long)s.hash_md5, (unsigned long long)s.hash_sha1,
	       (unsigned long long)s.hash_sha256,
	       (unsigned long long)s.section_hash,
	       (unsigned long long)s.import_hash, (unsigned long long)s.body,
	       (unsigned long long)s.logical, (unsigned long long)s.allow,
	       (unsigned long long)s.phishing,
	       (unsigned long long)s.certificates,
	       (unsigned long long)s.ignore, (unsigned long long)s.skipped,
	       secs);
}

static int db_compile(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "strict", no_argument, NULL, 's' },
		{ "detect-pua", no_argument, NULL, 'p' },
		{ "no-matcher", no_argument, NULL, 'n' },
		{ "cache-dir", required_argument, NULL, 'c' },
		{ "cvd-key", required_argument, NULL, 'k' },
		{ "cvdcertsdir", required_argument, NULL, 'C' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dbsetup d = { 0 };
	struct vigil_engine *e;
	const char *out = NULL, *src[MAX_SOURCES];
	double t0 = now_seconds();
	int ch, rc;

	d.flags = VIGIL_ENGINE_MERGE | VIGIL_ENGINE_FULL_MATCHER;
	d.cache_dir = dbsetup_default_cache();
	optind = 1;
	while ((ch = getopt_long(argc, argv, "o:vh", lo, NULL)) != -1) {
		switch (ch) {
		case 'o': out = optarg; break;
		case 's': d.flags |= VIGIL_ENGINE_STRICT; break;
		case 'p': d.flags |= VIGIL_ENGINE_PUA; break;
		case 'n': d.flags |= VIGIL_ENGINE_NO_MATCHER; break;
		case 'c': d.cache_dir = optarg; break;
		case 'k': d.cvd_key = optarg; break;
		case 'C': d.certs_dir = optarg; break;
		case 'v': d.verbose = 1; break;
		case 'h': db_usage(stdout); return EXIT_CLEAN;
		default: db_usage(stderr); return EXIT_ERROR;
		}
	}
	if (!out || optind >= argc || argc - optind > MAX_SOURCES) {
		fprintf(stderr, "vigil: db compile needs sources and -o FILE\n");
		return EXIT_ERROR;
	}
	for (ch = optind; ch < argc; ch++)
		src[d.npaths++] = argv[ch];
	d.paths = src;
	if (dbsetup_engine(&d, &e) < 0)
		return EXIT_ERROR;
	if ((rc = vigil_engine_save(e, out)) < 0) {
		fprintf(stderr, "vigil: cannot write %s: %s\n", out,
			rc == VIGIL_EIO ? strerror(errno) : vigil_strerror(rc));
		vigil_engine_free(e);
		return EXIT_ERROR;
	}
	print_stats(e, out, now_seconds() - t0);
	vigil_engine_free(e);
	return EXIT_CLEAN;
}

static void info_text(const char *path, const struct vigil_db_info *i)
{
	char when[64];
	time_t t = (time_t)i->created;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	printf("File: %s\nFormat version: %u\nSize: %llu bytes\n"
	       "Created: %s\nBuilder: %s\nChecksum (XXH3-64): %016llx OK\n"
	       "Hash signatures: %llu MD5, %llu SHA-1, %llu SHA-256\n"
	       "PE section hash signatures: %llu\n"
	       "Body signatures: %llu\nLogical signatures: %llu\n"
	       "YARA rule files: %llu\n"
	       "Allowlist entries: %llu\nIgnored names: %llu\nSources: %s\n",
	       path, i->format_version, (unsigned long long)i->file_size, when,
	       i->builder, (unsigned long long)i->checksum,
	       (unsigned long long)i->hash_md5, (unsigned long long)i->hash_sha1,
	       (unsigned long long)i->hash_sha256,
	       (unsigned long long)i->section_hash, (unsigned long long)i->body,
	       (unsigned long long)i->logical,
	       (unsigned long long)i->yara_files, (unsigned long long)i->allow,
	       (unsigned long long)i->ignore, i->sources);
}

static void info_json(const char *path, const struct vigil_db_info *i)
{
	json_t *o = json_object();
	char sum[17];

	snprintf(sum, sizeof(sum), "%016llx", (unsigned long long)i->checksum);
	jsonw_set(o, "file", jsonw_string(path));
	jsonw_set(o, "format_version", json_integer(i->format_version));
	jsonw_set(o, "size", json_integer((json_int_t)i->file_size));
	jsonw_set(o, "created", json_integer((json_int_t)i->created));
	jsonw_set(o, "checksum", json_string(sum));
	jsonw_set(o, "md5", json_integer((json_int_t)i->hash_md5));
	jsonw_set(o, "sha1", json_integer((json_int_t)i->hash_sha1));
	jsonw_set(o, "sha256", json_integer((json_int_t)i->hash_sha256));
	jsonw_set(o, "section", json_integer((json_int_t)i->section_hash));
	jsonw_set(o, "body", json_integer((json_int_t)i->body));
	jsonw_set(o, "logical", json_integer((json_int_t)i->logical));
	jsonw_set(o, "allow", json_integer((json_int_t)i->allow));
	jsonw_set(o, "ignore", json_integer((json_int_t)i->ignore));
	jsonw_set(o, "yara_files", json_integer((json_int_t)i->yara_files));
	jsonw_set(o, "builder", jsonw_string(i->builder));
	jsonw_set(o, "sources", jsonw_string(i->sources));
	if (jsonw_print(stdout, o) < 0)
		fprintf(stderr, "vigil: cannot write the JSON\n");
}

static void say_error(void *ctx, int level, const char *msg)
{
	int *said = ctx;

	if (level == VIGIL_LOG_ERROR) {
		fprintf(stderr, "vigil: %s\n", msg);
		*said = 1;
	}
}

/* Why a .vdb was refused, as precisely as a load says it ("database
 * truncated or padded"); a signature source is no .vdb. */
static void explain(const char *path, int rc)
{
	int said = 0;
	struct vigil_engine_options o = { .size = sizeof(o), .log = say_error,
					  .log_ctx = &said };
	struct vigil_engine *e = NULL;
	const char *dot = strrchr(path, '.');

	if (rc == VIGIL_EFORMAT && (!dot || strcmp(dot, ".vdb"))) {
		fprintf(stderr, "vigil: %s: not a compiled database (.vdb; "
			"vigil db compile makes one)\n", path);
		return;
	}
	if (rc == VIGIL_EFORMAT && vigil_engine_new(&e, &o) == 0)
		vigil_engine_load(e, path);
	vigil_engine_free(e);
	if (!said)
		fprintf(stderr, "vigil: %s: %s\n", path, rc == VIGIL_EIO ?
			strerror(errno) : vigil_strerror(rc));
}

static int db_info(int argc, char **argv)
{
	struct vigil_db_info info = { .size = sizeof(info) };
	int json = argc > 1 && !strcmp(argv[1], "--json");
	const char *path = argv[json ? 2 : 1];
	int rc;

	if (argc != 2 + json) {
		db_usage(stderr);
		return EXIT_ERROR;
	}
	if ((rc = vigil_db_info(path, &info)) < 0) {
		explain(path, rc);
		return EXIT_ERROR;
	}
	(json ? info_json : info_text)(path, &info);
	return EXIT_CLEAN;
}

/* fn over the bytes of the regular, non-empty file path: its code, or
 * a VIGIL_E* code of its own. */
static int with_file(const char *path,
		     int (*fn)(const char *path, const void *b, size_t n))
{
	struct stat st;
	void *map = MAP_FAILED;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = VIGIL_EIO;

	if (fd >= 0 && fstat(fd, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			rc = VIGIL_ETYPE;
		else if (st.st_size == 0)
			rc = VIGIL_EFORMAT;
		else if ((map = mmap(NULL, (size_t)st.st_size, PROT_READ,
				     MAP_PRIVATE, fd, 0)) != MAP_FAILED)
			rc = fn(path, map, (size_t)st.st_size);
	}
	if (map != MAP_FAILED)
		munmap(map, (size_t)st.st_size);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* One image's fuzzy hash: "FILE: HASH". */
static int fuzzy_one(const char *path, const void *b, size_t n)
{
	unsigned char h[8];
	int rc = vigil_image_fuzzy_hash(b, n, h);

	if (rc == 0)
		printf("%s: %02x%02x%02x%02x%02x%02x%02x%02x\n", path, h[0],
		       h[1], h[2], h[3], h[4], h[5], h[6], h[7]);
	return rc;
}

/* Each icon of a PE's first icon group: "FILE: METRICS". */
static int icon_one(const char *path, const void *b, size_t n)
{
	char m[PEICONS_SHOWN][125];
	size_t i, count;
	int rc = vigil_pe_icon_metrics(b, n, m, PEICONS_SHOWN, &count);

	if (rc < 0)
		return rc;
	for (i = 0; i < count && i < PEICONS_SHOWN; i++)
		printf("%s: %s\n", path, m[i]);
	if (!count)
		fprintf(stderr, "vigil: %s: no icon ClamAV's matcher reads\n",
			path);
	return 0;
}

static int db_each_file(int argc, char **argv,
			int (*fn)(const char *path, const void *b, size_t n),
			const char *what)
{
	int i, rc, failed = 0;

	if (argc < 2) {
		db_usage(stderr);
		return EXIT_ERROR;
	}
	for (i = 1; i < argc; i++) {
		if ((rc = with_file(argv[i], fn)) < 0) {
			fprintf(stderr, "vigil: %s: %s\n", argv[i],
				rc == VIGIL_EFORMAT ? what : vigil_strerror(rc));
			failed = 1;
		}
	}
	return failed ? EXIT_ERROR : EXIT_CLEAN;
}

int cmd_db(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "fuzzy-img"))
		return db_each_file(argc - 1, argv + 1, fuzzy_one,
				    "not an image it reads (PNG, JPEG, GIF, "
				    "TIFF, BMP)");
	if (argc > 1 && !strcmp(argv[1], "icon-sig"))
		return db_each_file(argc - 1, argv + 1, icon_one,
				    "not a PE image");
	if (argc > 1 && !strcmp(argv[1], "compile"))
		return db_compile(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "info"))
		return db_info(argc - 1, argv + 1);
	db_usage(argc > 1 && !strcmp(argv[1], "--help") ? stdout : stderr);
	return argc > 1 && !strcmp(argv[1], "--help") ? EXIT_CLEAN :
							  EXIT_ERROR;
}
