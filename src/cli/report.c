/*
 * report.c -- what "vigil scan" prints: clamscan-compatible lines
 * ("path: Name FOUND", "path: OK", "path: reason ERROR") or one JSON object
 * per file, the summary block, and a progress line on a terminal. One lock
 * keeps lines whole; the progress line is wiped before a result is printed.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scan.h"

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", f);
		else if (ch == '\t')
			fputs("\\t", f);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void wipe_progress(struct scanctx *c)
{
	if (c->progress_shown) {
		fputs("\r\033[K", stderr);
		c->progress_shown = 0;
	}
}

/* "top" or "top//inner". */
static void join_path(char *out, size_t cap, const char *top, const char *in)
{
	snprintf(out, cap, "%s%s%s", top, in && *in ? "//" : "", in ? in : "");
}

static void json_result(const char *path, struct vigil_scanner *s,
			const struct vigil_result *r)
{
	static const char *const status[] = { "OK", "FOUND", "LIMIT" };
	char full[8192];
	uint32_t i;

	fputs("{\"path\":", stdout);
	json_str(stdout, path);
	printf(",\"status\":\"%s\"", status[r->verdict]);
	if (r->name) {
		fputs(",\"name\":", stdout);
		json_str(stdout, r->name);
		fputs(",\"found\":[", stdout);
		for (i = 0; i < r->detections; i++) {
			join_path(full, sizeof(full), path,
				  vigil_scanner_detection_path(s, i));
			fputs(i ? ",{\"name\":" : "{\"name\":", stdout);
			json_str(stdout, vigil_scanner_detection(s, i));
			fputs(",\"object\":", stdout);
			json_str(stdout, full);
			fputc('}', stdout);
		}
		fputc(']', stdout);
	}
	if (r->warnings) {
		fputs(",\"warnings\":[", stdout);
		for (i = 0; i < r->warnings; i++) {
			join_path(full, sizeof(full), path,
				  vigil_scanner_warning_path(s, i));
			fputs(i ? ",{\"object\":" : "{\"object\":", stdout);
			json_str(stdout, full);
			fputs(",\"warning\":", stdout);
			json_str(stdout, vigil_scanner_warning(s, i));
			fputc('}', stdout);
		}
		fputc(']', stdout);
	}
	printf(",\"type\":\"%s\",\"size\":%llu,\"objects\":%u}\n",
	       vigil_file_type_name(r->file_type), (unsigned long long)r->bytes,
	       r->objects);
}

static void text_result(struct scanctx *c, const char *path,
			struct vigil_scanner *s, const struct vigil_result *r)
{
	char full[8192];
	uint32_t i;

	if (!r->detections && !c->o.infected_only)
		printf("%s: OK\n", path);
	for (i = 0; i < r->detections; i++) {
		join_path(full, sizeof(full), path,
			  vigil_scanner_detection_path(s, i));
		printf("%s: %s FOUND\n", full, vigil_scanner_detection(s, i));
	}
	for (i = 0; i < r->warnings && !c->o.quiet; i++) {
		join_path(full, sizeof(full), path,
			  vigil_scanner_warning_path(s, i));
		fprintf(stderr, "vigil: %s: warning: %s\n", full,
			vigil_scanner_warning(s, i));
	}
}

void report_result(struct scanctx *c, const char *path,
		   struct vigil_scanner *s, const struct vigil_result *r)
{
	const char *shown = strcmp(path, STDIN_PATH) ? path : "stdin";

	c->st.files++;
	c->st.bytes += r->bytes_scanned;
	if (r->verdict != VIGIL_VERDICT_CLEAN)
		c->st.infected++;
	if (c->o.quiet || (c->o.infected_only && !r->detections &&
			   !r->warnings))
		return;
	pthread_mutex_lock(&c->out_lock);
	wipe_progress(c);
	if (c->o.json)
		json_result(shown, s, r);
	else
		text_result(c, shown, s, r);
	fflush(stdout);
	pthread_mutex_unlock(&c->out_lock);
}

