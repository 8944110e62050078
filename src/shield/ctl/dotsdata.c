/*
 * dotsdata.c -- the DOTS data channel server (RFC 8783: RESTCONF, JSON,
 * over HTTPS), on libmicrohttpd in the shield's one loop (its epoll
 * descriptor polled, MHD_run called; no thread of its own). A client
 * presents a certificate signed by `dots-data-ca`; its common name is
 * its dots-client identity. Under
 * /restconf/data/ietf-dots-data-channel:dots-data:
 *
 *   GET    capabilities
 *   POST   (a dots-client with its cuid)        register (201; 409 again)
 *   DELETE dots-client=C                        unregister, with its lists
 *   POST   dots-client=C  (aliases or acls)     create (201; 409 if named)
 *   GET    dots-client=C/aliases[/alias=N]      read
 *   GET    dots-client=C/acls[/acl=N]           read, with matched packets
 *   DELETE dots-client=C/aliases/alias=N, .../acls/acl=N   (204)
 *
 * Aliases and lists belong to the client (its identity), across its
 * cuids; a list's entries must be for its own prefixes (403). Lists
 * "immediate" are in force at once, "activate-when-mitigating" while the
 * client has a mitigation in force (dotsserver.c puts them first).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/jsonw.h"
#include "dots.h"

#define ROOT "/restconf/data/ietf-dots-data-channel:dots-data"
#define YANG_JSON "application/yang-data+json"

struct conn {
	char *body;
	size_t n;
	int too_big;
};

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned code,
				 json_t *o)
{
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	struct MHD_Response *r = MHD_create_response_from_buffer(
		text ? strlen(text) : 0, text ? text : (void *)"",
		text ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	enum MHD_Result rc;

	json_decref(o);
	if (!r)
		return MHD_NO;
	if (text)
		MHD_add_response_header(r, "Content-Type", YANG_JSON);
	rc = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return rc;
}

/* RESTCONF's error body (RFC 8040 section 7.1). */
static enum MHD_Result send_error(struct MHD_Connection *c, unsigned code,
				  const char *tag, const char *msg)
{
	json_t *e = json_object(), *list = json_array(), *o = json_object(),
	       *w = json_object();

	jsonw_set(e, "error-type", json_string("application"));
	jsonw_set(e, "error-tag", json_string(tag));
	jsonw_set(e, "error-message", jsonw_string(msg));
	json_array_append_new(list, e);
	jsonw_set(w, "error", list);
	jsonw_set(o, "ietf-restconf:errors", w);
	return send_json(c, code, o);
}

/* The client: its certificate verified against the CA, its common name
 * a dots-client identity; -1 if not. */
static int peer_of(const struct dots *d, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	const gnutls_datum_t *certs;
	gnutls_x509_crt_t crt;
	unsigned status = 1, n = 0, i;
	char cn[64];
	size_t len = sizeof(cn);
	int ok;

	if (!ci || !ci->tls_session ||
	    gnutls_certificate_verify_peers2(ci->tls_session, &status) < 0 ||
	    status ||
	    !(certs = gnutls_certificate_get_peers(ci->tls_session, &n)) || !n ||
	    gnutls_x509_crt_init(&crt) < 0)
		return -1;
	ok = gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER) >= 0 &&
	     gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0,
					   0, cn, &len) >= 0;
	gnutls_x509_crt_deinit(crt);
	for (i = 0; ok && i < d->cfg.npeer; i++)
		if (!strcmp(d->cfg.peer[i].identity, cn))
			return (int)i;
	return -1;
}

static int registered(const struct dots *d, int peer, const char *cuid)
{
	unsigned i;

	for (i = 0; i < DOTS_MAX_CUIDS; i++)
		if (d->cuids[peer][i][0] && !strcmp(d->cuids[peer][i], cuid))
			return (int)i;
	return -1;
}

static enum MHD_Result do_register(struct dots *d, int peer, json_t *body,
				   struct MHD_Connection *c)
{
	json_t *list = json_object_get(body, "ietf-dots-data-channel:dots-client");
	const char *cuid = json_string_value(json_object_get(
		json_array_get(list, 0), "cuid"));
	unsigned i;

	if (json_array_size(list) != 1 || !cuid || !*cuid ||
	    strlen(cuid) >= 64 || strchr(cuid, '/'))
		return send_error(c, 400, "invalid-value", "expected "
				  "{\"ietf-dots-data-channel:dots-client\": "
				  "[{\"cuid\": ...}]}");
	if (registered(d, peer, cuid) >= 0)
		return send_error(c, 409, "resource-denied", "registered");
	for (i = 0; i < DOTS_MAX_CUIDS && d->cuids[peer][i][0]; i++)
		;
	if (i == DOTS_MAX_CUIDS)
		return send_error(c, 503, "resource-denied",
				  "at most 4 registrations a client");
	strcpy(d->cuids[peer][i], cuid);
	return send_json(c, 201, NULL);
}

