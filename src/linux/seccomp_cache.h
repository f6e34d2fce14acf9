/* Compiled seccomp programs kept between runs. libseccomp needs tens of
 * milliseconds for a Docker-like profile on three architectures (most of
 * a create); the same profile compiles to the same program, so the program
 * is stored under a hash of everything it depends on, and the whole key is
 * stored with it and compared on lookup: a hash collision is a miss, never
 * another profile's filter.
 *
 * Where: $HUSK_SECCOMP_CACHE_DIR if set (empty: no cache), else
 * /run/husk-seccomp-cache for root (tmpfs, gone at reboot), none for other
 * users. The directory and files must belong to us and not be writable by
 * group or others, or they are not used. */
#ifndef HUSK_SECCOMP_CACHE_H
#define HUSK_SECCOMP_CACHE_H

#include <linux/filter.h>
#include <stddef.h>

#include "husk/spec.h"

typedef struct {
  char *bytes; /* canonical form of what the program depends on */
  size_t len;
} husk_seccomp_key_t;

/* The key of a profile: its default, architectures and rules, the
 * libseccomp version and native architecture, husk's version. */
int husk_seccomp_key(const husk_seccomp_t *s, husk_seccomp_key_t *key);
void husk_seccomp_key_free(husk_seccomp_key_t *key);

/* The cache directory, or NULL when there is none. */
const char *husk_seccomp_cache_dir(void);

/* 1 and *prog (filter malloc'd) on a hit; 0 on a miss or any problem
 * with the cache (which is never an error). */
int husk_seccomp_cache_get(const char *dir, const husk_seccomp_key_t *key,
                           struct sock_fprog *prog);
/* Best effort: a cache that cannot be written is no cache. */
void husk_seccomp_cache_put(const char *dir, const husk_seccomp_key_t *key,
                            const struct sock_fprog *prog);

#endif
