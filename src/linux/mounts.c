/* config.json `mounts`, applied in order inside the rootfs. Each
 * destination is resolved (and created) inside the root by safe_path, and
 * the mount goes onto that fd; flags a bind ignores on its first mount come
 * with a bind remount, propagation with a call of its own. */
#include "linux/mounts.h"

#include "linux/cgroup_mount.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "linux/copyup.h"
#include "linux/idmap.h"
#include "linux/lsm.h"
#include "linux/safe_path.h"
#include "util/cleanup.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif
#ifndef ST_NOSYMFOLLOW
#define ST_NOSYMFOLLOW 0x2000
#endif

/* What a mounts entry decides; the rest (bind, remount, move,
 * propagation) is ours. */
#define NOT_ENTRY_FLAGS                                                        \
  (MS_BIND | MS_REC | MS_REMOUNT | MS_MOVE | MS_SHARED | MS_SLAVE |            \
   MS_PRIVATE | MS_UNBINDABLE)
#define ATIME_FLAGS (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)
/* The flags a bind remount changes (the others belong to the superblock). */
#define PER_MOUNT_FLAGS                                                        \
  (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOSYMFOLLOW |             \
   MS_NODIRATIME | ATIME_FLAGS)

/* ---- primitives ---- */

int husk_mount_on_fd(const char *source, int target, const char *type,
                     unsigned long flags, const char *data) {
  char path[64];
  return mount(source, husk_fd_path(path, target), type, flags, data);
}

int husk_bind_fd(int source, int target, bool recursive) {
  char src[64];
  return husk_mount_on_fd(husk_fd_path(src, source), target, NULL,
                          MS_BIND | (recursive ? MS_REC : 0), NULL);
}

/* The per-mount flags the mount at `path` has now, as MS_* bits. */
static int current_flags(const char *path, unsigned long *out) {
  static const struct {
    unsigned long st, ms;
  } map[] = {
      {ST_RDONLY, MS_RDONLY},
      {ST_NOSUID, MS_NOSUID},
      {ST_NODEV, MS_NODEV},
      {ST_NOEXEC, MS_NOEXEC},
      {ST_NOSYMFOLLOW, MS_NOSYMFOLLOW},
  };
  struct statvfs sv;
  if (statvfs(path, &sv) < 0)
    return -1;
  *out = 0;
  for (size_t i = 0; i < sizeof map / sizeof *map; i++)
    if (sv.f_flag & map[i].st)
      *out |= map[i].ms;
  return 0;
}

int husk_remount(const char *path, unsigned long flags, unsigned long clear) {
  unsigned long now;
  if (current_flags(path, &now) < 0)
    return -1;
  flags = (flags & PER_MOUNT_FLAGS) | (now & ~clear);
  return mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | flags, NULL);
}

