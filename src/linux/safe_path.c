/* Path resolution confined to a rootfs. The kernel does it for us with
 * openat2(RESOLVE_IN_ROOT); without openat2, and whenever something has to
 * be created on the way, we walk one component at a time from fds we hold,
 * so a symlink (or a racing rename) can never lead outside the root. */
#include "linux/safe_path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_SYMLINKS 40
/* openat2 says EAGAIN when a rename raced with a ".." lookup. */
#define OPENAT2_RETRIES 32

const char *husk_fd_path(char *buf, int fd) {
  snprintf(buf, 64, "/proc/self/fd/%d", fd);
  return buf;
}

/* ---- the component walk ---- */

typedef enum { LEAF_OPEN, LEAF_DIR, LEAF_FILE } leaf_t;

/* The directories entered below the root. ".." pops one instead of asking
 * the kernel for "..", which is what keeps the walk from climbing out. */
typedef struct {
  int rootfd;
  int *fds;
  size_t depth, cap;
} dirstack_t;

static int top(const dirstack_t *s) {
  return s->depth ? s->fds[s->depth - 1] : s->rootfd;
}

static int push(dirstack_t *s, int fd) {
  if (s->depth == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 16;
    int *fds = realloc(s->fds, cap * sizeof *fds);
    if (!fds) {
      close(fd);
      errno = ENOMEM;
      return -1;
    }
    s->fds = fds;
    s->cap = cap;
  }
  s->fds[s->depth++] = fd;
  return 0;
}

static void pop(dirstack_t *s) {
  if (s->depth)
    close(s->fds[--s->depth]);
}

static void dirstack_free(dirstack_t *s) {
  int saved = errno;
  while (s->depth)
    pop(s);
  free(s->fds);
  errno = saved;
}

/* The path still to resolve; symlink targets are spliced in front. */
typedef struct {
  char *buf;
  const char *p;
  int hops;
} cursor_t;

/* Copy the next component into name (NAME_MAX + 1 bytes). *last tells
 * whether nothing but slashes follows, *dir whether a slash does. Returns
 * 0 at the end of the path, 1 with a component, -1 if it is too long. */
static int next_component(cursor_t *c, char *name, bool *last, bool *dir) {
  const char *s = c->p;
  while (*s == '/')
    s++;
  if (!*s) {
    c->p = s;
    return 0;
  }
  const char *e = strchrnul(s, '/');
  if (e - s > NAME_MAX) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memcpy(name, s, e - s);
  name[e - s] = '\0';
  c->p = e;
  *dir = *e == '/';
  while (*e == '/')
    e++;
  *last = !*e;
  return 1;
}

/* Replace the component just read by the target of the symlink `linkfd`
 * (an O_PATH|O_NOFOLLOW fd); an absolute target restarts at the root. */
static int follow(dirstack_t *s, cursor_t *c, int linkfd) {
  if (++c->hops > MAX_SYMLINKS) {
    errno = ELOOP;
    return -1;
  }
  char target[PATH_MAX];
  ssize_t n = readlinkat(linkfd, "", target, sizeof target - 1);
  if (n < 0)
    return -1;
  if (n == 0) {
    errno = ENOENT;
    return -1;
  }
  target[n] = '\0';
  char *spliced;
  if (asprintf(&spliced, "%s%s", target, c->p) < 0) {
    errno = ENOMEM;
    return -1;
  }
  free(c->buf);
  c->buf = spliced;
  c->p = spliced;
  if (target[0] == '/')
    while (s->depth)
      pop(s);
  return 0;
}

static bool is_symlink(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 && S_ISLNK(st.st_mode);
}

/* O_PATH|O_NOFOLLOW fd of dir/name; a missing entry is created first when
 * the walk is making the path. */
static int open_or_create(int dir, const char *name, leaf_t kind, mode_t mode) {
  int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0 || errno != ENOENT || kind == LEAF_OPEN)
    return fd;
  if (kind == LEAF_DIR) {
    if (mkdirat(dir, name, mode) < 0 && errno != EEXIST)
      return -1;
  } else {
    int f = openat(dir, name,
                   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (f < 0 && errno != EEXIST)
      return -1;
    if (f >= 0)
      close(f);
  }
  /* Reopen without following: if someone swapped in a symlink meanwhile,
   * the caller resolves it inside the root like any other. */
  return openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
}

/* The last component when only opening: with the caller's flags, unless
 * it turns out to be a symlink the caller wants followed (-2). */
