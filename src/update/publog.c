/*
 * publog.c -- see publog.h. The leaf hashes are kept in REPO/log.hashes
 * (32 bytes each, in order); tiles are served from v1/log/tile/0/<t>
 * (256 hashes, never rewritten) and v1/log/tile/0/<t>.p/<w> (the first w
 * of a tile not yet full).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "fsutil.h"
#include "log.h"
#include "publog.h"

static uint8_t (*load(const char *repo, uint64_t *n))[SHA256_BYTES]
{
	char path[4096];
	size_t len = 0;
	char *buf;

	snprintf(path, sizeof(path), "%s/log.hashes", repo);
	buf = upd_read_file(path, (size_t)1 << 30, &len);
	if (!buf && errno == ENOENT) {
		buf = calloc(1, 1);
		len = 0;
	}
	if (!buf || len % SHA256_BYTES) {
		free(buf);
		return NULL;
	}
	*n = len / SHA256_BYTES;
	return (uint8_t (*)[SHA256_BYTES])buf;
}

static int write_tile(const char *repo, uint8_t (*h)[SHA256_BYTES],
		      uint64_t n, uint64_t t)
{
	char path[4200], dir[4096];
	uint64_t first = t * LOG_TILE_HASHES, w = n - first;

	if (w > LOG_TILE_HASHES)
		w = LOG_TILE_HASHES;
	if (w == LOG_TILE_HASHES) {
		snprintf(path, sizeof(path), "%s/v1/log/tile/0/%llu", repo,
			 (unsigned long long)t);
	} else {
		snprintf(dir, sizeof(dir), "%s/v1/log/tile/0/%llu.p", repo,
			 (unsigned long long)t);
		if (upd_mkdir_p(dir, 0755) < 0)
			return -1;
		snprintf(path, sizeof(path), "%s/%llu", dir,
			 (unsigned long long)w);
	}
	return upd_write_atomic(path, h[first], (size_t)w * SHA256_BYTES);
}

int upd_publog_append(const char *repo, const char *text, size_t len,
		  uint64_t *index)
{
	uint8_t (*h)[SHA256_BYTES], leaf[SHA256_BYTES];
	uint64_t n;
	char path[4096];
	int fd, rc = -1;

	upd_log_leaf(text, len, leaf);
	snprintf(path, sizeof(path), "%s/log.hashes", repo);
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
		       0644)) < 0)
		return -1;
	if (write(fd, leaf, sizeof(leaf)) == (ssize_t)sizeof(leaf) &&
	    fsync(fd) == 0)
		rc = 0;
	close(fd);
	if (rc < 0 || !(h = load(repo, &n)))
		return -1;
	*index = n - 1;
	snprintf(path, sizeof(path), "%s/v1/log/tile/0", repo);
	rc = upd_mkdir_p(path, 0755) < 0 ? -1 :
	     write_tile(repo, h, n, *index / LOG_TILE_HASHES);
	free(h);
	return rc;
}

int upd_publog_head(const char *repo, uint64_t *size, uint8_t root[SHA256_BYTES])
{
	uint8_t (*h)[SHA256_BYTES] = load(repo, size);

	if (!h)
		return -1;
	upd_log_root((const uint8_t (*)[SHA256_BYTES])h, *size, root);
	free(h);
	return 0;
}

int upd_publog_checkpoint(const char *repo, const char *keys)
{
	char text[CHECKPOINT_MAX_BYTES], path[4096], name[32];
	uint8_t root[SHA256_BYTES];
	struct keypair k;
	uint64_t size;
	size_t body, len, s;
	unsigned i;

	if (upd_publog_head(repo, &size, root) < 0 ||
	    !(body = len = upd_checkpoint_body(size, root, text, sizeof(text))))
		return -1;
	for (i = 0; i <= PUBLOG_WITNESSES; i++) {
		if (i == 0)
			snprintf(name, sizeof(name), "log-1");
		else
			snprintf(name, sizeof(name), "witness-%u", i);
		if (upd_key_load(keys, name, &k) < 0)
			continue; /* a witness that signs elsewhere */
		if (!(s = upd_sign_domain("checkpoint", text, body, &k, text + len,
				      sizeof(text) - len)))
			return -1;
		len += s;
	}
	snprintf(path, sizeof(path), "%s/v1/log/checkpoint", repo);
	return upd_write_atomic(path, text, len);
}
