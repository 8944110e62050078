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
# The same file inside a zip attached to a mail, to show the unpacking: it
# is reported as mail.eml//eicar.zip//eicar.com.
/usr/bin/python3 - "$dest/found" <<'PY'
import base64, io, sys, zipfile
d = sys.argv[1]
z = io.BytesIO()
with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as f:
    f.write(d + "/eicar.com", "eicar.com")
b64 = base64.encodebytes(z.getvalue()).decode()
with open(d + "/mail.eml", "w") as f:
    f.write("From: sample@example.org\nSubject: sample\nMIME-Version: 1.0\n"
            "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
            "Content-Type: text/plain\n\nThe attachment holds the EICAR test file.\n--b\n"
            "Content-Type: application/zip; name=\"eicar.zip\"\n"
            "Content-Transfer-Encoding: base64\n\n" + b64 + "--b--\n")
PY
