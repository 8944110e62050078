#include "server.h"
static void input(struct conn *c) { conn_abort(c); }
static void timeout(struct conn *c) { conn_abort(c); }
static void release(struct conn *c) { (void)c; }
const struct conn_ops icap_ops = { input, timeout, release };
int icap_accept(struct conn *c) { (void)c; return -1; }
