#include "linux/copyup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "linux/safe_path.h"
#include "util/cleanup.h"

#define COPYUP_MAX_DEPTH 64

static int copy_tree(int from, int to, unsigned depth);

static int copy_owner_mode(int fd, const struct stat *st) {
  /* chown first: it clears set-id bits that the chmod then restores. */
  if (fchown(fd, st->st_uid, st->st_gid) < 0 ||
      fchmod(fd, st->st_mode & 07777) < 0)
    return -1;
  return 0;
}

static int copy_file(int from, int to, const char *name,
                     const struct stat *st) {
  _cleanup_close_ int in =
      openat(from, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  struct stat now;
  if (in < 0 || fstat(in, &now) < 0)
    return -1;
  if (!S_ISREG(now.st_mode)) {
    errno = EAGAIN; /* swapped under us */
    return -1;
  }
  _cleanup_close_ int out = openat(
      to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0)
    return -1;
  char buf[65536];
  for (;;) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    if (n == 0)
      break;
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(out, buf + off, (size_t)(n - off));
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return -1;
      off += w;
    }
  }
  return copy_owner_mode(out, st);
}

static int copy_entry(int from, int to, const char *name, unsigned depth) {
  struct stat st;
  if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return -1;
  if (S_ISREG(st.st_mode))
    return copy_file(from, to, name, &st);
  if (S_ISLNK(st.st_mode)) {
    char target[PATH_MAX];
    ssize_t n = readlinkat(from, name, target, sizeof target - 1);
    if (n < 0)
      return -1;
    target[n] = '\0';
    if (symlinkat(target, to, name) < 0)
      return -1;
    return fchownat(to, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
  }
  if (S_ISDIR(st.st_mode)) {
    if (depth >= COPYUP_MAX_DEPTH) {
      errno = ELOOP;
      return -1;
    }
    if (mkdirat(to, name, 0700) < 0)
      return -1;
    _cleanup_close_ int sub_from =
        openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    _cleanup_close_ int sub_to =
        openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub_from < 0 || sub_to < 0 ||
        copy_tree(sub_from, sub_to, depth + 1) < 0)
      return -1;
    return copy_owner_mode(sub_to, &st);
  }
  /* fifos, sockets, device nodes */
  if (mknodat(to, name, st.st_mode & (S_IFMT | 0700), st.st_rdev) < 0 ||
      fchownat(to, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 ||
      fchmodat(to, name, st.st_mode & 07777, 0) < 0)
    return -1;
  return 0;
}

static int copy_tree(int from, int to, unsigned depth) {
  int dup_fd = fcntl(from, F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0)
    return -1;
  DIR *dir = fdopendir(dup_fd);
  if (!dir) {
    close(dup_fd);
    return -1;
  }
  int rc = 0;
  struct dirent *de;
  errno = 0;
  while (rc == 0 && (de = readdir(dir))) {
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
      continue;
    rc = copy_entry(from, to, de->d_name, depth);
    if (rc == 0)
      errno = 0; /* so that the end of the directory reads as success */
  }
  int saved = errno;
  closedir(dir);
  errno = saved;
  return rc < 0 || saved ? -1 : 0;
}

int husk_tmpcopyup(int rootfd, const char *dest, int old, husk_error_t **err) {
  struct stat st;
  _cleanup_close_ int to =
      husk_open_in_root(rootfd, dest, O_RDONLY | O_DIRECTORY, 0);
  if (to < 0 || fstat(old, &st) < 0 || copy_tree(old, to, 0) < 0 ||
      copy_owner_mode(to, &st) < 0)
    return husk_error_set(err, errno, "tmpcopyup of %s", dest);
  return 0;
}
