#ifndef HUSK_RUNTIME_EXEC_H
#define HUSK_RUNTIME_EXEC_H

#include "husk/container.h"

/* "UID" or "UID:GID", decimal only, each below 2^32 - 1. */
int husk_parse_user(const char *s, uint32_t *uid, uint32_t *gid, bool *has_gid,
                    husk_error_t **err);

#endif
