#!/bin/sh
# deps.sh -- install the Debian packages Vigil needs to build, test and
# benchmark. Idempotent: it asks apt only for what is missing, so it is cheap
# to run before every make target.
set -eu

BUILD="meson ninja-build pkg-config gcc clang libvectorscan-dev libssl-dev \
zlib1g-dev libdeflate-dev libxxhash-dev libarchive-dev libmspack-dev \
libbz2-dev liblzma-dev libzstd-dev libseccomp-dev libsodium-dev \
libcurl4-openssl-dev libbpf-dev bpftool libloc-dev libxdp-dev libjansson-dev \
libpcre2-dev libpng-dev libjpeg62-turbo-dev libgif-dev libtiff-dev \
libmagic-dev libmicrohttpd-dev libcoap3-dev libcbor-dev libgnutls28-dev"
TEST="libcmocka-dev python3 python3-pytest clamav clamav-testfiles \
libclang-rt-14-dev llvm xxd zip p7zip-full cpio binutils genisoimage zstd \
xz-utils bzip2 lzip lz4 ncompress sharutils gcab arj libarchive-tools clamav-daemon clamdscan \
python3-pyclamd c-icap squid curl clamav-milter miltertest nginx-light \
xdp-tools bird2 netsniff-ng hping3 libloc-database openssl osslsigncode python3-pil \
yara libclamav-client-perl nodejs haproxy python3-jsonschema zsh \
debhelper lintian dpkg-dev fakeroot python3-requests python3-selenium \
chromium chromium-driver python3-pymodbus python3-serial-asyncio python3-serial \
tshark libcoap3-bin python3-cbor2"

BENCH="clamav-daemon clamdscan"

case "${1:-build}" in
build) want=$BUILD ;;
test) want="$BUILD $TEST" ;;
bench) want="$BUILD $TEST $BENCH" ;;
*) echo "usage: deps.sh [build|test|bench]" >&2; exit 2 ;;
esac

missing=
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "deps.sh: missing packages:$missing (run as root to install)" >&2
		exit 1
	fi
else
	SUDO=
fi
echo "deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
