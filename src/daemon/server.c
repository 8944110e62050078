/*
 * server.c -- vigild's parent: one thread running an epoll loop over the
 * listeners, the connections, the workers' sockets, a signalfd and the
 * loader's eventfd. Nothing here blocks on a client or a scan; the only
 * other thread is the database loader during a reload, and no worker is
 * forked while it runs.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clamd.h"
#include "common/confine.h"
#include "http.h"
#include "icap.h"
#include "listen.h"
#include "log.h"
#include "oninfected.h"
#include "metrics.h"
#include "notify.h"
#include "proto.h"
#include "server.h"
#include "startcheck.h"
#include "virusevent.h"

/* How often deadlines are checked, in milliseconds. */
#define TICK_MS 200
/* Connections accepted per listener event before others get a turn. */
#define ACCEPT_BATCH 64

static int add_listener(struct server *s, int fd, int is_unix,
			enum conn_proto proto)
{
	struct listener *l;

	if (s->nlisteners == SERVER_MAX_LISTENERS) {
		close(fd);
		return -1;
	}
	l = &s->listeners[s->nlisteners++];
	l->ev.kind = EV_LISTENER;
	l->fd = fd;
	l->is_unix = is_unix;
	l->proto = proto;
	l->ops = proto == PROTO_CLAMD ? &clamd_ops :
		 proto == PROTO_ICAP ? &icap_ops : &metrics_ops;
	return ev_add(s->epfd, fd, EPOLLIN, &l->ev);
}

static int tcp_listener(struct server *s, const char *addr, unsigned port,
			enum conn_proto proto)
{
	char err[512];
	int fd = listen_tcp(addr, port, err, sizeof(err));

	if (fd < 0) {
		vlog(LOG_ERR, "cannot listen: %s", err);
		return -1;
	}
	vlog(LOG_INFO, "listening on %s port %u (%s)", addr, port,
	     proto == PROTO_CLAMD ? "clamd" : proto == PROTO_ICAP ? "ICAP" :
	     "metrics");
	return add_listener(s, fd, 0, proto);
}

/* systemd's sockets: a TCP one on the ICAP port is ICAP, others clamd. */
static int inherited_listeners(struct server *s, int n)
{
	int i, un;
	unsigned port;

	for (i = 0; i < n; i++) {
		un = listen_describe(3 + i, &port);
		if (add_listener(s, 3 + i, un == 1,
				 un == 0 && port && port == s->conf->icap_port ?
					 PROTO_ICAP : PROTO_CLAMD) < 0)
			return -1;
	}
	vlog(LOG_INFO, "received %d socket(s) from systemd", n);
	return 0;
}

static int has_proto(const struct server *s, enum conn_proto p)
{
	unsigned i;

	for (i = 0; i < s->nlisteners; i++)
		if (s->listeners[i].proto == p)
			return 1;
	return 0;
}

static int open_listeners(struct server *s)
{
	struct vconf *c = s->conf;
	int n = listen_inherited(), fd;
	char err[512];

	if (n > 0 && inherited_listeners(s, n) < 0)
		return -1;
	if (n == 0 && c->local_socket) {
		fd = listen_unix(c->local_socket, c->local_socket_mode,
				 c->local_socket_group, c->fix_stale_socket, err,
				 sizeof(err));
		if (fd < 0) {
			vlog(LOG_ERR, "cannot listen: %s", err);
			return -1;
		}
		vlog(LOG_INFO, "listening on %s", c->local_socket);
		s->own_socket = 1;
		if (add_listener(s, fd, 1, PROTO_CLAMD) < 0)
			return -1;
	}
	if (n == 0 && c->tcp_port &&
	    tcp_listener(s, c->tcp_addr ? c->tcp_addr : "127.0.0.1",
			 c->tcp_port, PROTO_CLAMD) < 0)
		return -1;
	if (c->icap_port && !has_proto(s, PROTO_ICAP) &&
	    tcp_listener(s, c->icap_addr ? c->icap_addr : "127.0.0.1",
			 c->icap_port, PROTO_ICAP) < 0)
		return -1;
	if (c->metrics_port &&
	    tcp_listener(s, c->metrics_addr ? c->metrics_addr : "127.0.0.1",
			 c->metrics_port, PROTO_METRICS) < 0)
		return -1;
	if (!s->nlisteners) {
		vlog(LOG_ERR, "nothing to listen on: set LocalSocket, "
		     "TCPSocket or ICAPPort");
		return -1;
	}
	return 0;
}

