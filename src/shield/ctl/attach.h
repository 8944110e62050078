/*
 * attach.h -- putting the XDP program on an interface: through libxdp's
 * dispatcher, so that other XDP programs (xdp-filter, a load balancer)
 * can run beside it (it runs first, priority 10, and passes on what it
 * passes), or on its own when libxdp cannot (no bpffs, an old kernel).
 */
#ifndef VIGIL_SHIELD_ATTACH_H
#define VIGIL_SHIELD_ATTACH_H

struct shield_bpf;
struct xdp_program;

struct attachment {
	struct shield_bpf *skel;	/* loaded; its maps are usable */
	struct xdp_program *xp;		/* NULL: attached without libxdp */
	int ifindex;
};

/* 0, or -1 with errno (nothing left attached). */
int shield_attach(struct attachment *at, int ifindex);
void shield_detach(struct attachment *at);
/* "libxdp" or "alone". */
const char *shield_attach_how(const struct attachment *at);

#endif
