/*
 * cmd_yara.c -- `vigil yara`: YARA rules over a file or a directory, with
 * yara's command line and output, so that scripts written for yara run
 * unchanged (docs/yara.md lists what differs). The rules are compiled
 * through libvigil's public YARA interface; the targets are found first,
 * then scanned by a pool of threads, each printing a target's lines at
 * once.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "common/jsonw.h"
#include "yaracmd.h"

#define YARA_MAX_THREADS 32
#define YARA_MAX_DEPTH 64 /* directories within directories */

struct targets {
	char **path;
	size_t n, cap;
};

struct yara_run {
	const struct yara_opts *o;
	const struct vigil_yara *y;
	struct targets *t;
	size_t next;		/* the next target to take */
	int single;		/* one file named: -c prints the bare count */
	pthread_mutex_t lock;
	int errors;
	unsigned long not_evaluated, targets_not_evaluated;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: vigil yara [OPTION]... [NAMESPACE:]RULES_FILE... FILE|DIR\n"
		"YARA rules over a file or a directory, as yara runs them.\n\n"
		"  -s, --print-strings       print matching strings\n"
		"  -L, --print-string-length print the length of matched strings\n"
		"  -m, --print-meta          print metadata\n"
		"  -g, --print-tags          print tags\n"
		"  -e, --print-namespace     print rules' namespace\n"
		"  -c, --count               print only the number of matches\n"
		"  -n, --negate              print only rules that did not match\n"
		"  -i, --identifier=NAME     print only rules named NAME\n"
		"  -t, --tag=TAG             print only rules tagged TAG\n"
		"  -l, --max-rules=N         stop scanning a file after N rules\n"
		"  -d, --define=VAR=VALUE    define an external variable\n"
		"  -r, --recursive           scan directories recursively\n"
		"  -N, --no-follow-symlinks  do not follow symbolic links\n"
		"  -z, --skip-larger=BYTES   skip files larger than BYTES\n"
		"  -p, --threads=N           scan with N threads\n"
		"  -a, --timeout=SECONDS     give up on a file after SECONDS (its\n"
		"                            rules not evaluated are an error)\n"
		"      --slow-rules=MS       name each rule that takes MS or more\n"
		"                            on a file (on standard error)\n"
		"  -w, --no-warnings         no warnings\n"
		"      --fail-on-warnings    warnings are errors\n"
		"      --json                one JSON document per file\n"
		"  -h, --help                this help\n\n"
		"Exit status: 0 done, 1 an error (a rule file that does not\n"
		"compile, a file that cannot be read, a time limit reached).\n"
		"Rules that need a module Vigil does not have are counted on\n"
		"standard error, never reported as not matching silently.\n");
}

static int push(struct targets *t, const char *path)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **p = realloc(t->path, cap * sizeof(*p));

		if (!p)
			return -1;
		t->path = p;
		t->cap = cap;
	}
	return (t->path[t->n] = strdup(path)) ? (int)(++t->n, 0) : -1;
}

/* The regular files of dir (and below, with -r) into t. */
static int walk(const struct yara_opts *o, const char *dir, int depth,
		struct targets *t)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!d) {
		fprintf(stderr, "error scanning %s: %s\n", dir, strerror(errno));
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if ((o->follow_symlinks ? stat(path, &st) : lstat(path, &st)) < 0)
			continue;
		if (S_ISDIR(st.st_mode) && o->recursive && depth < YARA_MAX_DEPTH)
			rc |= walk(o, path, depth + 1, t);
		else if (S_ISREG(st.st_mode) &&
			 (!o->skip_larger || (unsigned long long)st.st_size <=
						     o->skip_larger) &&
			 push(t, path) < 0)
			rc = -1;
	}
	closedir(d);
	return rc;
}

struct one {
	struct yara_run *run;
	FILE *out;
	const char *target;
	json_t *matches, *skipped;
	long printed, count;
	unsigned long not_evaluated;
	int timed_out;
};

