/*
 * fuzz_manifest.c -- libFuzzer target for the update manifest parser and
 * the signature verifier: the input is parsed as every role; what parses
 * must write back byte for byte (one text, one meaning), and is verified
 * against a root made here, which must not accept it (nobody outside
 * holds the keys). The same input is read as a log checkpoint too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "log.h"
#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct manifest root;

static void make_root(void)
{
	struct keypair k;
	unsigned r;

	upd_crypto_setup();
	upd_key_generate(&k);
	root.role = ROLE_ROOT;
	root.nkeys = 1;
	memcpy(root.keyid[0], k.id, KEYID_BYTES);
	memcpy(root.pubkey[0], k.pk, PUBKEY_BYTES);
	for (r = 0; r < ROLE_COUNT; r++) {
		root.roles[r].threshold = 1;
		root.roles[r].nkeys = 1;
		memcpy(root.roles[r].keyid[0], k.id, KEYID_BYTES);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct manifest m;
	static char body[MANIFEST_MAX_TARGETS_BYTES];
	struct checkpoint cp;
	const char *why;
	unsigned r, w;
	size_t n;

	if (!root.nkeys)
		make_root();
	for (r = 0; r < ROLE_COUNT; r++) {
		if (upd_manifest_parse((const char *)data, size, (enum role)r, &m,
				   &why) < 0)
			continue;
		n = upd_manifest_body(&m, body, sizeof(body));
		if (n != m.signed_len || memcmp(body, data, n))
			abort(); /* accepted a text that is not canonical */
		if (upd_verify_threshold(&m, (const char *)data, &root,
				     (enum role)r) == 0)
			abort(); /* a forgery with a key nobody has */
	}
	if (upd_checkpoint_parse((const char *)data, size, &cp, &why) == 0 &&
	    upd_checkpoint_verify(&cp, (const char *)data, &root, &w) == 0)
		abort();
	return 0;
}
