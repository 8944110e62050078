/*
 * openapi.h -- docs/openapi.json, built into vigild (openapi.c is made
 * from it by scripts/embed.py), served at /v1/openapi.json.
 */
#ifndef VIGILD_OPENAPI_H
#define VIGILD_OPENAPI_H

#include <stddef.h>

extern const char openapi_json[];
extern const size_t openapi_json_len;

#endif