static int alias_named(const struct dots *d, int peer, const char *name)
{
	unsigned i;

	for (i = 0; i < DOTS_MAX_ALIASES; i++)
		if (d->alias[i].used && d->alias[i].peer == (unsigned)peer &&
		    !strcmp(d->alias[i].name, name))
			return (int)i;
	return -1;
}

static int acl_named(const struct dots *d, int peer, const char *name)
{
	unsigned i;

	for (i = 0; i < DOTS_MAX_ACLS; i++)
		if (d->acl[i].used && d->acl[i].peer == (unsigned)peer &&
		    !strcmp(d->acl[i].name, name))
			return (int)i;
	return -1;
}

static int free_slots(const int *used, size_t stride, unsigned n)
{
	unsigned i, k = 0;

	for (i = 0; i < n; i++)
		k += !*(const int *)((const char *)used + i * stride);
	return (int)k;
}

static enum MHD_Result add_aliases(struct dots *d, int peer, json_t *body,
				   struct MHD_Connection *c)
{
	static struct dots_alias got[DOTS_MAX_ALIASES];
	unsigned n, i, k, t;
	char err[160];

	if (dots_parse_aliases(body, got, DOTS_MAX_ALIASES, &n, err,
			       sizeof(err)) < 0)
		return send_error(c, 400, "invalid-value", err);
	for (i = 0; i < n; i++) {
		if (alias_named(d, peer, got[i].name) >= 0)
			return send_error(c, 409, "resource-denied",
					  "an alias of that name exists");
		for (t = 0; t < got[i].scope.ntarget; t++)
			if (!dots_owns(d, (unsigned)peer, &got[i].scope.target[t]))
				return send_error(c, 403, "access-denied",
						  "a target-prefix outside the "
						  "client's prefixes");
	}
	if (free_slots(&d->alias[0].used, sizeof(d->alias[0]),
		       DOTS_MAX_ALIASES) < (int)n)
		return send_error(c, 503, "resource-denied",
				  "no room for more aliases (32 in all)");
	for (i = k = 0; i < n; i++) {
		while (d->alias[k].used)
			k++;
		d->alias[k] = got[i];
		d->alias[k].used = 1;
		d->alias[k].peer = (unsigned)peer;
	}
	return send_json(c, 201, NULL);
}

static enum MHD_Result add_acls(struct dots *d, int peer, json_t *body,
				struct MHD_Connection *c)
{
	static struct dots_acl got[DOTS_MAX_ACLS];
	unsigned n, i, k, e;
	char err[160];

	if (dots_parse_acls(body, got, DOTS_MAX_ACLS, &n, err,
			    sizeof(err)) < 0)
		return send_error(c, 400, "invalid-value", err);
	for (i = 0; i < n; i++) {
		if (acl_named(d, peer, got[i].name) >= 0)
			return send_error(c, 409, "resource-denied",
					  "a list of that name exists");
		for (e = 0; e < got[i].nace; e++)
			if (!got[i].ace[e].dst.family ||
			    !dots_owns(d, (unsigned)peer, &got[i].ace[e].dst))
				return send_error(c, 403, "access-denied",
						  "an entry's destination is not "
						  "inside the client's prefixes");
	}
	for (i = 0, e = 0; i < n; i++)
		e += got[i].activation != DOTS_DEACTIVATE ? got[i].nace : 0;
	if (free_slots(&d->acl[0].used, sizeof(d->acl[0]), DOTS_MAX_ACLS) <
	    (int)n || dots_rules_reserved(d, -1) + e > DOTS_MAX_RULES ||
	    dots_rules_reserved(d, peer) + e > DOTS_MAX_RULES_CLIENT)
		return send_error(c, 503, "resource-denied",
				  "no room for more lists (16 in all) or "
				  "filters (16 a client, 30 in all)");
	for (i = k = 0; i < n; i++) {
		while (d->acl[k].used)
			k++;
		d->acl[k] = got[i];
		d->acl[k].used = 1;
		d->acl[k].peer = (unsigned)peer;
	}
	d->rules_changed = 1;
	return send_json(c, 201, NULL);
}

