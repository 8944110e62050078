/*
 * ftmscan.c -- what a file type magic rule (db/ftm.c) that matched an
 * object changes. ClamAV applies such a rule only where the type it names
 * makes sense for the object: HTML for plain text (and GIF, which may
 * carry markup), mail for plain text, and a type given by magic at its
 * offset for data it did not recognise otherwise. Vigil does the same:
 * the object is read again as that type (as for HandlerType), if Vigil has
 * a reader for it. Types found inside an object (self-extracting
 * archives, executables, PDF and installers at any offset) need nothing
 * more: the search for embedded content finds them anywhere.
 */
#include <stdlib.h>

#include "core/cltypes.h"
#include "core/scanner_int.h"
#include "sig/cltype.h"

/* Whether a rule naming 'type' re-types an object of Vigil type 'cur'
 * (its ClamAV type clt); magic 1 is a body pattern, 0 and 4 magic bytes
 * at an offset. */
static int applies(int magic, int type, int cur, int clt)
{
	switch (type) {
	case CLT_HTML:
		return cur == VIGIL_TYPE_TEXT || clt == CLT_GIF;
	case CLT_MAIL:
		return cur == VIGIL_TYPE_TEXT;
	default:
		return magic != 1 &&
		       (cur == VIGIL_TYPE_BINARY || cur == VIGIL_TYPE_TEXT);
	}
}

int ftm_hit(struct vigil_scanner *s, const uint8_t *buf, size_t len,
	    const char *rule)
{
	char *end;
	long magic = strtol(rule + 1, &end, 10);
	long rtype = strtol(end + 1, &end, 10);
	long type = strtol(end + 1, &end, 10);
	int cur = s->obj_type, clt = cltypes_of(buf, len, cur);
	int as = cltypes_vigil((int)type);

	if (s->handler || (rtype != CLT_ANY && rtype != clt) || as < 0 ||
	    as == cur || !applies((int)magic, (int)type, cur, clt))
		return 0;
	s->handler = (int)type;
	return 0;
}
