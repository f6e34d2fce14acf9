/* The `mounts` of config.json, and the mount primitives that devices.c and
 * paths.c share. Targets are fds from safe_path.h, reached by mount(2)
 * through /proc/self/fd/N, so nothing is looked up by path in the rootfs. */
#ifndef HUSK_LINUX_MOUNTS_H
#define HUSK_LINUX_MOUNTS_H

#include <stdbool.h>

#include "husk/error.h"
#include "husk/spec.h"

/* mount(2) onto the object the fd `target` refers to. -1 with errno. */
int husk_mount_on_fd(const char *source, int target, const char *type,
                     unsigned long flags, const char *data);

/* Bind what `source` refers to (any fd, O_PATH is fine) onto `target`,
 * with MS_REC when recursive. -1 with errno. */
int husk_bind_fd(int source, int target, bool recursive);

/* MS_BIND|MS_REMOUNT the mount whose root `path` names, adding the per-mount
 * `flags` (MS_RDONLY, MS_NOSUID, ...) and keeping ro/nosuid/nodev/noexec/
 * nosymfollow unless they are in `clear`: a user namespace locks them, and
 * silently dropping them would surprise anyway. The atime mode is kept by
 * the kernel unless flags name one. -1 with errno. */
int husk_remount(const char *path, unsigned long flags, unsigned long clear);

/* After something was mounted at `dest` (a path inside rootfd): resolve it
 * again, since the fd used for mounting still names the covered directory,
 * then apply `flags` as husk_remount does (to every mount below as well
 * when `recursive`), dropping `clear`, and set `propagation` (MS_SLAVE, ...
 * |MS_REC). No per-mount `flags`: no remount (`clear` alone, like "rw",
 * changes nothing, as in runc); no `propagation`: none set. -1 with errno. */
int husk_mount_finish(int rootfd, const char *dest, unsigned long flags,
                      unsigned long clear, bool recursive,
                      unsigned long propagation);

/* mount(2)'s per-mount flags of an entry (ro, nosuid, atime...), without
 * bind, remount and propagation. */
unsigned long husk_mount_entry_flags(const husk_mount_t *m);

/* Is `m` a bind mount (a "bind"/"rbind" option or type "bind")? */
bool husk_mount_is_bind(const husk_mount_t *m);

/* The last entry of spec->mounts whose destination is /dev, or NULL. */
const husk_mount_t *husk_mounts_find_dev(const husk_spec_t *spec);

/* Which entries husk_mounts_apply makes: cgroup (and cgroup2) filesystem
 * entries are the ones that can be put off (see husk_mounts_cgroup_last). */
typedef enum {
  HUSK_MOUNTS_ALL,
  HUSK_MOUNTS_BUT_CGROUP,
  HUSK_MOUNTS_ONLY_CGROUP,
} husk_mounts_which_t;

/* The entries of spec->mounts that `which` selects, in order. `userns`:
 * sysfs and devpts get the fallbacks a user namespace needs. */
int husk_mounts_apply(int rootfd, const husk_spec_t *spec, bool userns,
                      bool cgroupns, husk_mounts_which_t which,
                      husk_error_t **err);

/* Do the cgroup filesystem entries give the same tree when made after
 * everything else (the other entries, /dev, masked and readonly paths)?
 * True when nothing after one of them goes at, above or below its
 * destination. */
bool husk_mounts_cgroup_last(const husk_spec_t *spec);

#endif
