/* Mount table and layout from mountinfo samples: pure v1 (with comounted
 * cpu,cpuacct, a named hierarchy and a duplicate bind mount), this kind
 * of hybrid host, pure v2, and odd lines. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cgroup/internal.h"

static const char v1_sample[] =
    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "25 22 0:22 / /sys rw,nosuid shared:7 - sysfs sysfs rw\n"
    "26 25 0:23 / /sys/fs/cgroup ro shared:8 - tmpfs tmpfs ro,mode=755\n"
    /* A bind mount of the memory hierarchy seen before the real one. */
    "90 22 0:30 / /var/lib/foo/memory rw shared:40 - cgroup cgroup "
    "rw,memory\n"
    "27 26 0:24 / /sys/fs/cgroup/systemd rw,nosuid shared:9 - cgroup cgroup "
    "rw,xattr,release_agent=/lib/systemd/systemd-cgroups-agent,name=systemd\n"
    "30 26 0:27 / /sys/fs/cgroup/cpu,cpuacct rw shared:12 - cgroup cgroup "
    "rw,cpu,cpuacct\n"
    "31 26 0:28 / /sys/fs/cgroup/net_cls,net_prio rw shared:13 - cgroup "
    "cgroup rw,net_cls,net_prio\n"
    "32 26 0:29 / /sys/fs/cgroup/cpuset rw shared:14 - cgroup cgroup "
    "rw,cpuset,clone_children\n"
    "33 26 0:30 / /sys/fs/cgroup/memory rw shared:15 - cgroup cgroup "
    "rw,memory\n"
    "34 26 0:31 / /sys/fs/cgroup/pids rw shared:16 - cgroup cgroup rw,pids\n"
    "35 26 0:32 / /sys/fs/cgroup/freezer rw shared:17 - cgroup cgroup "
    "rw,freezer\n";

/* This host: systemd hybrid, hugetlb bound to cgroup2 only. */
static const char hybrid_sample[] =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup "
    "rw,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup "
    "rw,memory\n"
    "36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup "
    "rw,devices\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup "
    "rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";

static const char v2_sample[] =
    "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "35 25 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - "
    "cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";

static husk_cg_mounts_t parse(const char *text, const char *v2) {
  husk_cg_mounts_t m;
  husk_error_t *err = NULL;
  if (husk_cg_parse_mountinfo(text, v2, &m, &err) < 0)
    fail_msg("unexpected error: %s", err->msg);
  return m;
}

static const char *mp_of(const husk_cg_mounts_t *m, const char *v1,
                         const char *v2) {
  int i = husk_cg_mounts_find(m, v1, v2);
  return i < 0 ? NULL : m->hier[i].mountpoint;
}

static void test_v1(void **state) {
  (void)state;
  husk_cg_mounts_t m = parse(v1_sample, NULL);
  assert_int_equal(m.layout, HUSK_CG_V1);
  assert_int_equal(m.unified, -1);
  /* Comounted: one hierarchy for both. */
  assert_string_equal(mp_of(&m, "cpu", "cpu"), "/sys/fs/cgroup/cpu,cpuacct");
  assert_int_equal(husk_cg_mounts_find(&m, "cpu", NULL),
                   husk_cg_mounts_find(&m, "cpuacct", NULL));
  assert_string_equal(mp_of(&m, "net_prio", NULL),
                      "/sys/fs/cgroup/net_cls,net_prio");
  /* The duplicate outside /sys/fs/cgroup lost to the real mount. */
  assert_string_equal(mp_of(&m, "memory", "memory"), "/sys/fs/cgroup/memory");
  assert_null(mp_of(&m, "hugetlb", "hugetlb"));
  assert_null(mp_of(&m, NULL, "io"));
  /* 7 hierarchies: systemd, cpu+cpuacct, net, cpuset, memory, pids,
   * freezer; options are not controllers. */
  assert_int_equal(m.n, 7);
  bool named = false;
  for (size_t i = 0; i < m.n; i++) {
    assert_false(m.hier[i].v2);
    assert_string_equal(m.hier[i].root, "/");
    if (m.hier[i].name) {
      assert_string_equal(m.hier[i].name, "systemd");
      assert_int_equal(m.hier[i].n_controllers, 0);
      named = true;
    }
    assert_false(husk_cg_hier_has(&m.hier[i], "xattr"));
    assert_false(husk_cg_hier_has(&m.hier[i], "clone_children"));
  }
  assert_true(named);
  husk_cg_mounts_free(&m);
}

