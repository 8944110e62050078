/*
 * stages.h -- the stages of the executable pipeline (pipeline.c), one
 * file each here or in packers/. A stage's extract returns as a format's
 * does (0, 1 to stop the scan, or an error) when it took the executable,
 * or EXE_NEXT when the stages after it must look at it too.
 */
#ifndef VIGIL_FORMATS_EXE_STAGES_H
#define VIGIL_FORMATS_EXE_STAGES_H

#include "formats/format.h"

/* "Not (only) mine": the next stage that takes the object runs. */
#define EXE_NEXT 2

#define EXE_STAGE(name)                                                     \
	int name##_probe(const uint8_t *buf, size_t len, int type);          \
	int name##_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)

EXE_STAGE(autoit);	/* exe/autoit.c */
EXE_STAGE(yc);		/* exe/packers/yc.c */
EXE_STAGE(upx);		/* exe/packers/upx.c */
EXE_STAGE(pepack);	/* exe/packers/pepack.c */
EXE_STAGE(sfx);		/* exe/sfx.c */
EXE_STAGE(nsis);	/* exe/nsis.c */
EXE_STAGE(ishield);	/* exe/ishield.c */
EXE_STAGE(embedpe);	/* exe/embedpe.c */

#endif
