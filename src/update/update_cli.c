/*
 * update_cli.c -- the command line of `vigil update`: options, mirrors
 * tried in turn, --status, and telling vigild to reload after an install.
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "audit.h"
#include "vigil/vigil.h"
#include "clamav.h"
#include "client.h"
#include "crypto.h"
#include "logcheck.h"
#include "root.h"
#include "split.h"
#include "state.h"
#include "updconf.h"

#ifndef VIGIL_UPDATE_DEFAULT_CONFIG
#define VIGIL_UPDATE_DEFAULT_CONFIG "/etc/vigil/update.conf"
#endif

/* Without a verified timestamp for this long, the database is stale. */
#define STALE_AFTER_S (24 * 3600)

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: vigil-update --mirror URL [--mirror URL...] --trust "
		"ROOTFILE --dir DBDIR --once\n"
		"       vigil-update --mirror URL... --trust ROOTFILE --dir DBDIR "
		"--schedule\n"
		"       vigil-update --from-clamav URL [--from-clamav URL...] "
		"--dir DBDIR\n"
		"                    [--databases LIST] [--cvdcertsdir DIR] "
		"--once | --schedule\n"
		"       vigil-update [--config FILE] --once | --schedule\n"
		"       vigil-update --dir DBDIR --status | --clear-alarm\n"
		"       vigil-update --dir DBDIR --audit [--mirror URL...]   "
		"(with mirrors:\n"
		"                 also against the public log)\n"
		"\n"
		"  --target NAME     what to install (default db/main)\n"
		"  --channel NAME    (default stable)\n"
		"  --type TYPE       sigdb (default: DBDIR/current/main.vdb) or "
		"rules\n"
		"                    (a shield rule set: DBDIR/current/rules)\n"
		"  --reload SOCKET   after an install, send RELOAD to vigild "
		"there\n"
		"  --from-clamav URL ClamAV's own .cvd files from a ClamAV or "
		"cvdupdate mirror,\n"
		"                    checked with ClamAV's signature (the "
		"header's, or a\n"
		"                    NAME-VERSION.cvd.sign with --cvdcertsdir's "
		"certificates)\n"
		"  --databases LIST  with --from-clamav (default "
		CLAMAV_DEFAULT_DBS ")\n"
		"  --cvdcertsdir DIR certificates for .cvd.sign (default "
		VIGIL_CLAMAV_CERTS_DIR ")\n"
		"  --cvd-key N:E     a site's own .cvd key, beside ClamAV's\n"
		"  --config FILE     settings as in freshclam.conf (the options "
		"win over it;\n"
		"                    default: %s if there)\n"
		"  --schedule        a check now, then at a random moment of "
		"each period\n"
		"                    (Checks a day in the file, default 24)\n"
		"\n"
		"DBDIR/current is the installed database, for vigil scan -d "
		"and vigild's\nDatabaseDirectory. Requests carry nothing but "
		"the file wanted and the\nUser-Agent \"%s\".\n"
		"Exit status: 0 done, 1 the update failed (a code names why), "
		"2 usage,\n3 (--status) stale: no verified metadata for 24 "
		"hours.\n", VIGIL_UPDATE_DEFAULT_CONFIG, FETCH_USER_AGENT);
}

