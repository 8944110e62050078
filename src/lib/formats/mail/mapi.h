/*
 * mapi.h -- Outlook's message properties (MS-OXTNEF, MS-OXMSG): the
 * property lists of a TNEF stream's attMsgProps and attAttachment
 * attributes, and the compressed RTF body both TNEF and .msg files carry.
 */
#ifndef VIGIL_FORMATS_MAIL_MAPI_H
#define VIGIL_FORMATS_MAIL_MAPI_H

#include <stddef.h>
#include <stdint.h>

#include "formats/format.h"

/*
 * Walks a TNEF property list and hands over what it carries: an
 * attachment's data (PR_ATTACH_DATA_BIN, or PR_ATTACH_DATA_OBJ: an
 * embedded message or OLE object), the HTML body and the RTF body
 * (inflated by mapi_rtf_child). *n numbers the attachments across lists.
 * Returns as fmt_child().
 */
int mapi_props(struct fmt_ctx *c, const uint8_t *b, size_t len, unsigned *n);
/* Compressed RTF (PR_RTF_COMPRESSED) decoded into the contained object
 * name; damage is a warning, what decoded is kept. Returns as
 * fmt_child(). */
int mapi_rtf_child(struct fmt_ctx *c, const char *name, const uint8_t *in,
		   size_t len);

#endif
