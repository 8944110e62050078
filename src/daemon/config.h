/*
 * config.h -- vigild's settings, read from a clamd.conf-style file: one
 * "Option Value" per line, clamd's key names where the meaning is the same.
 */
#ifndef VIGILD_CONFIG_H
#define VIGILD_CONFIG_H

#include <stdint.h>
#include <stdio.h>

/* Longest line of a config file, in bytes. */
#define CONF_MAX_LINE_BYTES 4096
/* Longest configuration file, in bytes. */
#define CONF_MAX_FILE_BYTES (1u << 20)

/* OnInfected: what is done with a file SCAN found infected (oninfected.h);
 * on_infected_words names them in this order, NULL-terminated. */
enum on_infected { OI_NONE, OI_QUARANTINE, OI_REMOVE, OI_MOVE, OI_COPY };
extern const char *const on_infected_words[];

struct vconf {
	/* listeners (clamd's keys) */
	char *local_socket;		/* LocalSocket */
	unsigned local_socket_mode;	/* LocalSocketMode (octal) */
	char *local_socket_group;	/* LocalSocketGroup */
	int allow_tcp_shutdown;		/* AllowTCPShutdown (Vigil) */
	int fix_stale_socket;		/* FixStaleSocket */
	unsigned tcp_port;		/* TCPSocket; 0: none */
	char *tcp_addr;			/* TCPAddr */
	/* database */
	char *database_dir;		/* DatabaseDirectory */
	char *db_dir;			/* where it is read: DIR/current in
					 * vigil update's layout (startcheck.h) */
	char *cache_dir;		/* CacheDirectory (Vigil) */
	char *certs_dir;		/* CVDCertsDirectory (ClamAV 1.5) */
	unsigned self_check_s;		/* SelfCheck: database poll, seconds */
	/* clients */
	uint64_t stream_max_bytes;	/* StreamMaxLength */
	uint64_t stream_memory_bytes;	/* StreamMemoryLimit: all clients' */
	unsigned max_threads;		/* MaxThreads: worker processes */
	unsigned max_queue;		/* MaxQueue: scans waiting */
	unsigned queue_timeout_s;	/* QueueTimeout: beyond MaxQueue */
	unsigned max_connections;	/* MaxConnections (Vigil) */
	unsigned read_timeout_s;	/* ReadTimeout */
	unsigned command_timeout_s;	/* CommandReadTimeout */
	unsigned idle_timeout_s;	/* IdleTimeout (IDSESSION) */
	int allow_allmatch;		/* AllowAllMatchScan */
	/* scan limits (clamd's keys, Vigil's defaults) */
	uint64_t max_file_bytes;	/* MaxFileSize */
	uint64_t max_scan_bytes;	/* MaxScanSize */
	unsigned max_files;		/* MaxFiles */
	unsigned max_recursion;		/* MaxRecursion */
	unsigned max_scan_ms;		/* MaxScanTime, milliseconds as clamd */
	int limits_warn;		/* LimitsAsWarnings (Vigil) */
	int alert_exceeds_max;		/* AlertExceedsMax: PCRE limits */
	int alert_macros;		/* AlertOLE2Macros */
	int scan_archive, scan_mail;	/* ScanArchive, ScanMail ... */
	int scan_html, scan_pdf;	/* ScanHTML, ScanPDF */
	int scan_ole2, scan_pe;		/* ScanOLE2, ScanPE */
	int scan_elf, scan_swf;		/* ScanELF, ScanSWF */
	int scan_xmldocs, scan_hwp3;	/* ScanXMLDOCS, ScanHWP3 */
	int scan_onenote, scan_image;	/* ScanOneNote, ScanImage */
	int scan_image_fuzzy;		/* ScanImageFuzzyHash */
	int heuristic_alerts;		/* HeuristicAlerts */
	int heuristic_precedence;	/* HeuristicScanPrecedence */
	int alert_broken;		/* AlertBrokenExecutables */
	int alert_broken_media;		/* AlertBrokenMedia */
	int structured;			/* StructuredDataDetection */
	unsigned structured_cc_count;	/* StructuredMinCreditCardCount */
	unsigned structured_ssn_count;	/* StructuredMinSSNCount */
	int structured_ssn_normal;	/* StructuredSSNFormatNormal */
	int structured_ssn_stripped;	/* StructuredSSNFormatStripped */
	int structured_cc_only;		/* StructuredCCOnly */
	int phishing_sigs;		/* PhishingSignatures */
	int phishing_urls;		/* PhishingScanURLs */
	int alert_phishing_ssl;		/* AlertPhishingSSLMismatch */
	int alert_phishing_cloak;	/* AlertPhishingCloak */
	int alert_partition_intersection; /* AlertPartitionIntersection */
	int alert_encrypted;		/* AlertEncrypted (Vigil: yes) */
	int alert_encrypted_archive;	/* AlertEncryptedArchive */
	int alert_encrypted_doc;	/* AlertEncryptedDoc */
	unsigned pcre_match_limit;	/* PCREMatchLimit */
	unsigned pcre_recmatch_limit;	/* PCRERecMatchLimit */
	uint64_t pcre_max_file_bytes;	/* PCREMaxFileSize: 0 no limit */
	/* workers (Vigil) */
	unsigned worker_timeout_s;	/* WorkerTimeout: hard stop of a scan */
	int worker_sandbox;		/* WorkerSandbox */
	int allow_unconfined;		/* AllowUnconfinedWorkers */
	unsigned worker_max_scans;	/* WorkerMaxScans: recycle after */
	uint64_t worker_max_memory;	/* WorkerMaxMemory: beyond the engine */
	unsigned worker_helpers;	/* WorkerHelperThreads: per worker, for
					 * one large archive */
	int debug_sandbox_probe;	/* DebugSandboxProbe: test hook */
	/* ICAP and metrics (Vigil) */
	unsigned icap_port;		/* ICAPPort; 0: off */
	char *icap_addr;		/* ICAPAddr */
	unsigned icap_preview_bytes;	/* ICAPPreview */
	unsigned metrics_port;		/* MetricsPort; 0: off */
	char *metrics_addr;		/* MetricsAddr */
	/* the HTTP API and console (Vigil; http.h) */
	unsigned http_port;		/* HTTPPort; 0: off */
	char *http_addr;		/* HTTPAddr (loopback by default) */
	char *http_socket;		/* HTTPSocket: a unix socket */
	char *http_token_file;		/* HTTPTokenFile: bearer token */
	char *http_tls_cert;		/* HTTPTLSCertificate (PEM) */
	char *http_tls_key;		/* HTTPTLSKey (PEM) */
	uint64_t http_max_upload;	/* HTTPMaxUploadSize: one request */
	unsigned http_max_connections;	/* HTTPMaxConnections */
	int http_scan_path;		/* HTTPScanPath: scans of server paths */
	int http_console;		/* HTTPConsole: the page at / */
	char *shield_socket;		/* ShieldSocket: vigil-shield's control */
	char *virus_event;		/* VirusEvent: run at each detection */
	int on_infected;		/* OnInfected (enum on_infected) */
	char *on_infected_dir;		/* OnInfectedDirectory: move, copy */
	char *quarantine_dir;		/* QuarantineDirectory; NULL: qstore's */
	uint64_t quarantine_max_bytes;	/* QuarantineMaxSize */
	/* process and logging */
	char *user;			/* User: switched to after binding */
	int allow_supplementary_groups;	/* AllowSupplementaryGroups */
	int foreground;			/* Foreground */
	char *pid_file;			/* PidFile */
	char *log_file;			/* LogFile */
	int log_syslog;			/* LogSyslog */
	char *log_facility;		/* LogFacility */
	int log_clean;			/* LogClean */
	int log_verbose;		/* LogVerbose */
	int log_time;			/* LogTime */
};

/* Sets every option to its default. */
void conf_defaults(struct vconf *c);
/*
 * Reads path into c (over the defaults). On error returns -1 and writes a
 * one-line reason naming the line to err. Options of clamd that Vigil does
 * not use are accepted and listed by conf_print().
 */
int conf_load(struct vconf *c, const char *path, char *err, size_t errlen);
/*
 * Parses a configuration text as conf_load() does; name is what err
 * calls it ("name:line: reason"). For conf_load() and the fuzzer.
 */
int conf_text(struct vconf *c, const char *text, size_t len,
	      const char *name, char *err, size_t errlen);
/* Parses one line of len bytes (no newline): 0 set, 1 for a blank or
 * comment line or a clamd-only option, -1 refused. */
int conf_line(struct vconf *c, const char *line, size_t len, char *err,
	      size_t errlen);
/* Writes the effective settings, one "Option value" per line. */
void conf_print(const struct vconf *c, FILE *f);
void conf_free(struct vconf *c);

#endif
