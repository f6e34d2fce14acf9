/* Error values carried up the call stack; only main prints them. */
#ifndef HUSK_ERROR_H
#define HUSK_ERROR_H

#include <errno.h>
#include <stdarg.h>

typedef struct husk_error {
  int errno_value; /* 0 when the failure is not a system call's */
  char *msg;
} husk_error_t;

/* Set *err (if err is non-NULL and empty) and return -1. With errno_value
 * non-zero, ": strerror(errno_value)" is appended. */
int husk_error_set(husk_error_t **err, int errno_value, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefix the message of *err with "context: "; returns -1. */
int husk_error_wrap(husk_error_t **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void husk_error_free(husk_error_t *err);

/* Shorthand for the common "syscall failed" case: errno is read here. */
#define husk_error_errno(err, ...) husk_error_set((err), errno, __VA_ARGS__)

#endif