static int open_leaf(int dir, const char *name, int flags, mode_t mode,
                     bool dir_slash, int *linkfd) {
  bool nofollow = flags & O_NOFOLLOW;
  int f = flags | O_NOFOLLOW | O_CLOEXEC;
  if (dir_slash && !(flags & O_CREAT))
    f |= O_DIRECTORY;
  int fd = openat(dir, name, f, (flags & O_CREAT) ? mode : 0);
  if (fd >= 0) {
    if (nofollow || !(flags & O_PATH) || !is_symlink(fd))
      return fd;
    *linkfd = fd;
    return -2;
  }
  /* O_NOFOLLOW on a symlink: ELOOP, or ENOTDIR with O_DIRECTORY. */
  if (nofollow || (errno != ELOOP && errno != ENOTDIR))
    return -1;
  int saved = errno;
  int lfd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (lfd >= 0 && is_symlink(lfd)) {
    *linkfd = lfd;
    return -2;
  }
  if (lfd >= 0)
    close(lfd);
  errno = saved;
  return -1;
}

/* One step into an intermediate directory (or the leaf of a mkpath). */
static int enter_dir(dirstack_t *s, cursor_t *c, const char *name,
                     leaf_t kind) {
  int fd = open_or_create(top(s), name, kind, 0755);
  if (fd < 0)
    return -1;
  struct stat st;
  if (fstat(fd, &st) < 0) {
    close(fd);
    return -1;
  }
  if (S_ISLNK(st.st_mode)) {
    int rc = follow(s, c, fd);
    close(fd);
    return rc;
  }
  if (!S_ISDIR(st.st_mode)) {
    close(fd);
    errno = ENOTDIR;
    return -1;
  }
  return push(s, fd);
}

/* The last component: returns the fd, -2 after following a symlink (walk
 * on), -1 on error. */
static int finish(dirstack_t *s, cursor_t *c, const char *name, int flags,
                  mode_t mode, leaf_t kind, bool dir_slash) {
  int fd, linkfd = -1;
  if (kind == LEAF_OPEN) {
    fd = open_leaf(top(s), name, flags, mode, dir_slash, &linkfd);
  } else {
    leaf_t k = dir_slash ? LEAF_DIR : kind;
    fd = open_or_create(top(s), name, k, k == kind ? mode : 0755);
    if (fd >= 0 && is_symlink(fd)) {
      linkfd = fd;
      fd = -2;
    }
  }
  if (fd != -2)
    return fd;
  int rc = follow(s, c, linkfd);
  close(linkfd);
  return rc < 0 ? -1 : -2;
}

static int walk(int rootfd, const char *path, int flags, mode_t mode,
                leaf_t kind) {
  if (!*path) {
    errno = ENOENT;
    return -1;
  }
  dirstack_t s = {.rootfd = rootfd};
  cursor_t c = {.buf = strdup(path)};
  if (!c.buf)
    return -1;
  c.p = c.buf;
  char name[NAME_MAX + 1];
  int fd = -1;
  for (;;) {
    bool last = false, dir_slash = false;
    int r = next_component(&c, name, &last, &dir_slash);
    if (r < 0)
      break;
    if (r == 0) {
      /* Ended on ".", ".." or "/": the directory we are in. */
      int f = kind == LEAF_OPEN ? flags : O_PATH;
      fd = openat(top(&s), ".", f | O_CLOEXEC, 0);
      break;
    }
    if (!strcmp(name, "."))
      continue;
    if (!strcmp(name, "..")) {
      pop(&s);
      continue;
    }
    if (!last) {
      if (enter_dir(&s, &c, name, kind == LEAF_OPEN ? LEAF_OPEN : LEAF_DIR) < 0)
        break;
      continue;
    }
    fd = finish(&s, &c, name, flags, mode, kind, dir_slash);
    if (fd != -2)
      break;
    fd = -1;
  }
  dirstack_free(&s);
  free(c.buf);
  return fd;
}

int husk_walk_in_root(int rootfd, const char *path, int flags, mode_t mode) {
  return walk(rootfd, path, flags, mode, LEAF_OPEN);
}

/* ---- openat2 ---- */

static bool openat2_missing;

int husk_open_in_root(int rootfd, const char *path, int flags, mode_t mode) {
  if (!openat2_missing) {
    struct open_how how = {
        .flags = (unsigned)flags | O_CLOEXEC,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
      how.mode = mode;
    int fd = -1;
    for (int i = 0; i < OPENAT2_RETRIES; i++) {
      fd = syscall(SYS_openat2, rootfd, path, &how, sizeof how);
      if (fd >= 0 || errno != EAGAIN)
        break;
    }
    if (fd >= 0 || errno != ENOSYS)
      return fd;
    openat2_missing = true;
  }
  return walk(rootfd, path, flags, mode, LEAF_OPEN);
}

int husk_mkpath_in_root(int rootfd, const char *path, bool leaf_is_file,
                        mode_t mode, husk_error_t **err) {
  /* Usually everything exists already: one openat2 does it. */
  int fd = husk_open_in_root(rootfd, path, O_PATH, 0);
  if (fd < 0 && errno == ENOENT)
    fd = walk(rootfd, path, 0, mode, leaf_is_file ? LEAF_FILE : LEAF_DIR);
  if (fd < 0)
    return husk_error_errno(err, "create %s", path);
  return fd;
}
