/*
 * cmd_scan.c -- "vigil scan": options, the engine, a pool of worker
 * threads (one scanner each) fed by the directory walker, and the exit
 * status: 0 clean, 1 found (wins over errors), 2 error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/size.h"
#include "actions.h"
#include "scan.h"

#define MAX_DATABASES 64
#define MAX_THREADS 256
#define PROGRESS_INTERVAL_NS 250000000L

static void scan_usage(FILE *f)
{
	fprintf(f,
"Usage: vigil scan [OPTIONS] [PATH...]\n"
"Scan files and directories (recursively); '-' reads standard input; no\n"
"PATH: the current directory.\n"
"\n"
"  -d, --database=PATH      a .vdb, ClamAV signature files, or a directory\n"
"                           of them (repeatable; default: Vigil's bundled\n"
"                           database, vigil update's in /var/lib/vigil and\n"
"                           ClamAV's feed in /var/lib/clamav)\n"
"  -j, --threads=N          scanning threads (default: all cores)\n"
"  -i, --infected           print only what is found\n"
"  -z, --allmatch           report every matching signature\n"
"      --json               one JSON object per file, then a summary\n"
"  -l, --log=FILE           append the report to FILE too\n"
"  -f, --file-list=FILE     scan the paths in FILE, one a line\n"
"      --move=DIR, --copy=DIR  move or copy each file found infected into\n"
"                           DIR (a name taken gets .001 ...), as clamscan\n"
"      --remove             remove each file found infected\n"
"      --quarantine[=DIR]   take each file found infected into the\n"
"                           encrypted quarantine (default\n"
"                           /var/lib/vigil/quarantine; vigil quarantine\n"
"                           --help); --quarantine-max=SIZE caps it (1G)\n"
"  -o, --suppress-ok-results  no OK lines (as -i)\n"
"      --bell               ring the terminal's bell at each detection\n"
"      --stdout             errors and warnings to standard output too\n"
"      --cross-fs=no        stay on the file system of each PATH\n"
"      --max-dir-recursion=N  directory levels followed (256)\n"
"      --include=REGEX, --include-dir=REGEX  only files (directories)\n"
"                           whose path matches (repeatable)\n"
"      --tempdir=DIR, --leave-temps  accepted: Vigil writes no temporary\n"
"                           files\n"
"  -V, --version            the version; --debug: as -v\n"
"      --no-summary         no summary block\n"
"      --exclude=REGEX      skip files whose path matches (repeatable)\n"
"      --exclude-dir=REGEX  skip directories whose path matches\n"
"      --max-filesize=SIZE  larger objects in containers are not matched\n"
"                           (default 100M; suffixes K, M, G); a file named\n"
"                           or walked is matched whole whatever its size\n"
"      --max-scansize=SIZE  bytes extracted and matched per file (400M)\n"
"      --max-files=N        objects per file, contents included (10000)\n"
"      --max-recursion=N    nesting of archives and encodings (17)\n"
"      --max-scantime=MS    time per file, in milliseconds as clamscan\n"
"                           (120000)\n"
"      --max-ratio=N        compression ratio of a contained object (1000)\n"
"                           An exceeded limit is reported as\n"
"                           Heuristics.Limits.Exceeded.<Which>, never as OK\n"
"      --pcre-match-limit=N PCRE2 match limit of a PCRE subsignature (10000)\n"
"      --pcre-recmatch-limit=N  its depth limit (2000)\n"
"      --pcre-max-filesize=SIZE  larger objects get no PCRE subsignatures\n"
"                           (100M; 0: no limit)\n"
"      --alert-exceeds-max  a PCRE subsignature stopped by these limits is\n"
"                           a result, not a warning (as clamscan)\n"
"      --limits-warn        report exceeded limits as warnings instead\n"
"      --alert-macros[=yes|no]  Heuristics.OLE2.ContainsMacros.VBA (.XLM)\n"
"                           for Office documents with VBA macros (Excel\n"
"                           4.0 macro sheets) (default no)\n"
"      --alert-encrypted[=yes|no], --alert-encrypted-archive[=yes|no],\n"
"      --alert-encrypted-doc[=yes|no]  encrypted content is\n"
"                           Heuristics.Encrypted.* (default yes; no: a\n"
"                           warning, and the file may be reported OK)\n"
"      --heuristic-alerts[=yes|no]  the heuristics below, and\n"
"                           Heuristics.Zip.OverlappingFiles (default yes)\n"
"      --heuristic-scan-precedence[=yes|no]  a heuristic result ends the\n"
"                           scan; otherwise one is reported only if no\n"
"                           signature matches (default no)\n"
"      --alert-broken[=yes|no]  Heuristics.Broken.Executable for PE and\n"
"                           ELF files with broken headers (no)\n"
"      --alert-broken-media[=yes|no]  Heuristics.Broken.Media.* for\n"
"                           broken JPEG, PNG, GIF and TIFF images (no)\n"
"      --detect-structured[=yes|no]  Heuristics.Structured.* for credit\n"
"                           card and US social security numbers (no)\n"
"      --structured-ssn-format=0|1|2  SSNs as 123-45-6789 (0, default),\n"
"                           123456789 (1) or both (2)\n"
"      --structured-ssn-count=N, --structured-cc-count=N  numbers an\n"
"                           object must hold to be reported (3)\n"
"      --structured-cc-mode=0|1  1: credit cards only, no debit cards\n"
"      --alert-phishing-ssl[=yes|no], --alert-phishing-cloak[=yes|no]\n"
"                           the SSL and cloaking checks on every link of a\n"
"                           mail, not only on the domains the .pdb names\n"
"      --alert-partition-intersection[=yes|no]  overlapping partitions\n"
"                           of a disk image: Heuristics.PartitionIntersection\n"
"      --phishing-sigs[=yes|no], --phishing-scan-urls[=yes|no]\n"
"                           load HTML.Phishing/Email.Phishing signatures,\n"
"                           and the .pdb/.wdb link checks (default yes)\n"
"      --scan-archive=no, --scan-mail=no, --scan-html=no, --scan-pdf=no,\n"
"      --scan-ole2=no, --scan-pe=no, --scan-elf=no, --scan-swf=no,\n"
"      --scan-xmldocs=no, --scan-hwp3=no, --scan-onenote=no,\n"
"      --scan-image=no  do not unpack or check that family (its objects\n"
"                           are still matched; default yes)\n"
"      --scan-image-fuzzy-hash=no  no image fuzzy hashes (fuzzy_img\n"
"                           subsignatures never match; default yes)\n"
"      --require-sandbox    refuse to scan where the kernel cannot confine\n"
"                           the scan (Landlock and seccomp)\n"
"      --sandbox-probe=FILE confine as for a scan, then try to read and\n"
"                           write FILE, open a socket, run a program, fork\n"
"                           and start a thread; print what happened (no\n"
"                           PATH needed)\n"
"      --no-unpack          match files only, without their contents\n"
"      --follow-symlinks    follow symbolic links inside directories\n"
"      --detect-pua         load PUA signatures (.hdu .hsu .ndu .ldu)\n"
"      --strict             refuse signatures Vigil cannot honour\n"
"      --cache-dir=DIR      matcher cache (default ~/.cache/vigil)\n"
"      --cvd-key=N:E        trust this RSA key (decimal modulus and\n"
"                           exponent) for .cvd signatures, beside ClamAV's\n"
"      --cvdcertsdir=DIR    trusted certificates for the detached signatures\n"
"                           of .cvd files, NAME-VERSION.cvd.sign beside them\n"
"                           (default /etc/clamav/certs, as ClamAV 1.5)\n"
"      --no-cache           do not read or write the matcher cache\n"
"      --full-matcher       where the cache misses, compile the faster\n"
"                           matcher (slow to build; then cached)\n"
"      --progress, --no-progress  progress line on a terminal (default on)\n"
"  -q, --quiet              print errors only\n"
"  -v, --verbose            list every signature line skipped; say when\n"
"                           the quick matcher serves (cache missed)\n"
"  -r, --recursive          accepted for clamscan compatibility\n"
"  -h, --help               this text\n"
"\n"
"Exit status: 0 nothing found, 1 something found, 2 an error occurred.\n");
}

enum {
	OPT_JSON = 256, OPT_NO_SUMMARY, OPT_EXCLUDE, OPT_EXCLUDE_DIR,
	OPT_MAX_FILESIZE, OPT_FOLLOW, OPT_PUA, OPT_STRICT, OPT_CACHE_DIR,
	OPT_CVD_KEY, OPT_CERTS_DIR,
	OPT_NO_CACHE, OPT_FULL_MATCHER, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_MAX_SCANSIZE,
	OPT_MAX_FILES, OPT_MAX_RECURSION, OPT_MAX_SCANTIME, OPT_MAX_RATIO,
	OPT_PCRE_MATCH, OPT_PCRE_RECMATCH, OPT_PCRE_FILESIZE, OPT_ALERT_EXCEEDS,
	OPT_ALERT_MACROS, OPT_ALERT_ENC, OPT_ALERT_ENC_ARCHIVE, OPT_ALERT_ENC_DOC,
	OPT_SCAN_ARCHIVE, OPT_SCAN_MAIL, OPT_SCAN_HTML, OPT_SCAN_PDF, OPT_SCAN_OLE2,
	OPT_SCAN_PE, OPT_SCAN_ELF, OPT_SCAN_SWF, OPT_SCAN_XMLDOCS, OPT_SCAN_HWP3,
	OPT_SCAN_ONENOTE, OPT_SCAN_IMAGE, OPT_SCAN_IMAGE_FUZZY, OPT_HEUR_ALERTS, OPT_HEUR_PRECEDENCE,
	OPT_ALERT_BROKEN, OPT_ALERT_BROKEN_MEDIA, OPT_STRUCTURED,
	OPT_SSN_FORMAT, OPT_SSN_COUNT, OPT_CC_COUNT, OPT_CC_MODE,
	OPT_PHISH_SSL, OPT_PHISH_CLOAK, OPT_PHISH_SIGS, OPT_PHISH_URLS,
	OPT_PART_INTERSECT,
	OPT_LIMITS_WARN, OPT_NO_UNPACK, OPT_REQUIRE_SANDBOX, OPT_SANDBOX_PROBE,
	OPT_LOG,
};

static const struct option scan_long[] = {
	{ "database", required_argument, NULL, 'd' },
	{ "threads", required_argument, NULL, 'j' },
	{ "infected", no_argument, NULL, 'i' },
	{ "allmatch", no_argument, NULL, 'z' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "recursive", no_argument, NULL, 'r' },
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "no-summary", no_argument, NULL, OPT_NO_SUMMARY },
	{ "exclude", required_argument, NULL, OPT_EXCLUDE },
	{ "exclude-dir", required_argument, NULL, OPT_EXCLUDE_DIR },
	{ "max-filesize", required_argument, NULL, OPT_MAX_FILESIZE },
	{ "follow-symlinks", no_argument, NULL, OPT_FOLLOW },
	{ "detect-pua", no_argument, NULL, OPT_PUA },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
	{ "cvd-key", required_argument, NULL, OPT_CVD_KEY },
	{ "cvdcertsdir", required_argument, NULL, OPT_CERTS_DIR },
	{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
	{ "full-matcher", no_argument, NULL, OPT_FULL_MATCHER },
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
	{ "max-scansize", required_argument, NULL, OPT_MAX_SCANSIZE },
	{ "max-files", required_argument, NULL, OPT_MAX_FILES },
	{ "max-recursion", required_argument, NULL, OPT_MAX_RECURSION },
	{ "max-scantime", required_argument, NULL, OPT_MAX_SCANTIME },
	{ "max-ratio", required_argument, NULL, OPT_MAX_RATIO },
	{ "pcre-match-limit", required_argument, NULL, OPT_PCRE_MATCH },
	{ "pcre-recmatch-limit", required_argument, NULL, OPT_PCRE_RECMATCH },
	{ "pcre-max-filesize", required_argument, NULL, OPT_PCRE_FILESIZE },
	{ "alert-exceeds-max", no_argument, NULL, OPT_ALERT_EXCEEDS },
	{ "alert-macros", optional_argument, NULL, OPT_ALERT_MACROS },
	{ "alert-encrypted", optional_argument, NULL, OPT_ALERT_ENC },
	{ "alert-encrypted-archive", optional_argument, NULL,
	  OPT_ALERT_ENC_ARCHIVE },
	{ "alert-encrypted-doc", optional_argument, NULL, OPT_ALERT_ENC_DOC },
	{ "scan-archive", optional_argument, NULL, OPT_SCAN_ARCHIVE },
	{ "scan-mail", optional_argument, NULL, OPT_SCAN_MAIL },
	{ "scan-html", optional_argument, NULL, OPT_SCAN_HTML },
	{ "scan-pdf", optional_argument, NULL, OPT_SCAN_PDF },
	{ "scan-ole2", optional_argument, NULL, OPT_SCAN_OLE2 },
	{ "scan-pe", optional_argument, NULL, OPT_SCAN_PE },
	{ "scan-elf", optional_argument, NULL, OPT_SCAN_ELF },
	{ "scan-swf", optional_argument, NULL, OPT_SCAN_SWF },
	{ "scan-xmldocs", optional_argument, NULL, OPT_SCAN_XMLDOCS },
	{ "scan-hwp3", optional_argument, NULL, OPT_SCAN_HWP3 },
	{ "scan-onenote", optional_argument, NULL, OPT_SCAN_ONENOTE },
	{ "scan-image", optional_argument, NULL, OPT_SCAN_IMAGE },
	{ "scan-image-fuzzy-hash", optional_argument, NULL,
	  OPT_SCAN_IMAGE_FUZZY },
	{ "heuristic-alerts", optional_argument, NULL, OPT_HEUR_ALERTS },
	{ "heuristic-scan-precedence", optional_argument, NULL,
	  OPT_HEUR_PRECEDENCE },
	{ "alert-broken", optional_argument, NULL, OPT_ALERT_BROKEN },
	{ "alert-broken-media", optional_argument, NULL,
	  OPT_ALERT_BROKEN_MEDIA },
	{ "detect-structured", optional_argument, NULL, OPT_STRUCTURED },
	{ "structured-ssn-format", required_argument, NULL, OPT_SSN_FORMAT },
	{ "structured-ssn-count", required_argument, NULL, OPT_SSN_COUNT },
	{ "structured-cc-count", required_argument, NULL, OPT_CC_COUNT },
	{ "structured-cc-mode", required_argument, NULL, OPT_CC_MODE },
	{ "alert-phishing-ssl", optional_argument, NULL, OPT_PHISH_SSL },
	{ "alert-phishing-cloak", optional_argument, NULL, OPT_PHISH_CLOAK },
	{ "phishing-sigs", optional_argument, NULL, OPT_PHISH_SIGS },
	{ "alert-partition-intersection", optional_argument, NULL,
	  OPT_PART_INTERSECT },
	{ "phishing-scan-urls", optional_argument, NULL, OPT_PHISH_URLS },
	{ "limits-warn", no_argument, NULL, OPT_LIMITS_WARN },
	{ "no-unpack", no_argument, NULL, OPT_NO_UNPACK },
	{ "require-sandbox", no_argument, NULL, OPT_REQUIRE_SANDBOX },
	{ "log", required_argument, NULL, 'l' },
	{ "sandbox-probe", required_argument, NULL, OPT_SANDBOX_PROBE },
	CLAMOPT_LONG,
	{ NULL, 0, NULL, 0 },
};

struct cmdline {
	struct dbsetup db;
	const char *dbs[MAX_DATABASES];
	int no_cache;
	int require_sandbox;
	const char *probe_path;	/* --sandbox-probe */
	const char *log_path;	/* -l, --log */
};

