/*
 * onenote.c -- OneNote sections (.one): the files embedded in a page
 * (attachments, pictures, the scripts phishing mails hide there). Each is
 * a FileDataStoreObject ([MS-ONESTORE] 2.6.13): a header GUID, the data's
 * length (64 bits), 12 reserved bytes, the data, padding to 8 bytes and a
 * footer GUID. They are found by their header GUID wherever they are in
 * the file (the revision store's own structures are not walked, as in
 * ClamAV's fallback reader), and each is handed over as "onenote-N".
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "common/le.h"
#include "formats/format.h"
#include "formats/parsers.h"
#include "vigil/vigil.h"

#define ONE_HEADER_BYTES 36	/* GUID, cbLength, unused, reserved */
#define ONE_NAME_BYTES 32

/* {7B5C52E4-D88C-4DA7-AEB1-5378D02996D3}: a OneNote section file. */
static const uint8_t one_magic[16] = {
	0xe4, 0x52, 0x5c, 0x7b, 0x8c, 0xd8, 0xa7, 0x4d,
	0xae, 0xb1, 0x53, 0x78, 0xd0, 0x29, 0x96, 0xd3,
};
/* {BDE316E7-2665-4511-A4C4-8D4D0B7A9EAC}: a FileDataStoreObject. */
static const uint8_t file_guid[16] = {
	0xe7, 0x16, 0xe3, 0xbd, 0x65, 0x26, 0x11, 0x45,
	0xa4, 0xc4, 0x8d, 0x4d, 0x0b, 0x7a, 0x9e, 0xac,
};

int onenote_probe(const uint8_t *buf, size_t len, int type)
{
	(void)type;
	return len >= sizeof(one_magic) && !memcmp(buf, one_magic, 16);
}

int onenote_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	size_t pos = sizeof(one_magic);
	unsigned n = 0;
	int rc;

	while (pos < len) {
		const uint8_t *g = memmem(buf + pos, len - pos, file_guid, 16);
		char name[ONE_NAME_BYTES];
		size_t at, left;
		uint64_t size;

		if (!g)
			break;
		at = (size_t)(g - buf);
		left = len - at;
		if (left < ONE_HEADER_BYTES ||
		    (size = le64_load(g + 16)) > left - ONE_HEADER_BYTES) {
			fmt_warn(c, "OneNote: an embedded file runs past the end");
			return fmt_unreadable(c, "Heuristics.Broken.OneNote");
		}
		snprintf(name, sizeof(name), "onenote-%u", ++n);
		if ((rc = fmt_child(c, name, g + ONE_HEADER_BYTES,
				    (size_t)size)) != 0)
			return rc;
		if (fmt_expired(c))
			return 1;
		pos = at + ONE_HEADER_BYTES + (size_t)size;
	}
	return 0;
}
