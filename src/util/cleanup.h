/* Scope-bound resource helpers so error paths stay one line. */
#ifndef HUSK_CLEANUP_H
#define HUSK_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void husk_freep(void *p) {
  free(*(void **)p);
}
static inline void husk_closep(int *fd) {
  if (*fd >= 0) {
    int saved = errno;
    close(*fd);
    errno = saved;
  }
}
static inline void husk_fclosep(FILE **f) {
  if (*f)
    fclose(*f);
}

#define _cleanup_free_ __attribute__((cleanup(husk_freep)))
#define _cleanup_close_ __attribute__((cleanup(husk_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(husk_fclosep)))

/* Hand an fd out of a _cleanup_close_ variable. */
static inline int husk_steal_fd(int *fd) {
  int v = *fd;
  *fd = -1;
  return v;
}
static inline void *husk_steal_ptr(void *pp) {
  void **p = pp;
  void *v = *p;
  *p = NULL;
  return v;
}

#endif
