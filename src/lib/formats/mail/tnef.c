/*
 * tnef.c -- TNEF (winmail.dat): after the signature and key, a sequence
 * of attributes (level, id, length, data, checksum). Each attachment's
 * data (attAttachData) is handed over under its title (attAttachTitle);
 * the message body attributes are handed over too, since they may carry
 * script or links. The property lists of the message and of each
 * attachment are walked (mapi.c) for what they carry: embedded messages
 * and objects, the HTML body and the compressed RTF one.
 */
#include <stdio.h>
#include <string.h>

#include "formats/format.h"
#include "formats/mail/mapi.h"
#include "formats/parsers.h"
#include "common/reader.h"
#include "vigil/vigil.h"

#define TNEF_SIGNATURE 0x223e9f78u
#define ATT_BODY 0x800c
#define ATT_ATTACH_DATA 0x800f
#define ATT_ATTACH_TITLE 0x8010
#define ATT_ATTACH_RENDDATA 0x9002
#define ATT_MSG_PROPS 0x9003
#define ATT_ATTACHMENT 0x9005
#define TNEF_NAME_BYTES 256

int tnef_probe(const uint8_t *buf, size_t len, int type)
{
	(void)buf;
	(void)len;
	return type == VIGIL_TYPE_TNEF;
}

int tnef_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	char title[TNEF_NAME_BYTES] = "";
	unsigned n = 0, m = 0;
	struct rdr r;
	int rc = 0;

	rdr_init(&r, buf, len);
	if (rdr_u32le(&r) != TNEF_SIGNATURE)
		return 0;
	rdr_skip(&r, 2); /* key */
	/* every attribute takes 9 bytes or more: no bound on their number */
	while (!rc && rdr_left(&r) >= 9 && !fmt_expired(c)) {
		uint32_t id;
		size_t alen, claim;
		const uint8_t *data;
		char name[TNEF_NAME_BYTES + 16];

		rdr_skip(&r, 1); /* level: message or attachment */
		id = rdr_u32le(&r) & 0xffff;
		alen = claim = rdr_u32le(&r);
		data = fmt_upto(c, "TNEF attribute", &r, &alen);
		if (alen == claim && rdr_skip(&r, 2) < 0)
			fmt_warn(c, "TNEF attribute without its checksum");
		if (id == ATT_ATTACH_RENDDATA) {
			title[0] = 0; /* a new attachment begins */
		} else if (id == ATT_ATTACH_TITLE) {
			size_t k = alen < sizeof(title) - 1 ? alen : sizeof(title) - 1;

			memcpy(title, data, k);
			title[k] = 0;
		} else if (id == ATT_ATTACH_DATA || id == ATT_BODY) {
			snprintf(name, sizeof(name), "%s",
				 id == ATT_BODY ? "body" :
				 *title ? title : "attachment");
			if (id == ATT_ATTACH_DATA && !*title)
				snprintf(name, sizeof(name), "attachment-%u", ++n);
			rc = fmt_child(c, name, data, alen);
		} else if (id == ATT_MSG_PROPS || id == ATT_ATTACHMENT) {
			rc = mapi_props(c, data, alen, &m);
		}
		if (rdr_failed(&r))
			break;
	}
	return rc;
}
