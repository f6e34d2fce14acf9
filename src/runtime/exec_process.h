/* The process `husk exec` runs: the container's own process settings
 * (from the config saved at create) with the command line's overrides, or
 * a whole process.json given with --process. */
#ifndef HUSK_RUNTIME_EXEC_PROCESS_H
#define HUSK_RUNTIME_EXEC_PROCESS_H

#include "husk/container.h"

#define HUSK_CONFIG_COPY "config.json"

typedef struct {
  husk_spec_t *spec;   /* the container's config */
  husk_process_t file; /* --process, when given */
  husk_process_t proc; /* what runs; borrows from the two above */
  void *owned[8];      /* arrays made here for proc */
  size_t n_owned;
} husk_exec_process_t;

int husk_exec_process_build(int dirfd, const husk_exec_opts_t *o,
                            husk_exec_process_t *ep, husk_error_t **err);
void husk_exec_process_free(husk_exec_process_t *ep);

#endif