static int once(struct uctx *c)
{
	enum upd_error e = U_OK;
	uint64_t before;
	unsigned i;

	if ((e = upd_state_load(c)) || (!c->clamav && (e = upd_root_load(c))))
		goto out;
	if (upd_split_start(c) < 0) {
		e = upd_fail(c, U_INSTALL, "cannot start the fetcher process: %s",
			 strerror(errno));
		goto out;
	}
	if (upd_log_state_load(c) < 0) {
		e = upd_fail(c, U_INSTALL, "%s/state/log: damaged", c->dir);
		goto out;
	}
	if (upd_alarm_raised(c)) {
		e = upd_fail(c, U_SPLITVIEW, "the alarm raised earlier stands: "
			 "this client was shown a log that contradicts "
			 "another; see %s/state/ALARM, clear it with "
			 "--clear-alarm once understood", c->dir);
		goto out;
	}
	before = c->st.installed;
	for (i = 0; i < c->nmirrors; i++) {
		c->now = clock_now();
		if (!(e = c->clamav ? upd_clamav_cycle(c, c->mirrors[i]) :
				      upd_cycle(c, c->mirrors[i])))
			break;
		fprintf(stderr, "vigil-update: %s: %s: %s\n", c->mirrors[i],
			upd_error_name(e), c->err);
		upd_state_load(c); /* nothing of a failed cycle is kept */
		upd_log_state_load(c);
		if (upd_alarm_raised(c))
			break;
	}
	if (e && c->nmirrors > 1) {
		fprintf(stderr, "vigil-update: E_NOMIRROR: every mirror "
			"failed; the installed database stays\n");
		return 1;
	}
	if (e)
		return 1;
	if (c->st.installed != before) {
		printf("installed release %llu (%s, %llu bytes fetched)\n",
		       (unsigned long long)c->st.installed,
		       c->used_delta ? "delta" : "full",
		       (unsigned long long)c->bytes_fetched);
		if (c->reload_sock)
			upd_split_notify(c, c->reload_sock);
	} else {
		printf("up to date: release %llu\n",
		       (unsigned long long)c->st.installed);
	}
	return 0;
out:
	fprintf(stderr, "vigil-update: %s: %s\n", upd_error_name(e), c->err);
	return 1;
}

static int status(struct uctx *c)
{
	int64_t now = clock_now();
	char t[32], f[32], path[4096];
	int stale, clamav;

	if (upd_state_load(c) || !c->st.installed) {
		printf("no database installed in %s\n", c->dir);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/state/clamav", c->dir);
	clamav = access(path, F_OK) == 0; /* --from-clamav's */
	upd_format_time(c->st.installed_at, t);
	upd_format_time(c->st.fresh, f);
	stale = now - c->st.fresh > STALE_AFTER_S;
	printf("database: release %llu (%s), installed %s\n"
	       "%s %s, %lld s ago\nstatus: %s\n",
	       (unsigned long long)c->st.installed, c->st.installed_dir, t,
	       clamav ? "ClamAV databases: the newest built" :
			"metadata: last verified", f,
	       (long long)(now - c->st.fresh),
	       !stale ? "OK" : clamav ? "STALE (no database built in the "
					"last 24 hours)" :
			"STALE (no verified metadata for over 24 hours)");
	return stale ? 3 : 0;
}

static int clear_alarm(struct uctx *c)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/state/ALARM", c->dir);
	if (unlink(path) < 0) {
		printf("no alarm in %s\n", c->dir);
		return 1;
	}
	printf("alarm cleared\n");
	return 0;
}

/* "YYYY-MM-DD HH:MM:SS UTC" of t. */
static void say_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) ||
	    !strftime(out, 32, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(out, 32, "%lld", (long long)t);
}

/*
 * Checks at once (as freshclam does at start), then once in each period of
 * a day / checks, at a random moment within it: no fingerprint by time.
 * Every cycle says when it ran and when the next one is.
 */
static int schedule(struct uctx *c, unsigned checks)
{
	unsigned period = 86400 / checks;
	char when[32];
	int64_t next;

	printf("vigil-update: %u checks a day of %s (%s, %s) into %s, from %u "
	       "mirror(s); the first now\n", checks, c->target, c->channel,
	       c->type, c->dir, c->nmirrors);
	for (;;) {
		say_time(clock_now(), when);
		printf("vigil-update: checking at %s\n", when);
		fflush(stdout);
		once(c);
		next = clock_now() - clock_now() % period + period +
		       randombytes_uniform(period);
		say_time(next, when);
		printf("vigil-update: next check at %s\n", when);
		fflush(stdout);
		while (clock_now() < next)
			sleep((unsigned)(next - clock_now()));
	}
	return 0;
}

/* --config FILE, or the default one when it is there: 0, or -1 said. */
static int read_config(struct uctx *c, struct updconf *f, const char *path)
{
	char err[1024];

	if (!path && access(VIGIL_UPDATE_DEFAULT_CONFIG, F_OK) == 0)
		path = VIGIL_UPDATE_DEFAULT_CONFIG;
	if (path && updconf_load(f, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "vigil-update: %s\n", err);
		return -1;
	}
	if (path)
		updconf_apply(f, c);
	if (!c->target)
		c->target = "db/main";
	if (!c->channel)
		c->channel = "stable";
	if (!c->type)
		c->type = "sigdb";
	if (!c->cvd_names)
		c->cvd_names = CLAMAV_DEFAULT_DBS;
	return 0;
}

