/*
 * nosandbox.c -- runs a program as on a kernel without Landlock, without
 * seccomp, or without either, for the tests of what Vigil does there: a
 * seccomp filter makes landlock_create_ruleset fail with ENOSYS (as a
 * kernel built without it does), or seccomp(2) with ENOSYS and
 * prctl(PR_{GET,SET}_SECCOMP) with EINVAL.
 *   nosandbox [--landlock] [--seccomp] -- PROGRAM ARGS...
 */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static int hide(int landlock, int seccomp)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int rc = 0;

	if (!ctx)
		return -1;
	if (landlock)
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				       SCMP_SYS(landlock_create_ruleset), 0);
	if (seccomp) {
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				       SCMP_SYS(seccomp), 0);
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EINVAL),
				       SCMP_SYS(prctl), 1,
				       SCMP_A0(SCMP_CMP_EQ, PR_SET_SECCOMP, 0));
		rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EINVAL),
				       SCMP_SYS(prctl), 1,
				       SCMP_A0(SCMP_CMP_EQ, PR_GET_SECCOMP, 0));
	}
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}

int main(int argc, char **argv)
{
	int i, landlock = 0, seccomp = 0;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--landlock"))
			landlock = 1;
		else if (!strcmp(argv[i], "--seccomp"))
			seccomp = 1;
	}
	if (i + 1 >= argc) {
		fprintf(stderr, "usage: nosandbox [--landlock] [--seccomp] "
			"-- PROGRAM ARGS...\n");
		return 2;
	}
	if (hide(landlock, seccomp) != 0) {
		fprintf(stderr, "nosandbox: cannot load the filter\n");
		return 2;
	}
	execv(argv[i + 1], argv + i + 1);
	perror(argv[i + 1]);
	return 127;
}
