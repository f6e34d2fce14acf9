/* linux.uidMappings / linux.gidMappings: the id maps of a new user
 * namespace, written from the parent's side.
 *
 * Root writes /proc/<pid>/{uid,gid}_map itself. An unprivileged husk may
 * only map its own id, once (and its gid only after "deny" is written to
 * /proc/<pid>/setgroups); anything wider goes through the setuid helpers
 * newuidmap/newgidmap (Debian's uidmap package), which check the ranges
 * against /etc/subuid and /etc/subgid. That is the choice runc makes too.
 * When a map is refused, the ranges are checked again here to say which
 * one is at fault. */
#include "linux/userns.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cleanup.h"

extern char **environ;

/* The kernel reads a map in one write of less than a page, of at most
 * 340 lines (Linux 4.15 and later). */
#define MAP_MAX_LINES 340
#define MAP_MAX_BYTES 4095

typedef struct {
  const char *key;     /* the JSON key under linux */
  const char *file;    /* under /proc/<pid>/ */
  const char *tool;    /* the setuid helper */
  const char *subids;  /* the helper's delegation file */
  const char *id_name; /* "uid" or "gid" */
  unsigned own;        /* the id an unprivileged process may map itself */
  unsigned real;       /* the id the helper lets its caller map */
} map_kind_t;

static map_kind_t uid_kind(void) {
  return (map_kind_t){"uidMappings", "uid_map", "newuidmap", "/etc/subuid",
                      "uid",         geteuid(), getuid()};
}

static map_kind_t gid_kind(void) {
  return (map_kind_t){"gidMappings", "gid_map", "newgidmap", "/etc/subgid",
                      "gid",         getegid(), getgid()};
}

static bool only_own_id(const husk_idmaps_t *maps, unsigned own) {
  return maps->len == 1 && maps->items[0].host_id == own &&
         maps->items[0].size == 1;
}

bool husk_userns_needs_uid_tool(const husk_idmaps_t *maps) {
  return geteuid() != 0 && maps->len > 0 && !only_own_id(maps, geteuid());
}

bool husk_userns_needs_gid_tool(const husk_idmaps_t *maps) {
  return geteuid() != 0 && maps->len > 0 && !only_own_id(maps, getegid());
}

/* ---- finding the range at fault ---- */

static uint64_t range_end(const husk_idmap_t *m) {
  return (uint64_t)m->host_id + m->size;
}

/* Is [start, end) inside one "first count" pair of the list? */
typedef struct {
  uint64_t start, count;
} id_span_t;

static bool covered(const id_span_t *spans, size_t n, uint64_t start,
                    uint64_t end) {
  for (size_t i = 0; i < n; i++)
    if (start >= spans[i].start && end <= spans[i].start + spans[i].count)
      return true;
  return false;
}

/* The host side of husk's own /proc/self/{uid,gid}_map: the ids a root
 * husk can hand out. */
static size_t own_map_spans(const char *file, id_span_t *spans, size_t max) {
  char path[64];
  snprintf(path, sizeof path, "/proc/self/%s", file);
  _cleanup_fclose_ FILE *f = fopen(path, "re");
  size_t n = 0;
  unsigned long inside, outside, count;
  while (f && n < max &&
         fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3)
    spans[n++] = (id_span_t){inside, count};
  return n;
}

/* The ranges /etc/subuid (or subgid) gives the caller, by name or id. */
static size_t subid_spans(const map_kind_t *k, id_span_t *spans, size_t max) {
  _cleanup_fclose_ FILE *f = fopen(k->subids, "re");
  if (!f)
    return 0;
  struct passwd *pw = getpwuid(getuid());
  char owner_id[16];
  snprintf(owner_id, sizeof owner_id, "%u", getuid());
  char line[512];
  size_t n = 0;
  while (n < max && fgets(line, sizeof line, f)) {
    char *save = NULL;
    char *owner = strtok_r(line, ":", &save);
    char *start = strtok_r(NULL, ":", &save);
    char *count = strtok_r(NULL, ":\n", &save);
    if (!owner || !start || !count)
      continue;
    if (strcmp(owner, owner_id) && !(pw && !strcmp(owner, pw->pw_name)))
      continue;
    spans[n++] =
        (id_span_t){strtoull(start, NULL, 10), strtoull(count, NULL, 10)};
  }
  return n;
}

/* The first range the caller may not map, or -1. `via_tool`: judged as the
 * helper judges it (own real id or a delegated range), else against what
 * is mapped into husk's own namespace. */
static ssize_t range_at_fault(const map_kind_t *k, const husk_idmaps_t *maps,
                              bool via_tool) {
  id_span_t spans[64];
  size_t n =
      via_tool ? subid_spans(k, spans, 64) : own_map_spans(k->file, spans, 64);
  for (size_t i = 0; i < maps->len; i++) {
    const husk_idmap_t *m = &maps->items[i];
    if (via_tool && m->size == 1 && m->host_id == k->real)
      continue;
    if (!covered(spans, n, m->host_id, range_end(m)))
      return (ssize_t)i;
  }
  return -1;
}

