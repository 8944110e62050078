/*
 * updstate.c -- see updstate.h. Read whole, then split through the
 * bounded reader: a line that is not "key number word" is damage, never
 * half-read.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/reader.h"
#include "common/updstate.h"

#define SPACE " \t"

/* A signed decimal into *v. */
static int number(struct rdr *r, int64_t *v)
{
	uint64_t u;
	int neg = rdr_accept(r, "-", 1);

	if (rdr_decimal(r, INT64_MAX, &u) < 0)
		return -1;
	*v = neg ? -(int64_t)u : (int64_t)u;
	return 0;
}

/* A value: printable bytes only (this file's writer never writes
 * others; a carriage return at a line's end would be read as the line's
 * end the next time, so the state would not read back as it was
 * written: found by fuzz_updstate). */
static int word(char *dst, size_t cap, const char *w)
{
	size_t n = strlen(w);

	if (n >= cap)
		return -1;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)w[i] < 0x20 || (unsigned char)w[i] == 0x7f)
			return -1;
	memset(dst, 0, cap); /* nothing of an earlier, longer value stays */
	if (strcmp(w, "-"))
		memcpy(dst, w, n);
	return 0;
}

static int field(struct updstate *st, const char *key, int64_t v,
		 const char *w)
{
	if (v < 0 && strcmp(key, "fresh") && strcmp(key, "installed-at"))
		return -1; /* versions are not negative */
	if (!strcmp(key, "timestamp"))
		st->timestamp = (uint64_t)v;
	else if (!strcmp(key, "targets"))
		st->targets = (uint64_t)v;
	else if (!strcmp(key, "release"))
		st->release = (uint64_t)v;
	else if (!strcmp(key, "fresh"))
		st->fresh = v;
	else if (!strcmp(key, "installed-at"))
		st->installed_at = v;
	else if (!strcmp(key, "log-leaf"))
		st->log_leaf = (uint64_t)v;
	else if (!strcmp(key, "log-size"))
		st->log_size = (uint64_t)v;
	else if (!strcmp(key, "installed-sha"))
		return word(st->installed_sha, sizeof(st->installed_sha), w);
	else if (!strcmp(key, "installed")) {
		st->installed = (uint64_t)v;
		return word(st->installed_dir, sizeof(st->installed_dir), w);
	}
	return 0;
}

int updstate_parse(const char *text, size_t len, struct updstate *st)
{
	char key[32], w[UPDSTATE_MAX_LINE_BYTES];
	struct rdr r, l;
	const char *line;
	size_t n;
	int64_t v;

	memset(st, 0, sizeof(*st));
	rdr_init(&r, text, len);
	while (rdr_line(&r, UPDSTATE_MAX_LINE_BYTES, &line, &n)) {
		rdr_init(&l, line, n);
		if (rdr_word(&l, SPACE, key, sizeof(key)) < 0)
			return -1;
		if (!*key)
			continue; /* a blank line */
		rdr_span(&l, SPACE);
		if (number(&l, &v) < 0 || rdr_word(&l, SPACE, w, sizeof(w)) < 0 ||
		    !*w)
			return -1;
		rdr_span(&l, SPACE);
		if (rdr_left(&l) || field(st, key, v, w) < 0)
			return -1;
	}
	return rdr_failed(&r) ? -1 : 0;
}

int updstate_load(const char *path, struct updstate *st)
{
	char text[UPDSTATE_MAX_BYTES + 1];
	ssize_t n;
	int fd;

	memset(st, 0, sizeof(*st));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 1 : -1;
	n = read(fd, text, sizeof(text));
	close(fd);
	if (n < 0)
		return -1;
	if ((size_t)n > UPDSTATE_MAX_BYTES) {
		errno = EFBIG;
		return -1;
	}
	if (updstate_parse(text, (size_t)n, st) < 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int updstate_format(const struct updstate *st, char *buf, size_t len)
{
	int n = snprintf(buf, len,
			 "timestamp %llu -\ntargets %llu -\nrelease %llu -\n"
			 "installed %llu %s\nfresh %lld -\ninstalled-at %lld "
			 "-\ninstalled-sha 0 %s\nlog-leaf %llu -\n"
			 "log-size %llu -\n",
			 (unsigned long long)st->timestamp,
			 (unsigned long long)st->targets,
			 (unsigned long long)st->release,
			 (unsigned long long)st->installed,
			 st->installed_dir[0] ? st->installed_dir : "-",
			 (long long)st->fresh, (long long)st->installed_at,
			 st->installed_sha[0] ? st->installed_sha : "-",
			 (unsigned long long)st->log_leaf,
			 (unsigned long long)st->log_size);

	return n < 0 || (size_t)n >= len ? -1 : n;
}

int updstate_db_dir(const char *dir, char *out, size_t len)
{
	struct stat st;
	size_t n = strlen(dir);
	int w;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	w = snprintf(out, len, "%.*s/current", (int)n, dir);
	if (w < 0 || (size_t)w >= len)
		return -1;
	if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	w = snprintf(out, len, "%s", dir);
	return w < 0 || (size_t)w >= len ? -1 : 0;
}
