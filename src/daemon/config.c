/*
 * config.c -- the clamd.conf-style configuration: vigild's table of
 * options with their types, over the shared "Key value" parser
 * (common/kvconf.h). A file with the "Example" line of a copied sample,
 * an unknown option or a malformed value is refused as a whole, naming the
 * line. Numbers are capped as clamd caps them (2^31 - 1; sizes 4 GiB).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/kvconf.h"
#include "common/size.h"
#include "common/qstore.h"
#include "config.h"
#include "vigil/vigil.h"

const char *const on_infected_words[] = {
	"none", "quarantine", "remove", "move", "copy", NULL,
};

/* The sample's "Example" line, left in a copied config. */
static int example(void *conf, const char *value, char *err, size_t errlen)
{
	(void)conf;
	(void)value;
	snprintf(err, errlen, "the \"Example\" line of a sample config is "
		 "still there: remove it");
	return -1;
}

#define T_BOOL .type = KV_BOOL
#define T_NUM .type = KV_UINT, .max = 0x7fffffff
#define T_MODE .type = KV_OCTAL, .max = 07777
#define T_SIZE .type = KV_SIZE, .max = SIZE_MAX_CLAMD_BYTES
#define T_STR .type = KV_STRDUP
#define T_WORDS(w) .type = KV_WORD, .words = w
#define T_BIGSIZE .type = KV_SIZE, .max = 1ull << 50
#define O(n, t, f) { .name = n, t, .off = offsetof(struct vconf, f) }
static const struct kv_key opts[] = {
	{ .name = "Example", .type = KV_CALL, .call = example },
	O("LocalSocket", T_STR, local_socket),
	O("LocalSocketMode", T_MODE, local_socket_mode),
	O("LocalSocketGroup", T_STR, local_socket_group),
	O("AllowTCPShutdown", T_BOOL, allow_tcp_shutdown),
	O("FixStaleSocket", T_BOOL, fix_stale_socket),
	O("TCPSocket", T_NUM, tcp_port),
	O("TCPAddr", T_STR, tcp_addr),
	O("DatabaseDirectory", T_STR, database_dir),
	O("CacheDirectory", T_STR, cache_dir),
	O("CVDCertsDirectory", T_STR, certs_dir),
	O("SelfCheck", T_NUM, self_check_s),
	O("StreamMaxLength", T_SIZE, stream_max_bytes),
	O("StreamMemoryLimit", T_SIZE, stream_memory_bytes),
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
	O("AlertExceedsMax", T_BOOL, alert_exceeds_max),
	O("AlertOLE2Macros", T_BOOL, alert_macros),
	O("ScanArchive", T_BOOL, scan_archive),
	O("ScanMail", T_BOOL, scan_mail),
	O("ScanHTML", T_BOOL, scan_html),
	O("ScanPDF", T_BOOL, scan_pdf),
	O("ScanOLE2", T_BOOL, scan_ole2),
	O("ScanPE", T_BOOL, scan_pe),
	O("ScanELF", T_BOOL, scan_elf),
	O("ScanSWF", T_BOOL, scan_swf),
	O("ScanXMLDOCS", T_BOOL, scan_xmldocs),
	O("ScanHWP3", T_BOOL, scan_hwp3),
	O("ScanOneNote", T_BOOL, scan_onenote),
	O("ScanImage", T_BOOL, scan_image),
	O("ScanImageFuzzyHash", T_BOOL, scan_image_fuzzy),
	O("HeuristicAlerts", T_BOOL, heuristic_alerts),
	O("HeuristicScanPrecedence", T_BOOL, heuristic_precedence),
	O("AlertBrokenExecutables", T_BOOL, alert_broken),
	O("AlertBrokenMedia", T_BOOL, alert_broken_media),
	O("StructuredDataDetection", T_BOOL, structured),
	O("StructuredMinCreditCardCount", T_NUM, structured_cc_count),
	O("StructuredMinSSNCount", T_NUM, structured_ssn_count),
	O("StructuredSSNFormatNormal", T_BOOL, structured_ssn_normal),
	O("StructuredSSNFormatStripped", T_BOOL, structured_ssn_stripped),
	O("StructuredCCOnly", T_BOOL, structured_cc_only),
	O("PhishingSignatures", T_BOOL, phishing_sigs),
	O("PhishingScanURLs", T_BOOL, phishing_urls),
	O("AlertPhishingSSLMismatch", T_BOOL, alert_phishing_ssl),
	O("AlertPhishingCloak", T_BOOL, alert_phishing_cloak),
	O("PhishingAlwaysBlockSSLMismatch", T_BOOL, alert_phishing_ssl),
	O("PhishingAlwaysBlockCloak", T_BOOL, alert_phishing_cloak),
	O("AlertPartitionIntersection", T_BOOL, alert_partition_intersection),
	O("PartitionIntersection", T_BOOL, alert_partition_intersection),
	O("AlertEncrypted", T_BOOL, alert_encrypted),
	O("AlertEncryptedArchive", T_BOOL, alert_encrypted_archive),
	O("AlertEncryptedDoc", T_BOOL, alert_encrypted_doc),
	O("PCREMatchLimit", T_NUM, pcre_match_limit),
	O("PCRERecMatchLimit", T_NUM, pcre_recmatch_limit),
	O("PCREMaxFileSize", T_SIZE, pcre_max_file_bytes),
	O("WorkerTimeout", T_NUM, worker_timeout_s),
	O("WorkerSandbox", T_BOOL, worker_sandbox),
	O("AllowUnconfinedWorkers", T_BOOL, allow_unconfined),
	O("WorkerMaxScans", T_NUM, worker_max_scans),
	O("WorkerMaxMemory", T_SIZE, worker_max_memory),
	O("WorkerHelperThreads", T_NUM, worker_helpers),
	O("DebugSandboxProbe", T_BOOL, debug_sandbox_probe),
	O("ICAPPort", T_NUM, icap_port),
	O("ICAPAddr", T_STR, icap_addr),
	O("ICAPPreview", T_NUM, icap_preview_bytes),
	O("MetricsPort", T_NUM, metrics_port),
	O("MetricsAddr", T_STR, metrics_addr),
	O("HTTPPort", T_NUM, http_port),
	O("HTTPAddr", T_STR, http_addr),
	O("HTTPSocket", T_STR, http_socket),
	O("HTTPTokenFile", T_STR, http_token_file),
	O("HTTPTLSCertificate", T_STR, http_tls_cert),
	O("HTTPTLSKey", T_STR, http_tls_key),
	O("HTTPMaxUploadSize", T_SIZE, http_max_upload),
	O("HTTPMaxConnections", T_NUM, http_max_connections),
	O("HTTPScanPath", T_BOOL, http_scan_path),
	O("HTTPConsole", T_BOOL, http_console),
	O("ShieldSocket", T_STR, shield_socket),
	O("VirusEvent", T_STR, virus_event),
	O("OnInfected", T_WORDS(on_infected_words), on_infected),
	O("OnInfectedDirectory", T_STR, on_infected_dir),
	O("QuarantineDirectory", T_STR, quarantine_dir),
	O("QuarantineMaxSize", T_BIGSIZE, quarantine_max_bytes),
	O("User", T_STR, user),
	O("AllowSupplementaryGroups", T_BOOL, allow_supplementary_groups),
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
#undef T_BOOL
#undef T_NUM
#undef T_MODE
#undef T_SIZE
#undef T_STR
#undef T_WORDS
#undef T_BIGSIZE

/*
 * clamd options that Vigil accepts so that an existing clamd.conf loads,
 * but does not act on: Vigil always scans every format and keeps one log
 * file open.
 */
static const char *const clamd_only[] = {
	"MaxConnectionQueueLength", "LogFileUnlock", "LogFileMaxSize",
	"LogRotate", "ExtendedDetectionInfo", "TemporaryDirectory",
	"LeaveTemporaryFiles", "OfficialDatabaseOnly", "Debug",
	"ConcurrentDatabaseReload", "SendBufTimeout", "ExitOnOOM",
	"FollowDirectorySymlinks", "FollowFileSymlinks", "CrossFilesystems",
	"MaxDirectoryRecursion", "ExcludePath", "DetectPUA",
	"ExcludePUA", "IncludePUA",
	"ScanPartialMessages",
	"ArchiveBlockEncrypted",
	"OLE2BlockMacros", "AlgorithmicDetection", "MaxEmbeddedPE",
	"MaxHTMLNormalize", "MaxHTMLNoTags", "MaxScriptNormalize",
	"MaxZipTypeRcg", "MaxPartitions", "MaxIconsPE", "MaxRecHWP3",
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
	NULL,
};

void conf_defaults(struct vconf *c)
{
	memset(c, 0, sizeof(*c));
	c->local_socket_mode = 0660; /* not world-writable: SHUTDOWN, SCAN */
	c->fix_stale_socket = 1;
	c->self_check_s = 600;
	c->stream_max_bytes = 25ull << 20;
	c->stream_memory_bytes = 1ull << 30;
	c->max_threads = 0; /* the number of CPUs, decided at start */
	c->max_queue = 100;
	c->queue_timeout_s = 30;
	c->max_connections = 1024;
	c->read_timeout_s = 120;
	c->command_timeout_s = 30;
	c->idle_timeout_s = 30;
	c->allow_allmatch = 1;
	c->worker_sandbox = 1;
	c->worker_max_memory = 2ull << 30;
	c->scan_archive = c->scan_mail = c->scan_html = 1;
	c->scan_pdf = c->scan_ole2 = c->scan_pe = 1;
	c->scan_elf = c->scan_swf = c->scan_xmldocs = c->scan_hwp3 = 1;
	c->scan_onenote = c->scan_image = c->heuristic_alerts = 1;
	c->scan_image_fuzzy = 1;
	c->structured_ssn_normal = 1;
	c->phishing_sigs = c->phishing_urls = 1;
	c->structured_cc_count = c->structured_ssn_count =
		VIGIL_DEFAULT_STRUCTURED_COUNT;
	c->alert_encrypted = c->alert_encrypted_archive = 1;
	c->alert_encrypted_doc = 1; /* never "OK" for what was not read */
	c->pcre_match_limit = VIGIL_DEFAULT_PCRE_MATCH_LIMIT;
	c->pcre_recmatch_limit = VIGIL_DEFAULT_PCRE_RECMATCH_LIMIT;
	c->pcre_max_file_bytes = VIGIL_DEFAULT_PCRE_MAX_FILESIZE_BYTES;
	c->icap_port = 0; /* a clamd.conf opens only what clamd would */
	c->icap_preview_bytes = 1024;
	c->log_time = 1;
	c->quarantine_max_bytes = QSTORE_DEFAULT_CAP_BYTES;
	c->http_max_upload = 100ull << 20;
	c->http_max_connections = 256;
	c->http_console = 1;
}

static const struct kv_format format = {
	opts, sizeof(opts) / sizeof(*opts), clamd_only, 1,
	CONF_MAX_LINE_BYTES, CONF_MAX_FILE_BYTES,
};

int conf_line(struct vconf *c, const char *line, size_t len, char *err,
	      size_t errlen)
{
	return kv_line(&format, c, line, len, err, errlen);
}

/* What no single line can say is wrong: keys that contradict each other. */
static int check(const struct vconf *c, const char *name, char *err,
		 size_t errlen)
{
	if (c->stream_memory_bytes < c->stream_max_bytes) {
		snprintf(err, errlen, "%s: StreamMemoryLimit (%llu bytes) is "
			 "less than StreamMaxLength (%llu bytes): not one "
			 "stream could be held", name,
			 (unsigned long long)c->stream_memory_bytes,
			 (unsigned long long)c->stream_max_bytes);
		return -1;
	}
	return 0;
}

int conf_text(struct vconf *c, const char *text, size_t len,
	      const char *name, char *err, size_t errlen)
{
	if (kv_text(&format, c, text, len, name, err, errlen) < 0)
		return -1;
	return check(c, name, err, errlen);
}

static int is_conf(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 &&
	       !strcmp(d->d_name + n - 5, ".conf");
}

/* PATH.d/ *.conf in name order, over the main file: Vigil's own keys kept
 * out of the file clamd's clients read (clamdscan refuses unknown keys). */
static int dropins(struct vconf *c, const char *path, char *err,
		   size_t errlen)
{
	char dir[4096], file[4400];
	struct dirent **ents;
	int n, i, rc = 0;

	snprintf(dir, sizeof(dir), "%s.d", path);
	if ((n = scandir(dir, &ents, is_conf, alphasort)) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(file, sizeof(file), "%s/%s", dir, ents[i]->d_name);
		if (rc == 0)
			rc = kv_load(&format, c, file, err, errlen);
		free(ents[i]);
	}
	free(ents);
	return rc;
}

int conf_load(struct vconf *c, const char *path, char *err, size_t errlen)
{
	if (kv_load(&format, c, path, err, errlen) < 0 ||
	    dropins(c, path, err, errlen) < 0)
		return -1;
	return check(c, path, err, errlen);
}

void conf_print(const struct vconf *c, FILE *f)
{
	kv_print(&format, c, f);
}

void conf_free(struct vconf *c)
{
	free(c->db_dir);
	kv_free(&format, c);
	memset(c, 0, sizeof(*c));
}