static int fault_error(const map_kind_t *k, const husk_idmaps_t *maps, size_t i,
                       bool via_tool, const char *detail, husk_error_t **err) {
  const husk_idmap_t *m = &maps->items[i];
  uint64_t last = range_end(m) - 1;
  if (via_tool) {
    struct passwd *pw = getpwuid(getuid());
    return husk_error_set(
        err, 0,
        "config.json: linux.%s[%zu]: host %ss %u-%" PRIu64 " are not "
        "yours to map: neither your own %s (%u) nor inside a range that %s "
        "gives to %s%s%s",
        k->key, i, k->id_name, m->host_id, last, k->id_name, k->real, k->subids,
        pw ? pw->pw_name : "this user", detail ? ": " : "",
        detail ? detail : "");
  }
  return husk_error_set(err, EPERM,
                        "config.json: linux.%s[%zu]: host %ss %u-%" PRIu64
                        " are not mapped in husk's own user namespace",
                        k->key, i, k->id_name, m->host_id, last);
}

/* ---- writing ---- */

/* "inside outside count" lines; NULL with *err when they do not fit. */
static char *format_map(const map_kind_t *k, const husk_idmaps_t *maps,
                        husk_error_t **err) {
  if (maps->len > MAP_MAX_LINES) {
    husk_error_set(err, E2BIG,
                   "config.json: linux.%s: %zu ranges, the kernel takes at "
                   "most %d",
                   k->key, maps->len, MAP_MAX_LINES);
    return NULL;
  }
  char *buf = malloc(MAP_MAX_BYTES + 1);
  size_t used = 0;
  if (!buf) {
    husk_error_errno(err, "config.json: linux.%s", k->key);
    return NULL;
  }
  for (size_t i = 0; i < maps->len; i++) {
    const husk_idmap_t *m = &maps->items[i];
    int n = snprintf(buf + used, MAP_MAX_BYTES + 1 - used, "%u %u %u\n",
                     m->container_id, m->host_id, m->size);
    if (n < 0 || (size_t)n > MAP_MAX_BYTES - used) {
      free(buf);
      husk_error_set(err, E2BIG,
                     "config.json: linux.%s: the ranges take more than the "
                     "%d bytes the kernel reads",
                     k->key, MAP_MAX_BYTES);
      return NULL;
    }
    used += n;
  }
  return buf;
}

static int write_proc_file(pid_t pid, const char *file, const char *text) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/%s", pid, file);
  _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  /* One write: the kernel refuses a map in pieces. */
  size_t len = strlen(text);
  ssize_t n = write(fd, text, len);
  if (n < 0)
    return -1;
  if ((size_t)n != len) {
    errno = EIO;
    return -1;
  }
  return 0;
}

static int write_direct(const map_kind_t *k, const husk_idmaps_t *maps,
                        pid_t pid, husk_error_t **err) {
  _cleanup_free_ char *text = format_map(k, maps, err);
  if (!text)
    return -1;
  if (write_proc_file(pid, k->file, text) == 0)
    return 0;
  int e = errno;
  if (e == EPERM && geteuid() == 0) {
    ssize_t i = range_at_fault(k, maps, false);
    if (i >= 0)
      return fault_error(k, maps, (size_t)i, false, NULL, err);
  }
  if (e == EPERM)
    return husk_error_set(err, e,
                          "config.json: linux.%s: the kernel refused the map "
                          "(unprivileged, only your own %s %u may be mapped "
                          "without %s)",
                          k->key, k->id_name, k->own, k->tool);
  return husk_error_set(err, e, "config.json: linux.%s: write /proc/%d/%s",
                        k->key, pid, k->file);
}

/* The helper's full path from $PATH (or the usual places), or NULL. */
static char *find_tool(const char *name) {
  const char *path = getenv("PATH");
  if (!path || !*path)
    path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
  _cleanup_free_ char *copy = strdup(path);
  char *save = NULL;
  for (char *dir = copy ? strtok_r(copy, ":", &save) : NULL; dir;
       dir = strtok_r(NULL, ":", &save)) {
    char *full = NULL;
    if (asprintf(&full, "%s/%s", dir, name) < 0)
      return NULL;
    if (access(full, X_OK) == 0)
      return full;
    free(full);
  }
  return NULL;
}

/* Run TOOL PID inside outside count ...; its output (the reason when it
 * fails) goes to out. Returns its exit status, or -1 if it did not run. */
