/*
 * filelist.h -- --file-list's lines, each handed to fn.
 */
#ifndef VIGIL_CLI_FILELIST_H
#define VIGIL_CLI_FILELIST_H

/* 0, or -1 with errno when the file cannot be read. */
int file_list_each(const char *path, void (*fn)(void *ctx, const char *p),
		   void *ctx);

#endif
