/*
 * fuzz_cvdsign.c -- libFuzzer target for the .cvd.sign reader
 * (db/cvdsign.c): the input is a .sign file's text, checked against a
 * small fixed ".cvd" with an empty trust store, so every line goes through
 * the line splitter, the PEM and PKCS #7 parsers and the verifier's
 * refusal. It must never read outside its input nor report a signature
 * valid.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "db/cvdsign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t cvd[] = "ClamAV-VDB:x:1:1:216:x:x:x:1";
	char *copy = malloc(size ? size : 1), why[256];
	X509_STORE *st = X509_STORE_new();

	if (copy && st) {
		memcpy(copy, data, size);
		if (cvdsign_lines(copy, size, st, cvd, sizeof(cvd), why,
				  sizeof(why)) == CVDSIGN_VALID)
			abort(); /* nothing is trusted */
	}
	X509_STORE_free(st);
	free(copy);
	return 0;
}