static int run_tool(const char *path, const char *name, pid_t pid,
                    const husk_idmaps_t *maps, char *out, size_t outlen) {
  size_t argc = 2 + 3 * maps->len + 1;
  _cleanup_free_ char **argv = calloc(argc, sizeof *argv);
  _cleanup_free_ char *nums = calloc(1 + 3 * maps->len, 12);
  if (!argv || !nums)
    return -1;
  argv[0] = (char *)name;
  char *p = nums;
  snprintf(p, 12, "%d", pid);
  argv[1] = p;
  p += 12;
  for (size_t i = 0; i < maps->len; i++) {
    unsigned v[3] = {maps->items[i].container_id, maps->items[i].host_id,
                     maps->items[i].size};
    for (int j = 0; j < 3; j++, p += 12) {
      snprintf(p, 12, "%u", v[j]);
      argv[2 + 3 * i + j] = p;
    }
  }
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) < 0)
    return -1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
  pid_t child;
  int rc = posix_spawn(&child, path, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(pipefd[1]);
  if (rc != 0) {
    close(pipefd[0]);
    errno = rc;
    return -1;
  }
  size_t used = 0;
  for (;;) {
    char chunk[256];
    ssize_t n = read(pipefd[0], chunk, sizeof chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    size_t take = (size_t)n < outlen - 1 - used ? (size_t)n : outlen - 1 - used;
    memcpy(out + used, chunk, take);
    used += take;
  }
  close(pipefd[0]);
  out[used] = '\0';
  while (used && (out[used - 1] == '\n' || out[used - 1] == ' '))
    out[--used] = '\0';
  int status;
  while (waitpid(child, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int write_with_tool(const map_kind_t *k, const husk_idmaps_t *maps,
                           pid_t pid, husk_error_t **err) {
  _cleanup_free_ char *path = find_tool(k->tool);
  if (!path)
    return husk_error_set(err, ENOENT, "config.json: linux.%s: %s not found",
                          k->key, k->tool);
  char out[512];
  int status = run_tool(path, k->tool, pid, maps, out, sizeof out);
  if (status == 0)
    return 0;
  if (status < 0)
    return husk_error_errno(err, "config.json: linux.%s: run %s", k->key, path);
  ssize_t i = range_at_fault(k, maps, true);
  if (i >= 0)
    return fault_error(k, maps, (size_t)i, true, out[0] ? out : NULL, err);
  return husk_error_set(err, 0, "config.json: linux.%s: %s failed: %s", k->key,
                        k->tool, out[0] ? out : "no reason given");
}

static int check_one(const map_kind_t *k, const husk_idmaps_t *maps,
                     bool needs_tool, husk_error_t **err) {
  if (maps->len == 0)
    return husk_error_set(err, 0,
                          "config.json: linux.%s: a new user namespace needs "
                          "at least one mapping",
                          k->key);
  _cleanup_free_ char *text = format_map(k, maps, err);
  if (!text)
    return -1;
  _cleanup_free_ char *tool = needs_tool ? find_tool(k->tool) : NULL;
  if (needs_tool && !tool)
    return husk_error_set(err, 0,
                          "config.json: linux.%s: mapping more than your own "
                          "%s (%u) needs %s, which is not installed (Debian "
                          "package uidmap), and a range in %s",
                          k->key, k->id_name, k->own, k->tool, k->subids);
  return 0;
}

int husk_userns_check(const husk_spec_t *spec, husk_error_t **err) {
  const husk_idmaps_t *uids = &spec->linux_.uid_mappings;
  const husk_idmaps_t *gids = &spec->linux_.gid_mappings;
  map_kind_t uk = uid_kind(), gk = gid_kind();
  if (check_one(&uk, uids, husk_userns_needs_uid_tool(uids), err) < 0)
    return -1;
  return check_one(&gk, gids, husk_userns_needs_gid_tool(gids), err);
}

int husk_userns_write_maps(const husk_spec_t *spec, pid_t pid,
                           husk_error_t **err) {
  const husk_idmaps_t *uids = &spec->linux_.uid_mappings;
  const husk_idmaps_t *gids = &spec->linux_.gid_mappings;
  map_kind_t uk = uid_kind(), gk = gid_kind();
  if (husk_userns_check(spec, err) < 0)
    return -1;
  int rc = husk_userns_needs_uid_tool(uids)
               ? write_with_tool(&uk, uids, pid, err)
               : write_direct(&uk, uids, pid, err);
  if (rc < 0)
    return rc;
  if (husk_userns_needs_gid_tool(gids))
    return write_with_tool(&gk, gids, pid, err);
  /* Unprivileged, the kernel takes a gid map only once setgroups(2) is
   * off for good in the namespace: it could otherwise drop groups that
   * deny access on the host. */
  if (geteuid() != 0 && write_proc_file(pid, "setgroups", "deny") < 0)
    return husk_error_errno(err,
                            "config.json: linux.gidMappings: write "
                            "/proc/%d/setgroups",
                            pid);
  return write_direct(&gk, gids, pid, err);
}
