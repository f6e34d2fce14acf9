#include "linux/seccomp_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "util/cleanup.h"

#define DEFAULT_DIR "/run/husk-seccomp-cache"
#define MAGIC "HUSKBPF1"
#define MAX_FILE (4 << 20)
#define MAX_INSNS 4096
/* Bump when husk would build another program for the same profile (a
 * new libseccomp attribute, a changed rule translation). */
#define KEY_FORMAT 1

/* ---- the key ---- */

typedef struct {
  char *buf;
  size_t len, cap;
  bool failed;
} keybuf_t;

static void put(keybuf_t *k, const void *p, size_t n) {
  if (k->failed)
    return;
  if (k->len + n > k->cap) {
    size_t cap = k->cap ? k->cap * 2 : 4096;
    while (cap < k->len + n)
      cap *= 2;
    char *b = realloc(k->buf, cap);
    if (!b) {
      k->failed = true;
      return;
    }
    k->buf = b;
    k->cap = cap;
  }
  memcpy(k->buf + k->len, p, n);
  k->len += n;
}

static void put_u64(keybuf_t *k, uint64_t v) {
  put(k, &v, sizeof v);
}

/* Length-prefixed, so that no two lists serialize alike. */
static void put_str(keybuf_t *k, const char *s) {
  size_t n = s ? strlen(s) : 0;
  put_u64(k, n);
  put(k, s, n);
}

int husk_seccomp_key(const husk_seccomp_t *s, husk_seccomp_key_t *key) {
  keybuf_t k = {0};
  const struct scmp_version *v = seccomp_version();
  put_str(&k, "husk " HUSK_VERSION);
  put_u64(&k, KEY_FORMAT);
  put_u64(&k, v ? v->major : 0);
  put_u64(&k, v ? v->minor : 0);
  put_u64(&k, v ? v->micro : 0);
  put_u64(&k, seccomp_arch_native());
  put_u64(&k, s->default_action);
  put_u64(&k, s->has_default_errno_ret);
  put_u64(&k, s->default_errno_ret);
  put_u64(&k, s->architectures.len);
  for (size_t i = 0; i < s->architectures.len; i++)
    put_str(&k, s->architectures.items[i]);
  put_u64(&k, s->n_syscalls);
  for (size_t i = 0; i < s->n_syscalls; i++) {
    const husk_seccomp_rule_t *r = &s->syscalls[i];
    put_u64(&k, r->names.len);
    for (size_t j = 0; j < r->names.len; j++)
      put_str(&k, r->names.items[j]);
    put_u64(&k, r->action);
    put_u64(&k, r->has_errno_ret);
    put_u64(&k, r->errno_ret);
    put_u64(&k, r->n_args);
    for (size_t j = 0; j < r->n_args; j++) {
      put_u64(&k, r->args[j].index);
      put_u64(&k, r->args[j].op);
      put_u64(&k, r->args[j].value);
      put_u64(&k, r->args[j].value_two);
    }
  }
  if (k.failed) {
    free(k.buf);
    return -1;
  }
  key->bytes = k.buf;
  key->len = k.len;
  return 0;
}

void husk_seccomp_key_free(husk_seccomp_key_t *key) {
  free(key->bytes);
  key->bytes = NULL;
  key->len = 0;
}

/* FNV-1a: only names the file; the stored key decides. */
static void file_name(const husk_seccomp_key_t *key, char name[32]) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < key->len; i++) {
    h ^= (unsigned char)key->bytes[i];
    h *= 0x100000001b3ULL;
  }
  snprintf(name, 32, "%016llx.bpf", (unsigned long long)h);
}

/* ---- the directory ---- */

const char *husk_seccomp_cache_dir(void) {
  const char *env = getenv("HUSK_SECCOMP_CACHE_DIR");
  if (env)
    return env[0] ? env : NULL;
  return geteuid() == 0 ? DEFAULT_DIR : NULL;
}

/* Ours and writable by us alone. */
static bool trusted(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 && st.st_uid == geteuid() &&
         !(st.st_mode & (S_IWGRP | S_IWOTH));
}

static int open_dir(const char *dir, bool create) {
  if (create && mkdir(dir, 0700) < 0 && errno != EEXIST)
    return -1;
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0 && !trusted(fd)) {
    close(fd);
    return -1;
  }
  return fd;
}

/* ---- entries: MAGIC, u64 key length, key, u64 count, instructions ---- */

int husk_seccomp_cache_get(const char *dir, const husk_seccomp_key_t *key,
                           struct sock_fprog *prog) {
  char name[32];
  file_name(key, name);
  _cleanup_close_ int dfd = open_dir(dir, false);
  if (dfd < 0)
    return 0;
  _cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || !trusted(fd) || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
      st.st_size > MAX_FILE)
    return 0;
  size_t size = (size_t)st.st_size;
  _cleanup_free_ char *buf = malloc(size ? size : 1);
  if (!buf || read(fd, buf, size) != (ssize_t)size)
    return 0;
  size_t head = sizeof MAGIC - 1 + sizeof(uint64_t);
  uint64_t klen, n;
  if (size < head || memcmp(buf, MAGIC, sizeof MAGIC - 1))
    return 0;
  memcpy(&klen, buf + sizeof MAGIC - 1, sizeof klen);
  if (klen != key->len || size - head < klen + sizeof n ||
      memcmp(buf + head, key->bytes, klen))
    return 0;
  memcpy(&n, buf + head + klen, sizeof n);
  size_t off = head + klen + sizeof n;
  if (n == 0 || n > MAX_INSNS || size - off != n * sizeof(struct sock_filter))
    return 0;
  prog->filter = malloc(n * sizeof(struct sock_filter));
  if (!prog->filter)
    return 0;
  memcpy(prog->filter, buf + off, n * sizeof(struct sock_filter));
  prog->len = (unsigned short)n;
  return 1;
}

void husk_seccomp_cache_put(const char *dir, const husk_seccomp_key_t *key,
                            const struct sock_fprog *prog) {
  char name[32], tmp[64];
  file_name(key, name);
  snprintf(tmp, sizeof tmp, ".%s.%d.tmp", name, (int)getpid());
  _cleanup_close_ int dfd = open_dir(dir, true);
  if (dfd < 0)
    return;
  _cleanup_close_ int fd = openat(
      dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return;
  uint64_t klen = key->len, n = prog->len;
  keybuf_t k = {0};
  put(&k, MAGIC, sizeof MAGIC - 1);
  put_u64(&k, klen);
  put(&k, key->bytes, key->len);
  put_u64(&k, n);
  put(&k, prog->filter, n * sizeof(struct sock_filter));
  bool ok = !k.failed && write(fd, k.buf, k.len) == (ssize_t)k.len;
  free(k.buf);
  /* Renamed into place whole, so a reader never sees half an entry. */
  if (!ok || renameat(dfd, tmp, dfd, name) < 0)
    unlinkat(dfd, tmp, 0);
}
