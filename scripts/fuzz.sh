#!/bin/sh
# fuzz.sh [SECONDS] [TARGET...] -- a libFuzzer campaign under ASan+UBSan:
# builds build-fuzz/ with clang, then runs each target (default: all) for
# SECONDS (default 600) on its corpus copy; new inputs land in
# build-fuzz/corpus/<target>, crashes in build-fuzz/crashes/. A target that
# finds something stops; the others still run, and the script fails.
# Each target's log goes to build-fuzz/logs/<target>.log and one line per
# run to build-fuzz/fuzz-summary.tsv: target, CPU seconds (user+sys),
# executions, coverage (edges), features, result -- the figures that
# docs/hostile-files.md reports. Two runs of the script may share the
# build directory (one per core).
set -eu
secs=${1:-600}
[ $# -gt 0 ] && shift
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/build-fuzz
if [ ! -f "$out/build.ninja" ]; then
	CC=clang meson setup "$out" "$here" -Dfuzzers=true -Dtests=enabled \
		-Db_sanitize=address,undefined -Db_lundef=false \
		"-Dc_args=-fsanitize=fuzzer-no-link -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION" \
		-Dbuildtype=debugoptimized
fi
ninja -C "$out"
# summary TARGET LOG RESULT: the TSV line of one run.
summary() {
	cpu=$(tail -n 1 "$2.cpu" 2>/dev/null | awk '{printf "%.0f", $1 + $2}')
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$2" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$2" | tail -n 1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$2" | tail -n 1 | cut -d' ' -f2)
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$cpu" "${runs:-?}" \
		"${cov:-?}" "${ft:-?}" "$3"
}
targets=${*:-"hashdb allow ndb ldb ign cvd cld vdb secthash cdb imp scan archive \
ftm compressed arj mspack mail binhex html rtf pdf ole2 tnef sis pe onenote mbr swf xdp hwpml msxml alz egg dmg hfsplus clamd_proto manifest \
icap vigild_conf shield_rules shield_lines onaccess_reply updstate cvdsign \
codec_aplib codec_encoding codec_explode codec_fastinflate codec_huffman \
codec_inflate64 codec_lzma codec_nrv codec_pdf heur_image heur_imghash heur_exe heur_structured heur_links pdb wdb \
sevenz sevenzhdr"}
mkdir -p "$out/crashes" "$out/logs"
failed=
for t in $targets; do
	mkdir -p "$out/corpus/$t"
	cp -n "$here/fuzz/corpus/$t"/* "$out/corpus/$t/" 2>/dev/null || true
	echo "fuzz.sh: $t for ${secs}s"
	bin=$out/fuzz/fuzz_$t
	[ -x "$bin" ] || bin=$out/fuzz/fuzz_scan # format targets share it
	log=$out/logs/$t.log
	result=none
	UBSAN_OPTIONS=halt_on_error=1 /usr/bin/time -f "%U %S" -o "$log.cpu" \
		"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$out/crashes/$t-" \
		"$out/corpus/$t" >"$log" 2>&1 || { failed="$failed $t"; result=FINDING; }
	summary "$t" "$log" "$result" >>"$out/fuzz-summary.tsv"
	tail -n 1 "$out/fuzz-summary.tsv"
done
if [ -n "$failed" ]; then
	echo "fuzz.sh: findings in:$failed (see $out/crashes)" >&2
	exit 1
fi
echo "fuzz.sh: no findings"