static enum MHD_Result get_lists(struct dots *d, int peer, const char *what,
				 const char *name, struct MHD_Connection *c)
{
	json_t *list = json_array(), *o = json_object(), *w = json_object();
	int aliases = !strcmp(what, "aliases");
	unsigned i;

	for (i = 0; aliases && i < DOTS_MAX_ALIASES; i++)
		if (d->alias[i].used && d->alias[i].peer == (unsigned)peer &&
		    (!name || !strcmp(name, d->alias[i].name)))
			json_array_append_new(list, dots_alias_json(&d->alias[i]));
	for (i = 0; !aliases && i < DOTS_MAX_ACLS; i++)
		if (d->acl[i].used && d->acl[i].peer == (unsigned)peer &&
		    (!name || !strcmp(name, d->acl[i].name)))
			json_array_append_new(list, dots_acl_json(&d->acl[i]));
	if (name && !json_array_size(list)) {
		json_decref(list);
		json_decref(o);
		json_decref(w);
		return send_error(c, 404, "invalid-value", "no such name");
	}
	jsonw_set(w, aliases ? "alias" : "acl", list);
	jsonw_set(o, aliases ? "ietf-dots-data-channel:aliases" :
			       "ietf-dots-data-channel:acls", w);
	return send_json(c, 200, o);
}

static enum MHD_Result delete_one(struct dots *d, int peer, const char *what,
				  const char *name, struct MHD_Connection *c)
{
	int i = !strcmp(what, "aliases") ? alias_named(d, peer, name) :
					   acl_named(d, peer, name);

	if (i < 0)
		return send_error(c, 404, "invalid-value", "no such name");
	if (!strcmp(what, "aliases")) {
		d->alias[i].used = 0;
	} else {
		d->acl[i].used = 0;
		d->rules_changed = 1;
	}
	return send_json(c, 204, NULL);
}

static enum MHD_Result unregister(struct dots *d, int peer, int k,
				  struct MHD_Connection *c)
{
	unsigned i, left = 0;

	d->cuids[peer][k][0] = '\0';
	for (i = 0; i < DOTS_MAX_CUIDS; i++)
		left += d->cuids[peer][i][0] != '\0';
	for (i = 0; !left && i < DOTS_MAX_ALIASES; i++)
		if (d->alias[i].peer == (unsigned)peer)
			d->alias[i].used = 0;
	for (i = 0; !left && i < DOTS_MAX_ACLS; i++)
		if (d->acl[i].used && d->acl[i].peer == (unsigned)peer) {
			d->acl[i].used = 0;
			d->rules_changed = 1;
		}
	return send_json(c, 204, NULL);
}

static const char *capabilities =
	"{\"ietf-dots-data-channel:capabilities\":{"
	"\"address-family\":[\"ipv4\",\"ipv6\"],"
	"\"forwarding-actions\":[\"drop\",\"accept\"],"
	"\"ipv4\":{\"protocol\":true,\"destination-prefix\":true,"
	"\"source-prefix\":true},"
	"\"ipv6\":{\"protocol\":true,\"destination-prefix\":true,"
	"\"source-prefix\":true},"
	"\"transport\":{\"source-port\":true,\"destination-port\":true,"
	"\"port-range\":true}}}";

/* One request, its body read: the path after ROOT routed. */
static enum MHD_Result route(struct dots *d, int peer, const char *method,
			     const char *path, json_t *body,
			     struct MHD_Connection *c)
{
	char cuid[64], what[16], kind[16], name[64];
	int k = -1, n = 0;

