/*
 * dbwatch.h -- notices a .vdb written in place while the engine maps it.
 * An engine reads its .vdb files where they lie (mmap): a file written
 * over in place (cp onto it, rather than a rename) hands the running
 * engine the new file's bytes at the old one's offsets, and its scans
 * then miss what they should find. This watches the database directory
 * (inotify) for writes to the very files the engine loaded, so that the
 * daemon can stop answering from that engine at the first write and
 * reload once the writer has closed the file.
 */
#ifndef VIGILD_DBWATCH_H
#define VIGILD_DBWATCH_H

#include <stddef.h>
#include <sys/types.h>

#include "event.h"

/* .vdb files of one load whose writes are noticed; more are not. */
#define DBWATCH_MAX_FILES 256

struct dbwatch {
	struct evsrc ev;	/* EV_DBWATCH */
	int fd;			/* inotify, or -1 */
	int wd;			/* its watch of the directory */
	char dir[4096];
	size_t n;
	dev_t dev[DBWATCH_MAX_FILES];
	ino_t ino[DBWATCH_MAX_FILES];
	/* a .vdb that is a symbolic link: a watch of the file it names,
	 * which may lie outside the directory (else -1) */
	int fwd[DBWATCH_MAX_FILES];
	char *name[DBWATCH_MAX_FILES];	/* its name, for those watches */
	int writing;		/* a loaded file is being written */
};

/* What the events read say. */
enum dbwatch_news {
	DBWATCH_NONE = 0,
	DBWATCH_WRITING,	/* a loaded .vdb is being written in place */
	DBWATCH_WRITTEN,	/* and its writer has closed it */
};

/* Watches dir: 0, or -1 with errno (the daemon then runs without). */
int dbwatch_open(struct dbwatch *w, const char *dir);
/* Remembers the .vdb files in the directory now (after a load), and
 * watches the directory it names now (DIR/current is a link an update
 * moves), and the file each .vdb link names (wherever it lies). */
void dbwatch_remember(struct dbwatch *w);
/* Reads the pending events: the strongest news, with the file's name
 * (cut to len) in name. */
enum dbwatch_news dbwatch_read(struct dbwatch *w, char *name, size_t len);
void dbwatch_close(struct dbwatch *w);

#endif