void report_error(struct scanctx *c, const char *path, const char *why)
{
	c->st.errors++;
	pthread_mutex_lock(&c->out_lock);
	wipe_progress(c);
	if (c->o.json) {
		fputs("{\"path\":", stdout);
		json_str(stdout, path);
		fputs(",\"status\":\"ERROR\",\"error\":", stdout);
		json_str(stdout, why);
		fputs("}\n", stdout);
	} else {
		printf("%s: %s ERROR\n", path, why);
	}
	fflush(stdout);
	pthread_mutex_unlock(&c->out_lock);
}

void report_skip(struct scanctx *c, const char *path, const char *why)
{
	c->st.skipped++;
	if (c->o.quiet)
		return;
	pthread_mutex_lock(&c->out_lock);
	wipe_progress(c);
	fprintf(stderr, "vigil: %s: skipped: %s\n", path, why);
	pthread_mutex_unlock(&c->out_lock);
}

void report_progress(struct scanctx *c, int final)
{
	double el = now_seconds() - c->t0;
	double mib = (double)c->st.bytes / (1024.0 * 1024.0);

	pthread_mutex_lock(&c->out_lock);
	if (final) {
		wipe_progress(c);
	} else {
		fprintf(stderr, "\r\033[K%lu files, %.1f MiB, %.1f MiB/s",
			(unsigned long)c->st.files, mib, el > 0 ? mib / el : 0);
		c->progress_shown = 1;
	}
	pthread_mutex_unlock(&c->out_lock);
}

static void date_str(char *buf, size_t cap, time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, cap, "%Y:%m:%d %H:%M:%S", &tm);
}

static void json_summary(struct scanctx *c, uint64_t known, double secs)
{
	printf("{\"summary\":{\"known_signatures\":%llu,\"engine\":"
	       "\"vigil %s\",\"scanned_directories\":%lu,"
	       "\"scanned_files\":%lu,\"infected_files\":%lu,"
	       "\"errors\":%lu,\"skipped\":%lu,\"data_scanned_bytes\":%llu,"
	       "\"seconds\":%.3f}}\n",
	       (unsigned long long)known, vigil_version(),
	       (unsigned long)c->st.dirs, (unsigned long)c->st.files,
	       (unsigned long)c->st.infected, (unsigned long)c->st.errors,
	       (unsigned long)c->st.skipped,
	       (unsigned long long)c->st.bytes, secs);
}

void report_summary(struct scanctx *c, uint64_t known, double start_wall)
{
	double secs = now_seconds() - c->t0;
	double mb = (double)c->st.bytes / (1024.0 * 1024.0);
	char d0[32], d1[32];

	if (c->o.no_summary || c->o.quiet)
		return;
	if (c->o.json) {
		json_summary(c, known, secs);
		return;
	}
	date_str(d0, sizeof(d0), (time_t)start_wall);
	date_str(d1, sizeof(d1), time(NULL));
	printf("\n----------- SCAN SUMMARY -----------\n"
	       "Known viruses: %llu\n"
	       "Engine version: vigil %s\n"
	       "Scanned directories: %lu\n"
	       "Scanned files: %lu\n"
	       "Infected files: %lu\n",
	       (unsigned long long)known, vigil_version(),
	       (unsigned long)c->st.dirs, (unsigned long)c->st.files,
	       (unsigned long)c->st.infected);
	if (c->st.errors)
		printf("Total errors: %lu\n", (unsigned long)c->st.errors);
	printf("Data scanned: %.2f MB\n"
	       "Data read: %.2f MB (ratio 1.00:1)\n"
	       "Time: %.3f sec (%d m %d s)\n"
	       "Start Date: %s\n"
	       "End Date:   %s\n",
	       mb, mb, secs, (int)secs / 60, (int)secs % 60, d0, d1);
}