static int wanted(const struct yara_opts *o, const struct vigil_yara_rule *r)
{
	size_t k;

	if (o->identifier && strcmp(o->identifier, r->name))
		return 0;
	if (!o->tag)
		return 1;
	for (k = 0; k < r->ntags; k++)
		if (!strcmp(r->tags[k], o->tag))
			return 1;
	return 0;
}

static int on_rule(void *ctx, const struct vigil_yara_rule *r)
{
	struct one *x = ctx;
	const struct yara_opts *o = x->run->o;

	if (r->status == VIGIL_YARA_LIMIT && r->why &&
	    !strcmp(r->why, "the time limit was reached")) {
		x->timed_out = 1; /* an error, as yara's timeout */
		return 0;
	}
	if (r->status > VIGIL_YARA_TRUE) {
		x->not_evaluated++;
		if (x->skipped) {
			json_t *s = json_object();

			jsonw_set(s, "rule", jsonw_string(r->name));
			jsonw_set(s, "why", jsonw_string(r->why));
			json_array_append_new(x->skipped, s);
		}
		return 0;
	}
	if ((r->status == VIGIL_YARA_TRUE) == !!o->negate || !wanted(o, r))
		return 0;
	x->count++;
	if (o->json)
		json_array_append_new(x->matches, yaraout_json_rule(r));
	else if (!o->count)
		yaraout_rule(x->out, o, r, x->target);
	return o->max_rules && ++x->printed >= o->max_rules ? 1 : 0;
}

static void slow_rule(void *ctx, const char *ns, const char *rule,
		      uint64_t micros)
{
	const struct one *x = ctx;

	fprintf(stderr, "vigil yara: slow rule %s:%s: %.1f ms on %s\n", ns,
		rule, (double)micros / 1000, x->target);
}

/* One target scanned; its lines printed at once. */
static void scan_one(struct yara_run *run, struct vigil_yara_scanner *s,
		     const char *target)
{
	const struct yara_opts *o = run->o;
	struct one x = { run, NULL, target, NULL, NULL, 0, 0, 0, 0 };
	struct vigil_yara_limits lim = { sizeof(lim), o->timeout_ms,
					 o->slow_ms, o->slow_ms ? slow_rule : NULL,
					 &x };
	unsigned flags = (o->strings || o->json ? /* JSON lists them */
				  VIGIL_YARA_SCAN_STRINGS : 0) |
			 (o->negate ? VIGIL_YARA_SCAN_FALSE : 0);
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (!(x.out = open_memstream(&buf, &len)))
		return;
	if (o->json) {
		x.matches = json_array();
		x.skipped = json_array();
	}
	vigil_yara_scanner_limits(s, &lim);
	rc = vigil_yara_scan_path(s, target, flags, on_rule, &x);
	if (rc >= 0 && x.timed_out)
		rc = VIGIL_ELIMIT;
	if (rc < 0)
		fprintf(stderr, "error scanning %s: %s\n", target,
			x.timed_out ? "scanning timed out" : vigil_strerror(rc));
	else if (o->json) {
		json_t *doc = json_object();

		jsonw_set(doc, "target", jsonw_string(target));
		jsonw_set(doc, "matches", x.matches);
		jsonw_set(doc, "not_evaluated", x.skipped);
		x.matches = x.skipped = NULL;
		jsonw_print(x.out, doc);
	} else if (o->count) {
		if (run->single)
			fprintf(x.out, "%ld\n", x.count);
		else
			fprintf(x.out, "%s: %ld\n", target, x.count);
	}
	json_decref(x.matches);
	json_decref(x.skipped);
	fclose(x.out);
	pthread_mutex_lock(&run->lock);
	fwrite(buf, 1, len, stdout);
	run->errors += rc < 0;
	run->not_evaluated += x.not_evaluated;
	run->targets_not_evaluated += x.not_evaluated > 0;
	pthread_mutex_unlock(&run->lock);
	free(buf);
}

static void *worker(void *arg)
{
	struct yara_run *run = arg;
	struct vigil_yara_scanner *s;
	size_t i;

	if (vigil_yara_scanner_new(run->y, &s) != 0) {
		pthread_mutex_lock(&run->lock);
		run->errors++;
		pthread_mutex_unlock(&run->lock);
		return NULL;
	}
	for (;;) {
		pthread_mutex_lock(&run->lock);
		i = run->next++;
		pthread_mutex_unlock(&run->lock);
		if (i >= run->t->n)
			break;
		scan_one(run, s, run->t->path[i]);
	}
	vigil_yara_scanner_free(s);
	return NULL;
}

