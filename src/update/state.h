/*
 * state.h -- the client's state of earlier cycles, loaded before a cycle
 * and saved after it (state.c).
 */
#ifndef VIGIL_UPDATE_STATE_H
#define VIGIL_UPDATE_STATE_H

#include "ctx.h"

enum upd_error upd_state_load(struct uctx *c);
enum upd_error upd_state_save(struct uctx *c);

#endif