/* A positive count that fits 32 bits. */
static int parse_count(const char *arg, uint32_t *out)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (*end || end == arg || !v || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* clamscan's "--alert-x[=yes|no]": sets (yes) or clears flags. */
static int yes_no(const char *arg, unsigned *flags, unsigned on, unsigned off)
{
	if (!arg || !strcmp(arg, "yes")) {
		*flags = (*flags | on) & ~off;
		return 0;
	}
	if (strcmp(arg, "no"))
		return -1;
	*flags = (*flags & ~on) | off;
	return 0;
}

/* --scan-<family>[=yes|no]: unpack that family or not. */
static int parse_family_opt(int ch, const char *arg, struct scanopts *o)
{
	static const struct {
		int opt;
		unsigned family;
	} map[] = {
		{ OPT_SCAN_ARCHIVE, VIGIL_FAMILY_ARCHIVE },
		{ OPT_SCAN_MAIL, VIGIL_FAMILY_MAIL },
		{ OPT_SCAN_HTML, VIGIL_FAMILY_HTML },
		{ OPT_SCAN_PDF, VIGIL_FAMILY_PDF },
		{ OPT_SCAN_OLE2, VIGIL_FAMILY_OLE2 },
		{ OPT_SCAN_PE, VIGIL_FAMILY_PE },
		{ OPT_SCAN_ELF, VIGIL_FAMILY_ELF },
		{ OPT_SCAN_SWF, VIGIL_FAMILY_SWF },
		{ OPT_SCAN_XMLDOCS, VIGIL_FAMILY_XMLDOCS },
		{ OPT_SCAN_HWP3, VIGIL_FAMILY_HWP },
		{ OPT_SCAN_ONENOTE, VIGIL_FAMILY_ONENOTE },
		{ OPT_SCAN_IMAGE, VIGIL_FAMILY_IMAGE },
		{ OPT_SCAN_IMAGE_FUZZY, VIGIL_FAMILY_IMAGE_FUZZY },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].opt == ch)
			return yes_no(arg, &o->skip_families, 0,
				      map[i].family);
	return -1;
}

