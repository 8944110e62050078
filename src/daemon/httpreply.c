/*
 * httpreply.c -- the answers of the HTTP API: JSON through jansson, one
 * error form ({"error": {"code", "message"}}, the code a stable word a
 * client can act on), no caching, and a Content-Type for every answer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/jsonw.h"
#include "detlog.h"
#include "httpint.h"
#include "log.h"
#include "virusevent.h"
#include "wire.h"
#include "vigil/vigil.h"

static void headers(struct MHD_Response *r, const char *type)
{
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
}

void reply_bytes(struct hreq *rq, unsigned status, const char *type,
		 const void *data, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
		len, (void *)(uintptr_t)data, MHD_RESPMEM_MUST_COPY);

	if (!r)
		return;
	headers(r, type);
	if (rq->resp)
		MHD_destroy_response(rq->resp);
	rq->resp = r;
	rq->status = status;
}

void reply_json(struct hreq *rq, unsigned status, json_t *body)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;

	json_decref(body);
	if (!text) {
		static const char oom[] = "{\"error\":{\"code\":\"internal\","
					  "\"message\":\"out of memory\"}}";

		reply_bytes(rq, 500, "application/json", oom, strlen(oom));
		return;
	}
	reply_bytes(rq, status, "application/json", text, strlen(text));
	free(text);
}

void reply_error(struct hreq *rq, unsigned status, const char *code,
		 const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	reply_json(rq, status, json_pack("{s:{s:s,s:o}}", "error", "code",
					 code, "message", jsonw_string(msg)));
}

const char *verdict_word(int32_t verdict)
{
	switch (verdict) {
	case VIGIL_VERDICT_CLEAN: return "clean";
	case VIGIL_VERDICT_FOUND: return "infected";
	default: return "limit";
	}
}

json_t *detections_json(const struct vconf *c, const char *object,
			const struct wire_result *r)
{
	const char *name = r->text, *path;
	json_t *a = json_array();
	uint32_t i;

	if (!r->ndetections) {
		json_array_append_new(a, json_pack("{s:s,s:s}", "name",
						   WIRE_UNNAMED, "path", ""));
		return a;
	}
	for (i = 0; i < r->ndetections && name < r->text + r->text_len; i++) {
		path = name + strlen(name) + 1;
		json_array_append_new(a, json_pack("{s:o,s:o}", "name",
						   jsonw_string(name), "path",
						   jsonw_string(path)));
		detlog_add("http", object, name, path);
		virus_event(c->virus_event, "http", name);
		vlog(LOG_NOTICE, "http(%s): %s FOUND%s%s", object, name,
		     *path ? " in " : "", path);
		name = path + strlen(path) + 1;
	}
	return a;
}