/* MS_* flags as mount_setattr(2) attributes. */
static void to_mount_attr(unsigned long flags, unsigned long clear,
                          struct mount_attr *a) {
  static const struct {
    unsigned long ms;
    uint64_t attr;
  } map[] = {
      {MS_RDONLY, MOUNT_ATTR_RDONLY},
      {MS_NOSUID, MOUNT_ATTR_NOSUID},
      {MS_NODEV, MOUNT_ATTR_NODEV},
      {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
      {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
      {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
  };
  memset(a, 0, sizeof *a);
  for (size_t i = 0; i < sizeof map / sizeof *map; i++) {
    if (flags & map[i].ms)
      a->attr_set |= map[i].attr;
    else if (clear & map[i].ms)
      a->attr_clr |= map[i].attr;
  }
  /* The atime mode is one field: replacing it means clearing it all. */
  if (flags & ATIME_FLAGS) {
    a->attr_clr |= MOUNT_ATTR__ATIME;
    if (flags & MS_NOATIME)
      a->attr_set |= MOUNT_ATTR_NOATIME;
    else if (flags & MS_STRICTATIME)
      a->attr_set |= MOUNT_ATTR_STRICTATIME;
  }
}

/* The flags on the mount at fd and every mount below it. mount_setattr only
 * touches the attributes named, so locked ones stay as they are. */
static int set_flags_recursive(int fd, unsigned long flags,
                               unsigned long clear) {
  struct mount_attr a;
  to_mount_attr(flags, clear, &a);
  if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a) == 0)
    return 0;
  if (errno != ENOSYS)
    return -1;
  /* Before Linux 5.12: the top mount only, as runc does. */
  char path[64];
  return husk_remount(husk_fd_path(path, fd), flags, clear);
}

int husk_mount_finish(int rootfd, const char *dest, unsigned long flags,
                      unsigned long clear, bool recursive,
                      unsigned long propagation) {
  flags &= PER_MOUNT_FLAGS;
  if (!flags && !propagation)
    return 0;
  _cleanup_close_ int fd = husk_open_in_root(rootfd, dest, O_PATH, 0);
  if (fd < 0)
    return -1;
  char path[64];
  husk_fd_path(path, fd);
  if (flags && recursive && set_flags_recursive(fd, flags, clear) < 0)
    return -1;
  if (flags && !recursive && husk_remount(path, flags, clear) < 0)
    return -1;
  if (propagation && mount(NULL, path, NULL, propagation, NULL) < 0)
    return -1;
  return 0;
}

/* ---- mounts entries ---- */

bool husk_mount_is_bind(const husk_mount_t *m) {
  return m->bind || (m->type && !strcmp(m->type, "bind"));
}

/* Do two absolute paths name the same place, ignoring repeated slashes,
 * "." components and a trailing slash? */
static bool same_path(const char *a, const char *b) {
  for (;;) {
    while (*a == '/' || (a[0] == '.' && (a[1] == '/' || !a[1])))
      a++;
    while (*b == '/' || (b[0] == '.' && (b[1] == '/' || !b[1])))
      b++;
    size_t la = strcspn(a, "/"), lb = strcspn(b, "/");
    if (la != lb || memcmp(a, b, la))
      return false;
    if (!la)
      return true;
    a += la;
    b += lb;
  }
}

const husk_mount_t *husk_mounts_find_dev(const husk_spec_t *spec) {
  const husk_mount_t *found = NULL;
  for (size_t i = 0; i < spec->n_mounts; i++)
    if (spec->mounts[i].destination &&
        same_path(spec->mounts[i].destination, "/dev"))
      found = &spec->mounts[i];
  return found;
}

unsigned long husk_mount_entry_flags(const husk_mount_t *m) {
  return m->flags & ~NOT_ENTRY_FLAGS;
}

static const char *type_name(const husk_mount_t *m) {
  return husk_mount_is_bind(m) || !m->type ? "bind" : m->type;
}

static const char *source_name(const husk_mount_t *m) {
  return m->source ? m->source : m->type ? m->type : "none";
}

/* "mount SOURCE (TYPE) at DEST: ..." from errno, or around *err. */
static int mount_error(const husk_mount_t *m, int errno_value,
                       husk_error_t **err) {
  if (err && *err)
    return husk_error_wrap(err, "mount %s (%s) at %s", source_name(m),
                           type_name(m), m->destination);
  return husk_error_set(err, errno_value, "mount %s (%s) at %s", source_name(m),
                        type_name(m), m->destination);
}

/* Bind the host path `source` at the entry's destination, then its flags
 * and propagation. `recursive_flags`: the flags reach every mount below
 * too (for the host trees husk binds in place of a filesystem). */
/* "rro", "rnosuid", ...: those flags on every mount of the bound tree. */
static int finish_recursive_opts(int rootfd, const husk_mount_t *m) {
  if (!m->rec_flags && !m->rec_clear)
    return 0;
  _cleanup_close_ int fd = husk_open_in_root(rootfd, m->destination, O_PATH, 0);
  if (fd < 0)
    return -1;
  return set_flags_recursive(fd, m->rec_flags, m->rec_clear);
}

static int bind_host(int rootfd, const husk_mount_t *m, const char *source,
                     bool recursive, bool recursive_flags, husk_error_t **err) {
  _cleanup_close_ int src = open(source, O_PATH | O_CLOEXEC);
  struct stat st;
  if (src < 0 || fstat(src, &st) < 0)
    return mount_error(m, errno, err);
  _cleanup_close_ int dst = husk_mkpath_in_root(
      rootfd, m->destination, !S_ISDIR(st.st_mode), 0644, err);
  if (dst < 0)
    return mount_error(m, 0, err);
  if (husk_bind_fd(src, dst, recursive) < 0 ||
      husk_mount_finish(rootfd, m->destination, m->flags, m->clear,
                        recursive_flags, m->propagation) < 0 ||
      finish_recursive_opts(rootfd, m) < 0)
    return mount_error(m, errno, err);
  return 0;
}

/* `data` without its gid= option (a user namespace may not map the tty
 * group); NULL if there was none. */
static char *without_gid(const char *data) {
  if (!data || !strstr(data, "gid="))
    return NULL;
  char *out = calloc(1, strlen(data) + 1);
  _cleanup_free_ char *copy = strdup(data);
  if (!out || !copy) {
    free(out);
    return NULL;
  }
  char *save = NULL;
  for (char *opt = strtok_r(copy, ",", &save); opt;
       opt = strtok_r(NULL, ",", &save)) {
    if (!strncmp(opt, "gid=", 4))
      continue;
    if (*out)
      strcat(out, ",");
    strcat(out, opt);
  }
  return out;
}

/* The host's cgroup2: /sys/fs/cgroup on pure v2, .../unified on hybrid. */
static const char *host_cgroup2(void) {
  struct statfs sfs;
  if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
    return "/sys/fs/cgroup";
  return "/sys/fs/cgroup/unified";
}

/* In a user namespace some filesystems can only be mounted by the owner of
 * another namespace (sysfs: network, mqueue: ipc, cgroup2: cgroup); the
 * host's tree is bound instead, with the entry's flags on every mount
 * below, as runc and crun do. NULL: no fallback. */
static const char *userns_fallback(const char *type) {
  if (!strcmp(type, "cgroup2"))
    return host_cgroup2();
  static const struct {
    const char *type, *host;
  } table[] = {{"sysfs", "/sys"}, {"mqueue", "/dev/mqueue"}};
  for (size_t i = 0; i < sizeof table / sizeof *table; i++)
    if (!strcmp(type, table[i].type))
      return table[i].host;
  return NULL;
}

/* A filesystem mount (proc, tmpfs, sysfs, devpts, mqueue, overlay, ...). */
static int mount_fs(int rootfd, const husk_mount_t *m, bool userns,
                    const char *label, husk_error_t **err) {
  _cleanup_close_ int dst =
      husk_mkpath_in_root(rootfd, m->destination, false, 0755, err);
  if (dst < 0)
    return mount_error(m, 0, err);
  unsigned long flags = husk_mount_entry_flags(m);
  const char *source = source_name(m);
  /* linux.mountLabel as the context= of the filesystems runc labels. */
  _cleanup_free_ char *labelled = NULL;
  if (label && husk_lsm_mount_takes_label(m->type, false) &&
      !(labelled = husk_lsm_mount_data(m->data, label)))
    return mount_error(m, errno, err);
  const char *data = labelled ? labelled : m->data;
  /* tmpcopyup: the directory's files, read through an fd opened before
   * the tmpfs hides them (dst is O_PATH: no readdir), written before a
   * read-only tmpfs is made so. */
  bool copyup = m->tmpcopyup && !strcmp(m->type, "tmpfs");
  _cleanup_close_ int old = -1;
  if (copyup) {
    old = openat(dst, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (old < 0)
      return mount_error(m, errno, err);
  }
  int rc = husk_mount_on_fd(source, dst, m->type,
                            copyup ? flags & ~MS_RDONLY : flags, data);
  const char *host = userns ? userns_fallback(m->type) : NULL;
  if (rc < 0 && errno == EPERM && host)
    return bind_host(rootfd, m, host, true, true, err);
  if (rc < 0 && userns && (errno == EPERM || errno == EINVAL) &&
      !strcmp(m->type, "devpts")) {
    _cleanup_free_ char *no_gid = without_gid(data);
    if (no_gid)
      rc = husk_mount_on_fd(source, dst, m->type, flags, no_gid);
  }
  if (rc < 0 && userns && errno == EPERM)
    return husk_error_set(err, EPERM,
                          "mount %s (%s) at %s: not allowed in a user "
                          "namespace",
                          source_name(m), type_name(m), m->destination);
  if (rc < 0)
    return mount_error(m, errno, err);
  if (copyup && husk_tmpcopyup(rootfd, m->destination, old, err) < 0)
    return mount_error(m, 0, err);
  if (husk_mount_finish(rootfd, m->destination, copyup ? flags & MS_RDONLY : 0,
                        0, false, m->propagation) < 0)
    return mount_error(m, errno, err);
  return 0;
}

/* An id-mapped bind: the tree the runtime prepared (see idmap.h), then
 * the entry's flags and propagation as for any bind. */
static int bind_idmapped(int rootfd, const husk_mount_t *m, size_t index,
                         husk_error_t **err) {
  struct stat st;
  if (stat(m->source, &st) < 0)
    st.st_mode = S_IFDIR;
  _cleanup_close_ int dst = husk_mkpath_in_root(
      rootfd, m->destination, !S_ISDIR(st.st_mode), 0644, err);
  if (dst < 0 || husk_idmap_attach(index, dst, err) < 0)
    return mount_error(m, 0, err);
  if (husk_mount_finish(rootfd, m->destination, m->flags, m->clear, false,
                        m->propagation) < 0 ||
      finish_recursive_opts(rootfd, m) < 0)
    return mount_error(m, errno, err);
  return 0;
}

static int apply_one(int rootfd, const husk_mount_t *m, size_t index,
                     bool userns, bool cgroupns, const char *label,
                     husk_error_t **err) {
  if (!m->destination)
    return husk_error_set(err, 0, "mount %s: no destination", source_name(m));
  if (husk_idmap_wanted(m))
    return bind_idmapped(rootfd, m, index, err);
  if (husk_mount_is_bind(m)) {
    if (!m->source)
      return husk_error_set(err, 0, "mount (bind) at %s: no source",
                            m->destination);
    return bind_host(rootfd, m, m->source, m->recursive, false, err);
  }
  if (!m->type)
    return husk_error_set(err, 0, "mount %s at %s: no type", source_name(m),
                          m->destination);
  /* In its own cgroup namespace the container mounts its own view of every
   * hierarchy. Without one (or in a user namespace, where v1 cannot be
   * mounted) it sees the host's tree, read-only all the way down when
   * asked, as runc binds it. */
  if (!strcmp(m->type, "cgroup") || !strcmp(m->type, "cgroup2")) {
    if (cgroupns && !userns)
      return husk_cgroup_mount_view(rootfd, m, err) < 0 ? mount_error(m, 0, err)
                                                        : 0;
    if (!strcmp(m->type, "cgroup"))
      return bind_host(rootfd, m, "/sys/fs/cgroup", true, true, err);
  }
  return mount_fs(rootfd, m, userns, label, err);
}

static bool is_cgroup_fs(const husk_mount_t *m) {
  return m->type && !husk_mount_is_bind(m) &&
         (!strcmp(m->type, "cgroup") || !strcmp(m->type, "cgroup2"));
}

int husk_mounts_apply(int rootfd, const husk_spec_t *spec, bool userns,
                      bool cgroupns, husk_mounts_which_t which,
                      husk_error_t **err) {
  for (size_t i = 0; i < spec->n_mounts; i++) {
    bool cg = is_cgroup_fs(&spec->mounts[i]);
    if ((which == HUSK_MOUNTS_BUT_CGROUP && cg) ||
        (which == HUSK_MOUNTS_ONLY_CGROUP && !cg))
      continue;
    if (apply_one(rootfd, &spec->mounts[i], i, userns, cgroupns,
                  spec->linux_.mount_label, err) < 0)
      return -1;
  }
  return 0;
}

/* One path equals the other or is below it, component by component; a
 * "." or ".." component (or no path) counts as overlapping. */
static bool paths_overlap(const char *a, const char *b) {
  if (!a || !b)
    return true;
  for (;;) {
    a += strspn(a, "/");
    b += strspn(b, "/");
    if (!*a || !*b)
      return true;
    size_t la = strcspn(a, "/"), lb = strcspn(b, "/");
    if ((a[0] == '.' && (la == 1 || (la == 2 && a[1] == '.'))) ||
        (b[0] == '.' && (lb == 1 || (lb == 2 && b[1] == '.'))))
      return true;
    if (la != lb || memcmp(a, b, la) != 0)
      return false;
    a += la;
    b += lb;
  }
}

static bool overlaps_any(const char *dst, const husk_strv_t *paths) {
  for (size_t i = 0; i < paths->len; i++)
    if (paths_overlap(dst, paths->items[i]))
      return true;
  return false;
}

bool husk_mounts_cgroup_last(const husk_spec_t *spec) {
  for (size_t i = 0; i < spec->n_mounts; i++) {
    const char *dst = spec->mounts[i].destination;
    if (!is_cgroup_fs(&spec->mounts[i]))
      continue;
    for (size_t j = i + 1; j < spec->n_mounts; j++)
      if (!is_cgroup_fs(&spec->mounts[j]) &&
          paths_overlap(dst, spec->mounts[j].destination))
        return false;
    if (paths_overlap(dst, "/dev") ||
        overlaps_any(dst, &spec->linux_.masked_paths) ||
        overlaps_any(dst, &spec->linux_.readonly_paths))
      return false;
  }
  return true;
}