/* --structured-*: the SSN format, the counts and the card mode. */
static int parse_structured_opt(int ch, const char *arg, struct scanopts *o)
{
	static const unsigned ssn[] = {
		VIGIL_SCAN_STRUCTURED_SSN_NORMAL,
		VIGIL_SCAN_STRUCTURED_SSN_STRIPPED,
		VIGIL_SCAN_STRUCTURED_SSN_NORMAL |
			VIGIL_SCAN_STRUCTURED_SSN_STRIPPED,
	};
	uint32_t v;

	switch (ch) {
	case OPT_SSN_COUNT:
		return parse_count(arg, &o->structured_ssn_count);
	case OPT_CC_COUNT:
		return parse_count(arg, &o->structured_cc_count);
	case OPT_SSN_FORMAT:
		if (!strcmp(arg, "0"))
			v = 0;
		else if (parse_count(arg, &v) < 0 || v > 2)
			return -1;
		o->scan_flags = (o->scan_flags & ~ssn[2]) | ssn[v];
		return 0;
	case OPT_CC_MODE:
		if (strcmp(arg, "0") && strcmp(arg, "1"))
			return -1;
		return yes_no(*arg == '1' ? "yes" : "no", &o->scan_flags,
			      VIGIL_SCAN_STRUCTURED_CC_ONLY, 0);
	default:
		return parse_family_opt(ch, arg, o);
	}
}

