/*
 * pipeline.c -- the executable family: ONE order in which executables
 * (PE, ELF, and binary data that may hold one) are looked at. Each stage
 * whose probe takes the object runs in turn; a stage that took it stops
 * the pipeline, one that returns EXE_NEXT (it was not, or not only, its
 * own, or it has unpacked what it could and the file's overlay and
 * appended data are still to be looked at) lets the next that takes it
 * run. A packer's unpacked image, and a crypter's decrypted one, go through
 * the whole pipeline again as objects of their own. The order, and why:
 *   1. scripts compiled into an interpreter (AutoIt): in the overlay or a
 *      resource; the interpreter itself goes on through the pipeline;
 *   2. crypters (yoda's Crypter): the whole image is encrypted, so
 *      nothing after could read it;
 *   3. packers (UPX, then the PE packers recognised by their entry-point
 *      stub): the image is compressed;
 *   4. installers and appended archives (self-extracting ELF archives,
 *      NSIS, InstallShield): data after the image;
 *   5. embedded executables, appended archives of PEs and resources.
 * Adding a packer is a file in packers/ and a line in pepack.c's list or
 * here.
 */
#include "formats/exe/stages.h"
#include "formats/parsers.h"

static const struct exe_stage {
	const char *name;
	int (*probe)(const uint8_t *buf, size_t len, int type);
	int (*extract)(struct fmt_ctx *c, const uint8_t *buf, size_t len);
} stages[] = {
	{ "autoit", autoit_probe, autoit_extract },
	{ "yc", yc_probe, yc_extract },
	{ "upx", upx_probe, upx_extract },
	{ "pe-packer", pepack_probe, pepack_extract },
	{ "sfx", sfx_probe, sfx_extract },
	{ "nsis", nsis_probe, nsis_extract },
	{ "installshield", ishield_probe, ishield_extract },
	{ "embedded-pe", embedpe_probe, embedpe_extract },
};

#define NSTAGES (sizeof(stages) / sizeof(stages[0]))

/* Whether any stage takes the object. Asked from the last stage back:
 * embedded-pe's probe, which takes every PE and binary object, is the
 * cheapest, and the answer is the same in any order. */
int exe_probe(const uint8_t *buf, size_t len, int type)
{
	size_t i;

	for (i = NSTAGES; i-- > 0;)
		if (stages[i].probe(buf, len, type))
			return 1;
	return 0;
}

int exe_extract(struct fmt_ctx *c, const uint8_t *buf, size_t len)
{
	size_t i;
	int rc;

	for (i = 0; i < NSTAGES; i++) {
		if (!stages[i].probe(buf, len, fmt_type(c)))
			continue;
		if ((rc = stages[i].extract(c, buf, len)) != EXE_NEXT)
			return rc;
	}
	return 0;
}
