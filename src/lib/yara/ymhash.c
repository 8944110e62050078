/*
 * ymhash.c -- YARA's hash module: MD5, SHA-1 and SHA-256 (lower-case
 * hex, through OpenSSL), CRC-32 (zlib's) and a 32-bit byte sum, of a
 * string or of (offset, length) of the scanned bytes. A range that starts
 * at or past the end, or a negative one, is undefined; one that runs past
 * the end is cut at it. Digests of ranges are kept per scan: rule sets
 * compare the same whole-file hash hundreds of times.
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "yara/ymodules.h"
#include "vigil/vigil.h"

/* Digests of ranges kept per scan. */
#define HASH_CACHE 16

enum { H_MD5, H_SHA1, H_SHA256 };

struct cached {
	int kind;
	size_t off, len;
	struct ym_val hex;
};

struct hash_priv {
	struct cached c[HASH_CACHE];
	size_t n;
};

/* The bytes: a string argument, or (offset, length); -1 if undefined. */
static int bytes_of(const struct ym_call *c, const uint8_t **p, size_t *n,
		    size_t *off)
{
	int64_t o, l;

	if (c->arg[0].type == YM_STR) {
		*p = (const uint8_t *)c->arg[0].u.s;
		*n = c->arg[0].n;
		*off = SIZE_MAX;
		return 0;
	}
	o = c->arg[0].u.i;
	l = c->arg[1].u.i;
	if (o < 0 || l < 0 || (uint64_t)o >= c->scan->len)
		return -1;
	*off = (size_t)o;
	*p = c->scan->buf + o;
	*n = c->scan->len - (size_t)o;
	if ((uint64_t)l < *n)
		*n = (size_t)l;
	return 0;
}

static struct ym_val digest(struct ym_call *c, int kind)
{
	static const char hexd[] = "0123456789abcdef";
	const EVP_MD *md = kind == H_MD5 ? EVP_md5() :
			   kind == H_SHA1 ? EVP_sha1() : EVP_sha256();
	struct hash_priv *h = c->priv;
	unsigned char d[EVP_MAX_MD_SIZE];
	char hex[2 * EVP_MAX_MD_SIZE];
	unsigned dlen = 0, i;
	const uint8_t *p;
	size_t n, off, k;
	struct ym_val v;

	if (bytes_of(c, &p, &n, &off) < 0)
		return ym_undef;
	for (k = 0; h && off != SIZE_MAX && k < h->n; k++)
		if (h->c[k].kind == kind && h->c[k].off == off &&
		    h->c[k].len == n)
			return h->c[k].hex;
	if (!EVP_Digest(p, n, d, &dlen, md, NULL))
		return ym_undef;
	for (i = 0; i < dlen; i++) {
		hex[2 * i] = hexd[d[i] >> 4];
		hex[2 * i + 1] = hexd[d[i] & 15];
	}
	v = ym_text(c->scan, hex, 2 * dlen);
	if (h && off != SIZE_MAX && v.type == YM_STR) {
		k = h->n < HASH_CACHE ? h->n++ : (size_t)(off % HASH_CACHE);
		h->c[k].kind = kind;
		h->c[k].off = off;
		h->c[k].len = n;
		h->c[k].hex = v;
	}
	return v;
}

static struct ym_val md5(struct ym_call *c)
{
	return digest(c, H_MD5);
}

static struct ym_val sha1(struct ym_call *c)
{
	return digest(c, H_SHA1);
}

static struct ym_val sha256(struct ym_call *c)
{
	return digest(c, H_SHA256);
}

static struct ym_val checksum32(struct ym_call *c)
{
	const uint8_t *p;
	size_t n, off, i;
	uint32_t sum = 0;

	if (bytes_of(c, &p, &n, &off) < 0)
		return ym_undef;
	for (i = 0; i < n; i++)
		sum += p[i];
	return ym_vint(sum);
}

static struct ym_val crc(struct ym_call *c)
{
	const uint8_t *p;
	size_t n, off;
	uLong v = crc32(0L, Z_NULL, 0);

	if (bytes_of(c, &p, &n, &off) < 0)
		return ym_undef;
	while (n) {
		uInt step = n > (1u << 30) ? 1u << 30 : (uInt)n;

		v = crc32(v, p, step);
		p += step;
		n -= step;
	}
	return ym_vint((int64_t)v);
}

static const struct ym_decl hash_members[] = {
	YM_DFN("md5", "ii", 's', md5),
	YM_DFN("md5", "s", 's', md5),
	YM_DFN("sha1", "ii", 's', sha1),
	YM_DFN("sha1", "s", 's', sha1),
	YM_DFN("sha256", "ii", 's', sha256),
	YM_DFN("sha256", "s", 's', sha256),
	YM_DFN("checksum32", "ii", 'i', checksum32),
	YM_DFN("checksum32", "s", 'i', checksum32),
	YM_DFN("crc32", "ii", 'i', crc),
	YM_DFN("crc32", "s", 'i', crc),
};

static const struct ym_decl hash_root = YM_DSTRUCT("hash", hash_members);

static int load(struct ym_scan *s, struct ym_obj *root, void **priv)
{
	(void)s;
	(void)root;
	*priv = calloc(1, sizeof(struct hash_priv));
	return *priv ? 0 : VIGIL_ENOMEM;
}

const struct ym_module ym_hash = { "hash", &hash_root, load, free };