	if (!strcmp(path, "/capabilities") && !strcmp(method, "GET"))
		return send_json(c, 200, json_loads(capabilities, 0, NULL));
	if (!*path && !strcmp(method, "POST"))
		return do_register(d, peer, body, c);
	if (sscanf(path, "/dots-client=%63[^/]%n", cuid, &n) != 1 ||
	    (k = registered(d, peer, cuid)) < 0)
		return send_error(c, 404, "invalid-value", "not a registered "
				  "dots-client of this client");
	path += n;
	if (!*path && !strcmp(method, "DELETE"))
		return unregister(d, peer, k, c);
	if (!*path && !strcmp(method, "POST"))
		return json_object_get(body, "ietf-dots-data-channel:aliases") ?
			add_aliases(d, peer, body, c) :
			add_acls(d, peer, body, c);
	n = sscanf(path, "/%15[a-z]/%15[a-z]=%63s", what, kind, name);
	if (n < 1 || (strcmp(what, "aliases") && strcmp(what, "acls")) ||
	    (n == 3 && strcmp(kind, !strcmp(what, "aliases") ? "alias" : "acl")))
		return send_error(c, 404, "invalid-value", "no such resource");
	if (!strcmp(method, "GET") && n != 2)
		return get_lists(d, peer, what, n == 3 ? name : NULL, c);
	if (!strcmp(method, "DELETE") && n == 3)
		return delete_one(d, peer, what, name, c);
	return send_error(c, 405, "operation-not-supported",
			  "GET, POST or DELETE as RFC 8783 uses them");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *upload,
				  size_t *upload_size, void **state)
{
	struct dots *d = cls;
	struct conn *k = *state;
	json_t *body = NULL;
	enum MHD_Result rc;
	int peer;

	(void)version;
	if (!k) { /* the headers: the body comes next */
		if (!(k = calloc(1, sizeof(*k))))
			return MHD_NO;
		*state = k;
		return MHD_YES;
	}
	if (*upload_size) {
		if (k->n + *upload_size > DOTS_DATA_MAX_BODY_BYTES)
			k->too_big = 1;
		else if ((k->body = realloc(k->body, k->n + *upload_size + 1))) {
			memcpy(k->body + k->n, upload, *upload_size);
			k->n += *upload_size;
		}
		*upload_size = 0;
		return k->body || k->too_big ? MHD_YES : MHD_NO;
	}
	if ((peer = peer_of(d, c)) < 0)
		return send_error(c, 403, "access-denied", "no client "
				  "certificate of a known dots-client");
	if (k->too_big)
		return send_error(c, 413, "too-big", "a body over 16 KiB");
	if (strncmp(url, ROOT, sizeof(ROOT) - 1))
		return send_error(c, 404, "invalid-value", "not under " ROOT);
	if (k->n && !(body = json_loadb(k->body, k->n, JSON_REJECT_DUPLICATES,
					NULL)))
		return send_error(c, 400, "malformed-message", "not JSON");
	rc = route(d, peer, method, url + sizeof(ROOT) - 1, body, c);
	json_decref(body);
	return rc;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **state,
			 enum MHD_RequestTerminationCode why)
{
	struct conn *k = *state;

	(void)cls;
	(void)c;
	(void)why;
	if (k) {
		free(k->body);
		free(k);
		*state = NULL;
	}
}

/* A PEM file whole, NUL-terminated (at most 64 KiB), or NULL. */
static char *slurp(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf = NULL;
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size <= 65536 &&
	    (buf = malloc((size_t)st.st_size + 1))) {
		n = read(fd, buf, (size_t)st.st_size);
		if (n != st.st_size) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
		}
	}
	close(fd);
	return buf;
}

int dots_data_init(struct dots *d)
{
	char *cert = slurp(d->cfg.data_cert), *key = slurp(d->cfg.data_key),
	     *ca = slurp(d->cfg.data_ca);
	struct sockaddr_storage ss;
	unsigned sl;
	int rc = -1;

	if (!cert || !key || !ca) {
		fprintf(stderr, "vigil-shield: DOTS data channel: cannot read "
			"dots-data-certificate, -key or -ca\n");
		goto out;
	}
	if (dots_sockaddr(d->cfg.data_listen, &ss, &sl) < 0)
		goto out;
	d->http = MHD_start_daemon(
		MHD_USE_EPOLL | MHD_USE_TLS | (ss.ss_family == AF_INET6 ?
					       MHD_USE_IPv6 : 0),
		0, NULL, NULL, on_request, d,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, d,
		MHD_OPTION_CONNECTION_LIMIT, 64u,
		MHD_OPTION_CONNECTION_TIMEOUT, 10u,
		MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_HTTPS_MEM_CERT, cert,
		MHD_OPTION_HTTPS_MEM_TRUST, ca, MHD_OPTION_END);
	if (!d->http) {
		fprintf(stderr, "vigil-shield: DOTS data channel: cannot listen "
			"on %s\n", d->cfg.data_listen);
		goto out;
	}
	printf("vigil-shield: DOTS data channel on https://%s%s\n",
	       d->cfg.data_listen, ROOT);
	fflush(stdout);
	rc = 0;
out:
	free(cert);
	free(key);
	free(ca);
	return rc;
}

void dots_data_stop(struct dots *d)
{
	if (d->http)
		MHD_stop_daemon(d->http);
	d->http = NULL;
}

int dots_data_fd(const struct dots *d)
{
	const union MHD_DaemonInfo *i = d->http ?
		MHD_get_daemon_info(d->http, MHD_DAEMON_INFO_EPOLL_FD) : NULL;

	return i ? i->epoll_fd : -1;
}

void dots_data_io(struct dots *d)
{
	MHD_UNSIGNED_LONG_LONG t;
	int rounds;

	/* again at once while it has buffered work (TLS records read) */
	for (rounds = 0; d->http && rounds < 8; rounds++) {
		MHD_run(d->http);
		if (MHD_get_timeout(d->http, &t) != MHD_YES || t > 0)
			break;
	}
}