static int signals(struct server *s)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR2);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	s->sig_ev.kind = EV_SIGNAL;
	s->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (s->sigfd < 0)
		return -1;
	return ev_add(s->epfd, s->sigfd, EPOLLIN, &s->sig_ev);
}

/* Says which protections the workers will have; refuses to start when
 * the kernel lacks a layer, unless AllowUnconfinedWorkers says so. */
static int sandbox_check(const struct vconf *c, unsigned workers)
{
	struct confine_report r;
	char said[256];

	if (!c->worker_sandbox) {
		vlog(LOG_WARNING, "%u worker processes, NOT confined "
		     "(WorkerSandbox no)", workers);
		return 0;
	}
	confine_probe(&r);
	confine_describe(&r, said, sizeof(said));
	if (r.landlock_abi && r.seccomp) {
		vlog(LOG_INFO, "%u worker processes, confined: %s", workers,
		     said);
		return 0;
	}
	if (!c->allow_unconfined) {
		vlog(LOG_ERR, "the workers cannot be confined: %s; refusing to "
		     "start (AllowUnconfinedWorkers yes runs them with what "
		     "this kernel has)", r.why);
		return -1;
	}
	vlog(LOG_WARNING, "%u worker processes, PARTLY confined or not at "
	     "all (AllowUnconfinedWorkers yes): %s", workers, said);
	return 0;
}

/* The families clamd.conf's Scan<Family> keys turn off. */
static unsigned skip_families(const struct vconf *c)
{
	return (c->scan_archive ? 0 : VIGIL_FAMILY_ARCHIVE) |
	       (c->scan_mail ? 0 : VIGIL_FAMILY_MAIL) |
	       (c->scan_html ? 0 : VIGIL_FAMILY_HTML) |
	       (c->scan_pdf ? 0 : VIGIL_FAMILY_PDF) |
	       (c->scan_ole2 ? 0 : VIGIL_FAMILY_OLE2) |
	       (c->scan_pe ? 0 : VIGIL_FAMILY_PE) |
	       (c->scan_elf ? 0 : VIGIL_FAMILY_ELF) |
	       (c->scan_swf ? 0 : VIGIL_FAMILY_SWF) |
	       (c->scan_xmldocs ? 0 : VIGIL_FAMILY_XMLDOCS) |
	       (c->scan_hwp3 ? 0 : VIGIL_FAMILY_HWP) |
	       (c->scan_onenote ? 0 : VIGIL_FAMILY_ONENOTE) |
	       (c->scan_image ? 0 : VIGIL_FAMILY_IMAGE) |
	       (c->scan_image_fuzzy ? 0 : VIGIL_FAMILY_IMAGE_FUZZY);
}

/* What clamd.conf says the engine loads. */
static unsigned engine_flags(const struct vconf *c)
{
	return (c->phishing_sigs ? 0 : VIGIL_ENGINE_NO_PHISHING_SIGS) |
	       (c->phishing_urls ? 0 : VIGIL_ENGINE_NO_PHISHING_URLS);
}

/* The heuristics' keys (clamd's names and defaults). */
static unsigned heuristic_flags(const struct vconf *c)
{
	return (c->heuristic_alerts ? 0 : VIGIL_SCAN_NO_HEURISTIC_ALERTS) |
	       (c->heuristic_precedence ? VIGIL_SCAN_HEURISTIC_PRECEDENCE : 0) |
	       (c->alert_broken ? VIGIL_SCAN_ALERT_BROKEN : 0) |
	       (c->alert_broken_media ? VIGIL_SCAN_ALERT_BROKEN_MEDIA : 0) |
	       (c->structured ? VIGIL_SCAN_DETECT_STRUCTURED : 0) |
	       (c->structured_cc_only ? VIGIL_SCAN_STRUCTURED_CC_ONLY : 0) |
	       (c->structured_ssn_normal ?
			VIGIL_SCAN_STRUCTURED_SSN_NORMAL : 0) |
	       (c->structured_ssn_stripped ?
			VIGIL_SCAN_STRUCTURED_SSN_STRIPPED : 0) |
	       (c->alert_phishing_ssl ? VIGIL_SCAN_ALERT_PHISHING_SSL : 0) |
	       (c->alert_phishing_cloak ? VIGIL_SCAN_ALERT_PHISHING_CLOAK : 0) |
	       (c->alert_partition_intersection ?
			VIGIL_SCAN_ALERT_PARTITION_INTERSECTION : 0);
}

