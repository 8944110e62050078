/*
 * updconf.h -- vigil-update's configuration file (update.conf), freshclam's
 * habit: "Key value" lines through the shared parser (common/kvconf.h).
 * What the command line says wins over the file.
 *
 *   DatabaseDirectory /var/lib/vigil
 *   Mirror https://updates.example.org       (repeatable; DatabaseMirror)
 *   Trust /etc/vigil/root.trust
 *   Target db/main  Channel stable  Type sigdb
 *   ReloadSocket /run/vigil/vigild.ctl
 *   Checks 24                                (a day, with --schedule)
 *   Proxy http://proxy.example.org:3128
 * or, for ClamAV's own databases (vigil update --from-clamav):
 *   ClamAVMirror https://mirror.example.org/clamav  (PrivateMirror)
 *   ClamAVDatabases main,daily,bytecode
 *   CVDCertsDirectory /etc/clamav/certs
 */
#ifndef VIGIL_UPDATE_UPDCONF_H
#define VIGIL_UPDATE_UPDCONF_H

#include <stddef.h>

#include "ctx.h"

/* Checks a day: freshclam allows 1 to 50; hourly by default. */
#define UPDCONF_MAX_CHECKS 50u
#define UPDCONF_DEFAULT_CHECKS 24u

struct updconf {
	char *dir, *trust, *target, *channel, *type, *reload_sock, *proxy;
	char *cvd_names, *certs_dir;
	char *mirrors[MAX_MIRRORS];
	unsigned nmirrors;
	int clamav;		/* the mirrors are ClamAV's (ClamAVMirror) */
	unsigned checks;	/* a day */
};

/* Reads path into f: 0, or -1 with "path:line: why" in err. */
int updconf_load(struct updconf *f, const char *path, char *err,
		 size_t errlen);
/* The same over a text that name calls (the fuzz target's way in). */
int updconf_text(struct updconf *f, const char *text, size_t len,
		 const char *name, char *err, size_t errlen);
/* Fills what c does not set yet from f (the command line first). */
void updconf_apply(const struct updconf *f, struct uctx *c);
void updconf_free(struct updconf *f);

#endif
