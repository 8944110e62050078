/*
 * config.c -- the clamd.conf-style configuration: a table of options with
 * their types and defaults, and a line parser. A file with the "Example"
 * line of a copied sample, an unknown option or a malformed value is
 * refused as a whole, naming the line. The file is read whole (at most
 * CONF_MAX_FILE_BYTES) and split through the bounded reader.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "common/reader.h"
#include "common/size.h"

enum opt_type { T_BOOL, T_SIZE, T_NUM, T_STR, T_MODE };

struct opt {
	const char *name;
	enum opt_type type;
	size_t off;
};

#define O(n, t, f) { n, t, offsetof(struct vconf, f) }
static const struct opt opts[] = {
	O("LocalSocket", T_STR, local_socket),
	O("LocalSocketMode", T_MODE, local_socket_mode),
	O("FixStaleSocket", T_BOOL, fix_stale_socket),
	O("TCPSocket", T_NUM, tcp_port),
	O("TCPAddr", T_STR, tcp_addr),
	O("DatabaseDirectory", T_STR, database_dir),
	O("CacheDirectory", T_STR, cache_dir),
	O("SelfCheck", T_NUM, self_check_s),
	O("StreamMaxLength", T_SIZE, stream_max_bytes),
	O("MaxThreads", T_NUM, max_threads),
	O("MaxQueue", T_NUM, max_queue),
	O("QueueTimeout", T_NUM, queue_timeout_s),
	O("MaxConnections", T_NUM, max_connections),
	O("ReadTimeout", T_NUM, read_timeout_s),
	O("CommandReadTimeout", T_NUM, command_timeout_s),
	O("IdleTimeout", T_NUM, idle_timeout_s),
	O("AllowAllMatchScan", T_BOOL, allow_allmatch),
	O("MaxFileSize", T_SIZE, max_file_bytes),
	O("MaxScanSize", T_SIZE, max_scan_bytes),
	O("MaxFiles", T_NUM, max_files),
	O("MaxRecursion", T_NUM, max_recursion),
	O("MaxScanTime", T_NUM, max_scan_ms),
	O("LimitsAsWarnings", T_BOOL, limits_warn),
	O("WorkerTimeout", T_NUM, worker_timeout_s),
	O("WorkerSandbox", T_BOOL, worker_sandbox),
	O("AllowUnconfinedWorkers", T_BOOL, allow_unconfined),
	O("WorkerMaxScans", T_NUM, worker_max_scans),
	O("DebugSandboxProbe", T_BOOL, debug_sandbox_probe),
	O("ICAPPort", T_NUM, icap_port),
	O("ICAPAddr", T_STR, icap_addr),
	O("ICAPPreview", T_NUM, icap_preview_bytes),
	O("MetricsPort", T_NUM, metrics_port),
	O("MetricsAddr", T_STR, metrics_addr),
	O("Foreground", T_BOOL, foreground),
	O("PidFile", T_STR, pid_file),
	O("LogFile", T_STR, log_file),
	O("LogSyslog", T_BOOL, log_syslog),
	O("LogFacility", T_STR, log_facility),
	O("LogClean", T_BOOL, log_clean),
	O("LogVerbose", T_BOOL, log_verbose),
	O("LogTime", T_BOOL, log_time),
};
#undef O

/*
 * clamd options that Vigil accepts so that an existing clamd.conf loads,
 * but does not act on: Vigil always scans every format, keeps one log
 * file open, and runs as the user it is started as.
 */
