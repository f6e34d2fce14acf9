/* Device nodes inside the rootfs: made with mknodat in a directory fd
 * resolved inside the root, or, where mknod is not allowed (a user
 * namespace), the host's node bind-mounted onto an empty file. */
#include "linux/devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "linux/mounts.h"
#include "linux/safe_path.h"
#include "util/cleanup.h"

#define DEFAULT_MODE 0666

static const husk_device_t default_devices[] = {
    {.type = 'c', .path = (char *)"/dev/null", .major = 1, .minor = 3},
    {.type = 'c', .path = (char *)"/dev/zero", .major = 1, .minor = 5},
    {.type = 'c', .path = (char *)"/dev/full", .major = 1, .minor = 7},
    {.type = 'c', .path = (char *)"/dev/random", .major = 1, .minor = 8},
    {.type = 'c', .path = (char *)"/dev/urandom", .major = 1, .minor = 9},
    {.type = 'c', .path = (char *)"/dev/tty", .major = 5, .minor = 0},
};

/* mknod's mode went through the umask, and the owner is ours: fix both on
 * the node we just made (O_NOFOLLOW: it is what we made, not a link). */
static int set_owner_and_mode(int dirfd, const char *name,
                              const husk_device_t *d, mode_t perm) {
  _cleanup_close_ int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  char path[64];
  if (fd < 0 || chmod(husk_fd_path(path, fd), perm) < 0)
    return -1;
  if (!d->has_uid && !d->has_gid)
    return 0;
  return fchownat(fd, "", d->has_uid ? (uid_t)d->uid : (uid_t)-1,
                  d->has_gid ? (gid_t)d->gid : (gid_t)-1, AT_EMPTY_PATH);
}

/* The host's node at the same path, bound onto a new empty file. An
 * existing file is left alone, like an existing node. */
static int bind_host_node(int dirfd, const char *name, const husk_device_t *d) {
  _cleanup_close_ int src = open(d->path, O_PATH | O_CLOEXEC);
  if (src < 0)
    return -1;
  int f = openat(dirfd, name,
                 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (f < 0)
    return errno == EEXIST ? 0 : -1;
  close(f);
  _cleanup_close_ int dst =
      openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (dst < 0)
    return -1;
  return husk_bind_fd(src, dst, false);
}

static int make_node_at(int dirfd, const char *name, const husk_device_t *d,
                        bool userns) {
  mode_t perm = d->has_file_mode ? d->file_mode & 07777 : DEFAULT_MODE;
  bool fifo = d->type == 'p';
  if (userns && !fifo)
    return bind_host_node(dirfd, name, d);
  mode_t type = fifo ? S_IFIFO : d->type == 'b' ? S_IFBLK : S_IFCHR;
  dev_t rdev = fifo ? 0 : makedev(d->major, d->minor);
  if (mknodat(dirfd, name, type | perm, rdev) == 0)
    return set_owner_and_mode(dirfd, name, d, perm);
  if (errno == EEXIST)
    return 0;
  if (errno == EPERM && !fifo)
    return bind_host_node(dirfd, name, d);
  return -1;
}

/* Split "/dev/net/tun" into a directory fd (made inside the root) and the
 * last component. `optional`: a node the host lacks is skipped when it
 * would have been bound (the default ones). */
static int make_node(int rootfd, const husk_device_t *d, bool userns,
                     bool optional, husk_error_t **err) {
  if (!d->path || d->path[0] != '/')
    return husk_error_set(err, EINVAL, "device %s",
                          d->path ? d->path : "(no path)");
  _cleanup_free_ char *dir = strdup(d->path);
  if (!dir)
    return husk_error_errno(err, "device %s", d->path);
  char *slash = strrchr(dir, '/');
  const char *name = d->path + (slash - dir) + 1;
  if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
    return husk_error_set(err, EINVAL, "device %s", d->path);
  slash[slash == dir ? 1 : 0] = '\0';
  _cleanup_close_ int dirfd =
      husk_mkpath_in_root(rootfd, dir, false, 0755, err);
  if (dirfd < 0)
    return husk_error_wrap(err, "device %s", d->path);
  if (make_node_at(dirfd, name, d, userns) < 0 &&
      !(optional && errno == ENOENT)) {
    if (userns && errno == ENOENT && d->type != 'p')
      return husk_error_errno(err,
                              "device %s: in a user namespace the host's "
                              "node is bound (mknod is not allowed), and the "
                              "host has none",
                              d->path);
    return husk_error_errno(err, "device %s", d->path);
  }
  return 0;
}

static int make_links(int rootfd, husk_error_t **err) {
  static const struct {
    const char *name, *target;
  } links[] = {
      {"fd", "/proc/self/fd"},
      {"stdin", "/proc/self/fd/0"},
      {"stdout", "/proc/self/fd/1"},
      {"stderr", "/proc/self/fd/2"},
  };
  _cleanup_close_ int devfd =
      husk_open_in_root(rootfd, "/dev", O_PATH | O_DIRECTORY, 0);
  if (devfd < 0)
    return husk_error_errno(err, "open /dev");
  for (size_t i = 0; i < sizeof links / sizeof *links; i++)
    if (symlinkat(links[i].target, devfd, links[i].name) < 0 && errno != EEXIST)
      return husk_error_errno(err, "symlink /dev/%s", links[i].name);
  /* Only where the kernel has one, as runc does. */
  if (access("/proc/kcore", F_OK) == 0 &&
      symlinkat("/proc/kcore", devfd, "core") < 0 && errno != EEXIST)
    return husk_error_errno(err, "symlink /dev/core");
  /* The ptmx of the devpts instance at /dev/pts, not the host's. */
  if (unlinkat(devfd, "ptmx", 0) < 0 && errno != ENOENT)
    return husk_error_errno(err, "remove /dev/ptmx");
  if (symlinkat("pts/ptmx", devfd, "ptmx") < 0)
    return husk_error_errno(err, "symlink /dev/ptmx");
  return 0;
}

/* A linux.devices entry for the same path replaces the default node. */
static bool configured(const husk_spec_t *spec, const char *path) {
  for (size_t i = 0; i < spec->linux_.n_devices; i++)
    if (!strcmp(spec->linux_.devices[i].path, path))
      return true;
  return false;
}

int husk_devices_setup(int rootfd, const husk_spec_t *spec, bool userns,
                       husk_error_t **err) {
  const husk_mount_t *dev = husk_mounts_find_dev(spec);
  if (dev && husk_mount_is_bind(dev))
    return 0; /* someone else's /dev: not ours to add to */
  size_t n = sizeof default_devices / sizeof *default_devices;
  for (size_t i = 0; i < n; i++)
    if (!configured(spec, default_devices[i].path) &&
        make_node(rootfd, &default_devices[i], userns, true, err) < 0)
      return -1;
  const husk_linux_t *l = &spec->linux_;
  for (size_t i = 0; i < l->n_devices; i++)
    if (make_node(rootfd, &l->devices[i], userns, false, err) < 0)
      return husk_error_wrap(err, "config.json: linux.devices[%zu]", i);
  return dev ? make_links(rootfd, err) : 0;
}
