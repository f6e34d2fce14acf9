#include "linux/cgroup_mount.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <sys/mount.h>

#include "cgroup/cgroup.h"
#include "linux/mounts.h"
#include "linux/safe_path.h"
#include "util/cleanup.h"

/* Mount one filesystem at dest inside the root, with the entry's flags. */
static int mount_at(int rootfd, const char *dest, const char *type,
                    unsigned long flags, const char *data, husk_error_t **err) {
  _cleanup_close_ int fd = husk_mkpath_in_root(rootfd, dest, false, 0755, err);
  if (fd < 0)
    return -1;
  if (husk_mount_on_fd("cgroup", fd, type, flags, data) < 0)
    return husk_error_errno(err, "mount %s (%s%s%s) at %s", type, type,
                            data ? " " : "", data ? data : "", dest);
  return 0;
}

int husk_cgroup_mount_view(int rootfd, const husk_mount_t *m,
                           husk_error_t **err) {
  husk_cgroup_view_t *views = NULL;
  size_t n = 0;
  if (husk_cgroup_views(&views, &n, err) < 0)
    return -1;
  unsigned long flags = husk_mount_entry_flags(m);
  int rc = 0;
  if (n == 1 && views[0].v2 && !views[0].dir[0]) {
    rc = mount_at(rootfd, m->destination, "cgroup2", flags, NULL, err);
  } else {
    /* The tmpfs holding the hierarchies is made read-only last, after the
     * mount points exist. */
    rc = mount_at(rootfd, m->destination, "tmpfs",
                  MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755", err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
      char dest[PATH_MAX];
      snprintf(dest, sizeof dest, "%s/%s", m->destination, views[i].dir);
      rc = mount_at(rootfd, dest, views[i].v2 ? "cgroup2" : "cgroup", flags,
                    views[i].options, err);
    }
    if (rc == 0 && (flags & MS_RDONLY) &&
        husk_mount_finish(rootfd, m->destination, MS_RDONLY, 0, false, 0) < 0)
      rc = husk_error_errno(err, "remount %s read-only", m->destination);
  }
  husk_cgroup_views_free(views, n);
  return rc;
}
