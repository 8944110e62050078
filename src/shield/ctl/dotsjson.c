/*
 * dotsjson.c -- the DOTS part of `vigil-shield status --json` (dots.h):
 * the server's accepted mitigations with what they dropped, and the
 * client's requests with the server's last answer.
 */
#include <jansson.h>

#include "common/jsonw.h"
#include "dots.h"

static json_t *targets(const struct dots_scope *s)
{
	json_t *a = json_array();
	char text[64];
	unsigned i;

	for (i = 0; i < s->ntarget; i++) {
		prefix_format(&s->target[i], text, sizeof(text));
		json_array_append_new(a, json_string(text));
	}
	return a;
}

static json_t *mitigation(const struct dots *d, const struct dots_mitigation *m)
{
	json_t *o = json_object(), *p = json_array();
	unsigned i;

	jsonw_set(o, "client", jsonw_string(d->cfg.peer[m->peer].identity));
	jsonw_set(o, "cuid", jsonw_string(m->cuid));
	jsonw_set(o, "mid", json_integer(m->mid));
	jsonw_set(o, "targets", targets(&m->scope));
	for (i = 0; i < m->scope.nproto; i++)
		json_array_append_new(p, json_integer(m->scope.proto[i]));
	jsonw_set(o, "protocols", p);
	jsonw_set(o, "filters", json_integer(m->nrules));
	jsonw_set(o, "start", json_real(m->start));
	jsonw_set(o, "expires", json_real(m->expires));
	jsonw_set(o, "attack_status", json_integer(m->attack_status));
	jsonw_set(o, "packets_dropped", json_integer((json_int_t)m->pkts));
	jsonw_set(o, "bytes_dropped", json_integer((json_int_t)m->bytes));
	jsonw_set(o, "pps", json_integer((json_int_t)m->pps));
	return o;
}

static json_t *acl(const struct dots *d, const struct dots_acl *a)
{
	static const char *const act[] = { "deactivate", "immediate",
					   "activate-when-mitigating" };
	json_t *o = json_object();

	jsonw_set(o, "client", jsonw_string(d->cfg.peer[a->peer].identity));
	jsonw_set(o, "name", jsonw_string(a->name));
	jsonw_set(o, "activation", json_string(act[a->activation % 3]));
	jsonw_set(o, "in_force", json_boolean(a->nrules > 0));
	jsonw_set(o, "entries", json_integer(a->nace));
	jsonw_set(o, "matched_packets", json_integer((json_int_t)a->pkts));
	return o;
}

static json_t *server(const struct dots *d)
{
	json_t *o = json_object(), *list = json_array(), *acls = json_array();
	unsigned i, aliases = 0;

	for (i = 0; i < DOTS_MAX_MITIGATIONS; i++)
		if (d->m[i].used)
			json_array_append_new(list, mitigation(d, &d->m[i]));
	for (i = 0; i < DOTS_MAX_ACLS; i++)
		if (d->acl[i].used)
			json_array_append_new(acls, acl(d, &d->acl[i]));
	for (i = 0; i < DOTS_MAX_ALIASES; i++)
		aliases += d->alias[i].used != 0;
	jsonw_set(o, "data_listen", jsonw_string(d->cfg.data_listen));
	jsonw_set(o, "aliases", json_integer(aliases));
	jsonw_set(o, "acls", acls);
	jsonw_set(o, "listen", jsonw_string(d->cfg.listen));
	jsonw_set(o, "clients", json_integer(d->cfg.npeer));
	jsonw_set(o, "mitigations", list);
	jsonw_set(o, "accepted", json_integer((json_int_t)d->accepted));
	jsonw_set(o, "refused", json_integer((json_int_t)d->refused));
	jsonw_set(o, "withdrawn", json_integer((json_int_t)d->withdrawn));
	jsonw_set(o, "expired", json_integer((json_int_t)d->expired));
	return o;
}

static json_t *request(const struct dots_request *r)
{
	json_t *o = json_object();

	jsonw_set(o, "mid", json_integer(r->mid));
	jsonw_set(o, "attack", json_integer(r->attack));
	jsonw_set(o, "targets", targets(&r->scope));
	jsonw_set(o, "sent", json_real(r->sent));
	jsonw_set(o, "accepted", json_real(r->acked));
	jsonw_set(o, "withdrawing", json_boolean(r->withdrawing));
	jsonw_set(o, "answer", json_integer(r->code));
	jsonw_set(o, "attack_status", json_integer(r->attack_status));
	jsonw_set(o, "server_status", json_integer(r->server.status));
	jsonw_set(o, "server_packets_dropped",
		  json_integer((json_int_t)r->server.pkts_dropped));
	jsonw_set(o, "server_pps_dropped",
		  json_integer((json_int_t)r->server.pps_dropped));
	return o;
}

static json_t *client(const struct dots *d)
{
	json_t *o = json_object(), *list = json_array();
	unsigned i;

	for (i = 0; i < DOTS_MAX_REQUESTS; i++)
		if (d->req[i].used)
			json_array_append_new(list, request(&d->req[i]));
	jsonw_set(o, "server", jsonw_string(d->cfg.server));
	jsonw_set(o, "identity", jsonw_string(d->cfg.identity));
	jsonw_set(o, "cuid", jsonw_string(d->cuid));
	jsonw_set(o, "requests", list);
	jsonw_set(o, "sent", json_integer((json_int_t)d->sent));
	jsonw_set(o, "answered", json_integer((json_int_t)d->answered));
	jsonw_set(o, "failed", json_integer((json_int_t)d->failed));
	jsonw_set(o, "heartbeats", json_integer((json_int_t)d->hb_sent));
	jsonw_set(o, "error", jsonw_string(d->error));
	return o;
}

json_t *dots_json(const struct dots *d)
{
	json_t *o = json_object();

	if (d->ctx && d->cfg.listen[0])
		jsonw_set(o, "server", server(d));
	if (d->ctx && d->cfg.server[0])
		jsonw_set(o, "client", client(d));
	return o;
}
