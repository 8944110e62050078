/*
 * ctl.h -- the parts of the vigil-shield program.
 */
#ifndef VIGIL_SHIELD_CTL_H
#define VIGIL_SHIELD_CTL_H

#define SHIELD_DEFAULT_SOCKET "/run/vigil/shield.sock"

/* The daemon: runs until SIGTERM/SIGINT; the exit status. */
int shield_run(const char *ifname, const char *config, const char *sock);

#endif