static void test_hybrid(void **state) {
  (void)state;
  husk_cg_mounts_t m = parse(hybrid_sample, "hugetlb\n");
  assert_int_equal(m.layout, HUSK_CG_HYBRID);
  assert_true(m.unified >= 0);
  assert_string_equal(m.hier[m.unified].mountpoint, "/sys/fs/cgroup/unified");
  /* Each controller from where it is bound. */
  assert_string_equal(mp_of(&m, "hugetlb", "hugetlb"),
                      "/sys/fs/cgroup/unified");
  assert_string_equal(mp_of(&m, "memory", "memory"), "/sys/fs/cgroup/memory");
  assert_string_equal(mp_of(&m, "cpu", "cpu"), "/sys/fs/cgroup/cpu");
  assert_string_equal(mp_of(&m, "cpuacct", NULL), "/sys/fs/cgroup/cpuacct");
  assert_null(mp_of(&m, "pids", "pids"));
  assert_null(mp_of(&m, "net_cls", NULL));
  husk_cg_mounts_free(&m);
}

static void test_v2(void **state) {
  (void)state;
  husk_cg_mounts_t m =
      parse(v2_sample, "cpuset cpu io memory hugetlb pids rdma misc\n");
  assert_int_equal(m.layout, HUSK_CG_V2);
  assert_int_equal(m.n, 1);
  assert_string_equal(mp_of(&m, "blkio", "io"), "/sys/fs/cgroup");
  assert_string_equal(mp_of(&m, "memory", "memory"), "/sys/fs/cgroup");
  assert_null(mp_of(&m, "net_cls", NULL));
  assert_null(mp_of(&m, "freezer", NULL));
  husk_cg_mounts_free(&m);
}

/* A named v1 hierarchy kept for old containers does not make it hybrid. */
static void test_v2_with_named_v1(void **state) {
  (void)state;
  char text[1024];
  snprintf(text, sizeof text, "%s%s", v2_sample,
           "50 35 0:40 / /sys/fs/cgroup/systemd rw - cgroup cgroup "
           "rw,name=systemd\n");
  husk_cg_mounts_t m = parse(text, "memory pids");
  assert_int_equal(m.layout, HUSK_CG_V2);
  assert_int_equal(m.n, 2);
  husk_cg_mounts_free(&m);
}

static void test_escapes_and_roots(void **state) {
  (void)state;
  husk_cg_mounts_t m = parse(
      "60 1 0:50 /kube\\040pods /mnt/my\\040cg rw - cgroup cgroup rw,pids\n"
      "61 1 0:51 / /mnt/x rw master:3 shared:9 - cgroup2 cgroup2 rw\n",
      "");
  assert_int_equal(m.layout, HUSK_CG_HYBRID);
  int p = husk_cg_mounts_find(&m, "pids", NULL);
  assert_true(p >= 0);
  assert_string_equal(m.hier[p].mountpoint, "/mnt/my cg");
  assert_string_equal(m.hier[p].root, "/kube pods");
  assert_string_equal(m.hier[m.unified].mountpoint, "/mnt/x");
  assert_int_equal(m.hier[m.unified].n_controllers, 0);
  husk_cg_mounts_free(&m);
}

static void test_no_cgroups(void **state) {
  (void)state;
  husk_cg_mounts_t m;
  husk_error_t *err = NULL;
  assert_int_equal(husk_cg_parse_mountinfo("22 1 8:1 / / rw - ext4 /dev/x "
                                           "rw\ngarbage\n\n",
                                           NULL, &m, &err),
                   -1);
  assert_int_equal(err->errno_value, ENOENT);
  assert_non_null(strstr(err->msg, "no cgroup filesystem"));
  husk_error_free(err);
}

/* The real host: whatever it is, detection succeeds and is consistent. */
static void test_this_host(void **state) {
  (void)state;
  husk_cg_layout_t layout;
  husk_error_t *err = NULL;
  if (husk_cgroup_detect(&layout, &err) < 0)
    fail_msg("%s", err->msg);
  husk_cg_mounts_t m;
  assert_int_equal(husk_cg_mounts_detect(&m, &err), 0);
  assert_int_equal(m.layout, layout);
  if (layout != HUSK_CG_V1)
    assert_true(m.unified >= 0);
  husk_cg_mounts_free(&m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_v1),
      cmocka_unit_test(test_hybrid),
      cmocka_unit_test(test_v2),
      cmocka_unit_test(test_v2_with_named_v1),
      cmocka_unit_test(test_escapes_and_roots),
      cmocka_unit_test(test_no_cgroups),
      cmocka_unit_test(test_this_host),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
