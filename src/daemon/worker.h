/*
 * worker.h -- a worker process: receives objects as descriptors, scans
 * them with the engine it was forked with, and sends back results.
 */
#ifndef VIGILD_WORKER_H
#define VIGILD_WORKER_H

#include <stdint.h>

#include "vigil/vigil.h"

struct worker_setup {
	int sock;			/* its end of the job socket */
	const struct vigil_engine *engine;
	struct vigil_scan_options opts;
	int sandbox;			/* enter the sandbox (WorkerSandbox) */
	int allow_unconfined;		/* run with the layers the kernel has */
	int probe;			/* answer JOB_PROBE (DebugSandboxProbe) */
	unsigned max_scans;		/* exit after this many; 0: never */
};

/* Runs in the forked child; never returns. */
void worker_main(const struct worker_setup *w) __attribute__((noreturn));

#endif