/* The scan flags clamd.conf's keys ask for. */
static unsigned scan_flags(const struct vconf *c)
{
	unsigned f = 0;

	if (c->limits_warn)
		f |= VIGIL_SCAN_LIMITS_WARN;
	if (c->alert_exceeds_max)
		f |= VIGIL_SCAN_ALERT_EXCEEDS_MAX;
	if (c->alert_macros)
		f |= VIGIL_SCAN_ALERT_MACROS;
	if (!c->alert_encrypted || !c->alert_encrypted_archive)
		f |= VIGIL_SCAN_NO_ALERT_ENCRYPTED_ARCHIVE;
	if (!c->alert_encrypted || !c->alert_encrypted_doc)
		f |= VIGIL_SCAN_NO_ALERT_ENCRYPTED_DOC;
	return f | heuristic_flags(c);
}

static int pool_setup(struct server *s, struct vigil_engine *e)
{
	struct vconf *c = s->conf;
	struct pool_config pc = { 0 };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	pc.workers = c->max_threads ? c->max_threads :
				      (unsigned)(cpus > 0 ? cpus : 1);
	pc.max_queue = c->max_queue ? c->max_queue : 1;
	pc.queue_timeout_s = c->queue_timeout_s;
	pc.timeout_s = c->worker_timeout_s ? c->worker_timeout_s :
		       (c->max_scan_ms ? c->max_scan_ms / 1000 :
					 VIGIL_DEFAULT_MAX_SECONDS) + 10;
	pc.max_scans = c->worker_max_scans;
	pc.max_memory = c->worker_max_memory;
	pc.sandbox = c->worker_sandbox;
	pc.allow_unconfined = c->allow_unconfined;
	pc.probe = c->debug_sandbox_probe;
	pc.opts.size = sizeof(pc.opts);
	pc.opts.flags = scan_flags(c);
	pc.opts.skip_families = skip_families(c);
	pc.opts.structured_cc_count = c->structured_cc_count;
	pc.opts.structured_ssn_count = c->structured_ssn_count;
	pc.opts.threads = c->worker_helpers < VIGIL_MAX_SCAN_THREADS ?
				  c->worker_helpers : VIGIL_MAX_SCAN_THREADS;
	pc.opts.max_filesize = c->max_file_bytes;
	pc.opts.max_scansize = c->max_scan_bytes;
	pc.opts.max_files = c->max_files;
	pc.opts.max_depth = c->max_recursion;
	pc.opts.max_seconds = c->max_scan_ms ? (c->max_scan_ms + 999) / 1000 : 0;
	pc.opts.pcre_match_limit = c->pcre_match_limit;
	pc.opts.pcre_recmatch_limit = c->pcre_recmatch_limit;
	pc.opts.pcre_max_filesize = c->pcre_max_file_bytes ?
					    c->pcre_max_file_bytes : UINT64_MAX;
	if (sandbox_check(c, pc.workers) < 0 ||
	    pool_new(&s->svc.pool, s->epfd, &pc) < 0 ||
	    pool_set_engine(s->svc.pool, e) < 0)
		return -1;
	return 0;
}

/* A database served by the quick matcher gets its compiled one built by a
 * process of its own at low priority, once per database; when that is in
 * the cache, a reload (quick then) switches to it. */
static void start_compiler(struct server *s)
{
	if (!s->svc.db.quick_matchers || !s->conf->cache_dir ||
	    s->compiler > 0 ||
	    !strcmp(s->compiled_for, s->svc.db.fingerprint))
		return;
	memcpy(s->compiled_for, s->svc.db.fingerprint,
	       sizeof(s->compiled_for));
	s->compiler = db_compile_start(&s->loader.src);
	if (s->compiler < 0) {
		s->compiler = 0;
		vlog(LOG_WARNING, "cannot start compiling the full matcher: "
		     "%s", strerror(errno));
		return;
	}
	vlog(LOG_NOTICE, "compiling the full matcher of %llu database "
	     "part(s) in the background (pid %d)",
	     (unsigned long long)s->svc.db.quick_matchers, (int)s->compiler);
}

