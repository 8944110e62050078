/*
 * unbufio.c -- an LD_PRELOAD shim for the XLM tests (test_xlm.py): every
 * stream opened with fdopen() is unbuffered, so the text dump clamscan
 * writes of a workbook is whole when it is left in its temporary
 * directory (clamscan writes its last, partly filled stdio buffer over
 * the start of the file after scanning it).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>

FILE *fdopen(int fd, const char *mode)
{
	static FILE *(*real)(int, const char *);
	FILE *f;

	if (!real)
		real = (FILE * (*)(int, const char *))dlsym(RTLD_NEXT, "fdopen");
	f = real ? real(fd, mode) : NULL;
	if (f)
		setvbuf(f, NULL, _IONBF, 0);
	return f;
}
