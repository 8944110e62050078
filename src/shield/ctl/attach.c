/*
 * attach.c -- see attach.h.
 */
#define _GNU_SOURCE
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/if_link.h>
#include <stdio.h>
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

int shield_attach(struct attachment *at, int ifindex)
{
	libxdp_print_fn_t old = libxdp_set_print(quiet);
	int rc;

	at->ifindex = ifindex;
	at->xp = NULL;
	rc = with_libxdp(at, ifindex);
	libxdp_set_print(old);
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
	return at->xp ? "libxdp" : "alone";
}
