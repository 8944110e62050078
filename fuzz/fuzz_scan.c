/*
 * fuzz_scan.c -- libFuzzer target for scanning untrusted content: type
 * detection, text normalisation, hashing and every kind of pattern (PCRE,
 * containers, handlers, version information, byte compares, macros and
 * import table hashes included) and the heuristics (broken executables
 * and images, structured data), over
 * the input as one buffer and as a stream in uneven chunks, and as a
 * buffer again by an engine without the text databases, which must find
 * the same.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/vigil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char ndb[] =
	"A:0:*:4142434445\n"
	"B:0:*:4142??44*4546{2-5}4748\n"
	"C:0:EOF-8,4:58595a5a\n"
	"D:0:10,100:(41|42)(4344|4546)!(4748|494a)4b4c\n"
	"E:7:*:68656c6c6f20776f726c64\n"
	"F:3:*:3c7363726970743e\n"
	"G:0:*:(B)6b65793d(L)\n"
	"H:1:*:4d5a90{-20}5045\n"
	"I:0:*:61(62|6364)??6566*6667[1-3]6869\n"
	/* what a text file's raw pass leaves out (hstext.h), and one it
	 * keeps that may be found beside it */
	"P:0:*:6b657931??76616c{0-4}7565\n"
	"Q:0:*:76616c????6b6579\n"
	"J:1:EP+0,64:5589e5\n"
	"K:6:SE1:41424344\n"
	"M:9:SL+0,100:41424344\n"
	"N:6:EP-4,8:41424344\n"
	"O:1:S1+4:41424344\n"
	"V:1:VI:460069006c006500\n"
	"W:0:$3:4b4559\n";
static const char mdb[] =
	"*:0123456789abcdef0123456789abcdef:Sect:73\n";
static const char imp[] =
	"98c88d882f01a3f6ac1e5f7dfd761624:39:Imp\n";
static const char ldb[] =
	"L1;Target:0;(0|1)>2,2&2;616161;626262;636363\n"
	"L2;Engine:81-255,Target:0;0&1;6b6b6b6b::iwf;6c6c6c6c::wa\n"
	"L3;Target:0,FileSize:10-1000;0=0|1;7a7a7a7a;EOF-4:79797979\n"
	"L4;Engine:81-255,Target:0;0&1;4b4559;0/k[e]y.{0,20}x/gi\n"
	"L5;Engine:81-255,Container:CL_TYPE_ZIP,Target:0;0;4b4b4b4b\n"
	"L6;Engine:81-255,Intermediates:CL_TYPE_ANY>CL_TYPE_MAIL,Target:0;0;"
	"4b4b4b4b\n"
	"L7;Engine:51-255,Target:1,NumberOfSections:1-4,EntryPoint:0-99999;0;"
	"4d5a\n"
	"L8;Engine:51-255,HandlerType:CL_TYPE_PDF,Target:0;0;2550444621\n"
	"L9;Engine:51-255,Target:0;0&1&2;4b4559;0(>>4#hb4#>0x10);${0-8}3$\n"
	"L10;Engine:150-255,Target:0;0;fuzzy_img#af2ad01ed42993c7#0\n";

/* Certificates: every signed PE image has its signature read and checked. */
static const char crb[] =
	"F.Trusted;1;6762d10f0cbe10177d0a17c467a137055b6871db;;"
	"B8B7FB2EC924653B83C8A7478686041069F8AD640F6022E83038A9D0DC52DC67;"
	"010001;1;0;1;0;fuzz\n"
	"F.Blocked;0;fadfd873502cca0d66890e7e95439e96159607c3;"
	"553227452fbad08cdb53403df9ff2d22e60afc58;8F8436B6E6C562AB;010001;1;0;0;"
	"0;fuzz\n";

/* The scanner; with plain, one whose engine has no text databases
 * (match/hstext.h), which must find the same. */
static struct vigil_scanner *scanner(int plain)
{
	static struct vigil_engine *e[2];
	static struct vigil_scanner *s[2];
	struct vigil_scan_options o = {
		.size = sizeof(o),
		.flags = VIGIL_SCAN_ALERT_BROKEN | VIGIL_SCAN_ALERT_BROKEN_MEDIA |
			 VIGIL_SCAN_DETECT_STRUCTURED | VIGIL_SCAN_ALERT_MACROS |
			 VIGIL_SCAN_ALERT_PARTITION_INTERSECTION,
	};
	int rc;

	if (s[plain])
		return s[plain];
	if (plain)
		setenv("VIGIL_NO_TEXT_DB", "1", 1);
	rc = vigil_engine_new(&e[plain], NULL) < 0 ||
	     vigil_engine_load_memory(e[plain], "f.ndb", ndb, sizeof(ndb) - 1) < 0 ||
	     vigil_engine_load_memory(e[plain], "f.ldb", ldb, sizeof(ldb) - 1) < 0 ||
	     vigil_engine_load_memory(e[plain], "f.mdb", mdb, sizeof(mdb) - 1) < 0 ||
	     vigil_engine_load_memory(e[plain], "f.imp", imp, sizeof(imp) - 1) < 0 ||
	     vigil_engine_load_memory(e[plain], "f.crb", crb, sizeof(crb) - 1) < 0 ||
	     vigil_engine_compile(e[plain]) < 0 ||
	     vigil_scanner_new(&s[plain], e[plain], &o) < 0;
	if (plain)
		unsetenv("VIGIL_NO_TEXT_DB");
	return rc ? NULL : s[plain];
}

/* Both results the same: verdict, first name and number found. */
static int same(const struct vigil_result *a, const struct vigil_result *b)
{
	return a->verdict == b->verdict && a->detections == b->detections &&
	       !a->name == !b->name && (!a->name || !strcmp(a->name, b->name));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vigil_result r1 = { .size = sizeof(r1) };
	struct vigil_result r2 = { .size = sizeof(r2) };
	struct vigil_result r3 = { .size = sizeof(r3) };
	struct vigil_scanner *s = scanner(0), *plain = scanner(1);
	size_t off = 0, step = 1;

	if (!s || !plain)
		return 0;
	vigil_scanner_scan_buffer(s, data, size, &r1);
	vigil_scanner_scan_buffer(plain, data, size, &r3);
	if (!same(&r1, &r3))
		__builtin_trap(); /* the text databases must find the same */
	vigil_scanner_stream_begin(s);
	while (off < size) {
		size_t n = size - off < step ? size - off : step;

		vigil_scanner_stream_write(s, data + off, n);
		off += n;
		step = step * 3 % 61 + 1;
	}
	vigil_scanner_stream_end(s, &r2);
	if (r1.verdict != r2.verdict)
		__builtin_trap(); /* buffer and stream must agree */
	return 0;
}
