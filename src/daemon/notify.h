/*
 * notify.h -- the systemd notification protocol (sd_notify(3)), spoken
 * directly over $NOTIFY_SOCKET: READY=1 once the database serves,
 * RELOADING=1 around reloads, STOPPING=1, STATUS= lines.
 */
#ifndef VIGILD_NOTIFY_H
#define VIGILD_NOTIFY_H

/* Sends one message if vigild runs under systemd; no-op otherwise. */
void notify(const char *msg);

#endif