/* A load may read files whole that changed too recently for a stamp
 * (an update's, the cache files a compile wrote): all changed before it
 * began, so they have settled two seconds after it ends. Then a process
 * stamps them (vigil_engine_settle()), so that the next reload need not
 * read them whole again; not while a reload runs, when the copies of
 * pages the daemon writes would add to its memory. */
#define SETTLE_AFTER_S 2.2

static void plan_settle(struct server *s)
{
	s->settle_at = s->svc.db.unsettled && s->conf->cache_dir ?
			       ev_now() + SETTLE_AFTER_S : 0;
}

static void settle(struct server *s, double now)
{
	if (!s->settle_at || now < s->settle_at || s->loader.running ||
	    s->settler > 0)
		return;
	s->settle_at = 0;
	s->settler = db_settle_start(pool_engine(s->svc.pool));
	if (s->settler < 0) {
		s->settler = 0;
		vlog(LOG_WARNING, "cannot start stamping the database's files: "
		     "%s", strerror(errno));
		return;
	}
	vlog(LOG_DEBUG, "stamping %llu file(s) the load read whole (pid %d)",
	     (unsigned long long)s->svc.db.unsettled, (int)s->settler);
}

int server_check_database(const struct vconf *conf, struct db_info *info,
			  char *err, size_t errlen)
{
	struct vigil_engine *e = NULL;
	struct db_source src = { conf->db_dir, conf->cache_dir,
				 conf->certs_dir, engine_flags(conf) };

	if (db_build(&src, &e, info, err, errlen) < 0)
		return -1;
	vigil_engine_free(e);
	return 0;
}

/* Watches the database directory for .vdb files written over in place;
 * without inotify, SelfCheck alone sees such a change. */
static void watch_db(struct server *s)
{
	if (dbwatch_open(&s->watch, s->conf->db_dir) < 0 ||
	    ev_add(s->epfd, s->watch.fd, EPOLLIN, &s->watch.ev) < 0) {
		vlog(LOG_WARNING, "%s: cannot watch for files written in "
		     "place: %s", s->conf->db_dir, strerror(errno));
		dbwatch_close(&s->watch);
		return;
	}
	dbwatch_remember(&s->watch);
}

