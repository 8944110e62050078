/*
 * actions.c -- clamscan's --move, --copy and --remove, and Vigil's
 * --quarantine (qstore.c), done by a helper
 * process forked before `vigil scan` confines itself: the scanning process
 * can write nowhere (sandbox.c), and the helper never parses what it acts
 * on. The scan sends a path found infected over a socketpair; the helper
 * answers with the line to print. The helper trusts the scanning process
 * no more than the files it reads: it acts only on paths under what the
 * command line named (its paths, or the lines of --file-list, read here
 * before the scan starts), so that a scanner taken over by a hostile file
 * cannot have anything else removed or moved; and it confines itself
 * (confine_helper) so that the kernel holds that line too. The actions
 * themselves are
 * common/fileact.c, shared with vigild's OnInfected.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "actions.h"
#include "filelist.h"
#include "common/confine.h"
#include "common/fileact.h"
#include "common/qstore.h"

#define ACTIONS_MAX_PATH 4096
/* Paths named on the command line (or in --file-list) acted under. */
#define ACTIONS_MAX_ROOTS 4096

static char *roots[ACTIONS_MAX_ROOTS];
static size_t nroots;

static struct {
	enum action_kind kind;
	const char *dir;
	uint64_t cap;		/* the quarantine's size */
	int fd;			/* the scan's end; -1: no helper */
	pid_t pid;
} act = { ACT_NONE, NULL, 0, -1, 0 };

/* Into the quarantine (qstore.h): 0 and the line, or -1 and why not. */
static int quarantine(const char *path, const char *name, char *line,
		      size_t len)
{
	struct qstore_entry e;
	char err[ACTIONS_MAX_PATH + 256];

	if (qstore_put(act.dir, act.cap, path, name, &e, err,
		       sizeof(err)) < 0) {
		snprintf(line, len, "Can't quarantine file '%s': %s", path, err);
		return -1;
	}
	snprintf(line, len, "%s: quarantined as %s", path, e.id);
	return 0;
}

/* path's real place: its directory resolved, its last name kept (a link
 * is acted on as a link). */
static int real_place(const char *path, char *out, size_t len)
{
	char copy[ACTIONS_MAX_PATH], copy2[ACTIONS_MAX_PATH], *dir;

	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(copy2, sizeof(copy2), "%s", path);
	if (!(dir = realpath(dirname(copy), NULL)))
		return -1;
	snprintf(out, len, "%s/%s", strcmp(dir, "/") ? dir : "",
		 basename(copy2));
	free(dir);
	return 0;
}

/* Whether path lies under (or is) one of the roots. */
static int allowed(const char *path)
{
	char place[ACTIONS_MAX_PATH * 2];
	size_t i, n;

	if (real_place(path, place, sizeof(place)) < 0)
		return 0;
	for (i = 0; i < nroots; i++) {
		n = strlen(roots[i]);
		if (!strncmp(place, roots[i], n) &&
		    (place[n] == '\0' || place[n] == '/' ||
		     !strcmp(roots[i], "/")))
			return 1;
	}
	return 0;
}

/* One action on path: 0 and the line to print, or -1 and the error. */
static int act_on(const char *path, const char *name, char *line,
		  size_t len)
{
	char dest[FILEACT_MAX_PATH + 16];
	enum fileact_kind k;
	int rc;

	if (!allowed(path)) {
		snprintf(line, len, "'%s' is not under a path the command line "
			 "named: left where it is", path);
		return -1;
	}
	if (act.kind == ACT_QUARANTINE)
		return quarantine(path, name, line, len);
	k = act.kind == ACT_REMOVE ? FILEACT_REMOVE :
	    act.kind == ACT_MOVE ? FILEACT_MOVE : FILEACT_COPY;
	rc = fileact_do(k, -1, path, act.dir, dest, sizeof(dest));
	fileact_line(k, rc, errno, path, act.dir, dest, line, len);
	return rc;
}

/* A message: a 4-byte length, then the bytes. */
static int send_msg(int fd, int32_t status, const char *text)
{
	uint32_t n = (uint32_t)strlen(text);
	int32_t head[2] = { status, (int32_t)n };

	return write(fd, head, sizeof(head)) == sizeof(head) &&
			       write(fd, text, n) == (ssize_t)n ? 0 : -1;
}

static int recv_msg(int fd, int32_t *status, char *text, size_t cap)
{
	int32_t head[2];

	if (read(fd, head, sizeof(head)) != sizeof(head) || head[1] < 0 ||
	    (size_t)head[1] >= cap ||
	    read(fd, text, (size_t)head[1]) != head[1])
		return -1;
	text[head[1]] = '\0';
	*status = head[0];
	return 0;
}

static void helper(int fd)
{
	char path[ACTIONS_MAX_PATH], name[256], line[ACTIONS_MAX_PATH * 3];
	int32_t unused;

	while (recv_msg(fd, &unused, path, sizeof(path)) == 0 &&
	       recv_msg(fd, &unused, name, sizeof(name)) == 0) {
		int rc = act_on(path, name, line, sizeof(line));

		if (send_msg(fd, rc, line) < 0)
			break;
	}
	_exit(0);
}

