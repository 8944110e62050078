/*
 * report.c -- what "vigil scan" prints: clamscan-compatible lines
 * ("path: Name FOUND", "path: OK", "path: reason ERROR") or one JSON object
 * per file, the summary block, and a progress line on a terminal. One lock
 * keeps lines whole; the progress line is wiped before a result is printed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "actions.h"
#include "common/jsonw.h"
#include "scan.h"

/* One line of the report: to standard output and to the --log file. */
static void out(struct scanctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void out(struct scanctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (c->log) {
		va_start(ap, fmt);
		vfprintf(c->log, fmt, ap);
		va_end(ap);
	}
}

/* A JSON document as one line of the report. */
static void out_json(struct scanctx *c, json_t *doc)
{
	char *text = jsonw_dumps(doc);

	if (text)
		out(c, "%s\n", text);
	else
		fprintf(stderr, "vigil: out of memory writing JSON\n");
	free(text);
}

static void flush(struct scanctx *c)
{
	fflush(stdout);
	if (c->log)
		fflush(c->log);
}

static void wipe_progress(struct scanctx *c)
{
	if (c->progress_shown) {
		fputs("\r\033[K", stderr);
		c->progress_shown = 0;
	}
}

/* "top" or "top//inner". */
static void join_path(char *dst, size_t cap, const char *top, const char *in)
{
	snprintf(dst, cap, "%s%s%s", top, in && *in ? "//" : "", in ? in : "");
}

/* [{"name": ..., "object": ...}] of the detections, or of the
 * warnings ({"object": ..., "warning": ...}). */
static json_t *json_list(const char *path, struct vigil_scanner *s,
			 uint32_t n, int warnings)
{
	json_t *a = json_array(), *o;
	char full[8192];
	uint32_t i;

	for (i = 0; a && i < n; i++) {
		join_path(full, sizeof(full), path, warnings ?
			  vigil_scanner_warning_path(s, i) :
			  vigil_scanner_detection_path(s, i));
		o = json_object();
		if (!warnings)
			jsonw_set(o, "name",
				  jsonw_string(vigil_scanner_detection(s, i)));
		jsonw_set(o, "object", jsonw_string(full));
		if (warnings)
			jsonw_set(o, "warning",
				  jsonw_string(vigil_scanner_warning(s, i)));
		json_array_append_new(a, o);
	}
	return a;
}

static void json_result(struct scanctx *c, const char *path,
			struct vigil_scanner *s, const struct vigil_result *r)
{
	static const char *const status[] = { "OK", "FOUND", "LIMIT" };
	json_t *o = json_object();

	jsonw_set(o, "path", jsonw_string(path));
	jsonw_set(o, "status", json_string(status[r->verdict]));
	if (r->name) {
		jsonw_set(o, "name", jsonw_string(r->name));
		jsonw_set(o, "found", json_list(path, s, r->detections, 0));
	}
	if (r->warnings)
		jsonw_set(o, "warnings", json_list(path, s, r->warnings, 1));
	jsonw_set(o, "type", json_string(vigil_file_type_name(r->file_type)));
	jsonw_set(o, "size", json_integer((json_int_t)r->bytes));
	jsonw_set(o, "objects", json_integer(r->objects));
	out_json(c, o);
}

static void text_result(struct scanctx *c, const char *path,
			struct vigil_scanner *s, const struct vigil_result *r)
{
	char full[8192];
	uint32_t i;

	if (!r->detections && !c->o.infected_only)
		out(c, "%s: OK\n", path);
	for (i = 0; i < r->detections; i++) {
		join_path(full, sizeof(full), path,
			  vigil_scanner_detection_path(s, i));
		out(c, "%s: %s FOUND\n", full, vigil_scanner_detection(s, i));
	}
	for (i = 0; i < r->warnings && !c->o.quiet; i++) {
		join_path(full, sizeof(full), path,
			  vigil_scanner_warning_path(s, i));
		fprintf(stderr, "vigil: %s: warning: %s\n", full,
			vigil_scanner_warning(s, i));
	}
}

/* --move, --copy, --remove of a file found infected (a limit reached is
 * no proof: not acted on), and its line; a failure is an error. */
static void act(struct scanctx *c, const char *path,
		const struct vigil_result *r)
{
	/* test hook: a scanning process taken over, asking for another path */
	const char *hook = getenv("VIGIL_TEST_ACTION_PATH");
	char line[16384];
	int rc;

	if (r->verdict != VIGIL_VERDICT_FOUND || !strcmp(path, STDIN_PATH) ||
	    (rc = actions_apply(hook ? hook : path, r->name ? r->name : "",
				line, sizeof(line))) > 0)
		return;
	if (rc < 0) {
		c->st.errors++;
		fprintf(stderr, "vigil: %s\n", line);
	} else if (!c->o.quiet && !c->o.json) {
		out(c, "%s\n", line);
	}
}

void report_result(struct scanctx *c, const char *path,
		   struct vigil_scanner *s, const struct vigil_result *r)
{
	const char *shown = strcmp(path, STDIN_PATH) ? path : "stdin";
	int show;

	c->st.files++;
	c->st.bytes += r->bytes_scanned;
	if (r->verdict != VIGIL_VERDICT_CLEAN)
		c->st.infected++;
	show = !c->o.quiet && (!c->o.infected_only || r->detections ||
			       r->warnings);
	if (!show && !r->detections) /* the common case of -i: no lock */
		return;
	pthread_mutex_lock(&c->out_lock);
	if (show) {
		wipe_progress(c);
		if (c->o.json)
			json_result(c, shown, s, r);
		else
			text_result(c, shown, s, r);
	}
	if (r->detections && c->o.bell)
		fputc('\a', stderr);
	act(c, path, r);
	flush(c);
	pthread_mutex_unlock(&c->out_lock);
}

void report_note(struct scanctx *c, const char *path, const char *what)
{
	c->st.skipped++;
	if (c->o.quiet || c->o.infected_only || c->o.json)
		return;
	pthread_mutex_lock(&c->out_lock);
	wipe_progress(c);
	out(c, "%s: %s\n", path, what);
	flush(c);
	pthread_mutex_unlock(&c->out_lock);
}

void report_error(struct scanctx *c, const char *path, const char *why)
{
	c->st.errors++;
	pthread_mutex_lock(&c->out_lock);
	wipe_progress(c);
	if (c->o.json) {
		json_t *o = json_object();

		jsonw_set(o, "path", jsonw_string(path));
		jsonw_set(o, "status", json_string("ERROR"));
		jsonw_set(o, "error", jsonw_string(why));
		out_json(c, o);
	} else {
		out(c, "%s: %s ERROR\n", path, why);
	}
	flush(c);
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
	char engine[64];
	json_t *o = json_object(), *sum = json_object();

	snprintf(engine, sizeof(engine), "vigil %s", vigil_version());
	jsonw_set(sum, "known_signatures", json_integer((json_int_t)known));
	jsonw_set(sum, "engine", json_string(engine));
	jsonw_set(sum, "scanned_directories", json_integer(c->st.dirs));
	jsonw_set(sum, "scanned_files", json_integer(c->st.files));
	jsonw_set(sum, "infected_files", json_integer(c->st.infected));
	jsonw_set(sum, "errors", json_integer(c->st.errors));
	jsonw_set(sum, "skipped", json_integer(c->st.skipped));
	jsonw_set(sum, "data_scanned_bytes",
		  json_integer((json_int_t)c->st.bytes));
	jsonw_set(sum, "seconds", json_real((double)(long long)(secs * 1000) /
					    1000));
	jsonw_set(o, "summary", sum);
	out_json(c, o);
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
	out(c, "\n----------- SCAN SUMMARY -----------\n"
	       "Known viruses: %llu\n"
	       "Engine version: vigil %s\n"
	       "Scanned directories: %lu\n"
	       "Scanned files: %lu\n"
	       "Infected files: %lu\n",
	       (unsigned long long)known, vigil_version(),
	       (unsigned long)c->st.dirs, (unsigned long)c->st.files,
	       (unsigned long)c->st.infected);
	if (c->st.errors)
		out(c, "Total errors: %lu\n", (unsigned long)c->st.errors);
	out(c, "Data scanned: %.2f MB\n"
	       "Data read: %.2f MB (ratio 1.00:1)\n"
	       "Time: %.3f sec (%d m %d s)\n"
	       "Start Date: %s\n"
	       "End Date:   %s\n",
	       mb, mb, secs, (int)secs / 60, (int)secs % 60, d0, d1);
}
