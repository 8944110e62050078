/*
 * mblanes.h -- the digests of many buffers at once (mblanes.c): sixteen
 * side by side, one in each 32-bit lane of AVX-512, for digests made of
 * 64-byte blocks and a state of 32-bit words (MD5 in md5many.c, SHA-256
 * in sha256many.c, which give the steps of a block); without AVX-512,
 * OpenSSL hashes one buffer after another.
 */
#ifndef VIGIL_CORE_MBLANES_H
#define VIGIL_CORE_MBLANES_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define MB_AVX512 1
#define MB_TARGET __attribute__((target("avx512f,avx512bw")))
#else
#define MB_AVX512 0
#endif

#define MB_LANES 16
#define MB_MAX_WORDS 8

struct mb_algo {
	const EVP_MD *(*md)(void); /* OpenSSL's, for one buffer at a time */
	unsigned nwords;	   /* of the state, at most MB_MAX_WORDS */
	const uint32_t *start;	   /* the state before the first block */
	int big_endian;		   /* the length's and the digest's bytes */
	/* what a block costs, measured: alone by OpenSSL, and a step of the
	 * sixteen lanes (in ns; only their ratio counts) */
	unsigned one_ns, lanes_ns;
#if MB_AVX512
	/* nb blocks of each lane: lane l's from p[l], p[l] + step[l] ...;
	 * word w of the lanes' states in st[w] */
	void (*blocks)(__m512i *st, const uint8_t *const *p,
		       const size_t *step, size_t nb);
#endif
};

/* The digest of buffer i (len[i] bytes; NULL if empty) into out +
 * i * nwords * 4, for the n buffers. Returns 0 or VIGIL_ENOMEM. */
int mb_digests(const struct mb_algo *a, const uint8_t *const *buf,
	       const size_t *len, size_t n, uint8_t *out);

#if MB_AVX512
/* Sixteen rows of sixteen words into columns: r[w] then holds word w of
 * each row (a lane's block). */
MB_TARGET void mb_transpose(__m512i r[16]);
#endif

#endif