/* The heuristics' switches: clamscan's names, yes or no. */
static int parse_heuristic_opt(int ch, const char *arg, struct scanopts *o)
{
	switch (ch) {
	case OPT_HEUR_ALERTS:
		return yes_no(arg, &o->scan_flags, 0,
			      VIGIL_SCAN_NO_HEURISTIC_ALERTS);
	case OPT_HEUR_PRECEDENCE:
		return yes_no(arg, &o->scan_flags,
			      VIGIL_SCAN_HEURISTIC_PRECEDENCE, 0);
	case OPT_ALERT_BROKEN:
		return yes_no(arg, &o->scan_flags, VIGIL_SCAN_ALERT_BROKEN, 0);
	case OPT_ALERT_BROKEN_MEDIA:
		return yes_no(arg, &o->scan_flags,
			      VIGIL_SCAN_ALERT_BROKEN_MEDIA, 0);
	case OPT_STRUCTURED:
		return yes_no(arg, &o->scan_flags,
			      VIGIL_SCAN_DETECT_STRUCTURED, 0);
	case OPT_PHISH_SSL:
		return yes_no(arg, &o->scan_flags,
			      VIGIL_SCAN_ALERT_PHISHING_SSL, 0);
	case OPT_PHISH_CLOAK:
		return yes_no(arg, &o->scan_flags,
			      VIGIL_SCAN_ALERT_PHISHING_CLOAK, 0);
	case OPT_PART_INTERSECT:
		return yes_no(arg, &o->scan_flags,
			      VIGIL_SCAN_ALERT_PARTITION_INTERSECTION, 0);
	default:
		return parse_structured_opt(ch, arg, o);
	}
}

