/*
 * conffile.h -- the vigil-shield configuration file: one "key value" a
 * line, # comments, read into a struct shield_conf by the shared
 * table-driven parser (common/kvconf.h) with every value checked for its
 * key's form and range, and no side effect, so that a fuzzer can drive it
 * alone. config.c applies a parsed file to the running shield.
 */
#ifndef VIGIL_SHIELD_CONFFILE_H
#define VIGIL_SHIELD_CONFFILE_H

#include <stddef.h>

#include "anycast.h"
#include "detect.h"
#include "dots.h"
#include "ics.h"
#include "mitigate.h"
#include "prefix.h"
#include "shield.h"

/* Bytes in a line and in the file; allow and block lines in a file. */
#define SHIELD_CONF_MAX_LINE_BYTES 512u
#define SHIELD_CONF_MAX_BYTES (1u << 20)
#define SHIELD_CONF_MAX_PREFIXES 4096u

struct shield_conf {
	struct shield_config xdp;	/* into the XDP program's config map */
	struct detect_cfg det;
	struct mitigate_cfg mit;
	char rules_file[4096];		/* "": no rule sets */
	char geo_path[4096];
	char metrics_addr[64];
	unsigned metrics_port;		/* 0: off */
	struct prefix allow[SHIELD_CONF_MAX_PREFIXES];
	struct prefix block[SHIELD_CONF_MAX_PREFIXES];
	unsigned nallow, nblock;
	struct ics_policy ics[ICS_MAX_POLICIES];	/* modbus lines */
	unsigned nics;
	struct dots_cfg dots;
	struct anycast_cfg any;
};

/* A text (name is what errors call it) over what c holds: 0, or -1 with
 * "name:line: why" in err. */
int shield_conf_text(struct shield_conf *c, const char *text, size_t len,
		     const char *name, char *err, size_t errlen);
/* The file at path, read whole: as shield_conf_text. */
int shield_conf_load(struct shield_conf *c, const char *path, char *err,
		     size_t errlen);
/* One line: 0 applied, 1 blank or comment, -1 with "key: why" in err. */
int shield_conf_line(struct shield_conf *c, const char *line, size_t len,
		     char *err, size_t errlen);

#endif
