/*
 * proto.c -- recognises clamd protocol commands. A command is "z<CMD>\0"
 * or "n<CMD>\n" (the reply uses the same terminator), or unprefixed
 * "<CMD>\n" (or up to the end of input) for the commands clamd still
 * accepts that way. The parser only reads: it never trusts a length.
 */
#include <string.h>

#include "proto.h"

struct cmd_def {
	const char *name;
	enum proto_cmd cmd;
	int has_arg;	/* "NAME path" */
	int legacy;	/* accepted without the z/n prefix */
	int session;	/* allowed inside IDSESSION */
};

/* clamd 1.4.6's behaviour, checked on the wire (see docs/vigild.md). */
static const struct cmd_def defs[] = {
	{ "PING", CMD_PING, 0, 1, 1 },
	{ "VERSION", CMD_VERSION, 0, 1, 1 },
	{ "VERSIONCOMMANDS", CMD_VERSIONCOMMANDS, 0, 0, 1 },
	{ "RELOAD", CMD_RELOAD, 0, 1, 0 },
	{ "SHUTDOWN", CMD_SHUTDOWN, 0, 1, 0 },
	{ "QUIT", CMD_SHUTDOWN, 0, 1, 0 },
	{ "SCAN", CMD_SCAN, 1, 1, 1 },
	{ "CONTSCAN", CMD_CONTSCAN, 1, 1, 0 },
	{ "MULTISCAN", CMD_MULTISCAN, 1, 1, 0 },
	{ "ALLMATCHSCAN", CMD_ALLMATCHSCAN, 1, 0, 0 },
	{ "INSTREAM", CMD_INSTREAM, 0, 0, 1 },
	{ "FILDES", CMD_FILDES, 0, 1, 1 },
	{ "STATS", CMD_STATS, 0, 0, 1 },
	{ "IDSESSION", CMD_IDSESSION, 0, 0, 0 },
	{ "END", CMD_END, 0, 0, 1 },
	{ "SANDBOXPROBE", CMD_SANDBOXPROBE, 1, 0, 0 },
};

static const struct cmd_def *lookup(const char *s, size_t n,
				    const char **arg, size_t *arg_len)
{
	size_t i, k;

	for (i = 0; i < sizeof(defs) / sizeof(*defs); i++) {
		k = strlen(defs[i].name);
		if (n < k || memcmp(s, defs[i].name, k))
			continue;
		if (n == k && !defs[i].has_arg)
			return &defs[i];
		if (defs[i].has_arg && n > k && s[k] == ' ') {
			*arg = s + k + 1;
			*arg_len = n - k - 1;
			return &defs[i];
		}
	}
	return NULL;
}

/* Whether an unterminated legacy command could still become a known one. */
static int legacy_prefix(const char *s, size_t n)
{
	size_t i, k;

	for (i = 0; i < sizeof(defs) / sizeof(*defs); i++) {
		if (!defs[i].legacy)
			continue;
		k = strlen(defs[i].name);
		if (n <= k && !memcmp(s, defs[i].name, n))
			return 1;
		if (n > k && defs[i].has_arg && !memcmp(s, defs[i].name, k) &&
		    s[k] == ' ')
			return 1;
	}
	return 0;
}

static void classify(const char *s, size_t n, int prefixed,
		     struct proto_command *out)
{
	const struct cmd_def *d = lookup(s, n, &out->arg, &out->arg_len);

	out->cmd = CMD_UNKNOWN;
	if (d && (prefixed || d->legacy))
		out->cmd = d->cmd;
}

int proto_parse(const char *buf, size_t len, int eof,
		struct proto_command *out)
{
	const char *end;
	size_t n, start = 0;
	char term = '\n';

	memset(out, 0, sizeof(*out));
	if (!len)
		return 0;
	if (buf[0] == 'z' || buf[0] == 'n') {
		term = buf[0] == 'z' ? '\0' : '\n';
		out->prefixed = 1;
		start = 1;
	}
	out->delim = term;
	end = memchr(buf + start, term, len - start);
	if (!end) {
		if (len > PROTO_MAX_COMMAND_BYTES)
			return -1;
		if (out->prefixed || (!eof && legacy_prefix(buf, len)))
			return 0;
		end = buf + len; /* legacy command ended by end of input, or
				  * unknown already */
	}
	n = (size_t)(end - buf) - start;
	if (n > PROTO_MAX_COMMAND_BYTES)
		return -1;
	if (!out->prefixed && n && buf[n - 1] == '\r')
		n--;
	classify(buf + start, n, out->prefixed, out);
	return (int)((size_t)(end - buf) + (end < buf + len));
}

const char *proto_name(enum proto_cmd cmd)
{
	size_t i;

	for (i = 0; i < sizeof(defs) / sizeof(*defs); i++)
		if (defs[i].cmd == cmd)
			return defs[i].name;
	return "UNKNOWN";
}

int proto_in_session(enum proto_cmd cmd)
{
	size_t i;

	for (i = 0; i < sizeof(defs) / sizeof(*defs); i++)
		if (defs[i].cmd == cmd)
			return defs[i].session;
	return 0;
}
