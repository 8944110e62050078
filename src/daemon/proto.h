/*
 * proto.h -- the clamd protocol's command syntax: which command a client
 * sent, in which form, and the exact reply strings clients match on.
 */
#ifndef VIGILD_PROTO_H
#define VIGILD_PROTO_H

#include <stddef.h>
#include <stdint.h>

/* Longest command line, path included, in bytes. */
#define PROTO_MAX_COMMAND_BYTES 4200

enum proto_cmd {
	CMD_NONE = 0,
	CMD_UNKNOWN,
	CMD_PING,
	CMD_VERSION,
	CMD_VERSIONCOMMANDS,
	CMD_RELOAD,
	CMD_SHUTDOWN,
	CMD_SCAN,
	CMD_CONTSCAN,
	CMD_MULTISCAN,
	CMD_ALLMATCHSCAN,
	CMD_INSTREAM,
	CMD_FILDES,
	CMD_STATS,
	CMD_IDSESSION,
	CMD_END,
	CMD_SANDBOXPROBE,	/* test hook, only with DebugSandboxProbe */
	CMD_SANDBOXSTALL,	/* test hook, only with DebugSandboxProbe */
};

struct proto_command {
	enum proto_cmd cmd;
	char delim;		/* reply line terminator: '\0' or '\n' */
	int prefixed;		/* 'z' or 'n' form */
	const char *arg;	/* path of the SCAN family, into the buffer */
	size_t arg_len;
};

/*
 * proto_parse -- splits the first command off buf (len bytes; eof: the
 * client will send nothing more). Returns the bytes it used (> 0), 0 when
 * the command is not complete yet, -1 when it is longer than
 * PROTO_MAX_COMMAND_BYTES. An unknown or malformed command is CMD_UNKNOWN.
 */
int proto_parse(const char *buf, size_t len, int eof,
		struct proto_command *out);

/* The command's name as clients send it. */
const char *proto_name(enum proto_cmd cmd);

/* Whether a command may be sent inside IDSESSION. */
int proto_in_session(enum proto_cmd cmd);

/* The commands VERSIONCOMMANDS lists. */
#define PROTO_COMMAND_LIST                                                  \
	"SCAN QUIT RELOAD PING CONTSCAN VERSIONCOMMANDS VERSION END "       \
	"SHUTDOWN MULTISCAN FILDES STATS IDSESSION INSTREAM ALLMATCHSCAN"

/* Reply texts clients match on (clamd 1.4's). */
#define R_PONG "PONG"
#define R_UNKNOWN "UNKNOWN COMMAND"
#define R_RELOADING "RELOADING"
#define R_TIMEOUT "COMMAND READ TIMED OUT"
#define R_SESSION_INVALID "Command invalid inside IDSESSION. ERROR"
#define R_INSTREAM_LIMIT "INSTREAM size limit exceeded. ERROR"
/* All clients' data in memory at StreamMemoryLimit ("label: " before). */
#define R_MEMORY_FULL "Server busy: stream memory full."
#define R_PATH_FAILURE "File path check failure: No such file or directory."
#define R_NOT_SUPPORTED "Not supported file type"
#define R_BUSY "Server busy: too many connections. ERROR"

#endif
