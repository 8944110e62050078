/*
 * detlog.c -- see detlog.h. The event loop is the only writer and
 * reader: no locking.
 */
#include <stdio.h>
#include <time.h>

#include "detlog.h"

static struct detlog_entry ring[DETLOG_ENTRIES];
static uint64_t next_seq = 1;

void detlog_add(const char *via, const char *object, const char *name,
		const char *path)
{
	struct detlog_entry *e = &ring[next_seq % DETLOG_ENTRIES];

	e->time = (int64_t)time(NULL);
	e->seq = next_seq++;
	snprintf(e->via, sizeof(e->via), "%s", via);
	snprintf(e->object, sizeof(e->object), "%s", object);
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(e->path, sizeof(e->path), "%s", path ? path : "");
}

void detlog_each(uint64_t after,
		 void (*fn)(void *ctx, const struct detlog_entry *e),
		 void *ctx)
{
	uint64_t first = next_seq > DETLOG_ENTRIES ?
				 next_seq - DETLOG_ENTRIES : 1, s;

	for (s = first > after + 1 ? first : after + 1; s < next_seq; s++)
		fn(ctx, &ring[s % DETLOG_ENTRIES]);
}
