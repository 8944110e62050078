/*
 * dotstls.c -- the DTLS certificate settings both DOTS sides use
 * (dots.h): the peer's certificate verified, signed by the same CA as
 * ours, chains at most 3 deep, PEM files from the configuration.
 */
#include <coap3/coap.h>
#include <string.h>

#include "dots.h"

void dots_pki_fill(const struct dots *d, struct coap_dtls_pki_t *pki)
{
	memset(pki, 0, sizeof(*pki));
	pki->version = COAP_DTLS_PKI_SETUP_VERSION;
	pki->verify_peer_cert = 1;
	pki->check_common_ca = 1;
	pki->cert_chain_validation = 1;
	pki->cert_chain_verify_depth = 3;
	pki->pki_key.key_type = COAP_PKI_KEY_PEM;
	pki->pki_key.key.pem.ca_file = d->cfg.ca;
	pki->pki_key.key.pem.public_cert = d->cfg.cert;
	pki->pki_key.key.pem.private_key = d->cfg.key;
}