/* Every target, on o->threads threads. */
static void scan_all(struct yara_run *run)
{
	pthread_t th[YARA_MAX_THREADS];
	int n = run->o->threads, k, started = 0;

	if (n > (int)run->t->n)
		n = run->t->n ? (int)run->t->n : 1;
	for (k = 1; k < n; k++)
		started += pthread_create(&th[started], NULL, worker, run) == 0;
	worker(run);
	for (k = 0; k < started; k++)
		pthread_join(th[k], NULL);
}

static void log_error(void *ctx, int level, const char *msg)
{
	unsigned long *warnings = ctx;

	if (level == VIGIL_LOG_INFO) { /* console.log(), on stdout as yara */
		printf("%s\n", msg);
		return;
	}
	*warnings += level == VIGIL_LOG_WARNING;
	fprintf(stderr, "%s: %s\n", level == VIGIL_LOG_ERROR ? "error" : "warning",
		msg);
}

/* [NAMESPACE:]FILE: a name that is not a file and holds ':' names one. */
static int add_rules(struct vigil_yara *y, char *arg)
{
	char *colon = strchr(arg, ':');
	const char *ns = NULL, *path = arg;
	int rc;

	if (colon && access(arg, F_OK) != 0) {
		*colon = 0;
		ns = arg;
		path = colon + 1;
	}
	rc = vigil_yara_add_file(y, path, ns);
	if (rc && rc != VIGIL_EFORMAT)
		fprintf(stderr, "error: could not open file: %s: %s\n", path,
			vigil_strerror(rc));
	return rc;
}

