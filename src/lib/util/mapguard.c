/*
 * mapguard.c -- SIGBUS on a guarded mapping turned into zeros (see
 * mapguard.h). The kernel raises SIGBUS on the thread that touched the
 * page, so each thread keeps its own guards; the handler maps anonymous
 * zero pages over the rest of the guarded range from the faulting page on
 * (mmap is a plain system call, safe in a handler), marks the guard, and
 * returns: the read is made again and sees zeros. Written here because
 * no library does this: the C library has no such guard, and a longjmp
 * out of the scan would leave the matcher's scratch and the formats'
 * allocations behind.
 */
#define _GNU_SOURCE
#include "util/mapguard.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/vigil.h"

static __thread struct mapguard *guards;
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

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr, p;
	int saved = errno;
	struct mapguard *g;

	for (g = si->si_code > 0 ? guards : NULL; g; g = g->prev) {
		if (a < g->lo || a >= g->hi)
			continue;
		p = a & ~(page_bytes - 1);
		if (mmap((void *)p, g->hi - p, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
			 0) == MAP_FAILED)
			break;
		g->lost = 1;
		errno = saved;
		return;
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
	int rc = take_sigbus();

	g->lo = (uintptr_t)map;
	g->hi = g->lo + ((len + page_bytes - 1) & ~(page_bytes - 1));
	g->lost = 0;
	g->prev = guards;
	if (rc < 0)
		return -1;
	/* the guard whole before the handler can see it */
	atomic_signal_fence(memory_order_seq_cst);
	guards = g;
	atomic_signal_fence(memory_order_seq_cst);
	return 0;
}

int mapguard_end(struct mapguard *g)
{
	if (guards == g) {
		guards = g->prev;
		atomic_signal_fence(memory_order_seq_cst);
	}
	return g->lost != 0;
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
