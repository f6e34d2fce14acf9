/* The container's root: propagation of the new mount namespace, the rootfs
 * as a mount of its own, everything mounted inside it, then pivot_root. */
#include "linux/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/devices.h"
#include "linux/mounts.h"
#include "linux/paths.h"
#include "util/cleanup.h"

/* The rootfs mount, from prepare to enter (same process, one container). */
static int prepared_rootfd = -1;

static bool has_mount_ns(const husk_spec_t *spec) {
  for (size_t i = 0; i < spec->linux_.n_namespaces; i++)
    if (spec->linux_.namespaces[i].type == HUSK_NS_MOUNT)
      return true;
  return false;
}

static const char *propagation_name(const husk_spec_t *spec) {
  return spec->linux_.rootfs_propagation ? spec->linux_.rootfs_propagation
                                         : "rprivate";
}

/* Before anything is mounted, "/" must stop forwarding mount events, or
 * our mounts would show up on the host. rprivate and rslave can be set
 * right away; shared and unbindable only on the new root after the pivot
 * (unbindable would forbid binding the rootfs, shared would leak), so
 * until then "/" is rslave. */
static int isolate(unsigned long want, const husk_spec_t *spec,
                   husk_error_t **err) {
  unsigned long first = MS_REC | MS_PRIVATE;
  if (want) {
    bool now = (want & MS_REC) && !(want & (MS_SHARED | MS_UNBINDABLE));
    first = now ? want : MS_REC | MS_SLAVE;
  }
  if (mount(NULL, "/", NULL, first, NULL) < 0)
    return husk_error_errno(err, "make / %s",
                            first == want      ? propagation_name(spec)
                            : first & MS_SLAVE ? "rslave"
                                               : "rprivate");
  return 0;
}

/* Bind the rootfs onto itself so it is a mount (pivot_root needs one) and
 * return an fd of that new mount. */
static int mount_rootfs(const char *rootfs, husk_error_t **err) {
  _cleanup_close_ int dir = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return husk_error_errno(err, "rootfs %s", rootfs);
  if (husk_bind_fd(dir, dir, true) < 0)
    return husk_error_errno(err, "bind rootfs %s onto itself", rootfs);
  /* `dir` still names the directory under the new mount: open it again. */
  _cleanup_close_ int fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct stat a, b;
  if (fd < 0 || fstat(dir, &a) < 0 || fstat(fd, &b) < 0)
    return husk_error_errno(err, "rootfs %s", rootfs);
  if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
    return husk_error_set(err, EXDEV, "rootfs %s: replaced while mounting",
                          rootfs);
  return husk_steal_fd(&fd);
}

/* With ctx->before_cgroup, the cgroup mounts go last when that changes
 * nothing, so that everything else is done while the init waits to be in
 * its cgroups; otherwise the wait comes first. */
static int build(int rootfd, const husk_rootfs_ctx_t *ctx, husk_error_t **err) {
  const husk_spec_t *spec = ctx->spec;
  bool wait = ctx->before_cgroup != NULL;
  bool last = wait && husk_mounts_cgroup_last(spec);
  if (wait && !last && ctx->before_cgroup(ctx->before_cgroup_data, err) < 0)
    return -1;
  if (husk_mounts_apply(rootfd, spec, ctx->userns, ctx->cgroupns,
                        last ? HUSK_MOUNTS_BUT_CGROUP : HUSK_MOUNTS_ALL,
                        err) < 0 ||
      husk_devices_setup(rootfd, spec, ctx->userns, err) < 0 ||
      husk_paths_mask(rootfd, &spec->linux_.masked_paths, err) < 0 ||
      husk_paths_readonly(rootfd, &spec->linux_.readonly_paths, err) < 0)
    return -1;
  if (last && (ctx->before_cgroup(ctx->before_cgroup_data, err) < 0 ||
               husk_mounts_apply(rootfd, spec, ctx->userns, ctx->cgroupns,
                                 HUSK_MOUNTS_ONLY_CGROUP, err) < 0))
    return -1;
  return 0;
}

int husk_rootfs_prepare(const husk_rootfs_ctx_t *ctx, husk_error_t **err) {
  const husk_spec_t *spec = ctx->spec;
  if (!has_mount_ns(spec))
    return husk_error_set(err, 0,
                          "config.json: linux.namespaces: setting up the "
                          "rootfs needs a mount namespace");
  if (isolate(spec->linux_.rootfs_propagation_flags, spec, err) < 0)
    return -1;
  _cleanup_close_ int rootfd = mount_rootfs(ctx->rootfs, err);
  if (rootfd < 0 || build(rootfd, ctx, err) < 0)
    return -1;
  if (prepared_rootfd >= 0)
    close(prepared_rootfd);
  prepared_rootfd = husk_steal_fd(&rootfd);
  return 0;
}

/* pivot_root(".", "."): the old root ends up stacked on the new one, where
 * a lazy unmount drops it without needing a directory for it. */
static int pivot(int rootfd, husk_error_t **err) {
  _cleanup_close_ int oldroot = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (oldroot < 0)
    return husk_error_errno(err, "open /");
  if (fchdir(rootfd) < 0)
    return husk_error_errno(err, "chdir to the rootfs");
  if (syscall(SYS_pivot_root, ".", ".") < 0)
    return husk_error_errno(err, "pivot_root");
  /* "." must be the old root itself, not the new one under it. rslave so
   * that unmounting it cannot propagate anywhere. */
  if (fchdir(oldroot) < 0)
    return husk_error_errno(err, "chdir to the old root");
  if (mount(NULL, ".", NULL, MS_REC | MS_SLAVE, NULL) < 0)
    return husk_error_errno(err, "make the old root rslave");
  if (umount2(".", MNT_DETACH) < 0)
    return husk_error_errno(err, "detach the old root");
  return 0;
}

/* --no-pivot: the rootfs mount moved over "/", then chroot into it. */
static int move_root(int rootfd, husk_error_t **err) {
  if (fchdir(rootfd) < 0)
    return husk_error_errno(err, "chdir to the rootfs");
  if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
    return husk_error_errno(err, "move the rootfs onto /");
  if (chroot(".") < 0)
    return husk_error_errno(err, "chroot to the rootfs");
  return 0;
}

int husk_rootfs_enter(const husk_rootfs_ctx_t *ctx, husk_error_t **err) {
  const husk_spec_t *spec = ctx->spec;
  if (prepared_rootfd < 0)
    return husk_error_set(err, 0, "rootfs %s: not prepared", ctx->rootfs);
  _cleanup_close_ int rootfd = husk_steal_fd(&prepared_rootfd);
  if ((ctx->no_pivot ? move_root(rootfd, err) : pivot(rootfd, err)) < 0)
    return -1;
  if (chdir("/") < 0)
    return husk_error_errno(err, "chdir /");
  if (spec->root.readonly && husk_remount("/", MS_RDONLY, 0) < 0)
    return husk_error_errno(err, "config.json: root.readonly: remount /");
  unsigned long want = spec->linux_.rootfs_propagation_flags;
  if (want && mount(NULL, "/", NULL, want, NULL) < 0)
    return husk_error_errno(err,
                            "config.json: linux.rootfsPropagation: "
                            "make / %s",
                            propagation_name(spec));
  return 0;
}
