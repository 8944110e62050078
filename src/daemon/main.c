/*
 * main.c -- vigild: a clamd-compatible scanning daemon with an ICAP
 * service. Reads the configuration, loads the database, starts the
 * workers and runs the event loop; in the background unless Foreground.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "server.h"
#include "startcheck.h"

#ifndef VIGILD_DEFAULT_CONFIG
#define VIGILD_DEFAULT_CONFIG "/etc/vigil/vigild.conf"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: vigild [OPTIONS]\n"
		"\n"
		"A clamd-compatible scanning daemon (clamd protocol on a unix "
		"socket and TCP,\nICAP for proxies, Prometheus metrics).\n"
		"\n"
		"  -c, --config-file=FILE  configuration (default %s)\n"
		"  -F, --foreground        stay in the foreground, log to "
		"stderr too\n"
		"      --check-config      read the configuration, print the "
		"effective\n"
		"                          settings and exit (0: valid)\n"
		"  -V, --version           print the version and exit\n"
		"  -h, --help              this help\n"
		"\n"
		"Signals: SIGHUP reopens the log and reloads, SIGUSR2 "
		"reloads, SIGTERM stops.\n"
		"Exit status: 0 stopped cleanly, 1 configuration or start-up "
		"error.\n", VIGILD_DEFAULT_CONFIG);
}

/*
 * Goes to the background. The process started by the user waits until the
 * daemon reports (through *ready_fd) that it serves, and exits 0, or 1 if
 * it failed: so "vigild && ..." and init scripts see start-up errors.
 */
static int daemonize(int *ready_fd)
{
	int p[2], fd;
	char ok = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0)
		return -1;
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &ok, 1) != 1)
			ok = 0;
		_exit(ok == '1' ? 0 : 1);
	}
	close(p[0]);
	if (setsid() < 0 || (pid = fork()) < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0 || (fd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0)
		return -1;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
	*ready_fd = p[1];
	return 0;
}

static void report_ready(int *ready_fd, int ok)
{
	if (*ready_fd < 0)
		return;
	if (write(*ready_fd, ok ? "1" : "0", 1) < 0)
		errno = 0;
	close(*ready_fd);
	*ready_fd = -1;
}

static void write_pid(const char *path)
{
	FILE *f = fopen(path, "we");

	if (!f) {
		vlog(LOG_WARNING, "cannot write %s: %s", path, strerror(errno));
		return;
	}
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
}

struct args {
	const char *config;
	int foreground, check;
};

static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option longopts[] = {
		{ "config-file", required_argument, NULL, 'c' },
		{ "foreground", optional_argument, NULL, 'F' },
		{ "check-config", no_argument, NULL, 'C' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int o;

	a->config = VIGILD_DEFAULT_CONFIG;
	while ((o = getopt_long(argc, argv, "c:FVh", longopts, NULL)) != -1) {
		switch (o) {
		case 'c': a->config = optarg; break;
		case 'F':
			a->foreground = !optarg || !strcmp(optarg, "yes") ||
					!strcmp(optarg, "true");
			break;
		case 'C': a->check = 1; break;
		case 'V':
			printf("vigild %s (libvigil %s)\n", VIGIL_VERSION_STRING,
			       vigil_version());
			exit(0);
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vigild: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	return 0;
}

/* --check-config: every check of a start, the database's load included;
 * the settings in force on stdout. */
static int check_config(struct vconf *conf, const char *path)
{
	struct db_info info = { 0 };
	char err[1024];
	int rc = start_check(conf, err, sizeof(err));

	if (rc < 0) {
		fprintf(stderr, "vigild: %s: %s\n", path, err);
		conf_free(conf);
		return 1;
	}
	rc = server_check_database(conf, &info, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "vigild: cannot load the database: %s\n", err);
	else
		printf("# database %s: %llu signatures\n", conf->db_dir,
		       (unsigned long long)info.signatures);
	if (rc == 0)
		conf_print(conf, stdout);
	conf_free(conf);
	return rc < 0;
}

int main(int argc, char **argv)
{
	static struct server srv;
	struct vconf conf;
	struct args a = { 0 };
	char err[1024];
	int rc = 1, ready_fd = -1;

	if (parse_args(argc, argv, &a) < 0)
		return 1;
	conf_defaults(&conf);
	if (conf_load(&conf, a.config, err, sizeof(err)) < 0) {
		fprintf(stderr, "vigild: %s\n", err);
		conf_free(&conf);
		return 1;
	}
	if (a.check)
		return check_config(&conf, a.config);
	if (a.foreground)
		conf.foreground = 1;
	if (log_open(&conf, conf.foreground) < 0) {
		fprintf(stderr, "vigild: cannot open the log %s: %s\n",
			conf.log_file, strerror(errno));
		log_close();
		conf_free(&conf);
		return 1;
	}
	if (start_check(&conf, err, sizeof(err)) < 0) {
		vlog(LOG_ERR, "%s: %s", a.config, err);
		if (!conf.foreground) /* the log went to a file only */
			fprintf(stderr, "vigild: %s: %s\n", a.config, err);
		goto out;
	}
	if (!conf.foreground && daemonize(&ready_fd) < 0) {
		vlog(LOG_ERR, "cannot run in the background: %s",
		     strerror(errno));
		goto out;
	}
	if (conf.pid_file)
		write_pid(conf.pid_file);
	if (server_init(&srv, &conf) == 0) {
		report_ready(&ready_fd, 1);
		rc = server_run(&srv);
	}
	report_ready(&ready_fd, 0);
	server_free(&srv);
	if (conf.pid_file)
		unlink(conf.pid_file);
	vlog(LOG_NOTICE, "vigild stopped");
out:
	log_close();
	conf_free(&conf);
	return rc;
}