static int parse_alert_opt(int ch, const char *arg, struct scanopts *o)
{
	const unsigned enc = VIGIL_SCAN_NO_ALERT_ENCRYPTED_ARCHIVE |
			     VIGIL_SCAN_NO_ALERT_ENCRYPTED_DOC;

	switch (ch) {
	case OPT_ALERT_MACROS:
		return yes_no(arg, &o->scan_flags, VIGIL_SCAN_ALERT_MACROS, 0);
	case OPT_ALERT_ENC:
		return yes_no(arg, &o->scan_flags, 0, enc);
	case OPT_ALERT_ENC_ARCHIVE:
		return yes_no(arg, &o->scan_flags, 0,
			      VIGIL_SCAN_NO_ALERT_ENCRYPTED_ARCHIVE);
	case OPT_ALERT_ENC_DOC:
		return yes_no(arg, &o->scan_flags, 0,
			      VIGIL_SCAN_NO_ALERT_ENCRYPTED_DOC);
	default:
		return parse_heuristic_opt(ch, arg, o);
	}
}

static int parse_limit_opt(int ch, const char *arg, struct scanopts *o)
{
	switch (ch) {
	case OPT_MAX_FILESIZE:
		return size_parse(arg, UINT64_MAX, &o->max_filesize);
	case OPT_MAX_SCANSIZE:
		return size_parse(arg, UINT64_MAX, &o->max_scansize);
	case OPT_MAX_FILES:
		return parse_count(arg, &o->max_files);
	case OPT_MAX_RECURSION:
		return parse_count(arg, &o->max_depth);
	case OPT_MAX_SCANTIME: /* milliseconds, as clamscan; kept in s */
		if (parse_count(arg, &o->max_seconds) < 0)
			return -1;
		o->max_seconds = o->max_seconds / 1000 +
				 (o->max_seconds % 1000 != 0);
		return 0;
	case OPT_MAX_RATIO:
		return parse_count(arg, &o->max_ratio);
	case OPT_PCRE_MATCH:
		return parse_count(arg, &o->pcre_match_limit);
	case OPT_PCRE_RECMATCH:
		return parse_count(arg, &o->pcre_recmatch_limit);
	case OPT_PCRE_FILESIZE: /* 0, as in clamscan: no limit */
		if (size_parse(arg, UINT64_MAX, &o->pcre_max_filesize) < 0)
			return -1;
		if (!o->pcre_max_filesize)
			o->pcre_max_filesize = UINT64_MAX;
		return 0;
	default:
		return parse_alert_opt(ch, arg, o);
	}
}

/* What the engine loads: --phishing-sigs, --phishing-scan-urls. */
static int parse_engine_opt(int ch, const char *arg, struct cmdline *cl)
{
	return yes_no(arg, &cl->db.flags, 0,
		      ch == OPT_PHISH_SIGS ? VIGIL_ENGINE_NO_PHISHING_SIGS :
					     VIGIL_ENGINE_NO_PHISHING_URLS);
}

