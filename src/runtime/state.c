#include "runtime/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "linux/pidinfo.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"

const char *husk_status_name(husk_status_t s) {
  static const char *const names[] = {"creating", "created", "running",
                                      "paused", "stopped"};
  return names[s];
}

int husk_validate_id(const char *id, husk_error_t **err) {
  size_t len = strlen(id);
  if (len == 0)
    return husk_error_set(err, 0, "container id must not be empty");
  if (len > 255)
    return husk_error_set(err, 0, "container id is longer than 255 bytes");
  for (size_t i = 0; i < len; i++) {
    char c = id[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-' ||
              (c == '.' && i > 0);
    if (!ok)
      return husk_error_set(err, 0,
                            "invalid container id \"%s\": only "
                            "[a-zA-Z0-9_+.-] allowed, not starting with '.'",
                            id);
  }
  if (strstr(id, ".."))
    return husk_error_set(err, 0, "invalid container id \"%s\": contains ..",
                          id);
  return 0;
}

/* An unprivileged user refused the state root: say what to do. */
static int hint_unprivileged(const husk_context_t *ctx, husk_error_t **err) {
  if (err && *err && (*err)->errno_value == EACCES && geteuid() != 0)
    husk_error_wrap(err,
                    "state root %s (not root: set XDG_RUNTIME_DIR or pass "
                    "--root)",
                    ctx->root);
  return -1;
}

static int open_root(const husk_context_t *ctx, bool create,
                     husk_error_t **err) {
  if (create && husk_mkdir_p(ctx->root, 0711, err) < 0)
    return hint_unprivileged(ctx, err);
  int fd = open(ctx->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 && !(errno == ENOENT && !create)) {
    husk_error_errno(err, "open state root %s", ctx->root);
    return hint_unprivileged(ctx, err);
  }
  return fd;
}

static int lock_dir(int fd, const char *id, husk_error_t **err) {
  while (flock(fd, LOCK_EX) < 0)
    if (errno != EINTR)
      return husk_error_errno(err, "lock container \"%s\"", id);
  return 0;
}

/* <root>/<id>, with *rootfd left open for the caller. */
static int open_container_dir(const husk_context_t *ctx, const char *id,
                              int *rootfd, husk_error_t **err) {
  if (husk_validate_id(id, err) < 0)
    return -1;
  *rootfd = open_root(ctx, false, err);
  if (*rootfd < 0 && *err)
    return -1;
  int fd = *rootfd < 0
               ? -1
               : openat(*rootfd, id,
                        O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (*rootfd < 0 || errno == ENOENT)
      return husk_error_set(err, 0, "container \"%s\" does not exist", id);
    return husk_error_errno(err, "open state of \"%s\"", id);
  }
  return fd;
}

int husk_state_dir_lock(const husk_context_t *ctx, const char *id,
                        husk_error_t **err) {
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int fd = open_container_dir(ctx, id, &rootfd, err);
  if (fd < 0 || lock_dir(fd, id, err) < 0)
    return -1;
  /* A concurrent delete may have removed it while we waited. */
  if (fstatat(fd, ".", &(struct stat){0}, 0) < 0 ||
      faccessat(rootfd, id, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
    return husk_error_set(err, 0, "container \"%s\" does not exist", id);
  return husk_steal_fd(&fd);
}

int husk_state_dir_create(const husk_context_t *ctx, const char *id,
                          husk_error_t **err) {
  if (husk_validate_id(id, err) < 0)
    return -1;
  _cleanup_close_ int rootfd = open_root(ctx, true, err);
  if (rootfd < 0)
    return -1;
  if (mkdirat(rootfd, id, 0711) < 0) {
    if (errno == EEXIST)
      return husk_error_set(err, 0, "container \"%s\" already exists", id);
    husk_error_errno(err, "create state dir %s/%s", ctx->root, id);
    return hint_unprivileged(ctx, err);
  }
  _cleanup_close_ int fd =
      openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    husk_error_errno(err, "open state dir of \"%s\"", id);
  if (fd < 0 || lock_dir(fd, id, err) < 0) {
    unlinkat(rootfd, id, AT_REMOVEDIR);
    return -1;
  }
  return husk_steal_fd(&fd);
}

int husk_state_dir_remove(const husk_context_t *ctx, const char *id,
                          husk_error_t **err) {
  _cleanup_close_ int rootfd = open_root(ctx, false, err);
  if (rootfd < 0)
    return *err ? -1 : 0;
  return husk_remove_tree_at(rootfd, id, err);
}

const char *husk_owner_name(uid_t uid, char *buf, size_t size) {
  /* runc shows the owner's user name. */
  struct passwd *pw = getpwuid(uid);
  if (pw)
    return pw->pw_name;
  snprintf(buf, size, "#%u", (unsigned)uid);
  return buf;
}

void husk_state_free(husk_state_t *st) {
  if (!st)
    return;
  free(st->id);
  free(st->bundle);
  free(st->rootfs);
  free(st->created);
  free(st->cgroup_path);
  for (size_t i = 0; i < st->annotations.len; i++) {
    free(st->annotations.items[i].key);
    free(st->annotations.items[i].value);
  }
  free(st->annotations.items);
  free(st);
}

static void write_state_fields(husk_json_writer_t *w, const husk_state_t *st,
                               bool internal) {
  husk_jw_kv_string(w, "ociVersion", HUSK_OCI_VERSION_MAX);
  husk_jw_kv_string(w, "id", st->id);
  husk_jw_kv_i64(w, "pid",
                 internal || st->status != HUSK_STATUS_STOPPED ? st->pid : 0);
  if (internal) {
    husk_jw_key(w, "pidStartTime");
    husk_jw_u64(w, st->pid_start_time);
  } else {
    husk_jw_kv_string(w, "status", husk_status_name(st->status));
  }
  husk_jw_kv_string(w, "bundle", st->bundle);
  if (st->oci_only && !internal)
    goto annotations;
  husk_jw_kv_string(w, "rootfs", st->rootfs);
  husk_jw_kv_string(w, "created", st->created);
  if (internal) {
    husk_jw_kv_i64(w, "ownerUid", st->owner);
    if (st->cgroup_path)
      husk_jw_kv_string(w, "cgroupPath", st->cgroup_path);
  } else {
    char buf[32];
    husk_jw_kv_string(w, "owner", husk_owner_name(st->owner, buf, sizeof buf));
  }
annotations:
  if (st->annotations.len == 0)
    return; /* omitted when empty, as runc does */
  husk_jw_key(w, "annotations");
  husk_jw_object_open(w);
  for (size_t i = 0; i < st->annotations.len; i++)
    husk_jw_kv_string(w, st->annotations.items[i].key,
                      st->annotations.items[i].value);
  husk_jw_object_close(w);
}

static char *render(const husk_state_t *st, bool pretty, bool internal) {
  husk_json_writer_t *w = husk_json_writer_new(pretty);
  if (!w)
    return NULL;
  husk_jw_object_open(w);
  write_state_fields(w, st, internal);
  husk_jw_object_close(w);
  char *text = strdup(husk_jw_text(w, NULL));
  husk_json_writer_free(w);
  return text;
}

char *husk_state_to_json(const husk_state_t *st, bool pretty) {
  return render(st, pretty, false);
}

int husk_state_save(int dirfd, const husk_state_t *st, husk_error_t **err) {
  _cleanup_free_ char *text = render(st, false, true);
  if (!text)
    return husk_error_errno(err, "render state");
  return husk_write_atomic_at(dirfd, HUSK_STATE_FILE, text, strlen(text), 0600,
                              err);
}

static char *dup_field(const husk_json_t *root, const char *key) {
  const husk_json_t *v = husk_json_get(root, key);
  return strdup(v && husk_json_type(v) == HUSK_JSON_STRING ? husk_json_string(v)
                                                           : "");
}

static int64_t int_field(const husk_json_t *root, const char *key) {
  const husk_json_t *v = husk_json_get(root, key);
  int64_t n = 0;
  if (v && husk_json_type(v) == HUSK_JSON_NUMBER)
    husk_json_to_i64(v, &n);
  return n;
}

static int parse_state(const husk_json_t *root, husk_state_t *st) {
  st->id = dup_field(root, "id");
  st->bundle = dup_field(root, "bundle");
  st->rootfs = dup_field(root, "rootfs");
  st->created = dup_field(root, "created");
  st->pid = int_field(root, "pid");
  st->owner = int_field(root, "ownerUid");
  const husk_json_t *cg = husk_json_get(root, "cgroupPath");
  if (cg && husk_json_type(cg) == HUSK_JSON_STRING &&
      !(st->cgroup_path = strdup(husk_json_string(cg))))
    return -1;
  const husk_json_t *v = husk_json_get(root, "pidStartTime");
  if (v && husk_json_type(v) == HUSK_JSON_NUMBER)
    husk_json_to_u64(v, &st->pid_start_time);
  const husk_json_t *ann = husk_json_get(root, "annotations");
  size_t n = ann ? husk_json_object_len(ann) : 0;
  st->annotations.items = calloc(n + 1, sizeof(husk_kv_t));
  if (!st->id || !st->bundle || !st->rootfs || !st->created ||
      !st->annotations.items)
    return -1;
  for (size_t i = 0; i < n; i++) {
    const husk_json_t *val = husk_json_object_value(ann, i);
    if (husk_json_type(val) != HUSK_JSON_STRING)
      continue;
    husk_kv_t *kv = &st->annotations.items[st->annotations.len++];
    kv->key = strdup(husk_json_object_key(ann, i));
    kv->value = strdup(husk_json_string(val));
  }
  return 0;
}

static bool cgroup_frozen(const husk_state_t *st) {
  if (!st->cgroup_path)
    return false;
  husk_cgroup_t *cg = NULL;
  husk_error_t *err = NULL;
  bool frozen = false;
  if (husk_cgroup_load(st->cgroup_path, &cg, &err) == 0)
    husk_cgroup_is_frozen(cg, &frozen, &err);
  husk_error_free(err);
  husk_cgroup_free(cg);
  return frozen;
}

void husk_state_refresh(int dirfd, husk_state_t *st) {
  if (!husk_pid_alive(st->pid, st->pid_start_time))
    st->status = HUSK_STATUS_STOPPED;
  else if (cgroup_frozen(st))
    st->status = HUSK_STATUS_PAUSED;
  else if (faccessat(dirfd, HUSK_EXEC_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    st->status = HUSK_STATUS_CREATED;
  else
    st->status = HUSK_STATUS_RUNNING;
}

int husk_state_load_at(int dirfd, const char *id, husk_state_t **out,
                       husk_error_t **err) {
  husk_json_t *root = NULL;
  if (husk_json_parse_file(dirfd, HUSK_STATE_FILE, &root, err) < 0) {
    if ((*err)->errno_value == ENOENT) {
      /* No state.json yet: a create is still in progress. */
      husk_error_free(*err);
      *err = NULL;
      husk_state_t *st = calloc(1, sizeof *st);
      if (!st || !(st->id = strdup(id)) || !(st->bundle = strdup("")) ||
          !(st->rootfs = strdup("")) || !(st->created = strdup(""))) {
        husk_state_free(st);
        return husk_error_errno(err, "load state");
      }
      st->status = HUSK_STATUS_CREATING;
      *out = st;
      return 0;
    }
    return husk_error_wrap(err, "container \"%s\"", id);
  }
  husk_state_t *st = calloc(1, sizeof *st);
  int rc = st ? parse_state(root, st) : -1;
  husk_json_free(root);
  if (rc < 0) {
    husk_state_free(st);
    return husk_error_errno(err, "load state of \"%s\"", id);
  }
  husk_state_refresh(dirfd, st);
  *out = st;
  return 0;
}

int husk_state_load(const husk_context_t *ctx, const char *id,
                    husk_state_t **out, husk_error_t **err) {
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int fd = open_container_dir(ctx, id, &rootfd, err);
  if (fd < 0)
    return -1;
  return husk_state_load_at(fd, id, out, err);
}

static int cmp_state(const void *a, const void *b) {
  return strcmp((*(husk_state_t *const *)a)->id,
                (*(husk_state_t *const *)b)->id);
}

int husk_state_list(const husk_context_t *ctx, husk_state_t ***out, size_t *n,
                    husk_error_t **err) {
  *out = NULL;
  *n = 0;
  int rootfd = open_root(ctx, false, err);
  if (rootfd < 0)
    return *err ? -1 : 0;
  DIR *d = fdopendir(rootfd);
  if (!d) {
    close(rootfd);
    return husk_error_errno(err, "list %s", ctx->root);
  }
  husk_state_t **list = NULL;
  size_t len = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.' || husk_validate_id(de->d_name, NULL) < 0)
      continue;
    husk_state_t *st = NULL;
    husk_error_t *e = NULL;
    if (husk_state_load(ctx, de->d_name, &st, &e) < 0) {
      husk_error_free(e); /* vanished or unreadable: not listed */
      continue;
    }
    husk_state_t **nl = realloc(list, (len + 1) * sizeof *nl);
    if (!nl) {
      husk_state_free(st);
      break;
    }
    list = nl;
    list[len++] = st;
  }
  closedir(d);
  if (len)
    qsort(list, len, sizeof *list, cmp_state);
  *out = list;
  *n = len;
  return 0;
}