int server_init(struct server *s, struct vconf *conf)
{
	struct vigil_engine *e = NULL;
	struct db_source src;
	char err[512] = "";

	memset(s, 0, sizeof(*s));
	s->conf = conf;
	s->svc.conf = conf;
	s->sigfd = -1;
	s->watch.fd = -1;
	s->svc.started_at = ev_now();
	if ((s->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 || signals(s) < 0) {
		vlog(LOG_ERR, "cannot set up the event loop: %s",
		     strerror(errno));
		return -1;
	}
	/* bound first, as clamd does, so that User need not bind them */
	if (open_listeners(s) < 0 ||
	    http_start(&s->http, &s->svc, s->epfd, err, sizeof(err)) < 0 ||
	    drop_privileges(conf, err, sizeof(err)) < 0) {
		if (*err)
			vlog(LOG_ERR, "%s", err);
		return -1;
	}
	src.dir = conf->db_dir;
	src.cache_dir = conf->cache_dir;
	src.certs_dir = conf->certs_dir;
	src.flags = engine_flags(conf);
	if (db_loader_init(&s->loader, &src) < 0 ||
	    ev_add(s->epfd, s->loader.efd, EPOLLIN, &s->loader.ev) < 0)
		return -1;
	if (db_build(&src, &e, &s->svc.db, err, sizeof(err)) < 0) {
		vlog(LOG_ERR, "cannot load the database: %s", err);
		return -1;
	}
	vlog(LOG_INFO, "database loaded: %llu signatures in %.2f s%s",
	     (unsigned long long)s->svc.db.signatures, s->svc.db.load_seconds,
	     s->svc.db.quick_matchers ? " (quick matcher)" : "");
	if (pool_setup(s, e) < 0) {
		vigil_engine_free(e);
		return -1;
	}
	plan_settle(s);
	start_compiler(s);
	watch_db(s);
	s->next_self_check = ev_now() + conf->self_check_s;
	return 0;
}

static void peer_name(const struct sockaddr_storage *ss, char *out,
		      size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;

		inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
		port = ntohs(in->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
		port = ntohs(in6->sin6_port);
	} else {
		snprintf(out, len, "local");
		return;
	}
	snprintf(out, len, "%s@%u", a, port);
}

static const char *busy_reply(enum conn_proto p)
{
	switch (p) {
	case PROTO_ICAP:
		return "ICAP/1.0 503 Service Unavailable\r\n"
		       "Encapsulated: null-body=0\r\n\r\n";
	case PROTO_METRICS:
		return "HTTP/1.0 503 Service Unavailable\r\n\r\n";
	default:
		return R_BUSY "\n";
	}
}

static void accept_one(struct server *s, struct listener *l, int fd,
		       const struct sockaddr_storage *ss)
{
	unsigned limit = s->conf->max_connections;
	unsigned used = s->svc.nclients;
	int busy = 0;
	char peer[64];
	struct conn *c;

	if (l->proto == PROTO_METRICS) {
		limit = SERVER_MAX_SCRAPERS;
		used = s->nconns - s->svc.nclients;
	}
	if (used >= limit && l->proto == PROTO_CLAMD &&
	    used < limit + SERVER_MAX_REFUSING) {
		s->svc.n.conn_refused++;
		busy = 1; /* answered in the client's own delimiter */
	} else if (used >= limit) {
		const char *r = busy_reply(l->proto);

		s->svc.n.conn_refused++;
		if (send(fd, r, strlen(r), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			errno = 0;
		close(fd);
		return;
	}
	peer_name(ss, peer, sizeof(peer));
	if (!(c = conn_new(&s->svc, s->epfd, fd, l->is_unix, peer, l->proto,
			   busy ? &clamd_busy_ops : l->ops))) {
		close(fd);
		return;
	}
	c->next = s->conns;
	s->conns = c;
	s->nconns++;
	s->svc.nclients += l->proto != PROTO_METRICS;
	s->svc.n.connections++;
	if (c->ops->accept(c) < 0)
		conn_abort(c);
}

static void on_listener(struct server *s, struct listener *l)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int i, fd;

	for (i = 0; i < ACCEPT_BATCH; i++) {
		len = sizeof(ss);
		memset(&ss, 0, sizeof(ss));
		fd = accept4(l->fd, (struct sockaddr *)&ss, &len,
			     SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR)
				vlog(LOG_WARNING, "accept: %s", strerror(errno));
			return;
		}
		accept_one(s, l, fd, &ss);
	}
}

/* Frees the connections aborted during the events just handled: only
 * now, so that no handler is left holding a freed one. */
static void free_dead(struct server *s)
{
	struct conn **pp = &s->conns, *c;

	while ((c = *pp) != NULL) {
		if (!c->dead) {
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		s->nconns--;
		s->svc.nclients -= c->proto != PROTO_METRICS;
		conn_free(c);
	}
}

static void request_reload(struct server *s, const char *why);

static void on_other_child(void *ctx, pid_t pid, int status)
{
	struct server *s = ctx;

	if (pid == s->settler) {
		s->settler = 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			vlog(LOG_DEBUG, "the database's files were not all "
			     "stamped (status %d): the next load reads them "
			     "whole", status);
		return;
	}
	if (virus_event_reaped(pid, status) ||
	    on_infected_reaped(s->conf, pid, status) || pid != s->compiler)
		return;
	s->compiler = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		request_reload(s, "the full matcher is compiled");
	else
		vlog(LOG_WARNING, "compiling the full matcher failed (status "
		     "%d); the quick one keeps serving", status);
}

/* Forks wait while the loader thread runs (see pool_allow_fork). */
static void allow_fork(struct server *s, int allowed)
{
	pool_allow_fork(s->svc.pool, allowed);
	on_infected_hold(s->conf, !allowed);
}

static void request_reload(struct server *s, const char *why)
{
	if (s->loader.running) {
		s->reload_again = 1;
		return;
	}
	vlog(LOG_NOTICE, "reloading the database (%s)", why);
	notify("RELOADING=1");
	allow_fork(s, 0);
	s->load_writes = s->db_writes;
	if (db_loader_start(&s->loader) < 0) {
		vlog(LOG_ERR, "cannot start the database loader");
		allow_fork(s, 1);
		notify("READY=1");
	}
}

/*
 * Jobs held since a .vdb in use was written over start again once a load
 * begun after the last write seen has served (what it loaded passed its
 * checksum); if it failed, they are refused (an error, never a verdict of
 * the changed engine) until one does.
 */
static void release_held(struct server *s, int loaded)
{
	if (!s->db_held || s->load_writes != s->db_writes)
		return;
	if (!loaded) {
		vlog(LOG_ERR, "no database to serve with: scans are refused "
		     "until one loads");
		pool_hold(s->svc.pool, POOL_REFUSE);
		return;
	}
	s->db_held = 0;
	pool_hold(s->svc.pool, POOL_RUN);
	vlog(LOG_NOTICE, "scanning again with the database as written");
}

/* The background compile reads the files too: its matcher would mix the
 * old file's and the new one's bytes. The reload starts another. */
static void stop_compiler(struct server *s)
{
	if (s->compiler > 0 && kill(s->compiler, SIGKILL) == 0)
		waitpid(s->compiler, NULL, 0);
	s->compiler = 0;
	s->compiled_for[0] = '\0';
}

/* A .vdb the engine maps (name, in the database directory, or NULL: one
 * of them) is being written over in place, or has been (closed: its
 * writer is done). */
static void written_over(struct server *s, const char *name, int closed)
{
	s->db_writes++;
	s->last_write = ev_now();
	if (!s->db_held) {
		vlog(LOG_ERR, "%s/%s is being written over while in use: "
		     "scans wait for a reload (replace a .vdb by renaming a "
		     "new file over it)", s->conf->db_dir, name ? name : "*");
		s->db_held = 1;
		pool_hold(s->svc.pool, POOL_WAIT);
		stop_compiler(s);
	}
	if (closed)
		request_reload(s, "a .vdb in use was written over");
}

static void on_db_written(struct server *s)
{
	char name[256] = "?";
	enum dbwatch_news n = dbwatch_read(&s->watch, name, sizeof(name));

	if (n != DBWATCH_NONE)
		written_over(s, name, n == DBWATCH_WRITTEN);
}

static void on_loaded(struct server *s)
{
	struct db_loader *l = &s->loader;
	int ok = 0;

	db_loader_finish(l);
	allow_fork(s, 1);
	if (l->rc < 0) {
		s->svc.n.reloads_failed++;
		vlog(LOG_ERR, "new database refused%s: %s", s->db_held ? "" :
		     ", the old one keeps serving", l->err);
	} else if (pool_set_engine(s->svc.pool, l->engine) < 0) {
		s->svc.n.reloads_failed++;
		vigil_engine_free(l->engine);
	} else {
		s->svc.n.reloads_ok++;
		s->svc.db = l->info;
		vlog(LOG_NOTICE, "database reloaded: %llu signatures in "
		     "%.2f s%s", (unsigned long long)s->svc.db.signatures,
		     s->svc.db.load_seconds, s->svc.db.quick_matchers ?
		     " (quick matcher)" : "");
		plan_settle(s);
		start_compiler(s);
		dbwatch_remember(&s->watch);
		ok = 1;
	}
	release_held(s, ok);
	l->engine = NULL;
	notify("READY=1");
	if (s->reload_again) {
		s->reload_again = 0;
		request_reload(s, "asked again during a reload");
	}
}

static void on_signal(struct server *s)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			pool_reap(s->svc.pool, on_other_child, s);
			break;
		case SIGHUP:
			log_reopen();
			request_reload(s, "SIGHUP");
			break;
		case SIGUSR2:
			request_reload(s, "SIGUSR2");
			break;
		default:
			vlog(LOG_NOTICE, "signal %u: stopping", si.ssi_signo);
			s->stopping = 1;
		}
	}
}

