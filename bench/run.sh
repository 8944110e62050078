#!/bin/sh
# bench/run.sh [BUILD] -- Vigil against clamscan, in one run, on the same
# generated signatures (1M hashes, 10k body, 1k logical + planted hits) and
# corpus (~1 GiB of real binaries, random data and text). Prints database
# load time and peak RSS (from sources and from .vdb), scan throughput with
# one thread and with all cores, and the detections against the manifest.
#
# Environment: BENCH_WORK (default /tmp/vigil-bench, inputs are reused),
# BENCH_MIB (corpus size, default 1024), BENCH_HASHES (default 1000000),
# BENCH_BODY (10000), BENCH_LOGICAL (1000).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
vigil=$build/src/cli/vigil
work=${BENCH_WORK:-/tmp/vigil-bench}
mib=${BENCH_MIB:-1024}
hashes=${BENCH_HASHES:-1000000}
body=${BENCH_BODY:-10000}
logical=${BENCH_LOGICAL:-1000}
corpus=$work/corpus-$mib
sigs=$work/sigs-$mib-$hashes-$body-$logical
cache=$work/cache
res=$work/results.tsv
mkdir -p "$work"
: >"$res"

say() { printf '[bench] %s\n' "$*" >&2; }
[ -d "$corpus" ] || { say "generating a $mib MiB corpus"; python3 "$here/gen.py" corpus "$corpus" --mib "$mib"; }
if [ ! -f "$sigs/hits.ndb" ]; then
	say "generating signatures"
	python3 "$here/gen.py" sigs "$sigs" --manifest "$corpus.manifest.json" \
		--md5 $((hashes / 2)) --sha256 $((hashes / 2)) --ndb "$body" --ldb "$logical"
fi
printf 'x' >"$work/one.txt"

# timed LABEL CMD... : records wall seconds and peak RSS (KiB) of CMD
timed() {
	label=$1; shift
	/usr/bin/time -f '%e %M' -o "$work/time.$label" "$@" >"$work/out.$label" 2>"$work/err.$label" || true
	read -r wall rss <<EOT
$(tail -n 1 "$work/time.$label")
EOT
	printf '%s\t%s\t%s\n' "$label" "$wall" "$rss" >>"$res"
	say "$label: ${wall}s, $((rss / 1024)) MiB"
}

# warm the page cache: a scan of a GiB in about a second would time the
# disk for any file the host took back from the cache since (clamscan's
# pace hides that; machines that reclaim cold pages, as VMs do, show it).
# Both engines' databases too (clamscan's sources, the .vdb and the
# matcher cache): the load time taken off each scan is a warm one, and
# clamscan's 50 s run leaves them a minute untouched.
warm() {
	cat /dev/null $(find "$corpus" "$sigs" "$cache" -type f) \
		"$work/bench.vdb" >/dev/null 2>&1 || true
}
warm
say "database load"
timed clam_load clamscan --no-summary -d "$sigs" "$work/one.txt"
rm -rf "$cache"
# over an empty cache, the quick matcher; db compile compiles the full one
timed vigil_src_cold "$vigil" scan --no-summary --cache-dir "$cache" -d "$sigs" "$work/one.txt"
timed vigil_compile "$vigil" db compile --cache-dir "$cache" "$sigs" -o "$work/bench.vdb"
timed vigil_src_warm "$vigil" scan --no-summary --cache-dir "$cache" -d "$sigs" "$work/one.txt"
rm -rf "$cache.cold"
timed vigil_vdb_cold "$vigil" scan --no-summary --cache-dir "$cache.cold" -d "$work/bench.vdb" "$work/one.txt"
for i in 1 2 3; do
	timed vigil_vdb_warm$i "$vigil" scan --no-summary --cache-dir "$cache" -d "$work/bench.vdb" "$work/one.txt"
done

say "scanning the corpus"
warm
timed clam_scan clamscan -r -i --no-summary -d "$sigs" "$corpus"
rm -rf "$cache.cold"
warm
timed vigil_scan_quick "$vigil" scan -i --no-summary --no-progress -j 1 --cache-dir "$cache.cold" -d "$work/bench.vdb" "$corpus"
# Vigil's scans take about a second: the best of three.
for i in 1 2 3; do
	warm
	timed vigil_scan_j1_$i "$vigil" scan -i --no-summary --no-progress -j 1 --cache-dir "$cache" -d "$work/bench.vdb" "$corpus"
	warm
	timed vigil_scan_jN_$i "$vigil" scan -i --no-summary --no-progress -j "$(nproc)" --cache-dir "$cache" -d "$work/bench.vdb" "$corpus"
done

python3 "$here/report.py" "$res" "$corpus.manifest.json" "$corpus" "$work"