static const char *const clamd_only[] = {
	"LocalSocketGroup", "User", "AllowSupplementaryGroups",
	"MaxConnectionQueueLength", "LogFileUnlock", "LogFileMaxSize",
	"LogRotate", "ExtendedDetectionInfo", "TemporaryDirectory",
	"LeaveTemporaryFiles", "OfficialDatabaseOnly", "Debug",
	"ConcurrentDatabaseReload", "SendBufTimeout", "ExitOnOOM",
	"FollowDirectorySymlinks", "FollowFileSymlinks", "CrossFilesystems",
	"MaxDirectoryRecursion", "ExcludePath", "VirusEvent", "DetectPUA",
	"ExcludePUA", "IncludePUA", "ScanPE", "ScanELF", "ScanOLE2",
	"ScanPDF", "ScanSWF", "ScanXMLDOCS", "ScanHWP3", "ScanOneNote",
	"ScanMail", "ScanArchive", "ScanHTML", "ScanImage",
	"ScanImageFuzzyHash", "ScanPartialMessages", "PhishingSignatures",
	"PhishingScanURLs", "PhishingAlwaysBlockSSLMismatch",
	"PhishingAlwaysBlockCloak", "PartitionIntersection",
	"HeuristicAlerts", "HeuristicScanPrecedence", "StructuredDataDetection",
	"StructuredMinCreditCardCount", "StructuredMinSSNCount",
	"StructuredSSNFormatNormal", "StructuredSSNFormatStripped",
	"AlertBrokenExecutables", "AlertBrokenMedia", "AlertEncrypted",
	"AlertEncryptedArchive", "AlertEncryptedDoc", "AlertOLE2Macros",
	"AlertExceedsMax", "AlertPhishingSSLMismatch", "AlertPhishingCloak",
	"AlertPartitionIntersection", "ArchiveBlockEncrypted",
	"OLE2BlockMacros", "AlgorithmicDetection", "MaxEmbeddedPE",
	"MaxHTMLNormalize", "MaxHTMLNoTags", "MaxScriptNormalize",
	"MaxZipTypeRcg", "MaxPartitions", "MaxIconsPE", "MaxRecHWP3",
	"PCREMatchLimit", "PCRERecMatchLimit", "PCREMaxFileSize",
	"Bytecode", "BytecodeSecurity", "BytecodeTimeout",
	"BytecodeUnsigned", "BytecodeMode", "ForceToDisk", "DisableCache",
	"DisableCertCheck", "CacheSize", "PreludeEnable",
	"PreludeAnalyzerName", "StatsEnabled", "StatsHostID",
	"StatsPEDisabled", "StatsTimeout", "OnAccessMaxFileSize",
	"OnAccessMaxThreads", "OnAccessCurlTimeout", "OnAccessDisableDDD",
	"OnAccessIncludePath", "OnAccessExcludePath", "OnAccessExcludeRootUID",
	"OnAccessExcludeUID", "OnAccessExcludeUname", "OnAccessMountPath",
	"OnAccessPrevention", "OnAccessExtraScanning", "OnAccessRetryAttempts",
	"OnAccessDenyOnError", "GenerateMetadataJson",
};

void conf_defaults(struct vconf *c)
{
	memset(c, 0, sizeof(*c));
	c->local_socket_mode = 0666;
	c->fix_stale_socket = 1;
	c->self_check_s = 600;
	c->stream_max_bytes = 25ull << 20;
	c->max_threads = 0; /* the number of CPUs, decided at start */
	c->max_queue = 100;
	c->queue_timeout_s = 30;
	c->max_connections = 1024;
	c->read_timeout_s = 120;
	c->command_timeout_s = 30;
	c->idle_timeout_s = 30;
	c->allow_allmatch = 1;
	c->worker_sandbox = 1;
	c->icap_port = 1344;
	c->icap_preview_bytes = 1024;
	c->log_time = 1;
}

static int fail(char *err, size_t len, const char *a, const char *b)
{
	snprintf(err, len, "%s%s", a, b);
	return -1;
}

static int parse_bool(const char *v, int *out)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") ||
		 !strcmp(v, "0"))
		*out = 0;
	else
		return -1;
	return 0;
}

static int parse_num(const char *v, int base, unsigned *out)
{
	char *end;
	unsigned long n;

	if (!isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	n = strtoul(v, &end, base);
	if (errno || *end || n > 0x7fffffffUL)
		return -1;
	*out = (unsigned)n;
	return 0;
}

static int set_value(struct vconf *c, const struct opt *o, const char *v)
{
	void *p = (char *)c + o->off;
	uint64_t sz;
	char *s;

	switch (o->type) {
	case T_BOOL:
		return parse_bool(v, p);
	case T_NUM:
		return parse_num(v, 10, p);
	case T_MODE:
		return parse_num(v, 8, p);
	case T_SIZE:
		if (size_parse(v, SIZE_MAX_CLAMD_BYTES, &sz) < 0)
			return -1;
		*(uint64_t *)p = sz;
		return 0;
	case T_STR:
		if (!*v || !(s = strdup(v)))
			return -1;
		free(*(char **)p);
		*(char **)p = s;
		return 0;
	}
	return -1;
}

static int known_elsewhere(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(clamd_only) / sizeof(*clamd_only); i++)
		if (!strcmp(name, clamd_only[i]))
			return 1;
	return 0;
}

#define CONF_SPACE " \t\r\v\f"

