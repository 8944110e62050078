/*
 * vscan.h -- asks vigild to scan an open file: the clamd protocol's
 * FILDES over vigild's unix socket, so that the file is read by vigild's
 * sandboxed workers and never by this process.
 */
#ifndef VIGIL_ONACCESS_VSCAN_H
#define VIGIL_ONACCESS_VSCAN_H

#include <stddef.h>

enum vscan_result { VSCAN_CLEAN, VSCAN_FOUND, VSCAN_ERROR };

/*
 * Scans fd with the vigild listening at sock, waiting at most timeout_ms
 * for the answer. VSCAN_FOUND with the signature's name in what;
 * VSCAN_ERROR with the reason in what.
 */
enum vscan_result vscan_fd(const char *sock, int fd, int timeout_ms,
			   char *what, size_t cap);

/*
 * Reads vigild's reply to FILDES (len bytes, without its NUL): the same
 * results as vscan_fd. For vscan_fd and the tests.
 */
enum vscan_result vscan_reply(const char *reply, size_t len, char *what,
			      size_t cap);

#endif
