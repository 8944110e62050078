/*
 * main.c -- vigil-shield: the XDP filter's daemon (run) and the commands
 * that talk to it over its control socket.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: vigil-shield run --interface IF [--config FILE] "
		"[--socket PATH]\n"
		"       vigil-shield block PREFIX | unblock PREFIX | allow PREFIX "
		"|\n                    unallow PREFIX [--socket PATH]\n"
		"       vigil-shield check-config FILE | check-rules FILE\n"
		"       vigil-shield status --json [--socket PATH]\n"
		"       vigil-shield rules | attacks | metrics [--socket PATH]\n"
		"       vigil-shield report --format json|stix [--socket PATH]\n"
		"\n"
		"run attaches the XDP filter, detects floods from its samples "
		"and answers\nthem with local rules, then (with a local BIRD 2) "
		"BGP FlowSpec and blackhole\nroutes upstream, withdrawn when "
		"the attack is over. Nothing overrides the\nallowlist. The "
		"commands that ask the running daemon use a socket that "
		"defaults to\n%s; check-config and check-rules read a file "
		"the way run and\nrules-file would, alone. See vigil-shield(8).\n"
		"Exit status: 0 done, 1 refused or failed, 2 usage.\n",
		SHIELD_DEFAULT_SOCKET);
}

/*
 * Sends one command line and copies the JSON answer, however long, to
 * stdout; 0 if it is not a refusal ({"ok":false,...}, one line).
 */
static int ask(const char *sock, const char *cmd, const char *arg)
{
	static const char refusal[] = "{\"ok\":false";
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char line[512], buf[65536], head[sizeof(refusal) - 1];
	size_t got = 0, k;
	ssize_t n;
	int fd;

	if (strlen(sock) >= sizeof(sa.sun_path))
		return 1;
	strcpy(sa.sun_path, sock);
	snprintf(line, sizeof(line), "%s%s%s\n", cmd, arg ? " " : "",
		 arg ? arg : "");
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    write(fd, line, strlen(line)) < 0) {
		perror("vigil-shield: the daemon's socket");
		if (fd >= 0)
			close(fd);
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (k = 0; got < sizeof(head) && k < (size_t)n; k++)
			head[got++] = buf[k];
		fwrite(buf, 1, (size_t)n, stdout);
	}
	close(fd);
	if (fflush(stdout) != 0 || n < 0)
		return 1;
	return !got || (got == sizeof(head) && !memcmp(head, refusal, got));
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "interface", required_argument, NULL, 'i' },
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ifname = NULL, *config = NULL, *sock = SHIELD_DEFAULT_SOCKET;
	const char *cmd, *format = "json";
	int o;

	while ((o = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (o) {
		case 'i': ifname = optarg; break;
		case 'c': config = optarg; break;
		case 's': sock = optarg; break;
		case 'j': break; /* status answers in JSON */
		case 'f': format = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	if (!strcmp(cmd, "run") && ifname && optind + 1 == argc)
		return shield_run(ifname, config, sock);
	if ((!strcmp(cmd, "status") || !strcmp(cmd, "rules") ||
	     !strcmp(cmd, "attacks") || !strcmp(cmd, "metrics")) &&
	    optind + 1 == argc)
		return ask(sock, cmd, NULL);
	if (!strcmp(cmd, "report") && optind + 1 == argc &&
	    (!strcmp(format, "json") || !strcmp(format, "stix")))
		return ask(sock, "report", format);
	if (!strcmp(cmd, "disallow"))
		cmd = "unallow";
	if ((!strcmp(cmd, "block") || !strcmp(cmd, "unblock") ||
	     !strcmp(cmd, "allow") || !strcmp(cmd, "unallow")) &&
	    optind + 2 == argc)
		return ask(sock, cmd, argv[optind + 1]);
	if (!strcmp(cmd, "check-config") && optind + 2 == argc)
		return shield_config_check(argv[optind + 1]) < 0;
	if (!strcmp(cmd, "check-rules") && optind + 2 == argc)
		return feed_check_file(argv[optind + 1]) < 0;
	usage(stderr);
	return 2;
}
