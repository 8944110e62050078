/*
 * fuzz_yrmods.c -- libFuzzer target for YARA's modules (src/lib/yara/ym*.c):
 * the input is the file a fixed set of rules reads every pe field of
 * (headers, sections, imports, exports, resources and version
 * information, rich header, PDB path, certificates) and every elf one
 * (sections, segments, dynamic entries, symbols), and calls every pe,
 * math and hash function on; every rule gives a result, nothing is read
 * outside the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "yara/yreval.h"
#include "yara/yrparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char rules[] =
	"import \"pe\"\nimport \"elf\"\nimport \"math\"\nimport \"hash\"\n"
	"rule l { condition: elf.type == 2 or elf.entry_point > 0 or\n"
	"  for any s in elf.sections : (s.name == \".text\") or\n"
	"  for any y in elf.symtab : (y.name == \"main\") or\n"
	"  for any y in elf.dynsym : (y.bind == 1) or\n"
	"  for any d in elf.dynamic : (d.type == elf.DT_NEEDED) or\n"
	"  for any g in elf.segments : (g.flags & elf.PF_X != 0) }\n"
	"rule h { condition: pe.is_pe and pe.machine > 0 and pe.timestamp >= 0\n"
	"  and pe.entry_point >= 0 and pe.checksum == pe.calculate_checksum()\n"
	"  and pe.rva_to_offset(pe.entry_point_raw) >= 0 and entrypoint > 0 }\n"
	"rule s { condition: for any s in pe.sections : (s.name == \".text\"\n"
	"  and s.full_name != \"\" and s.raw_data_size > 0) or\n"
	"  pe.section_index(\".rsrc\") >= 0 or pe.section_index(filesize) > 0\n"
	"  or pe.overlay.size > 0 or pe.data_directories[1].size > 0 }\n"
	"rule i { condition: pe.imports(\"kernel32.dll\", \"ExitProcess\") or\n"
	"  pe.imports(/ws2/i, /sock/) > 1 or pe.imports(\"ws2_32.dll\", 3) or\n"
	"  pe.imports(pe.IMPORT_ANY, \"user32.dll\") > 0 or\n"
	"  pe.imphash() == \"x\" or pe.number_of_delayed_imports > 0 or\n"
	"  for any d in pe.import_details : (for any f in d.functions :\n"
	"    (f.name == \"x\" or f.ordinal == 1)) or\n"
	"  for any d in pe.delayed_import_details : (d.number_of_functions > 2) }\n"
	"rule e { condition: pe.exports(\"a\") or pe.exports(/b/) or pe.exports(2)\n"
	"  or pe.exports_index(\"c\") >= 0 or pe.dll_name == \"x\" or\n"
	"  for any x in pe.export_details : (x.forward_name contains \".\") }\n"
	"rule r { condition: pe.number_of_resources > 0 and (pe.locale(0x409)\n"
	"  or pe.language(9) or pe.version_info[\"CompanyName\"] != \"\" or\n"
	"  for any k, v in pe.version_info : (k == v) or\n"
	"  for any x in pe.resources : (x.type_string == \"A\\x00\"\n"
	"    or x.length > 4)) }\n"
	"rule m { condition: pe.rich_signature.toolid(1) > 0 or\n"
	"  pe.rich_signature.version(2, 3) > 0 or pe.pdb_path != \"\" or\n"
	"  for any c in pe.signatures : (c.valid_on(0) or c.serial != \"\") }\n"
	"rule x { condition: math.entropy(0, filesize) > 7 or\n"
	"  math.monte_carlo_pi(0, filesize) < 0.1 or math.mode() == 1 or\n"
	"  math.serial_correlation(0, filesize) > 0.5 or\n"
	"  hash.md5(0, filesize) == hash.sha1(0, 10) or\n"
	"  hash.crc32(0, filesize) == 0 }\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct yr_ruleset rs;
	static int ready;
	struct yr_parse_opts o = { .file = "fuzz.yar" };
	uint8_t res[8];
	char err[256];
	size_t i;

	if (!ready) {
		if (yr_parse(&rs, rules, sizeof(rules) - 1, &o, err,
			     sizeof(err)) != 0 || rs.nrules > sizeof(res))
			abort();
		ready = 1;
	}
	if (yr_eval(&rs, data, size, NULL, 0, res, NULL) != 0)
		abort();
	for (i = 0; i < rs.nrules; i++)
		if (res[i] != YR_RULE_TRUE && res[i] != YR_RULE_FALSE)
			abort();
	return 0;
}