/* The options into c: the mode letter, 0 when none, -1 for bad usage. */
static int parse_args(int argc, char **argv, struct uctx *c,
		      const char **config)
{
	static const struct option lo[] = {
		{ "mirror", required_argument, NULL, 'm' },
		{ "trust", required_argument, NULL, 't' },
		{ "dir", required_argument, NULL, 'd' },
		{ "target", required_argument, NULL, 'T' },
		{ "channel", required_argument, NULL, 'c' },
		{ "type", required_argument, NULL, 'y' },
		{ "reload", required_argument, NULL, 'r' },
		{ "from-clamav", required_argument, NULL, 'F' },
		{ "databases", required_argument, NULL, 'D' },
		{ "cvdcertsdir", required_argument, NULL, 'K' },
		{ "cvd-key", required_argument, NULL, 'k' },
		{ "config", required_argument, NULL, 'f' },
		{ "once", no_argument, NULL, 'o' },
		{ "schedule", no_argument, NULL, 's' },
		{ "status", no_argument, NULL, 'S' },
		{ "audit", no_argument, NULL, 'A' },
		{ "clear-alarm", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int o, mode = 0, kinds = 0;

	optind = 1;
	while ((o = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (o) {
		case 'm': case 'F':
			if (c->nmirrors < MAX_MIRRORS)
				c->mirrors[c->nmirrors++] = optarg;
			kinds |= o == 'F' ? 2 : 1;
			c->clamav = o == 'F';
			break;
		case 'D': c->cvd_names = optarg; break;
		case 'K': c->certs_dir = optarg; break;
		case 'k': c->cvd_key = optarg; break;
		case 't': c->trust = optarg; break;
		case 'd': c->dir = optarg; break;
		case 'T': c->target = optarg; break;
		case 'c': c->channel = optarg; break;
		case 'y': c->type = optarg; break;
		case 'r': c->reload_sock = optarg; break;
		case 'f': *config = optarg; break;
		case 'o': case 's': case 'S': case 'A': case 'C':
			mode = o;
			break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	return kinds == 3 ? -1 : mode; /* --mirror or --from-clamav */
}

static int run(struct uctx *c, int mode, unsigned checks)
{
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	c->fetch_fd = -1;
	if (mode == 'A')
		rc = upd_audit(c);
	else
		rc = mode == 'o' ? once(c) : schedule(c, checks);
	upd_split_stop(c);
	curl_global_cleanup();
	free(c->root_text);
	return rc;
}

int upd_cli(int argc, char **argv)
{
	static struct uctx c;
	static struct updconf f;
	const char *config = NULL;
	int mode, rc;

	c.fo.low_speed_bytes = FETCH_LOW_SPEED_BYTES;
	c.fo.low_speed_s = FETCH_LOW_SPEED_S;
	c.fo.deadline_s = FETCH_DEADLINE_S;
	if (getenv("VIGIL_TEST_LOW_SPEED_S")) /* test hook: seconds, not 30 */
		c.fo.low_speed_s = atol(getenv("VIGIL_TEST_LOW_SPEED_S"));
	if ((mode = parse_args(argc, argv, &c, &config)) < 0) {
		usage(stderr);
		return 2;
	}
	if (read_config(&c, &f, config) < 0)
		return 2;
	if (!c.dir || !mode ||
	    (mode != 'S' && mode != 'A' && mode != 'C' && !c.nmirrors) ||
	    upd_crypto_setup() < 0) {
		usage(stderr);
		updconf_free(&f);
		return 2;
	}
	if (mode == 'S')
		rc = status(&c);
	else if (mode == 'C')
		rc = clear_alarm(&c);
	else
		rc = run(&c, mode, f.checks ? f.checks : UPDCONF_DEFAULT_CHECKS);
	updconf_free(&f);
	return rc;
}
