#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"

int husk_read_all_fd(int fd, size_t max, char **buf, size_t *len) {
  size_t cap = 4096, used = 0;
  char *b = malloc(cap + 1);
  if (!b)
    return -1;
  for (;;) {
    if (used == cap) {
      if (cap >= max) {
        free(b);
        errno = EFBIG;
        return -1;
      }
      cap = cap * 2 > max ? max : cap * 2;
      char *nb = realloc(b, cap + 1);
      if (!nb) {
        free(b);
        return -1;
      }
      b = nb;
    }
    ssize_t n = read(fd, b + used, cap - used);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      free(b);
      return -1;
    }
    if (n == 0)
      break;
    used += n;
  }
  b[used] = '\0';
  *buf = b;
  *len = used;
  return 0;
}

int husk_write_all_fd(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    p += n;
    len -= n;
  }
  return 0;
}

int husk_read_file_at(int dirfd, const char *path, size_t max, char **buf,
                      size_t *len, husk_error_t **err) {
  _cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return husk_error_errno(err, "open %s", path);
  if (husk_read_all_fd(fd, max, buf, len) < 0)
    return husk_error_errno(err, "read %s", path);
  return 0;
}

int husk_write_file_at(int dirfd, const char *path, const char *buf, size_t len,
                       husk_error_t **err) {
  _cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return husk_error_errno(err, "open %s", path);
  if (husk_write_all_fd(fd, buf, len) < 0)
    return husk_error_errno(err, "write %s", path);
  return 0;
}

int husk_write_atomic_at(int dirfd, const char *name, const char *buf,
                         size_t len, mode_t mode, husk_error_t **err) {
  char tmp[256];
  snprintf(tmp, sizeof tmp, ".%s.%d.tmp", name, getpid());
  _cleanup_close_ int fd =
      openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    return husk_error_errno(err, "create %s", tmp);
  if (husk_write_all_fd(fd, buf, len) < 0 || fsync(fd) < 0) {
    int e = errno;
    unlinkat(dirfd, tmp, 0);
    return husk_error_set(err, e, "write %s", name);
  }
  if (renameat(dirfd, tmp, dirfd, name) < 0) {
    int e = errno;
    unlinkat(dirfd, tmp, 0);
    return husk_error_set(err, e, "rename %s", name);
  }
  return 0;
}

int husk_mkdir_p(const char *path, mode_t mode, husk_error_t **err) {
  _cleanup_free_ char *p = strdup(path);
  if (!p)
    return husk_error_errno(err, "mkdir %s", path);
  for (char *s = p + 1;; s++) {
    if (*s != '/' && *s != '\0')
      continue;
    char saved = *s;
    *s = '\0';
    if (mkdir(p, mode) < 0 && errno != EEXIST)
      return husk_error_errno(err, "mkdir %s", p);
    *s = saved;
    if (!saved)
      break;
  }
  return 0;
}

static int remove_children(int dfd, dev_t dev, husk_error_t **err) {
  DIR *d = fdopendir(dfd);
  if (!d) {
    close(dfd);
    return husk_error_errno(err, "opendir");
  }
  int rc = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
      continue;
    if (husk_remove_tree_at(dirfd(d), de->d_name, err) < 0) {
      rc = -1;
      break;
    }
  }
  (void)dev;
  closedir(d);
  return rc;
}

int husk_remove_tree_at(int dirfd, const char *name, husk_error_t **err) {
  struct stat st;
  if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? 0 : husk_error_errno(err, "stat %s", name);
  if (S_ISDIR(st.st_mode)) {
    int dfd =
        openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0)
      return husk_error_errno(err, "open %s", name);
    if (remove_children(dfd, st.st_dev, err) < 0)
      return husk_error_wrap(err, "remove %s", name);
    if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
      return husk_error_errno(err, "rmdir %s", name);
    return 0;
  }
  if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT)
    return husk_error_errno(err, "unlink %s", name);
  return 0;
}
