/*
 * parwalk.h -- one large container on several cores. When the scanned
 * object (1 MiB or more) is a container, its entries go to helper
 * threads, each with a scanner of its own: a zip's entries are inflated
 * and matched there (fmt_each), a streamed archive's members are matched
 * there while the scanner's own thread reads the next ones (fmt_child).
 * The container's own matching is a task too, queued first: the entries
 * queue behind it at once, and its pass leaves the containers'
 * signatures it found for the unpacking (what is embedded in the
 * container's bytes is opened after the entries, once they are in).
 * The own thread runs tasks too while it waits. Results are taken back in
 * the entries' order, so a scan gives what it gives on one thread: the
 * first detection (without all-match) stops it and drops what entries
 * after it found, and the scanner's own records wait until the entries
 * before them are in (walk.c settles first). Identical members meet in a
 * table shared by the helpers, so copies are matched once, as on one
 * thread.
 */
#ifndef VIGIL_CORE_PARWALK_H
#define VIGIL_CORE_PARWALK_H

#include <stddef.h>
#include <stdint.h>

struct par;
struct vigil_scanner;
struct fmt_ctx;
struct magic_hits;

/* Containers smaller than this are unpacked on the scanner's thread. */
#define PAR_MIN_CONTAINER_BYTES (1u << 20)

/* Extracts entry i of a container, and guesses its size
 * (formats/format.h's fmt_each_ops). */
typedef int (*par_each_fn)(struct fmt_ctx *c, void *arg, size_t i);
typedef uint64_t (*par_size_fn)(void *arg, size_t i);

/* A task: the container it comes from, and a member to match or an
 * entry to extract. */
struct par_job {
	int type;		/* Vigil's type of the container */
	int cltype;		/* ClamAV's type of it */
	uint64_t clen;		/* its size */
	const void *hits;	/* its embedded-content hits */
	unsigned pos;		/* entries announced before this one */
	const char *name;	/* a member: its name and bytes */
	const uint8_t *buf;
	size_t len;
	par_each_fn each;	/* or an entry: each(c, arg, i) */
	void *arg;
	size_t i;
	uint64_t cost;		/* its size, or a guess: larger ones first */
	int self;		/* or the container's own matching, while
				 * its entries are unpacked */
	struct magic_hits *self_hits; /* where that leaves the containers'
				       * signatures its pass found */
};

/* Runs a task on helper h, whose walk stands where the scanner's stood
 * when it was handed on: 0, 1 (stop), PAR_REDO or an error. */
typedef int (*par_run_fn)(struct vigil_scanner *h, const struct par_job *j);
/* Makes a helper scanner for s, and releases one. */
typedef int (*par_new_fn)(const struct vigil_scanner *s,
			  struct vigil_scanner **h);
typedef void (*par_free_fn)(struct vigil_scanner *h);

/* Prepares n helper threads for s, started on first use. */
int par_new(struct par **out, unsigned n, par_new_fn mk, par_free_fn rm);
/* Stops the threads and frees the helpers; NULL is accepted. */
void par_free(struct par *p);
/* The helpers' entry buffers past WALK_BUF_KEEP_BYTES are released
 * (none may be running). */
void par_trim(struct par *p);
/* A new scan begins: forget how the last one ended. */
void par_reset(struct par *p);
/* 1 if tasks are out with the helpers, or the scan stopped among them. */
int par_busy(const struct par *p);
/* 1 if the scan helper h works for has stopped (its task is dropped). */
int par_cancelled(const struct vigil_scanner *h);

/* par_offer's "not taken": match the member here, once settled. */
#define PAR_SERIAL 2
/* A container's own matching asks for it to be read again as another
 * type (HandlerType) before it is unpacked: what its entries found is
 * dropped and the container is scanned again on one thread. */
#define PAR_REDO 3
/*
 * Hands a member to the helpers (its bytes are copied unless they lie in
 * the scanned object): 0 (taken), 1 (the scan stopped), PAR_SERIAL (not
 * taken: a limit is near, or no helper could be made), or an error.
 */
int par_offer(struct vigil_scanner *s, const struct par_job *j,
	      par_run_fn run);
/* Hands the container's own matching (j->self) to the helpers, ahead of
 * its entries: 0, or PAR_SERIAL (no helper could be made). */
int par_self(struct vigil_scanner *s, const struct par_job *j,
	     par_run_fn run);
/* 1 once, if a task asked for PAR_REDO; the scan is then as at its start
 * for the helpers. */
int par_redo(struct par *p);
/* Hands entries 0 .. n-1 of j's container to the helpers, and waits for
 * them: as par_sync(). first(arg, i), if not NULL, counts the entries
 * announced before task i (a task may announce several). PAR_SERIAL: no
 * helper could be made. */
int par_each(struct vigil_scanner *s, const struct par_job *j, size_t n,
	     par_size_fn size, par_size_fn first, par_run_fn run,
	     const char **limit);
/*
 * Waits for every task out and takes their results, in order: 0, 1 (the
 * scan stopped) or an error. *limit is set to a scan-wide limit the tasks
 * passed together (to be recorded by the caller), else NULL.
 */
int par_sync(struct vigil_scanner *s, const char **limit);

/*
 * For helper h, about a member at depth 1 (XXH3-128 lo, hi): SEEN_SKIP if an identical one
 * of another task was clean (waiting for it if it is being matched),
 * else SEEN_NEW with *slot to report the outcome to (or -1). A later
 * task's copy counts too: whichever task meets the content first
 * matches it, and the others wait, so a scan matches it once, as on one
 * thread. No wait can close a circle: a task waits only outside its
 * matching of a member, and holds no member pending while it waits.
 */
int par_seen(struct vigil_scanner *h, uint64_t lo, uint64_t hi, size_t len,
	     int container, long *slot);
void par_seen_done(struct vigil_scanner *h, long slot, int matched);

#endif