static void self_check(struct server *s, double now)
{
	char fp[64];

	if (!s->conf->self_check_s || now < s->next_self_check)
		return;
	s->next_self_check = now + s->conf->self_check_s;
	/* where inotify does not tell (a network file system) */
	if (!s->db_held && vigil_engine_changed(pool_engine(s->svc.pool)) ==
				   VIGIL_CHANGED_IN_PLACE) {
		written_over(s, NULL, 1);
		return;
	}
	db_fingerprint(s->conf->db_dir, fp);
	if (strcmp(fp, s->svc.db.fingerprint) && !s->loader.running)
		request_reload(s, "the database directory changed");
}

/* A writer that keeps a .vdb in use open but writes no more holds scans
 * this long: the file is then loaded as it is. */
#define WRITE_WAIT_S 30.0

static void write_overdue(struct server *s, double now)
{
	if (!s->db_held || !s->watch.writing ||
	    now - s->last_write < WRITE_WAIT_S)
		return;
	s->last_write = now; /* again after as long, if still open */
	request_reload(s, "a .vdb in use was written over and is still open");
}

static void tick(struct server *s)
{
	double now = ev_now();
	struct conn *c, *next;

	for (c = s->conns; c; c = next) {
		next = c->next;
		if (c->deadline && now > c->deadline) {
			c->deadline = 0;
			c->ops->timeout(c);
		}
	}
	pool_tick(s->svc.pool, now);
	self_check(s, now);
	settle(s, now);
	write_overdue(s, now);
}

