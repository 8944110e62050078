/*
 * lines.h -- the shield's two line formats, parsed without side effects
 * (so that a fuzzer can drive them alone): a configuration line
 * "key value [# comment]" with the value checked for its key's form and
 * range, and a control request "command [argument]".
 */
#ifndef VIGIL_SHIELD_LINES_H
#define VIGIL_SHIELD_LINES_H

#include <stddef.h>

/* Bytes in a configuration line, in a key (with its NUL). */
#define SHIELD_CONF_MAX_LINE_BYTES 512u
#define SHIELD_CONF_MAX_KEY_BYTES 64u
/* A control request: one line; its command word (with its NUL). */
#define SHIELD_MAX_REQUEST_BYTES 512u
#define SHIELD_MAX_COMMAND_BYTES 32u

/*
 * One configuration line of len bytes: 0 with key and val (of
 * SHIELD_CONF_MAX_KEY_BYTES and SHIELD_CONF_MAX_LINE_BYTES) set; 1 for a
 * blank or comment line; -1 with a reason in err. Whether the key is
 * known is the caller's to say.
 */
int shield_conf_line(const char *line, size_t len, char *key, char *val,
		     char *err, size_t errlen);

/*
 * The request's first line: 0 with cmd (SHIELD_MAX_COMMAND_BYTES) and arg
 * (SHIELD_MAX_REQUEST_BYTES, "" for none) set; 1 if it is empty; -1 if it
 * is not "command [argument]".
 */
int shield_request_parse(const char *buf, size_t len, char *cmd, char *arg);

#endif
