/* exec --cgroup: which sub-cgroup each hierarchy gets, what is refused,
 * and the cgroup.procs writes. The hierarchies are plain directories in
 * a temporary dir (the code only opens and writes files below the
 * container's directory fds), so no cgroupfs or root is needed. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgroup/internal.h"

static char base[] = "/tmp/husk-sub-test-XXXXXX";

static char *cpu_ctl[] = {"cpu", "cpuacct"};
static char *mem_ctl[] = {"memory"};
static char *v2_ctl[] = {"pids", "memory"};

/* A cgroup with dirs cpu,cpuacct + memory + name=systemd (+ cgroup2 when
 * hybrid), or a single cgroup2 one (v2); each dir has sub-dirs a, b, a/c
 * and a cgroup.procs file everywhere. */
typedef struct {
  husk_cgroup_t cg;
  husk_cg_hier_t hier[4];
  husk_cg_dir_t dirs[4];
} fake_t;

static void mk(const char *dir, const char *sub) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", dir, sub);
  mkdir(p, 0755);
  snprintf(p, sizeof p, "%s/%s/cgroup.procs", dir, sub);
  close(open(p, O_CREAT | O_WRONLY, 0644));
}

static void fake_init(fake_t *f, husk_cg_layout_t layout) {
  memset(f, 0, sizeof *f);
  static const char *names[] = {"cpu", "memory", "systemd", "unified"};
  size_t n = 0;
  if (layout != HUSK_CG_V2) {
    f->hier[0] = (husk_cg_hier_t){.controllers = cpu_ctl, .n_controllers = 2};
    f->hier[1] = (husk_cg_hier_t){.controllers = mem_ctl, .n_controllers = 1};
    f->hier[2] = (husk_cg_hier_t){.name = "systemd"};
    n = 3;
  }
  f->cg.unified = -1;
  if (layout != HUSK_CG_V1) {
    f->hier[n] =
        (husk_cg_hier_t){.v2 = true, .controllers = v2_ctl, .n_controllers = 2};
    f->cg.unified = (int)n;
    n++;
  }
  for (size_t i = 0; i < n; i++) {
    const char *name = layout == HUSK_CG_V2 ? "unified" : names[i];
    char *p;
    assert_true(asprintf(&p, "%s/%s", base, name) > 0);
    mkdir(p, 0755);
    mk(p, ".");
    mk(p, "a");
    mk(p, "b");
    mk(p, "a/c");
    f->hier[i].mountpoint = p;
    f->dirs[i] = (husk_cg_dir_t){.h = &f->hier[i], .path = p};
    f->dirs[i].fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    assert_true(f->dirs[i].fd >= 0);
  }
  f->cg.mounts.layout = layout;
  f->cg.dirs = f->dirs;
  f->cg.n_dirs = n;
}

static void fake_free(fake_t *f) {
  for (size_t i = 0; i < f->cg.n_dirs; i++) {
    close(f->dirs[i].fd);
    free(f->hier[i].mountpoint);
  }
}

/* The content of <hierarchy i>/<sub>/cgroup.procs ("" when empty). */
static char *procs_of(fake_t *f, size_t i, const char *sub) {
  static char buf[64];
  char p[512];
  snprintf(p, sizeof p, "%s/%s/cgroup.procs", f->dirs[i].path, sub);
  FILE *fp = fopen(p, "r");
  assert_non_null(fp);
  size_t n = fread(buf, 1, sizeof buf - 1, fp);
  buf[n] = '\0';
  fclose(fp);
  assert_int_equal(truncate(p, 0), 0);
  return buf;
}

static void join(fake_t *f, char **flags, size_t n) {
  husk_cgroup_sub_t *s = NULL;
  husk_error_t *err = NULL;
  if (husk_cgroup_sub_open(&f->cg, flags, n, &s, &err) < 0)
    fail_msg("%s: unexpected error: %s", flags[0], err->msg);
  assert_int_equal(husk_cgroup_sub_add_pid(s, 4242, false, &err), 0);
  if (f->cg.unified >= 0)
    assert_true(husk_cgroup_sub_clone3_fd(s) >= 0);
  husk_cgroup_sub_free(s);
}

