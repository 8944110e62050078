/*
 * attach.c -- see attach.h.
 */
#define _GNU_SOURCE
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/if_link.h>
#include <stdio.h>
#include <string.h>
#include <xdp/libxdp.h>

#include "attach.h"
#pragma GCC diagnostic push /* bpftool's generated code */
#pragma GCC diagnostic ignored "-Wcast-qual"
#include "shield.skel.h"
#pragma GCC diagnostic pop

static int quiet(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static int quiet_bpf(enum libbpf_print_level level, const char *fmt,
		     va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* libbpf's warnings, but not the sections it rightly skips (the run
 * configuration that libxdp reads), nor its debug chatter. */
static int filtered(enum libbpf_print_level level, const char *fmt,
		    va_list ap)
{
	if (level == LIBBPF_DEBUG ||
	    strstr(fmt, "skipping unrecognized data section"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int with_libxdp(struct attachment *at, int ifindex)
{
	struct xdp_program *xp;

	if (!(at->skel = shield_bpf__open()))
		return -1;
	xp = xdp_program__from_bpf_obj(at->skel->obj, NULL);
	if (libxdp_get_error(xp) ||
	    xdp_program__attach(xp, ifindex, XDP_MODE_NATIVE, 0) < 0) {
		if (!libxdp_get_error(xp))
			xdp_program__close(xp);
		shield_bpf__destroy(at->skel);
		at->skel = NULL;
		return -1;
	}
	at->xp = xp;
	return 0;
}

/* libxdp first, quietly: when it cannot, what it tried is not news;
 * the attempt without it says what went wrong, if anything does. */
int shield_attach(struct attachment *at, int ifindex)
{
	libxdp_print_fn_t old = libxdp_set_print(quiet);
	int rc;

	libbpf_set_print(quiet_bpf);
	at->ifindex = ifindex;
	at->xp = NULL;
	rc = with_libxdp(at, ifindex);
	libxdp_set_print(old);
	libbpf_set_print(filtered);
	if (rc == 0)
		return 0;
	if (!(at->skel = shield_bpf__open_and_load()))
		return -1;
	if (bpf_xdp_attach(ifindex, bpf_program__fd(at->skel->progs.shield),
			   XDP_FLAGS_UPDATE_IF_NOEXIST, NULL) < 0) {
		int e = errno;

		shield_bpf__destroy(at->skel);
		at->skel = NULL;
		errno = e;
		return -1;
	}
	return 0;
}

void shield_detach(struct attachment *at)
{
	if (at->xp) {
		xdp_program__detach(at->xp, at->ifindex, XDP_MODE_NATIVE, 0);
		xdp_program__close(at->xp);
	} else if (at->skel) {
		bpf_xdp_detach(at->ifindex, 0, NULL);
	}
	at->xp = NULL;
	shield_bpf__destroy(at->skel);
	at->skel = NULL;
}

const char *shield_attach_how(const struct attachment *at)
{
	struct xdp_multiprog *mp;
	const char *how = "alone";

	if (!at->xp)
		return how;
	mp = xdp_multiprog__get_from_ifindex(at->ifindex);
	if (!libxdp_get_error(mp) && mp && !xdp_multiprog__is_legacy(mp))
		how = "libxdp dispatcher";
	if (!libxdp_get_error(mp))
		xdp_multiprog__close(mp);
	return how;
}
