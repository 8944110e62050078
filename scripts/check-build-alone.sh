#!/bin/sh
# check-build-alone.sh [BUILD] -- proves that "make scan" works on a machine
# without the test dependencies: in a private mount namespace, cmocka (its
# pkg-config file, CMake package, header and library) and pytest are hidden
# behind empty mounts, then "make scan" configures, builds and scans into a
# build directory of its own. Needs root (unshare -m). Exit 0 when the scan
# ran and found the bundled EICAR samples.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build-alone}
if [ "${VIGIL_HIDDEN:-}" != 1 ]; then
	rm -rf "$build"
	VIGIL_HIDDEN=1 exec unshare -m --propagation private sh "$0" "$build"
fi

arch=$(gcc -print-multiarch)
pc=/usr/lib/$arch/pkgconfig
empty=$(mktemp -d)
pcdir=$(mktemp -d)
trap 'rm -rf "$empty" "$pcdir"' EXIT
# pkg-config: every .pc file but cmocka's.
for f in "$pc"/*.pc; do
	case $f in */cmocka.pc) ;; *) cp "$f" "$pcdir/" ;; esac
done
mount --bind "$pcdir" "$pc"
for d in /usr/lib/$arch/cmake/cmocka /usr/lib/python3/dist-packages/pytest \
	/usr/lib/python3/dist-packages/_pytest; do
	[ -d "$d" ] && mount --bind "$empty" "$d"
done
for f in /usr/include/cmocka.h /usr/lib/$arch/libcmocka.so /usr/bin/pytest \
	/usr/bin/py.test; do
	[ -e "$f" ] && mount --bind /dev/null "$f"
done

if pkg-config --exists cmocka ||
	/usr/bin/python3 -c 'import pytest; pytest.main' 2>/dev/null; then
	echo "check-build-alone: cmocka or pytest still visible" >&2
	exit 1
fi
out=$(make scan BUILD="$build" 2>&1) || {
	printf '%s\n' "$out" >&2
	echo "check-build-alone: make scan failed without the test dependencies" >&2
	exit 1
}
printf '%s\n' "$out" | tail -n 12
[ ! -d "$build/tests" ] || { echo "check-build-alone: the suite was configured" >&2; exit 1; }
printf '%s\n' "$out" | grep -q 'eicar.com: .* FOUND$' || {
	echo "check-build-alone: the scan found nothing" >&2
	exit 1
}
echo "check-build-alone: make scan works without cmocka and pytest"