static void refused(fake_t *f, char **flags, size_t n, const char *want) {
  husk_cgroup_sub_t *s = NULL;
  husk_error_t *err = NULL;
  assert_int_equal(husk_cgroup_sub_open(&f->cg, flags, n, &s, &err), -1);
  assert_null(s);
  assert_non_null(err);
  if (!strstr(err->msg, want))
    fail_msg("%s: message \"%s\" lacks \"%s\"", flags[0], err->msg, want);
  husk_error_free(err);
}

static void test_path_everywhere(void **state) {
  (void)state;
  fake_t f;
  fake_init(&f, HUSK_CG_HYBRID);
  join(&f, (char *[]){"a/c"}, 1);
  for (size_t i = 0; i < f.cg.n_dirs; i++) {
    assert_string_equal(procs_of(&f, i, "a/c"), "4242");
    assert_string_equal(procs_of(&f, i, "."), "");
  }
  /* Leading and trailing slashes: still below the container's cgroup. */
  join(&f, (char *[]){"//b/"}, 1);
  for (size_t i = 0; i < f.cg.n_dirs; i++)
    assert_string_equal(procs_of(&f, i, "b"), "4242");
  fake_free(&f);
}

static void test_per_controller(void **state) {
  (void)state;
  fake_t f;
  fake_init(&f, HUSK_CG_HYBRID);
  /* cpuacct shares cpu's hierarchy; unmentioned ones keep the cgroup. */
  join(&f, (char *[]){"cpuacct:a", "name=systemd,memory:b"}, 2);
  assert_string_equal(procs_of(&f, 0, "a"), "4242");
  assert_string_equal(procs_of(&f, 1, "b"), "4242");
  assert_string_equal(procs_of(&f, 2, "b"), "4242");
  assert_string_equal(procs_of(&f, 3, "."), "4242");
  /* "unified" is the cgroup2 tree of a hybrid host. */
  join(&f, (char *[]){"unified:a/c"}, 1);
  assert_string_equal(procs_of(&f, 3, "a/c"), "4242");
  assert_string_equal(procs_of(&f, 0, "."), "4242");
  /* The same hierarchy twice with one path is fine. */
  join(&f, (char *[]){"cpu,cpuacct:a"}, 1);
  assert_string_equal(procs_of(&f, 0, "a"), "4242");
  fake_free(&f);
}

static void test_refused(void **state) {
  (void)state;
  fake_t f;
  fake_init(&f, HUSK_CG_V1);
  refused(&f, (char *[]){"../x"}, 1, "no \"..\", \".\" or empty components");
  refused(&f, (char *[]){"a/../.."}, 1, "below the container's cgroup");
  refused(&f, (char *[]){"a//c"}, 1, "empty components");
  refused(&f, (char *[]){"a/./c"}, 1, "no \"..\"");
  refused(&f, (char *[]){"nosuch"}, 1, "sub-cgroup");
  refused(&f, (char *[]){"bogus:a"}, 1,
          "controller \"bogus\" is not one of the container's");
  refused(&f, (char *[]){":a"}, 1, "empty controller");
  refused(&f, (char *[]){"a", "cpu:a"}, 2, "each needs a CTRL: prefix");
  refused(&f, (char *[]){"cpu:a", "cpuacct:b"}, 2,
          "given two different sub-cgroups");
  /* No cgroup2 on pure v1. */
  refused(&f, (char *[]){"unified:a"}, 1, "\"unified\" is not one");
  fake_free(&f);
}

static void test_v2(void **state) {
  (void)state;
  fake_t f;
  fake_init(&f, HUSK_CG_V2);
  join(&f, (char *[]){"a"}, 1);
  assert_string_equal(procs_of(&f, 0, "a"), "4242");
  refused(&f, (char *[]){"pids:a"}, 1,
          "a controller prefix is for cgroup v1 hierarchies");
  fake_free(&f);
}

static int setup(void **state) {
  (void)state;
  return mkdtemp(base) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
  return system(cmd) == 0 ? 0 : -1;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_path_everywhere),
      cmocka_unit_test(test_per_controller),
      cmocka_unit_test(test_refused),
      cmocka_unit_test(test_v2),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
