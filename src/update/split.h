/*
 * split.h -- the update client as two processes: a fetcher that talks to
 * the network and can read nothing but CA certificates, libraries and
 * file:// mirrors (Landlock), and the verifier that checks and installs
 * and can open no socket (seccomp). The verifier asks, the fetcher
 * fetches; no process both sees the machine's files and the network.
 */
#ifndef VIGIL_UPDATE_SPLIT_H
#define VIGIL_UPDATE_SPLIT_H

#include "ctx.h"

/* Forks the fetcher and confines both sides. -1 if it could not. */
int upd_split_start(struct uctx *c);
void upd_split_stop(struct uctx *c);
/* upd_fetch() through the fetcher when it runs, directly otherwise. */
enum fetch_result upd_fetch_via(struct uctx *c, const char *url, size_t cap,
			 char **buf, size_t *len, char *why, size_t whylen);
/* upd_fetch_prefix() the same way. */
enum fetch_result upd_fetch_prefix_via(struct uctx *c, const char *url,
				       size_t n, char **buf, size_t *len,
				       char *why, size_t whylen);
/* The fetcher sends RELOAD to vigild's socket at path. */
void upd_split_notify(struct uctx *c, const char *path);

#endif
