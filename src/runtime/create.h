#ifndef HUSK_RUNTIME_CREATE_H
#define HUSK_RUNTIME_CREATE_H

#include "husk/container.h"

typedef struct {
  pid_t pid;
  int pidfd;
  int master; /* the pty master for `run -t` to proxy, else -1 */
} husk_created_t;

/* The work of `create`; `run` keeps the child's pid and pidfd to wait. */
int husk_create(const husk_context_t *ctx, const char *id,
                const husk_create_opts_t *opts, husk_created_t *out,
                husk_error_t **err);

/* Write "<pid>" to path atomically (temp file + rename). */
int husk_write_pid_file(const char *path, pid_t pid, husk_error_t **err);

#endif