static void dispatch(struct server *s, struct epoll_event *e)
{
	struct evsrc *src = e->data.ptr;

	switch (src->kind) {
	case EV_LISTENER:
		on_listener(s, (struct listener *)src);
		break;
	case EV_CONN:
		conn_on_event((struct conn *)src, e->events);
		break;
	case EV_CONN_AUX:
		conn_on_aux_event(src, e->events);
		break;
	case EV_WORKER:
		pool_on_event(s->svc.pool, src, e->events);
		break;
	case EV_SIGNAL:
		on_signal(s);
		break;
	case EV_LOADER:
		on_loaded(s);
		break;
	case EV_DBWATCH:
		on_db_written(s);
		break;
	case EV_HTTP:
	case EV_HTTP_HUP:
	case EV_HTTP_SHIELD:
	case EV_HTTP_PIPE:
		http_on_event(s->http, src, e->events);
		break;
	}
}

/* What the protocols asked of the loop while it handled their events. */
static void asked(struct server *s)
{
	char why[sizeof(s->svc.reload_why)];

	if (s->svc.stop_asked)
		s->stopping = 1;
	if (s->svc.reload_why[0]) {
		memcpy(why, s->svc.reload_why, sizeof(why));
		s->svc.reload_why[0] = '\0';
		request_reload(s, why);
	}
}

int server_run(struct server *s)
{
	struct epoll_event ev[64];
	double last_tick = ev_now();
	int i, n;

	notify("READY=1");
	vlog(LOG_NOTICE, "vigild %s ready", VIGIL_VERSION_STRING);
	while (!s->stopping) {
		n = epoll_wait(s->epfd, ev, 64, http_busy(s->http) ? 0 : TICK_MS);
		if (n < 0 && errno != EINTR) {
			vlog(LOG_ERR, "epoll_wait: %s", strerror(errno));
			return 1;
		}
		for (i = 0; i < n; i++)
			dispatch(s, &ev[i]);
		http_run(s->http); /* timeouts, and connections resumed */
		asked(s);
		free_dead(s);
		pool_free_dead(s->svc.pool);
		if (ev_now() - last_tick >= TICK_MS / 1000.0) {
			last_tick = ev_now();
			tick(s);
			free_dead(s);
		}
	}
	notify("STOPPING=1");
	return 0;
}

void server_free(struct server *s)
{
	struct conn *c;
	unsigned i;

	for (c = s->conns; c; c = c->next)
		conn_abort(c);
	free_dead(s);
	http_free(s->http); /* while the pool can still cancel its scans */
	db_loader_free(&s->loader);
	dbwatch_close(&s->watch);
	if (s->compiler > 0 && kill(s->compiler, SIGKILL) == 0)
		waitpid(s->compiler, NULL, 0);
	if (s->settler > 0 && kill(s->settler, SIGKILL) == 0)
		waitpid(s->settler, NULL, 0);
	pool_free(s->svc.pool);
	for (i = 0; i < s->nlisteners; i++)
		close(s->listeners[i].fd);
	if (s->own_socket)
		unlink(s->conf->local_socket);
	if (s->sigfd >= 0)
		close(s->sigfd);
	if (s->epfd >= 0)
		close(s->epfd);
}
