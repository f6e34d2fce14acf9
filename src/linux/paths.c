/* Masked and read-only paths: mounts over paths resolved inside the root.
 * A path that does not exist is skipped, as the runtime-spec allows. */
#include "linux/paths.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux/mounts.h"
#include "linux/safe_path.h"
#include "util/cleanup.h"

#define HIDE_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* Not there (or under a non-directory): nothing to do. */
static bool missing(int e) {
  return e == ENOENT || e == ENOTDIR;
}

static int mask_one(int rootfd, int nullfd, const char *path) {
  _cleanup_close_ int fd =
      husk_open_in_root(rootfd, path, O_PATH | O_NOFOLLOW, 0);
  if (fd < 0)
    return missing(errno) ? 0 : -1;
  struct stat st;
  if (fstat(fd, &st) < 0)
    return -1;
  if (S_ISDIR(st.st_mode))
    return husk_mount_on_fd("tmpfs", fd, "tmpfs", HIDE_FLAGS, "mode=755");
  return husk_bind_fd(nullfd, fd, false);
}

int husk_paths_mask(int rootfd, const husk_strv_t *paths, husk_error_t **err) {
  if (!paths->len)
    return 0;
  /* The host's: the container has no say in what gets bound. */
  _cleanup_close_ int nullfd = open("/dev/null", O_PATH | O_CLOEXEC);
  if (nullfd < 0)
    return husk_error_errno(err, "open /dev/null");
  for (size_t i = 0; i < paths->len; i++)
    if (mask_one(rootfd, nullfd, paths->items[i]) < 0)
      return husk_error_errno(err, "config.json: linux.maskedPaths: mask %s",
                              paths->items[i]);
  return 0;
}

static int readonly_one(int rootfd, const char *path) {
  _cleanup_close_ int fd = husk_open_in_root(rootfd, path, O_PATH, 0);
  if (fd < 0)
    return missing(errno) ? 0 : -1;
  /* A mount of its own, so only this path turns read-only. */
  if (husk_bind_fd(fd, fd, true) < 0)
    return -1;
  return husk_mount_finish(rootfd, path, MS_RDONLY, 0, true, 0);
}

int husk_paths_readonly(int rootfd, const husk_strv_t *paths,
                        husk_error_t **err) {
  for (size_t i = 0; i < paths->len; i++)
    if (readonly_one(rootfd, paths->items[i]) < 0)
      return husk_error_errno(err,
                              "config.json: linux.readonlyPaths: make %s "
                              "read-only",
                              paths->items[i]);
  return 0;
}
