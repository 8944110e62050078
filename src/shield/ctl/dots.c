/*
 * dots.c -- see dots.h: the configuration lines, the shared libcoap
 * context (DTLS with pre-shared keys, OpenSSL underneath), and the calls
 * run.c makes.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <coap3/coap.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dots.h"

/* "PREFIX[,PREFIX...]" into the peer's owned prefixes. */
static int owned(struct dots_peer_cfg *pc, const char *list)
{
	char one[64];
	size_t n;

	while (*list) {
		n = strcspn(list, ",");
		if (!n || n >= sizeof(one) || pc->nowns == DOTS_MAX_OWNED)
			return -1;
		memcpy(one, list, n);
		one[n] = '\0';
		if (prefix_parse(one, &pc->owns[pc->nowns++]) < 0)
			return -1;
		list += n + (list[n] == ',');
	}
	return pc->nowns ? 0 : -1;
}

int dots_client_line(struct dots_cfg *c, const char *v, char *err,
		     size_t errlen)
{
	struct dots_peer_cfg pc = { 0 };
	const char *at = strchr(v, '@');
	size_t n = at ? (size_t)(at - v) : 0;

	if (c->npeer == DOTS_MAX_PEERS) {
		snprintf(err, errlen, "dots-client: more than %u clients",
			 DOTS_MAX_PEERS);
		return -1;
	}
	if (!n || n >= sizeof(pc.identity) || strspn(v, "ABCDEFGHIJKLMNOPQRSTU"
	    "VWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != n ||
	    v[0] == '.' || owned(&pc, at + 1) < 0) {
		snprintf(err, errlen, "dots-client: IDENTITY@PREFIX[,PREFIX...]"
			 " (identity of letters, digits, '.', '_', '-'; at "
			 "most %u prefixes), not %.64s", DOTS_MAX_OWNED, v);
		return -1;
	}
	memcpy(pc.identity, v, n);
	c->peer[c->npeer++] = pc;
	return 0;
}

int dots_divert_line(struct dots_cfg *c, const char *v, char *err,
		     size_t errlen)
{
	const char *at = strchr(v, '@');
	struct dots_divert *dv = &c->divert[c->ndivert];
	size_t n = at ? (size_t)(at - v) : 0;

	if (c->ndivert == DOTS_MAX_PEERS || !n || n >= sizeof(dv->identity) ||
	    !at[1] || strlen(at + 1) >= sizeof(dv->via) ||
	    strpbrk(at + 1, "\"\\ ")) {
		snprintf(err, errlen, "dots-divert: IDENTITY@IFNAME, not %.64s",
			 v);
		return -1;
	}
	memcpy(dv->identity, v, n);
	dv->identity[n] = '\0';
	strcpy(dv->via, at + 1);
	c->ndivert++;
	return 0;
}

static int known_peer(const struct dots_cfg *c, const char *identity)
{
	unsigned i;

	for (i = 0; i < c->npeer; i++)
		if (!strcmp(c->peer[i].identity, identity))
			return (int)i;
	return -1;
}

/* Why the DOTS settings cannot be taken, or NULL. */
static const char *cfg_refusal(const struct dots_cfg *c)
{
	unsigned i;

	for (i = 0; i < c->ndivert; i++)
		if (known_peer(c, c->divert[i].identity) < 0)
			return "dots-divert for a client no dots-client line "
			       "names";
	if (c->data_listen[0] && (!c->listen[0] || !c->data_cert[0] ||
				  !c->data_key[0] || !c->data_ca[0]))
		return "dots-data-listen needs dots-listen, "
		       "dots-data-certificate, dots-data-key and dots-data-ca";
	if ((c->cert[0] || c->key[0] || c->ca[0]) &&
	    (!c->cert[0] || !c->key[0] || !c->ca[0]))
		return "dots-certificate, dots-key and dots-ca go together";
	if (c->listen[0] && (!c->npeer || (!c->keys_dir[0] && !c->cert[0])))
		return "dots-listen needs dots-client lines and "
		       "dots-client-keys or dots-certificate";
	if (c->keys_dir[0] && c->cert[0])
		return "dots-client-keys or dots-certificate, not both (a "
		       "server asking for certificates fails key-only "
		       "handshakes)";
	if (!c->listen[0] && c->npeer)
		return "dots-client lines without dots-listen";
	if (c->server[0] && (!c->identity[0] || !c->key_file[0]) &&
	    !c->cert[0])
		return "dots-server needs dots-identity and dots-key-file, or "
		       "dots-certificate";
	if (c->server[0] && !c->signal_pps)
		return "dots-server without dots-signal-pps would never signal";
	if (c->lifetime_s < 60)
		return "dots-lifetime: at least 60 seconds";
	if (!c->heartbeat_s)
		return "dots-heartbeat: at least 1 second";
	return NULL;
}

int dots_cfg_check(const struct dots_cfg *c, char *err, size_t errlen)
{
	const char *why = cfg_refusal(c);

	if (why)
		snprintf(err, errlen, "%s", why);
	return why ? -1 : 0;
}

/* A key file: its bytes, a trailing newline dropped. 0, or -1. */
static int read_key(const char *path, uint8_t *key, size_t *len)
{
	char buf[DOTS_KEY_MAX_BYTES + 2];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n < (ssize_t)DOTS_KEY_MIN_BYTES || n > (ssize_t)DOTS_KEY_MAX_BYTES) {
		errno = n < 0 ? errno : EINVAL;
		return -1;
	}
	memcpy(key, buf, (size_t)n);
	*len = (size_t)n;
	return 0;
}

