/*
 * client.h -- one update cycle against one mirror (client.c).
 */
#ifndef VIGIL_UPDATE_CLIENT_H
#define VIGIL_UPDATE_CLIENT_H

#include "ctx.h"

enum upd_error upd_cycle(struct uctx *c, const char *mirror);

#endif
