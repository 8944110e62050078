/*
 * report.h -- what the shield knows about attacks, for people and for
 * sharing: a JSON record per attack (vectors, peak rates, the vector's
 * signature, top sources with AS and country, spoofed and bogon sources
 * flagged, reflectors named as such, actions taken and when) and the same
 * as a STIX 2.1 bundle (identity, indicator, observed-data with
 * network-traffic and address objects, sighting). Identifiers are
 * deterministic (UUIDv5): exporting an attack twice gives the same
 * objects, so a receiver can merge them.
 */
#ifndef VIGIL_SHIELD_REPORT_H
#define VIGIL_SHIELD_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "detect.h"
#include "geo.h"

/* Every attack remembered, newest last: one JSON document on a line. */
void report_json(FILE *out, const struct detector *d, struct geo *g);
void report_stix(FILE *out, const struct detector *d, struct geo *g);
/* An object per attack for `status`: id, destination, vectors, state,
 * peak packet rate, start, end (a new reference). */
json_t *report_brief(const struct detector *d);

/* Helpers shared by the two formats (report.c, stix.c). */
void iso_time(double t, char *out, size_t len);
void addr_text(uint8_t family, const uint8_t *addr, char *out, size_t len);
const char *attack_kind(const struct attack *a);
const char *amp_service(uint16_t sport); /* NULL: not an amplifier port */
json_t *vectors_json(uint32_t vectors);

#endif
