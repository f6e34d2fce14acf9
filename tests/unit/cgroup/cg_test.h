/* Helpers for the tests that use the real cgroupfs: a per-run parent
 * cgroup (/husk-test-<pid>) in every hierarchy, removed at the end and
 * checked to be empty; specs built from JSON; child processes that wait
 * on a pipe. Everything is static: each test program includes this once. */
#ifndef HUSK_CG_TEST_H
#define HUSK_CG_TEST_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgroup/cgroup.h"
#include "cgroup/internal.h"
#include "husk/spec.h"

/* Not every test program uses every helper. */
#define TEST_FN static __attribute__((unused))

static struct {
  bool usable;     /* root, and cgroupfs writable */
  char parent[64]; /* "/husk-test-<pid>" */
  husk_cg_mounts_t m;
  char *v2_root_ctl; /* the cgroup2 root's subtree_control at start */
} T;

#define NEED_HOST()                                                            \
  do {                                                                         \
    if (!T.usable)                                                             \
      skip();                                                                  \
  } while (0)

TEST_FN char *xfmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
TEST_FN char *xfmt(const char *f, ...) {
  char *s = NULL;
  va_list ap;
  va_start(ap, f);
  assert_true(vasprintf(&s, f, ap) >= 0);
  va_end(ap);
  return s;
}

/* JSON written with ' for ". */
TEST_FN char *unquote(char *s) {
  for (char *p = s; *p; p++)
    if (*p == '\'')
      *p = '"';
  return s;
}

/* A spec whose cgroupsPath is <parent>/<name>; `resources` is the body of
 * linux.resources, `extra` more members of linux (both may be ""). */
TEST_FN husk_spec_t *spec_of(const char *name, const char *resources,
                             const char *extra) {
  char *json =
      unquote(xfmt("{'ociVersion':'1.2.0','root':{'path':'rootfs'},"
                   "'process':{'args':['/bin/true'],'cwd':'/'},"
                   "'linux':{'cgroupsPath':'%s/%s','resources':{%s}%s%s}}",
                   T.parent, name, resources, *extra ? "," : "", extra));
  husk_spec_t *spec = NULL;
  husk_error_t *err = NULL;
  if (husk_spec_parse(json, strlen(json), "config.json", &spec, &err) < 0)
    fail_msg("spec: %s\n%s", err->msg, json);
  free(json);
  return spec;
}

TEST_FN char *cg_path(const char *name) {
  return xfmt("%s/%s", T.parent, name);
}

/* Host path of <file> in the cgroup `path` of the hierarchy holding the
 * controller (NULL if that controller is not on this host). */
TEST_FN char *ctl_file(const char *v1, const char *v2, const char *path,
                       const char *file) {
  int h = husk_cg_mounts_find(&T.m, v1, v2);
  if (h < 0)
    return NULL;
  char *dir = husk_cg_host_dir(&T.m.hier[h], path);
  char *f = file ? xfmt("%s/%s", dir, file) : xfmt("%s", dir);
  free(dir);
  return f;
}

TEST_FN bool ctl_is_v2(const char *v1, const char *v2) {
  int h = husk_cg_mounts_find(&T.m, v1, v2);
  return h >= 0 && T.m.hier[h].v2;
}

/* A file's content without the trailing newline ("" if unreadable). */
TEST_FN char *slurp(const char *path) {
  char buf[8192] = "";
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t n = read(fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    close(fd);
  }
  buf[strcspn(buf, "\n")] = '\0';
  return strdup(buf);
}

TEST_FN void assert_file(const char *v1, const char *v2, const char *path,
                         const char *file, const char *want) {
  char *f = ctl_file(v1, v2, path, file);
  assert_non_null(f);
  char *got = slurp(f);
  if (strcmp(got, want))
    fail_msg("%s: \"%s\", want \"%s\"", f, got, want);
  free(got);
  free(f);
}

TEST_FN bool hier_joined(const husk_cg_hier_t *h) {
  return h->v2 ? T.m.layout != HUSK_CG_V1 : T.m.layout != HUSK_CG_V2;
}

/* Does the cgroup exist in any hierarchy? */
TEST_FN bool cg_exists_anywhere(const char *path) {
  for (size_t i = 0; i < T.m.n; i++) {
    if (!hier_joined(&T.m.hier[i]))
      continue;
    char *dir = husk_cg_host_dir(&T.m.hier[i], path);
    struct stat st;
    bool there = stat(dir, &st) == 0;
    free(dir);
    if (there)
      return true;
  }
  return false;
}

TEST_FN void assert_gone(const char *path) {
  if (cg_exists_anywhere(path))
    fail_msg("cgroup %s was left behind", path);
}

/* Is pid in `path` for the hierarchy of controller v1 (NULL: cgroup2)? */
TEST_FN bool in_cgroup(pid_t pid, const char *v1, const char *path) {
  char *f = xfmt("/proc/%d/cgroup", (int)pid);
  FILE *fp = fopen(f, "re");
  free(f);
  assert_non_null(fp);
  char line[4096];
  bool found = false;
  while (!found && fgets(line, sizeof line, fp)) {
    line[strcspn(line, "\n")] = '\0';
    char *ctls = strchr(line, ':'), *p = ctls ? strchr(ctls + 1, ':') : NULL;
    if (!p)
      continue;
    *p++ = '\0';
    *ctls++ = '\0';
    bool match = false;
    if (!v1)
      match = !strcmp(line, "0") && !*ctls;
    else
      for (char *s = NULL, *c = strtok_r(ctls, ",", &s); c;
           c = strtok_r(NULL, ",", &s))
        match |= !strcmp(c, v1);
    found = match && !strcmp(p, path);
  }
  fclose(fp);
  return found;
}

