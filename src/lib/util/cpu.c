/*
 * cpu.c -- the processor's vector instructions, asked once (cpu.h).
 */
#include "util/cpu.h"

#include <pthread.h>
#include <stdlib.h>

static int avx2, avx512f, avx512bw, avx512vbmi, avx512vbmi2;

static void ask(void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
	__builtin_cpu_init();
	avx2 = __builtin_cpu_supports("avx2") && !getenv("VIGIL_NO_AVX2");
	/* the AVX-512 paths sit inside AVX2 ones: without AVX2, none */
	avx512f = avx2 && __builtin_cpu_supports("avx512f") &&
		  !getenv("VIGIL_NO_AVX512");
	avx512bw = avx512f && __builtin_cpu_supports("avx512bw");
	avx512vbmi = avx512bw && __builtin_cpu_supports("avx512vbmi");
	avx512vbmi2 = avx2 && __builtin_cpu_supports("avx512vbmi2") &&
		      __builtin_cpu_supports("avx512bw") &&
		      __builtin_cpu_supports("avx512vl") &&
		      __builtin_cpu_supports("bmi2") &&
		      !getenv("VIGIL_NO_AVX512");
#endif
}

static void asked(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, ask);
}

int cpu_avx2(void)
{
	asked();
	return avx2;
}

int cpu_avx512bw(void)
{
	asked();
	return avx512bw;
}

int cpu_avx512vbmi(void)
{
	asked();
	return avx512vbmi;
}

int cpu_avx512vbmi2(void)
{
	asked();
	return avx512vbmi2;
}
