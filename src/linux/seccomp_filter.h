/* linux.seccomp: compiled to a BPF program by the runtime before it clones
 * the container's process, loaded by that process itself with seccomp(2)
 * as late as its privileges allow. (Not "seccomp.h": that name belongs to
 * libseccomp.) */
#ifndef HUSK_SECCOMP_FILTER_H
#define HUSK_SECCOMP_FILTER_H

#include <linux/filter.h>
#include <stdbool.h>

#include "husk/error.h"
#include "husk/spec.h"

typedef struct {
  struct sock_fprog prog; /* the exported program (filter malloc'd) */
  unsigned long flags;    /* SECCOMP_FILTER_FLAG_* asked for by the config */
  bool notify;            /* some rule is SCMP_ACT_NOTIFY: needs a listener */
  bool loaded;
  /* Set by the process that loads it: the sync socket over which the
   * listener fd goes to the runtime (HUSK_SYNC_SECCOMP) right after the
   * load, before any other syscall could wait on it. */
  int report_fd;
} husk_seccomp_filter_t;

/* Build the filter of linux.seccomp (*out = NULL when absent). Every
 * error names the key: "config.json: linux.seccomp.flags[1]: ...".
 * Syscall names this libseccomp does not know are skipped (debug log). */
int husk_seccomp_compile(const husk_seccomp_t *s, husk_seccomp_filter_t **out,
                         husk_error_t **err);
void husk_seccomp_filter_free(husk_seccomp_filter_t *f);

/* Install the filter on the calling thread. Without no_new_privs that takes
 * CAP_SYS_ADMIN. With NOTIFY rules the listener fd is sent over report_fd
 * and closed here. */
int husk_seccomp_load(husk_seccomp_filter_t *f, husk_error_t **err);

#endif