/* A child that waits until its pipe closes (or the byte 'x' arrives). */
typedef struct {
  pid_t pid;
  int fd; /* write end: close to let it exit */
} child_t;

TEST_FN child_t spawn_waiter(void) {
  int p[2];
  assert_int_equal(pipe2(p, O_CLOEXEC), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    char c;
    close(p[1]);
    while (read(p[0], &c, 1) < 0 && errno == EINTR)
      ;
    _exit(0);
  }
  close(p[0]);
  return (child_t){pid, p[1]};
}

TEST_FN int reap(pid_t pid) {
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      fail_msg("waitpid %d: %s", (int)pid, strerror(errno));
  return status;
}

TEST_FN husk_cgroup_t *must_create(const husk_spec_t *spec, const char *id) {
  husk_cgroup_t *cg = NULL;
  husk_error_t *err = NULL;
  if (husk_cgroup_create(spec, id, &cg, &err) < 0)
    fail_msg("create: %s", err->msg);
  assert_non_null(cg);
  return cg;
}

/* create must fail with a message containing each of the `want`s, and
 * leave nothing behind. */
TEST_FN void create_fails(const husk_spec_t *spec, const char *name,
                          const char *want1, const char *want2) {
  husk_cgroup_t *cg = NULL;
  husk_error_t *err = NULL;
  assert_int_equal(husk_cgroup_create(spec, "x", &cg, &err), -1);
  assert_null(cg);
  assert_non_null(err);
  if (!strstr(err->msg, want1) || (want2 && !strstr(err->msg, want2)))
    fail_msg("message \"%s\" lacks \"%s\"/\"%s\"", err->msg, want1,
             want2 ? want2 : "");
  husk_error_free(err);
  char *path = cg_path(name);
  assert_gone(path);
  free(path);
}

TEST_FN void must_destroy(husk_cgroup_t *cg) {
  husk_error_t *err = NULL;
  char *path = strdup(husk_cgroup_path(cg));
  if (husk_cgroup_destroy(cg, &err) < 0)
    fail_msg("destroy: %s", err->msg);
  husk_cgroup_free(cg);
  assert_gone(path);
  free(path);
}

TEST_FN int cg_setup(void **state) {
  (void)state;
  snprintf(T.parent, sizeof T.parent, "/husk-test-%d", (int)getpid());
  husk_error_t *err = NULL;
  if (geteuid() != 0 || husk_cg_mounts_detect(&T.m, &err) < 0) {
    husk_error_free(err);
    return 0;
  }
  /* Probe: can we make (and remove) a cgroup here at all? */
  if (T.m.unified >= 0) {
    char *f =
        xfmt("%s/cgroup.subtree_control", T.m.hier[T.m.unified].mountpoint);
    T.v2_root_ctl = slurp(f);
    free(f);
  }
  for (size_t i = 0; i < T.m.n; i++) {
    if (!hier_joined(&T.m.hier[i]))
      continue;
    char *probe = husk_cg_host_dir(&T.m.hier[i], T.parent);
    T.usable = mkdir(probe, 0755) == 0 && rmdir(probe) == 0;
    free(probe);
    break;
  }
  return 0;
}

/* Creating cgroups enables controllers in the cgroup2 root (on a hybrid
 * host: hugetlb); give the shared host its root back as it was. */
TEST_FN int restore_root_ctl(void) {
  const char *mp = T.m.hier[T.m.unified].mountpoint;
  char *f = xfmt("%s/cgroup.subtree_control", mp);
  char *now = slurp(f);
  int rc = 0;
  for (char *s = NULL, *c = strtok_r(now, " ", &s); c;
       c = strtok_r(NULL, " ", &s)) {
    if (husk_cg_word_in(T.v2_root_ctl, c))
      continue;
    char *minus = xfmt("-%s", c);
    int fd = open(f, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, minus, strlen(minus)) < 0) {
      fprintf(stderr, "cannot restore %s: %s\n", f, strerror(errno));
      rc = -1;
    }
    if (fd >= 0)
      close(fd);
    free(minus);
  }
  free(now);
  free(f);
  return rc;
}

/* Remove the parent everywhere; anything left below it is a leak. */
TEST_FN int cg_teardown(void **state) {
  (void)state;
  int rc = 0;
  for (size_t i = 0; T.usable && i < T.m.n; i++) {
    char *dir = husk_cg_host_dir(&T.m.hier[i], T.parent);
    DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d)))
      if (de->d_type == DT_DIR && strcmp(de->d_name, ".") &&
          strcmp(de->d_name, "..")) {
        fprintf(stderr, "leaked cgroup %s/%s\n", dir, de->d_name);
        char *sub = xfmt("%s/%s", dir, de->d_name);
        rmdir(sub);
        free(sub);
        rc = -1;
      }
    if (d)
      closedir(d);
    if (rmdir(dir) < 0 && errno != ENOENT) {
      fprintf(stderr, "cannot remove %s: %s\n", dir, strerror(errno));
      rc = -1;
    }
    free(dir);
  }
  if (T.usable && T.v2_root_ctl && restore_root_ctl() < 0)
    rc = -1;
  free(T.v2_root_ctl);
  husk_cg_mounts_free(&T.m);
  return rc;
}

#endif