static int parse_value_opt(int ch, const char *arg, struct scanopts *o,
			   struct cmdline *cl)
{
	char *end;

	switch (ch) {
	case OPT_PHISH_SIGS:
	case OPT_PHISH_URLS:
		return parse_engine_opt(ch, arg, cl);
	case 'd':
		if (cl->db.npaths == MAX_DATABASES)
			return -1;
		cl->dbs[cl->db.npaths++] = arg;
		return 0;
	case 'j':
		o->threads = (int)strtol(arg, &end, 10);
		return (*end || o->threads < 1 || o->threads > MAX_THREADS) ?
			       -1 : 0;
	case OPT_EXCLUDE:
		return scan_add_regex(o->exclude, &o->nexclude, arg);
	case OPT_EXCLUDE_DIR:
		return scan_add_regex(o->exclude_dir, &o->nexclude_dir, arg);
	case OPT_CACHE_DIR:
		cl->db.cache_dir = arg;
		return 0;
	case OPT_CVD_KEY:
		cl->db.cvd_key = arg;
		return 0;
	case OPT_CERTS_DIR:
		cl->db.certs_dir = arg;
		return 0;
	case OPT_SANDBOX_PROBE:
		cl->probe_path = arg;
		return 0;
	case 'l':
		cl->log_path = arg;
		return 0;
	default:
		return parse_limit_opt(ch, arg, o);
	}
}

static int parse_flag_opt(int ch, struct scanopts *o, struct cmdline *cl)
{
	switch (ch) {
	case 'i': o->infected_only = 1; break;
	case 'z': o->scan_flags |= VIGIL_SCAN_ALLMATCH; break;
	case 'q': o->quiet = cl->db.quiet = 1; break;
	case 'v': o->verbose = cl->db.verbose = 1; break;
	case 'r': break;
	case OPT_JSON: o->json = 1; break;
	case OPT_NO_SUMMARY: o->no_summary = 1; break;
	case OPT_FOLLOW: o->follow_symlinks = 1; break;
	case OPT_PUA: cl->db.flags |= VIGIL_ENGINE_PUA; break;
	case OPT_PHISH_SIGS:
	case OPT_PHISH_URLS: return parse_engine_opt(ch, NULL, cl);
	case OPT_STRICT: cl->db.flags |= VIGIL_ENGINE_STRICT; break;
	case OPT_NO_CACHE: cl->no_cache = 1; break;
	case OPT_FULL_MATCHER: cl->db.flags |= VIGIL_ENGINE_FULL_MATCHER; break;
	case OPT_PROGRESS: o->progress = 1; break;
	case OPT_NO_PROGRESS: o->progress = 0; break;
	case OPT_LIMITS_WARN: o->scan_flags |= VIGIL_SCAN_LIMITS_WARN; break;
	case OPT_NO_UNPACK: o->scan_flags |= VIGIL_SCAN_NO_RECURSE; break;
	case OPT_ALERT_EXCEEDS:
		o->scan_flags |= VIGIL_SCAN_ALERT_EXCEEDS_MAX;
		break;
	case OPT_REQUIRE_SANDBOX: cl->require_sandbox = 1; break;
	default: return parse_alert_opt(ch, NULL, o);
	}
	return 0;
}

/* "invalid value 'V' for -j/--threads", naming the option as given. */
static void bad_value(int ch, const char *arg)
{
	const struct option *o;

	for (o = scan_long; o->name && o->val != ch; o++)
		;
	if (ch < 256 && o->name)
		fprintf(stderr, "vigil: invalid value '%s' for -%c/--%s\n",
			arg ? arg : "", ch, o->name);
	else if (o->name)
		fprintf(stderr, "vigil: invalid value '%s' for --%s\n",
			arg ? arg : "", o->name);
	else
		fprintf(stderr, "vigil: invalid value '%s'\n", arg ? arg : "");
	fprintf(stderr, "Try 'vigil scan --help'.\n");
}

/* Returns the index of the first path, -1 on error, 0 after --help. */
static int parse_args(int argc, char **argv, struct scanopts *o,
		      struct cmdline *cl)
{
	int ch;

	o->progress = isatty(STDERR_FILENO);
	o->threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (o->threads < 1)
		o->threads = 1;
	if (o->threads > MAX_THREADS)
		o->threads = MAX_THREADS;
	cl->db.cache_dir = dbsetup_default_cache();
	optind = 1;
	while ((ch = getopt_long(argc, argv, "d:j:l:f:izqvrhoV", scan_long,
				 NULL)) != -1) {
		int rc = ch == '?' ? -1 : clamopt_parse(ch, optarg, o);

		if (ch == 'h') {
			scan_usage(stdout);
			return 0;
		}
		if (rc > 0)
			rc = optarg ? parse_value_opt(ch, optarg, o, cl) :
				      parse_flag_opt(ch, o, cl);
		if (rc < 0) {
			if (ch != '?')
				bad_value(ch, optarg);
			else
				scan_usage(stderr);
			return -1;
		}
	}
	cl->db.verbose |= o->verbose;
	cl->db.paths = cl->dbs;
	if (cl->no_cache)
		cl->db.cache_dir = NULL;
	if (o->quiet || o->json)
		o->progress = 0;
	return optind;
}

