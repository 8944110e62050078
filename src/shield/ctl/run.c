/*
 * run.c -- `vigil-shield run`: loads the XDP program, attaches it to an
 * interface, applies the configuration, and runs one loop: the control
 * socket, the metrics port, the program's samples into the detector, and
 * once a second the action ladder. Detaches (and withdraws everything
 * upstream) on SIGTERM or SIGINT.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "report.h"
#pragma GCC diagnostic push /* bpftool's generated code */
#pragma GCC diagnostic ignored "-Wcast-qual"
#include "shield.skel.h"
#pragma GCC diagnostic pop

static volatile sig_atomic_t stop, reread;
static struct shield_state state; /* one daemon, one state */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reread = 1;
	else
		stop = 1;
}

static int listen_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	strcpy(sa.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0600) < 0 || listen(fd, 16) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int listen_tcp(const char *addr, unsigned port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port) };
	int fd, one = 1;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				 sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 16) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* A client gets a quarter of a second each way: the loop that detects
 * attacks must not wait on one that is slow or silent. */
static void bound(int fd)
{
	struct timeval tv = { 0, 250000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* One scrape: whatever the request, the metrics. */
static void serve_metrics(int fd)
{
	char req[2048];
	FILE *out;

	bound(fd);
	if (read(fd, req, sizeof(req)) <= 0 || !(out = fdopen(fd, "w"))) {
		close(fd);
		return;
	}
	fputs("HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
	      "Connection: close\r\n\r\n", out);
	shield_metrics(&state, out);
	fclose(out);
}

static int on_sample(void *ctx, void *data, size_t len)
{
	const struct shield_sample *s = data;

	(void)ctx;
	if (len != sizeof(*s))
		return 0;
	if (s->verdict == SHIELD_SAMPLE_ICS) { /* every one, not a sample */
		ics_record(&state.ics, s, now_s());
		return 0;
	}
	detect_sample(&state.det, data);
	return 0;
}

enum { LOG_START = 1, LOG_FLOWSPEC = 2, LOG_RTBH = 4, LOG_END = 8 };

/* One line for each event of each attack, the reason and the rate in it
 * (grep-able: "attack N"). */
static void log_attacks(struct detector *d)
{
	char dst[64];
	unsigned i;

	for (i = 0; i < d->nattacks; i++) {
		struct attack *a = &d->attacks[i];

		attack_target(a, dst, sizeof(dst));
		if (!(a->logged & LOG_START)) {
			printf("vigil-shield: attack %u on %s started: %s, "
			       "%llu packets/s, %llu bits/s\n", a->id, dst,
			       attack_kind(a), (unsigned long long)a->peak[V_PPS],
			       (unsigned long long)a->peak[V_BPS]);
			a->logged |= LOG_START;
		}
		if (a->t_flowspec && !(a->logged & LOG_FLOWSPEC)) {
			printf("vigil-shield: attack %u on %s: FlowSpec "
			       "announced upstream\n", a->id, dst);
			a->logged |= LOG_FLOWSPEC;
		}
		if (a->t_rtbh && !(a->logged & LOG_RTBH)) {
			printf("vigil-shield: attack %u on %s: blackhole "
			       "announced upstream (65535:666)\n", a->id, dst);
			a->logged |= LOG_RTBH;
		}
		if (!a->active && !(a->logged & LOG_END)) {
			printf("vigil-shield: attack %u on %s ended after %.0f s; "
			       "peak %llu packets/s\n", a->id, dst,
			       a->end - a->start,
			       (unsigned long long)a->peak[V_PPS]);
			a->logged |= LOG_END;
		}
	}
	fflush(stdout);
}

/* The routes to announce: DOTS clients' diversions, anycast prefixes. */
static void gather_routes(void)
{
	struct mitigator *m = &state.mit;

	m->nroutes = dots_server_routes(&state.dots, m->routes,
					MITIGATE_MAX_ROUTES);
	m->nroutes += anycast_routes(&state.any, m->routes + m->nroutes,
				     MITIGATE_MAX_ROUTES - m->nroutes);
}

/* Rules DOTS clients asked for, in force at once (not a second later). */
static void dots_apply(double now)
{
	if (!state.dots.rules_changed)
		return;
	dots_server_rules(&state.dots);
	gather_routes();
	mitigate(&state.mit, &state.det, now);
}

/* Every packet the XDP program has seen. */
static uint64_t packets_seen(void)
{
	uint64_t n = 0;
	unsigned i;

	for (i = 0; i < SC_COUNT; i++)
		n += shield_counter(&state, i);
	return n;
}

static void tick(void)
{
	double now = now_s();
	unsigned before = state.mit.nrules;

	if (reread) {
		reread = 0;
		feed_check(&state, 1, now);
	}
	if (now - state.det.window_start < 1.0)
		return;
	feed_check(&state, 0, now);
	detect_tick(&state.det, now);
	if (anycast_tick(&state.any, packets_seen(), now))
		gather_routes();
	mitigate(&state.mit, &state.det, now);
	dots_tick(&state.dots, now);
	dots_apply(now);
	log_attacks(&state.det);
	if (state.mit.nrules != before) {
		printf("vigil-shield: %u attack rule%s active\n", state.mit.nrules,
		       state.mit.nrules == 1 ? "" : "s");
		fflush(stdout);
	}
}

/* The sockets and the samples, until a signal says stop. */
static void serve_loop(int lfd, int mfd)
{
	struct ring_buffer *rb =
		ring_buffer__new(bpf_map__fd(state.skel->maps.samples),
				 on_sample, NULL, NULL);
	struct pollfd p[5] = {
		{ lfd, POLLIN, 0 },
		{ mfd, POLLIN, 0 },
		{ rb ? ring_buffer__epoll_fd(rb) : -1, POLLIN, 0 },
		{ dots_fd(&state.dots), POLLIN, 0 },
		{ dots_data_fd(&state.dots), POLLIN, 0 },
	};
	int c;

	detect_init(&state.det, now_s());
	while (!stop) {
		if (poll(p, 5, 200) > 0) {
			if (p[2].revents & POLLIN)
				ring_buffer__consume(rb);
			if ((p[0].revents & POLLIN) &&
			    (c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
				bound(c);
				shield_serve(&state, c);
			}
			if ((p[1].revents & POLLIN) &&
			    (c = accept4(mfd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
				serve_metrics(c);
		}
		dots_io(&state.dots); /* its timers too: every turn */
		dots_apply(now_s());
		tick();
	}
	ring_buffer__free(rb);
}

/* What a previous run left upstream withdrawn; the anycast routes and
 * the rule set in force at once, not a second later; DOTS started. */
static int first_actions(struct shield_state *st)
{
	if (st->mit.cfg.bird_socket[0])
		mitigate_withdraw_all(&st->mit);
	anycast_init(&st->any, &st->any_cfg, now_s());
	gather_routes();
	if (st->feed.path[0])
		feed_check(st, 1, now_s());
	if (st->feed.path[0] || st->any_cfg.n)
		mitigate(&st->mit, &st->det, now_s());
	return dots_start(&st->dots, &st->dots_cfg, &st->mit, &st->det);
}

/* Program attached and configured, sockets up: 0, or -1 with the reason
 * printed (and nothing left attached). */
static int start(struct shield_state *st, int ifindex, const char *config,
		 const char *sock, int *lfd, int *mfd)
{
	struct shield_bpf *s;

	if (shield_attach(&st->at, ifindex) < 0) {
		if (errno == EBUSY || errno == EEXIST)
			fprintf(stderr, "vigil-shield: %s has another XDP program "
				"and libxdp's dispatcher cannot share it here; "
				"not replacing it (xdp-loader status %s)\n",
				st->ifname, st->ifname);
		else
			fprintf(stderr, "vigil-shield: cannot attach to %s: %s\n",
				st->ifname, strerror(errno));
		return -1;
	}
	s = st->skel = st->at.skel;
	st->mit.maps = (struct shield_maps){ bpf_map__fd(s->maps.rules),
					     bpf_map__fd(s->maps.rule_index),
					     bpf_map__fd(s->maps.config),
				 bpf_map__fd(s->maps.rule_dst) };
	st->mit.allow4 = bpf_map__fd(s->maps.allow4);
	st->mit.allow6 = bpf_map__fd(s->maps.allow6);
	st->mit.hits = bpf_map__fd(s->maps.rule_hits);
	st->mit.buckets = bpf_map__fd(s->maps.rule_buckets);
	if (config && shield_config_load(st, config) < 0)
		return -1;
	if ((*lfd = listen_unix(sock)) < 0 ||
	    (st->metrics_port &&
	     (*mfd = listen_tcp(st->metrics_addr, st->metrics_port)) < 0)) {
		fprintf(stderr, "vigil-shield: cannot start on %s: %s\n",
			st->ifname, strerror(errno));
		return -1;
	}
	st->geo = geo_open(st->geo_path); /* reports without AS if absent */
	return first_actions(st);
}

int shield_run(const char *ifname, const char *config, const char *sock)
{
	int ifindex = (int)if_nametoindex(ifname);
	int lfd = -1, mfd = -1, rc = 1;

	shield_defaults(&state, ifname);
	/* the file first: its mistakes, not the interface's, are named */
	if (config && shield_config_check(config) < 0)
		return 1;
	if (!ifindex) {
		fprintf(stderr, "vigil-shield: %s: %s\n", ifname, strerror(errno));
		return 1;
	}
	if (start(&state, ifindex, config, sock, &lfd, &mfd) < 0)
		goto out;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGHUP, on_signal);
	signal(SIGPIPE, SIG_IGN);
	printf("vigil-shield: filtering on %s (%s), control socket %s\n",
	       ifname, shield_attach_how(&state.at), sock);
	fflush(stdout);
	state.started = now_s();
	serve_loop(lfd, mfd);
	dots_stop(&state.dots); /* its requests withdrawn */
	mitigate_withdraw_all(&state.mit);
	rc = 0;
out:
	dots_stop(&state.dots);
	shield_detach(&state.at);
	if (lfd >= 0) {
		close(lfd);
		unlink(sock);
	}
	if (mfd >= 0)
		close(mfd);
	geo_close(state.geo);
	return rc;
}
