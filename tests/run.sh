#!/bin/sh
# run.sh BUILD -- the whole suite: unit tests, fuzz-corpus replays and the
# end-to-end tests (against clamscan and the real programs). Ends with the
# line "N passed, N failed"; exits non-zero if anything failed.
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
rm -f "$build/meson-logs/testlog.json" "$build/e2e.xml"
meson test -C "$build" --no-rebuild --print-errorlogs -q >"$build/unit.log" 2>&1
tail -n 15 "$build/unit.log"
VIGIL_BUILD=$(cd "$build" && pwd) /usr/bin/python3 -m pytest -q -p no:cacheprovider \
	--junitxml="$build/e2e.xml" "$here/e2e"
/usr/bin/python3 "$here/summarize.py" "$build/meson-logs/testlog.json" \
	"$build/e2e.xml" | tee "$build/summary.txt"
tail -n 1 "$build/summary.txt" | grep -q ", 0 failed$"
