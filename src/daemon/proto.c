/*
 * proto.c -- recognises clamd protocol commands. A command is "z<CMD>\0"
 * or "n<CMD>\n" (the reply uses the same terminator), or unprefixed
 * "<CMD>\n" (or what one read brought, or up to the end of input) for the
 * commands clamd still accepts that way. Bytes are read through the
 * bounded reader only.
 */
#include <string.h>

#include "common/reader.h"
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
	{ "SANDBOXSTALL", CMD_SANDBOXSTALL, 0, 0, 1 },
};

/* The command in [s, s + n); its argument, if it takes one, after a space. */
static const struct cmd_def *lookup(const char *s, size_t n,
				    const char **arg, size_t *arg_len)
{
	struct rdr c;
	size_t i;

	for (i = 0; i < sizeof(defs) / sizeof(*defs); i++) {
		rdr_init(&c, s, n);
		if (!rdr_accept(&c, defs[i].name, strlen(defs[i].name)))
			continue;
		if (!rdr_left(&c) && !defs[i].has_arg)
			return &defs[i];
		if (defs[i].has_arg && rdr_accept(&c, " ", 1)) {
			*arg = s + c.pos;
			*arg_len = rdr_left(&c);
			return &defs[i];
		}
	}
	return NULL;
}

/* Whether an unterminated legacy command could still become a known one. */
static int legacy_prefix(const char *s, size_t n)
{
	struct rdr c;
	size_t i, k;

	for (i = 0; i < sizeof(defs) / sizeof(*defs); i++) {
		if (!defs[i].legacy)
			continue;
		k = strlen(defs[i].name);
		rdr_init(&c, s, n);
		if (n <= k && rdr_accept(&c, defs[i].name, n))
			return 1;
		if (n > k && defs[i].has_arg && rdr_accept(&c, defs[i].name, k) &&
		    rdr_accept(&c, " ", 1))
			return 1;
	}
	return 0;
}

/* Whether [s, s + n) is a whole unprefixed command (a path, if it takes
 * one, not empty). */
static int legacy_whole(const char *s, size_t n)
{
	const struct cmd_def *d;
	const char *arg = NULL;
	size_t arg_len = 0;

	if (n && s[n - 1] == '\r')
		n--;
	d = lookup(s, n, &arg, &arg_len);
	return d && d->legacy && (!d->has_arg || arg_len);
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
	struct rdr r;
	const char *cmd;
	size_t n;
	int first;
	uint8_t term = '\n';

	memset(out, 0, sizeof(*out));
	rdr_init(&r, buf, len);
	if ((first = rdr_peek(&r)) < 0)
		return 0;
	if (first == 'z' || first == 'n') {
		term = first == 'z' ? '\0' : '\n';
		out->prefixed = 1;
		rdr_skip(&r, 1);
	}
	out->delim = (char)term;
	if (!rdr_until(&r, term, PROTO_MAX_COMMAND_BYTES, &cmd, &n)) {
		if (rdr_failed(&r))
			return -1;
		/* clamd takes what one read brings as an unprefixed command:
		 * "PING" with no newline is answered (npm's clamscan sends
		 * that); one that is not whole yet is waited for */
		if (out->prefixed || (!eof && !legacy_whole(buf, len) &&
				      legacy_prefix(buf, len)))
			return 0;
		/* a legacy command ended by the end of input, or unknown already */
		rdr_field(&r, term, PROTO_MAX_COMMAND_BYTES, &cmd, &n);
	}
	if (!out->prefixed && n && cmd[n - 1] == '\r')
		n--;
	classify(cmd, n, out->prefixed, out);
	return (int)r.pos;
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
