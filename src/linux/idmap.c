#include "linux/idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/clone.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* The detached trees by mounts[] index; -1 where none. */
static int *trees;
static size_t n_trees;

bool husk_idmap_supported(void) {
  /* An invalid call: EBADF/EINVAL from a kernel that has it. */
  return mount_setattr(-1, "", 0, NULL, 0) < 0 && errno != ENOSYS;
}

bool husk_idmap_wanted(const husk_mount_t *m) {
  return m->idmap || m->uid_mappings.len > 0 || m->gid_mappings.len > 0;
}

char *husk_idmap_format(const husk_idmaps_t *maps) {
  /* Three 10-digit numbers, two spaces and a newline per line. */
  size_t cap = maps->len * 34 + 1;
  char *out = malloc(cap), *p = out;
  if (!out)
    return NULL;
  *p = '\0';
  for (size_t i = 0; i < maps->len; i++)
    p += snprintf(p, cap - (p - out), "%u %u %u\n", maps->items[i].container_id,
                  maps->items[i].host_id, maps->items[i].size);
  return out;
}

static int write_map(pid_t pid, const char *file, const husk_idmaps_t *maps) {
  _cleanup_free_ char *text = husk_idmap_format(maps);
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/%s", pid, file);
  _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (!text || fd < 0)
    return -1;
  size_t len = strlen(text);
  ssize_t n = write(fd, text, len);
  if (n >= 0 && (size_t)n != len)
    errno = EIO;
  return n >= 0 && (size_t)n == len ? 0 : -1;
}

/* A user namespace with these maps, as an fd: a child that does nothing
 * but hold it while the maps are written and the fd opened. */
static int userns_with_maps(const husk_idmaps_t *uids,
                            const husk_idmaps_t *gids, const char *key,
                            husk_error_t **err) {
  int pidfd = -1;
  pid_t pid = husk_clone3(CLONE_NEWUSER, -1, &pidfd);
  if (pid < 0)
    return husk_error_errno(err, "%s: create a user namespace for the mapping",
                            key);
  if (pid == 0) {
    /* Never outlive the runtime, whatever happens to it. */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    for (;;)
      pause();
  }
  int fd = -1;
  const char *what = "uidMappings";
  if (write_map(pid, "uid_map", uids) == 0) {
    what = "gidMappings";
    if (write_map(pid, "gid_map", gids) == 0) {
      char path[64];
      snprintf(path, sizeof path, "/proc/%d/ns/user", pid);
      what = "user namespace";
      fd = open(path, O_RDONLY | O_CLOEXEC);
    }
  }
  int e = errno;
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  close(pidfd);
  if (fd < 0)
    return husk_error_set(err, e, "%s.%s: write the mapping", key, what);
  return fd;
}

static const char *source_path(const husk_mount_t *m, const char *bundle,
                               char *buf, size_t size) {
  if (m->source[0] == '/')
    return m->source;
  snprintf(buf, size, "%s/%s", bundle, m->source);
  return buf;
}

/* One entry: clone the source tree, give it the mapping. */
static int prepare_one(const husk_spec_t *spec, size_t i, const char *bundle,
                       husk_error_t **err) {
  const husk_mount_t *m = &spec->mounts[i];
  char key[48];
  snprintf(key, sizeof key, "config.json: mounts[%zu]", i);
  bool bind = m->bind || (m->type && !strcmp(m->type, "bind"));
  if (!bind)
    return husk_error_set(err, 0,
                          "%s: id-mapped mounts are supported for bind "
                          "mounts only (type \"%s\")",
                          key, m->type ? m->type : "");
  if (!m->source)
    return husk_error_set(err, 0, "%s.source: required for a bind mount", key);
  /* idmap alone takes the container's own mapping. */
  const husk_idmaps_t *uids = &m->uid_mappings, *gids = &m->gid_mappings;
  if (!uids->len) {
    uids = &spec->linux_.uid_mappings;
    gids = &spec->linux_.gid_mappings;
  }
  if (!uids->len || !gids->len)
    return husk_error_set(err, 0,
                          "%s.options: \"idmap\" without uidMappings and "
                          "gidMappings needs linux.uidMappings and "
                          "linux.gidMappings",
                          key);
  char buf[4096];
  const char *src = source_path(m, bundle, buf, sizeof buf);
  _cleanup_close_ int tree = open_tree(AT_FDCWD, src,
                                       OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                                           (m->recursive ? AT_RECURSIVE : 0));
  if (tree < 0)
    return husk_error_errno(err, "%s.source: open_tree %s", key, src);
  _cleanup_close_ int userns = userns_with_maps(uids, gids, key, err);
  if (userns < 0)
    return -1;
  struct mount_attr attr = {
      .attr_set = MOUNT_ATTR_IDMAP,
      .userns_fd = (uint64_t)userns,
  };
  unsigned flags = AT_EMPTY_PATH | (m->idmap_recursive ? AT_RECURSIVE : 0);
  if (mount_setattr(tree, "", flags, &attr, sizeof attr) < 0) {
    int e = errno;
    if (e == EINVAL || e == EOPNOTSUPP)
      return husk_error_set(err, e,
                            "%s: %s: its filesystem does not support "
                            "id-mapped mounts (or it is id-mapped already)",
                            key, src);
    if (e == ENOSYS)
      return husk_error_set(
          err, e, "%s: id-mapped mounts need Linux 5.12 or later", key);
    return husk_error_set(err, e, "%s: mount_setattr(MOUNT_ATTR_IDMAP) on %s",
                          key, src);
  }
  trees[i] = tree;
  tree = -1;
  return 0;
}

int husk_idmap_prepare(const husk_spec_t *spec, const char *bundle,
                       husk_error_t **err) {
  bool any = false;
  for (size_t i = 0; i < spec->n_mounts; i++)
    any = any || husk_idmap_wanted(&spec->mounts[i]);
  if (!any)
    return 0;
  husk_idmap_release();
  trees = malloc(spec->n_mounts * sizeof *trees);
  if (!trees)
    return husk_error_errno(err, "id-mapped mounts");
  n_trees = spec->n_mounts;
  for (size_t i = 0; i < n_trees; i++)
    trees[i] = -1;
  for (size_t i = 0; i < n_trees; i++)
    if (husk_idmap_wanted(&spec->mounts[i]) &&
        prepare_one(spec, i, bundle, err) < 0) {
      husk_idmap_release();
      return -1;
    }
  return 0;
}

void husk_idmap_release(void) {
  for (size_t i = 0; i < n_trees; i++)
    if (trees[i] >= 0)
      close(trees[i]);
  free(trees);
  trees = NULL;
  n_trees = 0;
}

int husk_idmap_attach(size_t index, int target, husk_error_t **err) {
  if (index >= n_trees || trees[index] < 0)
    return husk_error_set(err, 0,
                          "config.json: mounts[%zu]: the id-mapped tree was "
                          "not prepared",
                          index);
  if (move_mount(trees[index], "", target, "",
                 MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return husk_error_errno(err, "config.json: mounts[%zu]: move_mount", index);
  close(trees[index]);
  trees[index] = -1;
  return 0;
}
