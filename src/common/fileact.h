/*
 * fileact.h -- clamscan's actions on a file found infected, shared by
 * `vigil scan` (--remove, --move, --copy) and vigild (OnInfected): remove
 * it, move or copy it into a directory. A name taken there gets .001 to
 * .999 appended, the file made with O_EXCL (nothing overwritten); across
 * file systems a move is a copy, then the original's removal. The file is
 * acted on through the descriptor it was read by, and its name only while
 * the name still names that file (not one put in its place since).
 */
#ifndef VIGIL_COMMON_FILEACT_H
#define VIGIL_COMMON_FILEACT_H

#include <stddef.h>

enum fileact_kind { FILEACT_REMOVE, FILEACT_MOVE, FILEACT_COPY };

/* Longest path made, in bytes. */
#define FILEACT_MAX_PATH 4096
/* Names tried in the target directory: NAME, NAME.001 ... NAME.999. */
#define FILEACT_MAX_SUFFIX 1000

/*
 * Does k to path; in is the file open for reading (or -1: path is opened,
 * without following a link). Moves and copies go into dir, the new name
 * into dest. 0, or -1 with errno.
 */
int fileact_do(enum fileact_kind k, int in, const char *path,
	       const char *dir, char *dest, size_t destlen);
/* clamscan's line for what fileact_do() did (rc its result, errno its
 * error): "PATH: Removed.", "PATH: moved to 'DEST'", "Can't ...". */
void fileact_line(enum fileact_kind k, int rc, int err, const char *path,
		  const char *dir, const char *dest, char *line, size_t len);

#endif