static int keys(struct dots *d)
{
	char path[512];
	unsigned i;

	for (i = 0; d->cfg.keys_dir[0] && i < d->cfg.npeer; i++) {
		snprintf(path, sizeof(path), "%s/%s.key", d->cfg.keys_dir,
			 d->cfg.peer[i].identity);
		if (read_key(path, d->peer_key[i], &d->peer_keylen[i]) < 0) {
			fprintf(stderr, "vigil-shield: dots-client %s: key "
				"file %s: %s (%u to %u bytes)\n",
				d->cfg.peer[i].identity, path, strerror(errno),
				DOTS_KEY_MIN_BYTES, DOTS_KEY_MAX_BYTES);
			return -1;
		}
	}
	if (d->cfg.server[0] && d->cfg.key_file[0] &&
	    read_key(d->cfg.key_file, d->key,
					 &d->keylen) < 0) {
		fprintf(stderr, "vigil-shield: dots-key-file %s: %s (%u to %u "
			"bytes)\n", d->cfg.key_file, strerror(errno),
			DOTS_KEY_MIN_BYTES, DOTS_KEY_MAX_BYTES);
		return -1;
	}
	return 0;
}

int dots_start(struct dots *d, const struct dots_cfg *cfg,
	       struct mitigator *m, struct detector *det)
{
	unsigned i;

	memset(d, 0, sizeof(*d));
	d->cfg = *cfg;
	d->mit = m;
	d->det = det;
	if (!cfg->listen[0] && !cfg->server[0])
		return 0;
	if (keys(d) < 0)
		return -1;
	for (i = 0; i < cfg->ndivert; i++) {
		int p = known_peer(cfg, cfg->divert[i].identity);

		if (p >= 0)
			d->peer_via[p] = d->cfg.divert[i].via;
	}
	coap_startup();
	coap_set_log_level(LOG_EMERG);
	coap_dtls_set_log_level(LOG_EMERG);
	if (!coap_dtls_is_supported() || !(d->ctx = coap_new_context(NULL))) {
		fprintf(stderr, "vigil-shield: DOTS: no CoAP context with "
			"DTLS\n");
		return -1;
	}
	if ((cfg->listen[0] && dots_server_init(d) < 0) ||
	    (cfg->data_listen[0] && dots_data_init(d) < 0) ||
	    (cfg->server[0] && dots_client_init(d) < 0)) {
		dots_stop(d);
		return -1;
	}
	return 0;
}

void dots_stop(struct dots *d)
{
	if (!d->ctx)
		return;
	dots_client_withdraw_all(d);
	dots_data_stop(d);
	if (d->session)
		coap_session_release(d->session);
	d->session = NULL;
	coap_free_context(d->ctx);
	d->ctx = NULL;
	coap_cleanup();
}

int dots_fd(const struct dots *d)
{
	return d->ctx ? coap_context_get_coap_fd(d->ctx) : -1;
}

void dots_io(struct dots *d)
{
	if (d->ctx)
		coap_io_process(d->ctx, COAP_IO_NO_WAIT);
	dots_data_io(d);
}

void dots_tick(struct dots *d, double now)
{
	if (!d->ctx)
		return;
	if (d->cfg.listen[0])
		dots_server_tick(d, now);
	if (d->cfg.server[0])
		dots_client_tick(d, now);
	coap_io_process(d->ctx, COAP_IO_NO_WAIT);
}