/* Paths a worker takes from the queue at once, scanned together. */
#define CLI_BATCH_FILES 256

struct worker {
	pthread_t tid;
	struct scanctx *c;
	struct vigil_scanner *helped;	/* with helper threads, or NULL */
	int no_helped;			/* it could not be made */
};

/* What scanning path gave: rc and, when 0, r. */
static void report_scan(struct scanctx *c, struct vigil_scanner *s,
			const char *path, int rc, const struct vigil_result *r)
{
	if (rc == 0)
		report_result(c, path, s, r);
	else if (rc == VIGIL_EIO || rc == VIGIL_ENOENT)
		report_error(c, path, strerror(errno));
	else if (rc == VIGIL_ETYPE)
		report_skip(c, path, "not a regular file");
	else
		report_error(c, path, vigil_strerror(rc));
}

static void scan_one(struct scanctx *c, struct vigil_scanner *s,
		     const char *path)
{
	struct vigil_result r = { .size = sizeof(r) };
	int rc;

	if (!strcmp(path, STDIN_PATH))
		rc = vigil_scanner_scan_fd(s, STDIN_FILENO, &r);
	else
		rc = vigil_scanner_scan_path(s, path, &r);
	report_scan(c, s, path, rc, &r);
}

struct batch {
	struct scanctx *c;
	struct vigil_scanner *s;
	char **paths;
};

static int on_path(void *ctx, size_t i, int rc, const struct vigil_result *r)
{
	struct batch *b = ctx;

	report_scan(b->c, b->s, b->paths[i], rc, r);
	return 0;
}

/* n paths, together where they can be (the library reads small files
 * ahead and hashes them at once); standard input alone. */
static void scan_some(struct scanctx *c, struct vigil_scanner *s,
		      char **paths, size_t n)
{
	struct batch b = { c, s, paths };
	size_t i;
	int rc;

	for (i = 0; i < n && strcmp(paths[i], STDIN_PATH); i++)
		;
	if (n < 2 || i < n) {
		for (i = 0; i < n; i++)
			scan_one(c, s, paths[i]);
		return;
	}
	if ((rc = vigil_scanner_scan_paths(s, (const char *const *)paths, n,
					   on_path, &b)) != 0)
		for (i = 0; i < n; i++)
			report_error(c, paths[i], vigil_strerror(rc));
}

static void scan_options(const struct scanctx *c,
			 struct vigil_scan_options *so)
{
	*so = (struct vigil_scan_options){ .size = sizeof(*so),
		.flags = c->o.scan_flags,
		.max_filesize = c->o.max_filesize,
		.max_scansize = c->o.max_scansize,
		.max_files = c->o.max_files,
		.max_depth = c->o.max_depth,
		.max_seconds = c->o.max_seconds,
		.max_ratio = c->o.max_ratio,
		.pcre_match_limit = c->o.pcre_match_limit,
		.pcre_recmatch_limit = c->o.pcre_recmatch_limit,
		.pcre_max_filesize = c->o.pcre_max_filesize,
		.skip_families = c->o.skip_families,
		.structured_cc_count = c->o.structured_cc_count,
		.structured_ssn_count = c->o.structured_ssn_count };
}

/*
 * The scanner for the next file: while other workers are idle (one big
 * archive, or the last files of a walk), the one whose helper threads
 * take the idle cores, made on first use; else the plain one, so that
 * busy cores are not asked for more threads than they have.
 */
static struct vigil_scanner *pick(struct worker *w, struct vigil_scanner *s)
{
	struct scanctx *c = w->c;
	struct vigil_scan_options so;

	if (__atomic_add_fetch(&c->busy, 1, __ATOMIC_RELAXED) >= c->o.threads)
		return s;
	if (!w->helped && !w->no_helped) {
		scan_options(c, &so);
		so.threads = (uint32_t)(c->o.threads - 1);
		if (vigil_scanner_new(&w->helped, c->engine, &so) < 0) {
			w->helped = NULL;
			w->no_helped = 1; /* the plain one serves */
		}
	}
	return w->helped ? w->helped : s;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct scanctx *c = w->c;
	struct vigil_scan_options so;
	struct vigil_scanner *s = NULL;
	char *paths[CLI_BATCH_FILES];
	size_t n, i;
	int rc;

