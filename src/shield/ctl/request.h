/*
 * request.h -- a request on vigil-shield's control socket: one line,
 * "command [argument]", parsed without side effects (so that a fuzzer can
 * drive it alone).
 */
#ifndef VIGIL_SHIELD_REQUEST_H
#define VIGIL_SHIELD_REQUEST_H

#include <stddef.h>

/* A control request: one line; its command word (with its NUL). */
#define SHIELD_MAX_REQUEST_BYTES 512u
#define SHIELD_MAX_COMMAND_BYTES 32u

/*
 * The request's first line: 0 with cmd (SHIELD_MAX_COMMAND_BYTES) and arg
 * (SHIELD_MAX_REQUEST_BYTES, "" for none) set; 1 if it is empty; -1 if it
 * is not "command [argument]".
 */
int shield_request_parse(const char *buf, size_t len, char *cmd, char *arg);

#endif
