/*
 * mapguard.c -- SIGBUS on a guarded mapping turned into zeros (see
 * mapguard.h). The guarded ranges are slots of a table the handler reads
 * with lock-free atomics (safe in a handler, whatever thread faulted); it
 * maps anonymous zero pages over the rest of the faulting range from the
 * faulting page on (mmap is a plain system call, safe in a handler),
 * marks the slot, and returns: the read is made again and sees zeros. Written here because
 * no library does this: the C library has no such guard, and a longjmp
 * out of the scan would leave the matcher's scratch and the formats'
 * allocations behind.
 */
#define _GNU_SOURCE
#include "util/mapguard.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/vigil.h"

/* A guarded range: live while it may be read; used while its guard holds
 * the slot (claimed before it is live, freed after). */
struct slot {
	atomic_int used, live, lost;
	_Atomic uintptr_t lo, hi;
};

static struct slot slots[MAPGUARD_SLOTS];
static struct sigaction before;
static uintptr_t page_bytes;

/* A SIGBUS that is none of ours: the handler there was before decides. A
 * default or ignored one is made the default again: a fault's read, made
 * again on return, ends the process as it would have without us, and a
 * signal sent (si_code 0 or less) is sent again. */
static void pass_on(int sig, siginfo_t *si, void *uc)
{
	if (before.sa_flags & SA_SIGINFO) {
		before.sa_sigaction(sig, si, uc);
	} else if (before.sa_handler != SIG_DFL &&
		   before.sa_handler != SIG_IGN) {
		before.sa_handler(sig);
	} else {
		struct sigaction dfl;

		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		sigaction(SIGBUS, &dfl, NULL);
		if (si->si_code <= 0)
			raise(sig);
	}
}

/* The slot whose live range holds a, or NULL. */
static struct slot *guarding(uintptr_t a)
{
	for (size_t i = 0; i < MAPGUARD_SLOTS; i++) {
		struct slot *sl = &slots[i];

		if (atomic_load(&sl->live) && a >= atomic_load(&sl->lo) &&
		    a < atomic_load(&sl->hi))
			return sl;
	}
	return NULL;
}

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr, p, hi;
	struct slot *sl = si->si_code > 0 ? guarding(a) : NULL;
	int saved = errno;

	if (sl) {
		p = a & ~(page_bytes - 1);
		hi = atomic_load(&sl->hi);
		if (mmap((void *)p, hi - p, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
			 0) != MAP_FAILED) {
			atomic_store(&sl->lost, 1);
			errno = saved;
			return;
		}
	}
	errno = saved;
	pass_on(sig, si, uc);
}

/* Takes SIGBUS, with the handler there was as the one to pass others
 * on to; again whenever it finds the handler no longer ours (a program,
 * or a test framework, that installed its own after). */
static int take_sigbus(void)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct sigaction sa, now;
	int rc = 0;

	pthread_mutex_lock(&lock);
	if (!page_bytes) {
		long pb = sysconf(_SC_PAGESIZE);

		page_bytes = pb > 0 ? (uintptr_t)pb : 4096;
	}
	if (sigaction(SIGBUS, NULL, &now) < 0 ||
	    !(now.sa_flags & SA_SIGINFO) || now.sa_sigaction != on_sigbus) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGBUS, &sa, &now) < 0)
			rc = -1;
		else if (!(now.sa_flags & SA_SIGINFO) ||
			 now.sa_sigaction != on_sigbus)
			before = now;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

int mapguard_begin(struct mapguard *g, const void *map, size_t len)
{
	uintptr_t lo = (uintptr_t)map;

	g->slot = -1;
	if (take_sigbus() < 0)
		return -1;
	for (int i = 0; i < MAPGUARD_SLOTS; i++) {
		struct slot *sl = &slots[i];

		if (atomic_exchange(&sl->used, 1))
			continue;
		atomic_store(&sl->lo, lo);
		atomic_store(&sl->hi, lo + ((len + page_bytes - 1) &
					    ~(page_bytes - 1)));
		atomic_store(&sl->lost, 0);
		atomic_store(&sl->live, 1);
		g->slot = i;
		return 0;
	}
	return -1;
}

int mapguard_lost(const struct mapguard *g)
{
	return g->slot >= 0 && atomic_load(&slots[g->slot].lost);
}

int mapguard_end(struct mapguard *g)
{
	struct slot *sl;
	int lost;

	if (g->slot < 0)
		return 0;
	sl = &slots[g->slot];
	atomic_store(&sl->live, 0);
	lost = atomic_load(&sl->lost);
	atomic_store(&sl->used, 0);
	g->slot = -1;
	return lost;
}

int mapguard_error(int fd, const char *path, size_t len)
{
	struct stat st;

	if ((fd >= 0 ? fstat(fd, &st) : stat(path, &st)) == 0 &&
	    (uint64_t)st.st_size < len)
		return VIGIL_ECHANGED;
	errno = EIO;
	return VIGIL_EIO;
}
