/* The state directory <root>/<id>/: state.json, exec.fifo and the lock. */
#ifndef HUSK_RUNTIME_STATE_H
#define HUSK_RUNTIME_STATE_H

#include "husk/container.h"

#define HUSK_STATE_FILE "state.json"
#define HUSK_EXEC_FIFO "exec.fifo"

/* Open <root>/<id> (O_DIRECTORY) and take its exclusive lock; the lock is
 * released when the fd is closed. "does not exist" if missing. */
int husk_state_dir_lock(const husk_context_t *ctx, const char *id,
                        husk_error_t **err);
/* Create <root>/<id> (root made if needed), locked; "already exists". */
int husk_state_dir_create(const husk_context_t *ctx, const char *id,
                          husk_error_t **err);
/* Remove <root>/<id> and everything in it. */
int husk_state_dir_remove(const husk_context_t *ctx, const char *id,
                          husk_error_t **err);
int husk_state_save(int dirfd, const husk_state_t *st, husk_error_t **err);
int husk_state_load_at(int dirfd, const char *id, husk_state_t **out,
                       husk_error_t **err);
/* Re-derive st->status from the process and the exec fifo. */
void husk_state_refresh(int dirfd, husk_state_t *st);

#endif
