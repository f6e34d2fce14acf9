/* Reading and writing cgroup control files: one place that knows the
 * quirks (one write per value, "max" for unlimited) and words the errors. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"
#include "util/fs.h"

int husk_cg_write_at(int dirfd, const char *dir, const char *key,
                     const char *file, const char *value, husk_error_t **err) {
  size_t len = strlen(value);
  _cleanup_close_ int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC);
  ssize_t n = -1;
  if (fd >= 0) {
    /* cgroupfs parses each write(2) as one whole value: no retry loop
     * that could split it. */
    do
      n = write(fd, value, len);
    while (n < 0 && errno == EINTR);
  }
  if (n == (ssize_t)len)
    return 0;
  int e = n < 0 ? errno : EIO;
  return husk_error_set(err, e, "%s%swrite \"%s\" to %s/%s", key ? key : "",
                        key ? ": " : "", value, dir, file);
}

int husk_cg_write(const husk_cg_dir_t *d, const char *key, const char *file,
                  husk_error_t **err, const char *fmt, ...) {
  char *value = NULL;
  va_list ap;
  va_start(ap, fmt);
  int n = vasprintf(&value, fmt, ap);
  va_end(ap);
  if (n < 0)
    return husk_error_set(err, ENOMEM, "%s%swrite %s/%s", key ? key : "",
                          key ? ": " : "", d->path, file);
  int rc = husk_cg_write_at(d->fd, d->path, key, file, value, err);
  free(value);
  return rc;
}

bool husk_cg_has(const husk_cg_dir_t *d, const char *file) {
  return faccessat(d->fd, file, F_OK, 0) == 0;
}

int husk_cg_read(const husk_cg_dir_t *d, const char *file, char **buf,
                 husk_error_t **err) {
  size_t len;
  _cleanup_close_ int fd = openat(d->fd, file, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || husk_read_all_fd(fd, 1 << 20, buf, &len) < 0)
    return husk_error_errno(err, "read %s/%s", d->path, file);
  return 0;
}

int husk_cg_read_u64(const husk_cg_dir_t *d, const char *file, uint64_t *v) {
  _cleanup_free_ char *buf = NULL;
  if (husk_cg_read(d, file, &buf, NULL) < 0)
    return -1;
  if (!strncmp(buf, "max", 3)) {
    *v = UINT64_MAX;
    return 0;
  }
  char *end;
  errno = 0;
  unsigned long long x = strtoull(buf, &end, 10);
  if (errno || end == buf) {
    errno = errno ? errno : EINVAL;
    return -1;
  }
  *v = x;
  return 0;
}

int husk_cg_kv(const char *text, const char *key, uint64_t *v) {
  size_t kl = strlen(key);
  for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
    if (strncmp(p, key, kl) != 0 || p[kl] != ' ')
      continue;
    char *end;
    unsigned long long x = strtoull(p + kl + 1, &end, 10);
    if (end == p + kl + 1)
      return -1;
    *v = x;
    return 0;
  }
  return -1;
}

bool husk_cg_word_in(const char *list, const char *word) {
  size_t wl = strlen(word);
  for (const char *p = list; p && *p;) {
    p += strspn(p, " \t\n");
    size_t n = strcspn(p, " \t\n");
    if (n == wl && !strncmp(p, word, n))
      return true;
    p += n;
  }
  return false;
}
