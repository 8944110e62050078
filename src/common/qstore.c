/*
 * qstore.c -- see qstore.h. Crypto and hashing through libsodium, the
 * entries as JSON through jansson; files are written under a temporary
 * name and renamed, so that an entry is whole or absent.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/qstore.h"

#define MAGIC "VIGILQ1"		/* and its NUL: 8 bytes */
#define CHUNK (64u << 10)
#define KEYLEN crypto_secretstream_xchacha20poly1305_KEYBYTES

static int fail(char *err, size_t len, const char *what, const char *arg)
{
	snprintf(err, len, "%s%s%s: %s", what, arg ? " " : "", arg ? arg : "",
		 strerror(errno ? errno : EINVAL));
	return -1;
}

static void file_of(const char *dir, const char *id, const char *ext,
		    char *out, size_t len)
{
	snprintf(out, len, "%s/%s.%s", dir, id, ext);
}

/* A new key, written aside and linked into place whole: 0; 1 when
 * another process made the key first (its key is then read); -1. */
static int key_make(const char *dir, const char *path,
		    unsigned char key[KEYLEN])
{
	char tmp[QSTORE_MAX_PATH + 48];
	int fd, rc;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s/key.%ld.new", dir, (long)getpid());
	crypto_secretstream_xchacha20poly1305_keygen(key);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0 || write(fd, key, KEYLEN) != KEYLEN || fsync(fd) < 0) {
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	rc = link(tmp, path) == 0 ? 0 : errno == EEXIST ? 1 : -1;
	unlink(tmp);
	return rc;
}

/* The store's key, made (with the store) when create is set; processes
 * taking files into a new store at once all end up with the one key. */
