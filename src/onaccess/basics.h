/*
 * basics.h -- helpers shared by vigil-onaccess's parts (basics.c).
 */
#ifndef VIGIL_ONACCESS_BASICS_H
#define VIGIL_ONACCESS_BASICS_H

/* Whether path is one of the n paths of list or below one. */
int oa_under(const char *path, const char *const *list, unsigned n);
/* Answers a permission event on the fanotify group fan. */
void oa_respond(int fan, int fd, int allow);
/* One line on standard error, "vigil-onaccess: ...". */
void oa_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
