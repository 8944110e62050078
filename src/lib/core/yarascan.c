/*
 * yarascan.c -- the engine's YARA rules over each object a scan reaches
 * (yarascan.h): a rule that matches is a detection; one that reached a
 * limit is a warning of the scan, never a silent miss (one that needs a
 * module was warned of at load).
 */
#include "core/yarascan.h"

#include <ctype.h>
#include <string.h>

#include "core/engine_int.h"
#include "core/scanner_int.h"
#include "vigil/vigil.h"
#include "yara/yrapi_int.h"

int yarascan_scanner_new(struct vigil_scanner *s)
{
	if (!s->e->yara)
		return 0;
	return vigil_yara_scanner_new(s->e->yara, &s->yara) ? VIGIL_ENOMEM : 0;
}

void yarascan_scanner_free(struct vigil_scanner *s)
{
	vigil_yara_scanner_free(s->yara);
}

static int on_rule(void *ctx, const struct vigil_yara_rule *r)
{
	struct vigil_scanner *s = ctx;
	int rc;

	if (r->status == VIGIL_YARA_TRUE) {
		rc = scanner_detect(s, s->e->yara_names[r->index]);
		return rc < 0 ? rc : rc ? 1 : 0;
	}
	if (r->status == VIGIL_YARA_LIMIT)
		scanner_warn(s, "YARA rule %s: %s", r->name,
			     r->why ? r->why : "a limit was reached");
	return 0; /* one that needs a module was warned of at load */
}

/* What an object is called: its own name inside a container, else the
 * scanned path's last part; "" when there is neither. */
static const char *object_name(const struct vigil_scanner *s)
{
	const char *p = s->w.path.len > 1 ? (const char *)s->w.path.data :
					     s->name;
	const char *slash;

	if (!p)
		return "";
	slash = strrchr(p, '/');
	return slash ? slash + 1 : p;
}

/* The externals LOKI and THOR give each file, for this object: filename,
 * filepath (the path scanned), extension (".exe", lower case), filetype
 * (EXE, ELF or MACH-O; else empty). owner stays empty. */
static void externals(struct vigil_scanner *s, int type)
{
	const char *name = object_name(s), *dot = strrchr(name, '.');
	size_t i;

	for (i = 0; dot && dot[i] && i + 1 < sizeof(s->yara_ext); i++)
		s->yara_ext[i] = (char)tolower((unsigned char)dot[i]);
	s->yara_ext[i] = 0;
	yrapi_scanner_text(s->yara, "filename", name);
	yrapi_scanner_text(s->yara, "filepath", s->name ? s->name : "");
	yrapi_scanner_text(s->yara, "extension", s->yara_ext);
	yrapi_scanner_text(s->yara, "filetype",
			   type == VIGIL_TYPE_PE ? "EXE" :
			   type == VIGIL_TYPE_ELF ? "ELF" :
			   type == VIGIL_TYPE_MACHO ? "MACH-O" : "");
}

int yarascan_object(struct vigil_scanner *s, const uint8_t *buf, size_t len,
		    int type)
{
	int rc;

	if (!s->yara)
		return 0;
	externals(s, type);
	rc = vigil_yara_scan_buffer(s->yara, buf, len, 0, on_rule, s);
	return rc == 1 ? 1 : rc;
}
