#!/bin/sh
# make-samples.sh DEST -- the sample set for "make scan": samples/ plus the
# EICAR test file, written here rather than kept in the repository.
set -eu
dest=$1
here=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$dest"
cp -r "$here/samples" "$dest"
printf '%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' \
	>"$dest/found/eicar.com"
