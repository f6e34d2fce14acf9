/* The container's init process: everything between clone and execve. */
#ifndef HUSK_INIT_H
#define HUSK_INIT_H

#include <stdbool.h>

#include "husk/spec.h"
#include "linux/namespaces.h"
#include "linux/seccomp_filter.h"

typedef struct {
  const husk_spec_t *spec;
  const husk_ns_plan_t *ns;
  const char *id;
  const char *bundle; /* absolute */
  int sync_fd;        /* the child's end of the socketpair */
  int procfd;         /* the host's /proc, opened before clone */
  int fifo_fd;        /* O_PATH fd of exec.fifo; -1 = start at once */
  int console_fd;     /* connected --console-socket, or -1 */
  bool no_pivot;
  bool no_new_keyring;
  unsigned preserve_fds;
  husk_seccomp_filter_t *seccomp; /* compiled linux.seccomp, or NULL */
} husk_init_args_t;

/* Never returns: execs the container process or exits non-zero after
 * reporting the failure over sync_fd. */
_Noreturn void husk_init_main(const husk_init_args_t *a);

#endif