static const struct option yara_long[] = {
	{ "print-strings", no_argument, NULL, 's' },
	{ "print-string-length", no_argument, NULL, 'L' },
	{ "print-meta", no_argument, NULL, 'm' },
	{ "print-tags", no_argument, NULL, 'g' },
	{ "print-namespace", no_argument, NULL, 'e' },
	{ "count", no_argument, NULL, 'c' },
	{ "negate", no_argument, NULL, 'n' },
	{ "identifier", required_argument, NULL, 'i' },
	{ "tag", required_argument, NULL, 't' },
	{ "max-rules", required_argument, NULL, 'l' },
	{ "define", required_argument, NULL, 'd' },
	{ "recursive", no_argument, NULL, 'r' },
	{ "no-follow-symlinks", no_argument, NULL, 'N' },
	{ "skip-larger", required_argument, NULL, 'z' },
	{ "threads", required_argument, NULL, 'p' },
	{ "no-warnings", no_argument, NULL, 'w' },
	{ "fail-on-warnings", no_argument, NULL, 'F' },
	{ "json", no_argument, NULL, 'J' },
	{ "timeout", required_argument, NULL, 'a' },
	{ "slow-rules", required_argument, NULL, 'S' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* A -d VAR=VALUE into the rule set: 0, or 1 after saying why not. */
static int define(struct vigil_yara *y, char *arg)
{
	char *eq = strchr(arg, '=');
	int rc;

	if (!eq) {
		fprintf(stderr, "error: wrong syntax for `-d` option: %s\n", arg);
		return 1;
	}
	*eq = 0;
	if ((rc = vigil_yara_define(y, arg, eq + 1)) != 0) {
		fprintf(stderr, "error: cannot define %s: %s\n", arg,
			vigil_strerror(rc));
		return 1;
	}
	return 0;
}

/* The options into o: the index of the first operand, or -1 after an
 * error, -2 after --help. */
static int options(int argc, char **argv, struct yara_opts *o)
{
	int ch;

	while ((ch = getopt_long(argc, argv, "sLmgecni:t:l:d:rNz:p:wa:h",
				 yara_long, NULL)) != -1) {
		switch (ch) {
		case 's': o->strings = 1; break;
		case 'L': o->lengths = o->strings = 1; break;
		case 'm': o->meta = 1; break;
		case 'g': o->tags = 1; break;
		case 'e': o->namespaces = 1; break;
		case 'c': o->count = 1; break;
		case 'n': o->negate = 1; break;
		case 'i': o->identifier = optarg; break;
		case 't': o->tag = optarg; break;
		case 'l': o->max_rules = atol(optarg); break;
		case 'd':
			if (o->ndefines == YARA_MAX_DEFINES) {
				fprintf(stderr, "error: too many -d\n");
				return -1;
			}
			o->defines[o->ndefines++] = optarg;
			break;
		case 'r': o->recursive = 1; break;
		case 'N': o->follow_symlinks = 0; break;
		case 'z': o->skip_larger = strtoull(optarg, NULL, 10); break;
		case 'p': o->threads = atoi(optarg); break;
		case 'w': o->no_warnings = 1; break;
		case 'F': o->fail_on_warnings = 1; break;
		case 'J': o->json = 1; break;
		case 'a': o->timeout_ms = (uint32_t)(atol(optarg) * 1000); break;
		case 'S': o->slow_ms = (uint32_t)atol(optarg); break;
		case 'h': usage(stdout); return -2;
		default: usage(stderr); return -1;
		}
	}
	if (o->threads < 1 || o->threads > YARA_MAX_THREADS) {
		fprintf(stderr, "error: -p takes 1 to %d threads\n",
			YARA_MAX_THREADS);
		return -1;
	}
	if (argc - optind < 2) {
		usage(stderr);
		return -1;
	}
	return optind;
}

/* The target: a file, or a directory's files. 0, or 1 after an error. */
static int find_targets(const struct yara_opts *o, const char *target,
			struct targets *t, int *single)
{
	struct stat st;

	if (stat(target, &st) < 0) {
		fprintf(stderr, "error scanning %s: could not open file\n", target);
		return 1;
	}
	*single = !S_ISDIR(st.st_mode);
	if (!S_ISDIR(st.st_mode))
		return push(t, target) < 0;
	return walk(o, target, 0, t) != 0;
}

static int summary(const struct yara_run *run)
{
	if (run->not_evaluated && !run->o->json)
		fprintf(stderr, "vigil yara: %lu rule evaluations on %lu files "
			"need what Vigil does not evaluate (a module it does "
			"not have) or reached a limit (a string too slow to "
			"match, too many matches); they are "
			"not counted as matches or as misses (--json lists "
			"them, with why)\n", run->not_evaluated,
			run->targets_not_evaluated);
	return run->errors || (run->not_evaluated && run->o->fail_on_warnings);
}

int cmd_yara(int argc, char **argv)
{
	struct yara_opts o = { .follow_symlinks = 1, .threads = 1 };
	unsigned long warnings = 0;
	struct vigil_yara_options yo = { sizeof(yo), log_error, &warnings, 0 };
	struct targets t = { 0 };
	struct yara_run run = { .o = &o, .t = &t };
	struct vigil_yara *y;
	int first, i, rc = 1;

	if ((first = options(argc, argv, &o)) < 0)
		return first == -2 ? 0 : 1;
	yo.flags = o.no_warnings ? 0 : VIGIL_YARA_WARN_SLOW;
	if (vigil_yara_new(&y, &yo) != 0)
		return 1;
	for (i = 0; i < o.ndefines; i++)
		if (define(y, o.defines[i]) != 0)
			goto out;

	for (i = first; i < argc - 1; i++)
		if (add_rules(y, argv[i]) != 0)
			goto out;
	if (vigil_yara_compile(y) != 0 || (warnings && o.fail_on_warnings) ||
	    find_targets(&o, argv[argc - 1], &t, &run.single) != 0 ||
	    scan_confine(0) < 0)
		goto out;
	run.y = y;
	pthread_mutex_init(&run.lock, NULL);
	scan_all(&run);
	pthread_mutex_destroy(&run.lock);
	rc = summary(&run);
out:
	for (size_t k = 0; k < t.n; k++)
		free(t.path[k]);
	free(t.path);
	vigil_yara_free(y);
	return rc;
}
