/*
 * detlog.h -- the recent detections, whatever the protocol that found
 * them, kept in a ring for the HTTP API and the console (GET
 * /v1/detections): when, through which interface, the object as its
 * client named it, the detection and where inside the object it was.
 */
#ifndef VIGILD_DETLOG_H
#define VIGILD_DETLOG_H

#include <stdint.h>

/* Detections kept; older ones give way. */
#define DETLOG_ENTRIES 256

struct detlog_entry {
	int64_t time;		/* Unix seconds */
	uint64_t seq;		/* 1, 2, ...: a client asks for newer ones */
	char via[8];		/* "clamd", "icap", "http" */
	char object[256];	/* a path, "stream", an upload's name */
	char name[128];		/* the detection */
	char path[256];		/* inside the object ("" at its top) */
};

void detlog_add(const char *via, const char *object, const char *name,
		const char *path);
/* Calls fn for each entry newer than after, oldest first. */
void detlog_each(uint64_t after,
		 void (*fn)(void *ctx, const struct detlog_entry *e),
		 void *ctx);

#endif