/* A path named: where it leads, and where it is (a link named is acted
 * on as the walk names what is under it, or as itself). */
static void add_root(const char *path)
{
	char place[ACTIONS_MAX_PATH * 2], *real = realpath(path, NULL);

	if (real && nroots < ACTIONS_MAX_ROOTS)
		roots[nroots++] = real;
	else
		free(real);
	if (real_place(path, place, sizeof(place)) == 0 &&
	    nroots < ACTIONS_MAX_ROOTS && (roots[nroots] = strdup(place)))
		nroots++;
}

/* The paths acted under: those named, the lines of the file list, or
 * the current directory when there are none (as the scan walks). */
static void root_line(void *ctx, const char *path)
{
	(void)ctx;
	add_root(path);
}

static void read_roots(char *const *paths, size_t npaths,
		       const char *file_list)
{
	size_t i;

	for (i = 0; i < npaths; i++)
		if (strcmp(paths[i], "-"))
			add_root(paths[i]);
	if (file_list)
		file_list_each(file_list, root_line, NULL);
	if (!npaths && !file_list)
		add_root(".");
}

static const int helper_denied[] = {
	SCMP_SYS(socket), SCMP_SYS(connect), SCMP_SYS(bind),
	SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(ptrace),
	SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
};

/* Test hook: the path VIGIL_TEST_SANDBOX_PROBE names is removed, past the
 * helper's own check, to show what the confinement alone allows. */
static void probe(void)
{
	const char *path = getenv("VIGIL_TEST_SANDBOX_PROBE");

	if (!path || !*path)
		return;
	fprintf(stderr, "sandbox probe: actions helper: unlink: %s\n",
		unlink(path) < 0 ? strerror(errno) : "allowed");
}

/*
 * The helper's own confinement, so that even a flaw in its checks cannot
 * reach past them: files may be changed only beneath the paths the
 * command line named and the target directory (or the quarantine, made
 * first); no socket, no program run (Landlock and seccomp, as far as the
 * kernel has them).
 */
static void confine_helper(void)
{
	static const char *change[ACTIONS_MAX_ROOTS + 2];
	struct confine_fs fs = { NULL, 1, change };
	size_t i, n = 0;

	if (act.kind == ACT_QUARANTINE)
		mkdir(act.dir, 0700); /* the store's first use: made here */
	for (i = 0; i < nroots; i++)
		change[n++] = roots[i];
	if (act.dir)
		change[n++] = act.dir;
	change[n] = NULL;
	if (confine_landlock(&fs) < 0 ||
	    confine_seccomp(helper_denied, sizeof(helper_denied) /
					   sizeof(*helper_denied)) < 0) {
		fprintf(stderr, "vigil: the helper for --move, --copy, "
			"--remove or --quarantine cannot confine itself: %s\n",
			strerror(errno));
		_exit(3);
	}
	probe();
}

int actions_start(enum action_kind kind, const char *dir, uint64_t cap,
		  char *const *paths, size_t npaths, const char *file_list)
{
	struct stat st;
	int sv[2];

	act.kind = kind;
	act.dir = dir;
	act.cap = cap;
	if (kind == ACT_NONE)
		return 0;
	if (kind == ACT_QUARANTINE && !dir)
		act.dir = QSTORE_DEFAULT_DIR; /* made at its first use */
	if ((kind == ACT_MOVE || kind == ACT_COPY) && stat(dir, &st) < 0) {
		fprintf(stderr, "vigil: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if ((kind == ACT_MOVE || kind == ACT_COPY) && !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "vigil: %s: not a directory\n", dir);
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    (act.pid = fork()) < 0) {
		fprintf(stderr, "vigil: cannot start the helper for --move, "
			"--copy, --remove or --quarantine: %s\n",
			strerror(errno));
		return -1;
	}
	if (act.pid == 0) {
		close(sv[0]);
		read_roots(paths, npaths, file_list);
		confine_helper();
		helper(sv[1]);
	}
	close(sv[1]);
	act.fd = sv[0];
	return 0;
}

int actions_apply(const char *path, const char *name, char *line,
		  size_t len)
{
	int32_t status;

	if (act.fd < 0)
		return 1;
	if (send_msg(act.fd, 0, path) < 0 || send_msg(act.fd, 0, name) < 0 ||
	    recv_msg(act.fd, &status, line, len) < 0) {
		snprintf(line, len, "the helper for --move, --copy or --remove "
			 "is gone; '%s' left where it is", path);
		return -1;
	}
	return status < 0 ? -1 : 0;
}

void actions_stop(void)
{
	if (act.fd < 0)
		return;
	close(act.fd);
	act.fd = -1;
	waitpid(act.pid, NULL, 0);
}
