/*
 * yaraout.c -- what `vigil yara` prints for a rule that matched, as yara
 * prints it for scripts that read yara's output ("[ns:]rule [tags]
 * [meta] target", then "0xOFFSET[:LENGTH]:$id: data" per string match),
 * or one JSON document per target with --json.
 */
#define _GNU_SOURCE /* fputs_unlocked */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/jsonw.h"
#include "yaracmd.h"

/* A hex string's match is printed up to this many bytes, then " ...",
 * as yara 4.2 prints it (a text or regex match: the whole data kept). */
#define HEX_PRINTED_BYTES 64

/* Bytes as yara prints them: printable ASCII as it is, the rest \xHH; a
 * hex string's as spaced hex pairs. */
static void put_data(FILE *f, const uint8_t *d, size_t n, int hex)
{
	size_t i;

	if (hex && n > HEX_PRINTED_BYTES) {
		put_data(f, d, HEX_PRINTED_BYTES, hex);
		fputs(" ...", f);
		return;
	}
	for (i = 0; i < n; i++) {
		if (hex)
			fprintf(f, i ? " %02X" : "%02X", d[i]);
		else if (d[i] >= 0x20 && d[i] < 0x7f)
			fputc(d[i], f);
		else
			fprintf(f, "\\x%02X", d[i]);
	}
}

/* A text value as yara prints metadata: quotes and backslashes escaped. */
static void put_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		uint8_t c = (uint8_t)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, f);
		else
			fprintf(f, "\\x%02X", c);
	}
}

static void put_meta(FILE *f, const struct vigil_yara_rule *r)
{
	size_t k;

	fputs("[", f);
	for (k = 0; k < r->nmeta; k++) {
		const struct vigil_yara_meta *m = &r->meta[k];

		fprintf(f, "%s%s=", k ? "," : "", m->key);
		if (m->type == VIGIL_YARA_META_TEXT) {
			fputc('"', f);
			put_text(f, m->text);
			fputc('"', f);
		} else if (m->type == VIGIL_YARA_META_BOOL) {
			fputs(m->i ? "true" : "false", f);
		} else {
			fprintf(f, "%" PRId64, m->i);
		}
	}
	fputs("] ", f);
}

void yaraout_rule(FILE *f, const struct yara_opts *o,
		  const struct vigil_yara_rule *r, const char *target)
{
	size_t k;

	/* unlocked, not fprintf: a run over many files prints tens of
	 * thousands of these lines, and formatting them took 3% of such a
	 * run, the stream's locks another 4% (f is the target's own; the
	 * lock is taken once, the functions below take it again) */
	flockfile(f);
	if (o->namespaces) {
		fputs_unlocked(r->ns, f);
		fputc_unlocked(':', f);
	}
	fputs_unlocked(r->name, f);
	fputc_unlocked(' ', f);
	if (o->tags) {
		fputc_unlocked('[', f);
		for (k = 0; k < r->ntags; k++) {
			if (k)
				fputc_unlocked(',', f);
			fputs_unlocked(r->tags[k], f);
		}
		fputs_unlocked("] ", f);
	}
	if (o->meta)
		put_meta(f, r);
	fputs_unlocked(target, f);
	fputc_unlocked('\n', f);
	for (k = 0; o->strings && k < r->nstrings; k++) {
		const struct vigil_yara_string_match *m = &r->strings[k];

		fprintf(f, "0x%" PRIx64 ":", m->offset);
		if (o->lengths)
			fprintf(f, "%" PRIu64 ":", m->length);
		fprintf(f, "%s: ", m->id);
		put_data(f, m->data, m->data_len, m->hex);
		fputc('\n', f);
	}
	funlockfile(f);
}

static json_t *json_meta(const struct vigil_yara_rule *r)
{
	json_t *o = json_object();
	size_t k;

	for (k = 0; o && k < r->nmeta; k++) {
		const struct vigil_yara_meta *m = &r->meta[k];

		jsonw_set(o, m->key,
			  m->type == VIGIL_YARA_META_TEXT ? jsonw_string(m->text) :
			  m->type == VIGIL_YARA_META_BOOL ? json_boolean(m->i) :
							   json_integer(m->i));
	}
	return o;
}

static json_t *json_strings(const struct vigil_yara_rule *r)
{
	json_t *a = json_array();
	size_t k;

	for (k = 0; a && k < r->nstrings; k++) {
		const struct vigil_yara_string_match *m = &r->strings[k];
		json_t *s = json_object();

		jsonw_set(s, "id", jsonw_string(m->id));
		jsonw_set(s, "offset", json_integer((json_int_t)m->offset));
		jsonw_set(s, "length", json_integer((json_int_t)m->length));
		jsonw_set(s, "data", jsonw_stringn((const char *)m->data,
						    m->data_len));
		json_array_append_new(a, s);
	}
	return a;
}

json_t *yaraout_json_rule(const struct vigil_yara_rule *r)
{
	json_t *o = json_object(), *tags = json_array();
	size_t k;

	for (k = 0; tags && k < r->ntags; k++)
		json_array_append_new(tags, jsonw_string(r->tags[k]));
	jsonw_set(o, "rule", jsonw_string(r->name));
	jsonw_set(o, "namespace", jsonw_string(r->ns));
	jsonw_set(o, "tags", tags);
	jsonw_set(o, "meta", json_meta(r));
	jsonw_set(o, "strings", json_strings(r));
	return o;
}
