/* OCI hooks: each gets the container's state JSON on stdin. */
#ifndef HUSK_RUNTIME_HOOKS_H
#define HUSK_RUNTIME_HOOKS_H

#include <stdbool.h>

#include "husk/container.h"

/* Run the hooks of one kind in order. With must_succeed, the first failure
 * (non-zero exit, signal, or past its timeout: killed) stops the run and is
 * the error; otherwise each failure is a warning and the rest still run.
 * kind names them in messages ("createRuntime"). */
int husk_hooks_run(const husk_hooklist_t *hooks, const char *kind,
                   const husk_state_t *st, bool must_succeed,
                   husk_error_t **err);

/* The container's hooks from the config saved at create, or NULL when it
 * has none; free with husk_spec_free. */
husk_spec_t *husk_hooks_load(int dirfd);

#endif
