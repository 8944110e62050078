/*
 * update.h -- `vigil update`: the client of a Vigil update repository.
 * One cycle verifies the timestamp, the root chain, targets and release
 * manifests and the database against each other and against the state of
 * earlier cycles, before anything is installed or any parser reads it.
 */
#ifndef VIGIL_UPDATE_UPDATE_H
#define VIGIL_UPDATE_UPDATE_H

/* Distinct outcomes; each has a name printed with its message. */
enum upd_error {
	U_OK = 0,
	U_SIG,		/* signatures under the threshold, or malformed */
	U_HASH,		/* a file is not the one its metadata pins */
	U_ROLLBACK,	/* a version lower than one already trusted */
	U_EXPIRED,	/* metadata past its expiry */
	U_TOOBIG,	/* more bytes than signed or allowed */
	U_SLOW,		/* below the speed floor or past the deadline */
	U_FETCH,	/* the mirror did not answer or said no */
	U_FORMAT,	/* metadata that is not in the format */
	U_MISMATCH,	/* a manifest the timestamp does not pin */
	U_WRONGTARGET,	/* not the target, channel or type asked for */
	U_DELEGATION,	/* a path outside what targets delegates */
	U_NOMIRROR,	/* every mirror failed */
	U_INSTALL,	/* a local file operation failed */
	U_WITNESS,	/* the checkpoint lacks its witnesses' cosignatures */
	U_SPLITVIEW,	/* two signed checkpoints that cannot both be true */
	U_INCLUSION,	/* the log's tiles do not give its checkpoint */
	U_NOTLOGGED,	/* a manifest that is not in the public log */
	U_LOAD,		/* a database that does not load or self-test */
	U_COUNT
};

const char *upd_error_name(enum upd_error e);

/* `vigil update ...`; returns the exit status (0, 1 failed, 2 usage,
 * 3 stale). */
int upd_cli(int argc, char **argv);

#endif