static int key_load(const char *dir, unsigned char key[KEYLEN], int create)
{
	char path[QSTORE_MAX_PATH + 16];
	ssize_t n;
	int fd, rc;

	snprintf(path, sizeof(path), "%s/key", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT && create) {
		if ((rc = key_make(dir, path, key)) <= 0)
			return rc;
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	}
	if (fd < 0)
		return -1;
	n = read(fd, key, KEYLEN);
	close(fd);
	if (n != KEYLEN) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	ssize_t n;

	while (len) {
		if ((n = write(fd, p, len)) <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static ssize_t read_full(int fd, unsigned char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len && (n = read(fd, buf + got, len - got)) > 0)
		got += (size_t)n;
	return n < 0 ? -1 : (ssize_t)got;
}

/* in's bytes encrypted into out; their SHA-256 in hex, their count. */
static int encrypt(int in, int out, const unsigned char *key, char *hex,
		   uint64_t *size)
{
	static unsigned char buf[CHUNK], c[CHUNK + 17];
	unsigned char h[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	unsigned char sum[crypto_hash_sha256_BYTES];
	crypto_secretstream_xchacha20poly1305_state st;
	crypto_hash_sha256_state hs;
	unsigned long long clen;
	ssize_t n;
	int last;

	crypto_secretstream_xchacha20poly1305_init_push(&st, h, key);
	crypto_hash_sha256_init(&hs);
	if (write_all(out, MAGIC, sizeof(MAGIC)) < 0 ||
	    write_all(out, h, sizeof(h)) < 0)
		return -1;
	*size = 0;
	do {
		if ((n = read_full(in, buf, CHUNK)) < 0)
			return -1;
		last = n < (ssize_t)CHUNK;
		crypto_hash_sha256_update(&hs, buf, (unsigned long long)n);
		crypto_secretstream_xchacha20poly1305_push(&st, c, &clen, buf,
			(unsigned long long)n, NULL, 0, last ?
			crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
		if (write_all(out, c, (size_t)clen) < 0)
			return -1;
		*size += (uint64_t)n;
	} while (!last);
	crypto_hash_sha256_final(&hs, sum);
	sodium_bin2hex(hex, 65, sum, sizeof(sum));
	return 0;
}

/* The stream in decrypted into out, checked whole and against hex. */
static int decrypt(int in, int out, const unsigned char *key,
		   const char *hex)
{
	static unsigned char c[CHUNK + 17], buf[CHUNK];
	unsigned char h[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
	unsigned char sum[crypto_hash_sha256_BYTES], magic[sizeof(MAGIC)];
	char got[65];
	crypto_secretstream_xchacha20poly1305_state st;
	crypto_hash_sha256_state hs;
	unsigned long long len;
	unsigned char tag = 0;
	ssize_t n;

	errno = EBADMSG;
	if (read_full(in, magic, sizeof(magic)) != sizeof(magic) ||
	    memcmp(magic, MAGIC, sizeof(magic)) ||
	    read_full(in, h, sizeof(h)) != sizeof(h) ||
	    crypto_secretstream_xchacha20poly1305_init_pull(&st, h, key))
		return -1;
	crypto_hash_sha256_init(&hs);
	while (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
		if ((n = read_full(in, c, sizeof(c))) < 17 ||
		    crypto_secretstream_xchacha20poly1305_pull(&st, buf, &len,
			&tag, c, (unsigned long long)n, NULL, 0) ||
		    write_all(out, buf, (size_t)len) < 0)
			return -1;
		crypto_hash_sha256_update(&hs, buf, len);
	}
	crypto_hash_sha256_final(&hs, sum);
	sodium_bin2hex(got, sizeof(got), sum, sizeof(sum));
	errno = EBADMSG;
	return strcmp(got, hex) ? -1 : 0;
}

static int64_t ns_of(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

static int entry_write(const char *dir, const struct qstore_entry *e)
{
	char path[QSTORE_MAX_PATH + 64], tmp[QSTORE_MAX_PATH + 80];
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:i, s:I, s:I, s:I,"
			      " s:I, s:I}", "id", e->id, "path", e->path,
			      "detection", e->detection, "sha256", e->sha256,
			      "size", (json_int_t)e->size, "mode", (int)e->mode,
			      "uid", (json_int_t)e->uid, "gid",
			      (json_int_t)e->gid, "atime_ns",
			      (json_int_t)e->atime_ns, "mtime_ns",
			      (json_int_t)e->mtime_ns, "quarantined",
			      (json_int_t)e->quarantined);
	int rc;

	if (!o)
		return -1;
	file_of(dir, e->id, "json", path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	rc = json_dump_file(o, tmp, JSON_COMPACT);
	json_decref(o);
	if (rc < 0 || chmod(tmp, 0600) < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int entry_read(const char *path, struct qstore_entry *e)
{
	json_error_t je;
	json_t *o = json_load_file(path, 0, &je);
	const char *id, *p, *det, *sha;
	json_int_t size, uid, gid, at, mt, q;
	int mode, rc;

	if (!o)
		return -1;
	rc = json_unpack(o, "{s:s, s:s, s:s, s:s, s:I, s:i, s:I, s:I, s:I,"
			 " s:I, s:I}", "id", &id, "path", &p, "detection", &det,
			 "sha256", &sha, "size", &size, "mode", &mode, "uid",
			 &uid, "gid", &gid, "atime_ns", &at, "mtime_ns", &mt,
			 "quarantined", &q);
	if (rc == 0 && strlen(id) < sizeof(e->id) &&
	    strlen(p) < sizeof(e->path) && strlen(sha) == 64) {
		snprintf(e->id, sizeof(e->id), "%s", id);
		snprintf(e->path, sizeof(e->path), "%s", p);
		snprintf(e->detection, sizeof(e->detection), "%s", det);
		snprintf(e->sha256, sizeof(e->sha256), "%s", sha);
		e->size = (uint64_t)size;
		e->mode = (unsigned)mode;
		e->uid = (uid_t)uid;
		e->gid = (gid_t)gid;
		e->atime_ns = at;
		e->mtime_ns = mt;
		e->quarantined = q;
	} else {
		rc = -1;
	}
	json_decref(o);
	return rc;
}

static int is_entry(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && !strcmp(d->d_name + n - 5, ".json");
}

static int older(const void *a, const void *b)
{
	const struct qstore_entry *x = a, *y = b;

	if (x->quarantined != y->quarantined)
		return x->quarantined < y->quarantined ? -1 : 1;
	return strcmp(x->id, y->id);
}

int qstore_list(const char *dir, struct qstore_entry **out, size_t *n,
		char *err, size_t errlen)
{
	char path[QSTORE_MAX_PATH + 300];
	struct dirent **ents;
	int k, i;

	*out = NULL;
	*n = 0;
	if ((k = scandir(dir, &ents, is_entry, alphasort)) < 0)
		return errno == ENOENT ? 0 : fail(err, errlen, dir, NULL);
	if (k && !(*out = calloc((size_t)k, sizeof(**out))))
		errno = ENOMEM;
	for (i = 0; i < k; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		if (*out && entry_read(path, &(*out)[*n]) == 0)
			(*n)++;
		free(ents[i]);
	}
	free(ents);
	if (k && !*out)
		return fail(err, errlen, dir, NULL);
	if (*n)
		qsort(*out, *n, sizeof(**out), older);
	return 0;
}

int qstore_get(const char *dir, const char *id, struct qstore_entry *e,
	       char *err, size_t errlen)
{
	char path[QSTORE_MAX_PATH + 64];

	if (!*id || strchr(id, '/') || strlen(id) >= sizeof(e->id)) {
		snprintf(err, errlen, "%s: not an entry's id", id);
		return -1;
	}
	file_of(dir, id, "json", path, sizeof(path));
	if (entry_read(path, e) < 0) {
		snprintf(err, errlen, "%s: no such entry in %s", id, dir);
		return -1;
	}
	return 0;
}

int qstore_delete(const char *dir, const char *id, char *err, size_t errlen)
{
	char path[QSTORE_MAX_PATH + 64];
	struct qstore_entry e;

	if (qstore_get(dir, id, &e, err, errlen) < 0)
		return -1;
	file_of(dir, id, "vq", path, sizeof(path));
	if (unlink(path) < 0 && errno != ENOENT)
		return fail(err, errlen, path, NULL);
	file_of(dir, id, "json", path, sizeof(path));
	return unlink(path) < 0 ? fail(err, errlen, path, NULL) : 0;
}

/* The oldest entries out until need more bytes fit within cap. */
static int make_room(const char *dir, uint64_t cap, uint64_t need,
		     char *err, size_t errlen)
{
	struct qstore_entry *all;
	uint64_t used = 0;
	size_t n, i;

	if (need > cap) {
		snprintf(err, errlen, "%llu bytes: more than the quarantine's "
			 "cap of %llu", (unsigned long long)need,
			 (unsigned long long)cap);
		return -1;
	}
	if (qstore_list(dir, &all, &n, err, errlen) < 0)
		return -1;
	for (i = 0; i < n; i++)
		used += all[i].size;
	for (i = 0; i < n && used + need > cap; i++) {
		used -= all[i].size;
		qstore_delete(dir, all[i].id, err, errlen);
	}
	free(all);
	return 0;
}

/* Time to the nanosecond, then chance: ids sort as they were made. */
static void new_id(char *id, size_t len)
{
	unsigned char r[4];
	char hex[9], when[20];
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(hex, sizeof(hex), r, sizeof(r));
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y%m%dT%H%M%S", &tm);
	snprintf(id, len, "%s.%09ldZ-%s", when, (long)ts.tv_nsec, hex);
}

/* The file's bytes into DIR/ID.vq; the entry filled from what was read. */
static int store_bytes(const char *dir, int in, const unsigned char *key,
		       struct qstore_entry *e)
{
	char path[QSTORE_MAX_PATH + 64], tmp[QSTORE_MAX_PATH + 80];
	int out, rc;

	file_of(dir, e->id, "vq", path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0)
		return -1;
	rc = encrypt(in, out, key, e->sha256, &e->size);
	if (fsync(out) < 0)
		rc = -1;
	close(out);
	if (rc < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int qstore_put_fd(const char *dir, uint64_t cap, int in, const char *path,
		  const char *detection, struct qstore_entry *e, char *err,
		  size_t errlen)
{
	unsigned char key[KEYLEN];
	struct stat st, now;
	int rc;

	memset(e, 0, sizeof(*e));
	if (sodium_init() < 0 || key_load(dir, key, 1) < 0)
		return fail(err, errlen, "the quarantine's key in", dir);
	if (fstat(in, &st) < 0 || !S_ISREG(st.st_mode) ||
	    lseek(in, 0, SEEK_SET) < 0)
		return fail(err, errlen, path, NULL);
	if (make_room(dir, cap, (uint64_t)st.st_size, err, errlen) < 0)
		return -1;
	new_id(e->id, sizeof(e->id));
	if (!realpath(path, e->path)) /* restored from anywhere */
		snprintf(e->path, sizeof(e->path), "%s", path);
	snprintf(e->detection, sizeof(e->detection), "%s", detection);
	e->mode = st.st_mode & 07777;
	e->uid = st.st_uid;
	e->gid = st.st_gid;
	e->atime_ns = ns_of(&st.st_atim);
	e->mtime_ns = ns_of(&st.st_mtim);
	e->quarantined = (int64_t)time(NULL);
	rc = store_bytes(dir, in, key, e);
	sodium_memzero(key, sizeof(key));
	if (rc < 0 || entry_write(dir, e) < 0) {
		qstore_delete(dir, e->id, err, errlen);
		return fail(err, errlen, "cannot write the quarantine in", dir);
	}
	/* the name still the file read (not one put in its place) */
	errno = 0;
	if (lstat(path, &now) < 0 || now.st_dev != st.st_dev ||
	    now.st_ino != st.st_ino || unlink(path) < 0) {
		rc = errno ? errno : EEXIST;
		qstore_delete(dir, e->id, err, errlen);
		errno = rc;
		return fail(err, errlen, "cannot remove", path);
	}
	return 0;
}

int qstore_put(const char *dir, uint64_t cap, const char *path,
	       const char *detection, struct qstore_entry *e, char *err,
	       size_t errlen)
{
	int in = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	int rc;

	if (in < 0) {
		memset(e, 0, sizeof(*e));
		return fail(err, errlen, path, NULL);
	}
	rc = qstore_put_fd(dir, cap, in, path, detection, e, err, errlen);
	close(in);
	return rc;
}

/* Owner, mode and times of the entry on fd (owner only when root). */
static int put_back_attrs(int fd, const struct qstore_entry *e)
{
	struct timespec t[2] = {
		{ e->atime_ns / 1000000000, e->atime_ns % 1000000000 },
		{ e->mtime_ns / 1000000000, e->mtime_ns % 1000000000 },
	};

	if (geteuid() == 0 && fchown(fd, e->uid, e->gid) < 0)
		return -1;
	return fchmod(fd, e->mode) < 0 || futimens(fd, t) < 0 ? -1 : 0;
}

int qstore_restore(const char *dir, const char *id, const char *to,
		   char *err, size_t errlen)
{
	char vq[QSTORE_MAX_PATH + 64], tmp[QSTORE_MAX_PATH + 64];
	char copy[QSTORE_MAX_PATH];
	unsigned char key[KEYLEN];
	struct qstore_entry e;
	int in = -1, out = -1, rc = -1;

	if (qstore_get(dir, id, &e, err, errlen) < 0)
		return -1;
	to = to ? to : e.path;
	if (access(to, F_OK) == 0) {
		snprintf(err, errlen, "%s exists: not replaced (restore it "
			 "elsewhere with --to)", to);
		return -1;
	}
	snprintf(copy, sizeof(copy), "%s", to);
	snprintf(tmp, sizeof(tmp), "%s/.vigil-restore-%s", dirname(copy), id);
	file_of(dir, id, "vq", vq, sizeof(vq));
	if (sodium_init() >= 0 && key_load(dir, key, 0) == 0 &&
	    (in = open(vq, O_RDONLY | O_CLOEXEC)) >= 0 &&
	    (out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			0600)) >= 0 &&
	    decrypt(in, out, key, e.sha256) == 0 && fsync(out) == 0 &&
	    put_back_attrs(out, &e) == 0 && link(tmp, to) == 0)
		rc = 0; /* link: never over a file made meanwhile */
	if (rc < 0)
		fail(err, errlen, "cannot restore", to);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	unlink(tmp);
	sodium_memzero(key, sizeof(key));
	return rc < 0 ? -1 : qstore_delete(dir, id, err, errlen);
}