	scan_options(c, &so);
	w->helped = NULL;
	w->no_helped = 0;
	if ((rc = vigil_scanner_new(&s, c->engine, &so)) < 0)
		fprintf(stderr, "vigil: cannot create a scanner: %s\n",
			vigil_strerror(rc));
	while ((n = queue_pop_some(&c->q, paths, CLI_BATCH_FILES,
				   (size_t)c->o.threads)) > 0) {
		if (s)
			scan_some(c, pick(w, s), paths, n);
		for (i = 0; i < n; i++) {
			if (!s)
				report_error(c, paths[i], vigil_strerror(rc));
			free(paths[i]);
		}
		if (s)
			__atomic_sub_fetch(&c->busy, 1, __ATOMIC_RELAXED);
	}
	vigil_scanner_free(w->helped);
	vigil_scanner_free(s);
	return NULL;
}

static volatile int progress_stop;

static void *progress(void *arg)
{
	struct scanctx *c = arg;
	struct timespec ts = { 0, PROGRESS_INTERVAL_NS };

	while (!progress_stop) {
		nanosleep(&ts, NULL);
		if (!progress_stop)
			report_progress(c, 0);
	}
	return NULL;
}

static void run_pool(struct scanctx *c, int argc, char **argv, int first)
{
	struct worker w[MAX_THREADS];
	pthread_t pt;
	int i, n = c->o.threads, have_pt = 0;

	for (i = 0; i < n; i++) {
		w[i].c = c;
		if (pthread_create(&w[i].tid, NULL, work, &w[i]) != 0)
			break;
	}
	n = i;
	if (c->o.progress && pthread_create(&pt, NULL, progress, c) == 0)
		have_pt = 1;
	for (i = first; i < argc; i++)
		walk_arg(c, argv[i]);
	if (c->o.file_list)
		walk_file_list(c);
	else if (first >= argc) /* no path: the current directory, as clamscan */
		walk_arg(c, ".");
	queue_close(&c->q);
	if (!n) { /* no thread could start: scan here */
		w[0].c = c;
		work(&w[0]);
	}
	for (i = 0; i < n; i++)
		pthread_join(w[i].tid, NULL);
	progress_stop = 1;
	if (have_pt)
		pthread_join(pt, NULL);
	report_progress(c, 1);
}

/* A .vdb written over in place during the run fed its scans the new
 * file's bytes at the old one's offsets: the run is not to be trusted. */
static void check_database(struct scanctx *c)
{
	if (vigil_engine_changed(c->engine) != VIGIL_CHANGED_IN_PLACE)
		return;
	fprintf(stderr, "vigil: a database file was written over in place "
		"during the scan, which may have missed what it should find: "
		"scan again (replace a .vdb by renaming a new file over "
		"it)\n");
	c->st.errors++;
}

int cmd_scan(int argc, char **argv)
{
	static struct scanctx c;
	struct vigil_engine_stats es = { .size = sizeof(es) };
	struct cmdline cl;
	double wall = (double)time(NULL);
	int first;

	memset(&cl, 0, sizeof(cl));
	c.t0 = now_seconds();
	if ((first = parse_args(argc, argv, &c.o, &cl)) <= 0)
		return first == 0 ? EXIT_CLEAN : EXIT_ERROR;
	if (dbsetup_engine(&cl.db, &c.engine) < 0)
		return EXIT_ERROR;
	if (cl.log_path && !(c.log = fopen(cl.log_path, "ae"))) {
		fprintf(stderr, "vigil: %s: %s\n", cl.log_path, strerror(errno));
		vigil_engine_free(c.engine);
		return EXIT_ERROR;
	}
	/* the helper that moves, copies or removes is never confined, and
	 * never reads what it acts on as anything but bytes */
	if (actions_start(c.o.action, c.o.action_dir, c.o.quarantine_cap,
			  argv + first, (size_t)(argc - first),
			  c.o.file_list) < 0 ||
	    scan_confine(cl.require_sandbox) < 0) { /* the log is open */
		actions_stop();
		vigil_engine_free(c.engine);
		return EXIT_ERROR;
	}
	if (cl.probe_path) {
		vigil_engine_free(c.engine);
		return scan_sandbox_probe(cl.probe_path);
	}
	vigil_engine_stats(c.engine, &es);
	queue_init(&c.q);
	pthread_mutex_init(&c.out_lock, NULL);
	run_pool(&c, argc, argv, first);
	check_database(&c);
	actions_stop();
	report_summary(&c, es.signatures, wall);
	queue_destroy(&c.q);
	vigil_engine_free(c.engine);
	if (c.log && fclose(c.log) != 0) {
		fprintf(stderr, "vigil: %s: %s\n", cl.log_path, strerror(errno));
		return EXIT_ERROR;
	}
	if (c.st.infected)
		return EXIT_FOUND;
	return c.st.errors ? EXIT_ERROR : EXIT_CLEAN;
}
