/*
 * cpu.h -- which vector instructions the processor offers the hand-written
 * loops (the anchors filter, the YARA pairs, the text normaliser, the MD5
 * of many buffers), asked once per process. VIGIL_NO_AVX2 and
 * VIGIL_NO_AVX512 in the environment say no, so that the tests run the
 * generic code too.
 */
#ifndef VIGIL_UTIL_CPU_H
#define VIGIL_UTIL_CPU_H

/* 1 if AVX2 may be used. Thread: safe. */
int cpu_avx2(void);
/* 1 if AVX-512 F and BW may be used. Thread: safe. */
int cpu_avx512bw(void);
/* 1 if AVX-512 F, BW and VBMI may be used. Thread: safe. */
int cpu_avx512vbmi(void);
/* 1 if AVX-512 BW and VBMI2 with BMI2 may be used. Thread: safe. */
int cpu_avx512vbmi2(void);

#endif