/* The line's option name and its value, without the quotes around it. */
static int split_line(struct rdr *r, char *name, size_t name_cap,
		      char *value, size_t value_cap, char *err, size_t errlen)
{
	const char *p = rdr_here(r);
	size_t n = rdr_cspan(r, CONF_SPACE);

	if (n >= name_cap)
		return fail(err, errlen, "option name too long", "");
	memcpy(name, p, n);
	name[n] = '\0';
	rdr_span(r, CONF_SPACE);
	p = rdr_here(r);
	n = rdr_left(r);
	while (n && strchr(CONF_SPACE, p[n - 1]))
		n--;
	if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
		p++;
		n -= 2;
	}
	if (n >= value_cap)
		return fail(err, errlen, "value too long for ", name);
	memcpy(value, p, n);
	value[n] = '\0';
	return 0;
}

int conf_line(struct vconf *c, const char *line, size_t len, char *err,
	      size_t errlen)
{
	char name[64], value[CONF_MAX_LINE_BYTES];
	struct rdr r;
	size_t i;

	if (memchr(line, '\0', len))
		return fail(err, errlen, "a NUL byte in the line", "");
	rdr_init(&r, line, len);
	rdr_span(&r, CONF_SPACE);
	if (!rdr_left(&r) || rdr_peek(&r) == '#')
		return 0;
	if (split_line(&r, name, sizeof(name), value, sizeof(value), err,
		       errlen) < 0)
		return -1;
	if (!strcmp(name, "Example"))
		return fail(err, errlen, "the \"Example\" line of a sample "
			    "config is still there: remove it", "");
	for (i = 0; i < sizeof(opts) / sizeof(*opts); i++) {
		if (strcmp(name, opts[i].name))
			continue;
		if (set_value(c, &opts[i], value) < 0)
			return fail(err, errlen, "bad value for ", name);
		return 0;
	}
	if (known_elsewhere(name))
		return 1;
	return fail(err, errlen, "unknown option ", name);
}

int conf_text(struct vconf *c, const char *text, size_t len,
	      const char *name, char *err, size_t errlen)
{
	char why[256];
	const char *line;
	unsigned lineno = 0;
	struct rdr r;
	size_t n;
	int rc = 0;

	rdr_init(&r, text, len);
	while (rc >= 0 && rdr_line(&r, CONF_MAX_LINE_BYTES, &line, &n)) {
		lineno++;
		rc = conf_line(c, line, n, why, sizeof(why));
	}
	if (rc >= 0 && rdr_failed(&r)) {
		lineno++;
		rc = fail(why, sizeof(why), "line too long", "");
	}
	if (rc < 0)
		snprintf(err, errlen, "%s:%u: %s", name, lineno, why);
	return rc < 0 ? -1 : 0;
}

int conf_load(struct vconf *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *text;
	size_t len;
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	text = malloc(CONF_MAX_FILE_BYTES + 1);
	len = text ? fread(text, 1, CONF_MAX_FILE_BYTES + 1, f) : 0;
	if (!text || ferror(f) || len > CONF_MAX_FILE_BYTES) {
		snprintf(err, errlen, "%s: %s", path, !text ? "out of memory" :
			 ferror(f) ? "read error" : "larger than 1 MiB");
		rc = -1;
	} else {
		rc = conf_text(c, text, len, path, err, errlen);
	}
	free(text);
	fclose(f);
	return rc;
}

void conf_print(const struct vconf *c, FILE *f)
{
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(*opts); i++) {
		const void *p = (const char *)c + opts[i].off;

		fprintf(f, "%s ", opts[i].name);
		switch (opts[i].type) {
		case T_BOOL:
			fputs(*(const int *)p ? "yes\n" : "no\n", f);
			break;
		case T_NUM:
			fprintf(f, "%u\n", *(const unsigned *)p);
			break;
		case T_MODE:
			fprintf(f, "%03o\n", *(const unsigned *)p);
			break;
		case T_SIZE:
			fprintf(f, "%llu\n",
				(unsigned long long)*(const uint64_t *)p);
			break;
		case T_STR:
			fprintf(f, "%s\n", *(char *const *)p ?
				*(char *const *)p : "(unset)");
			break;
		}
	}
}

void conf_free(struct vconf *c)
{
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(*opts); i++)
		if (opts[i].type == T_STR)
			free(*(char **)((char *)c + opts[i].off));
	memset(c, 0, sizeof(*c));
}
