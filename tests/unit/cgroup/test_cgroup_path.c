/* linux.cgroupsPath resolution and the host directory of a cgroup path:
 * pure string math, no cgroupfs needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cgroup/internal.h"

static void ok(const char *in, const char *id, const char *want) {
  char *out = NULL;
  husk_error_t *err = NULL;
  if (husk_cg_resolve_path(in, id, &out, &err) < 0)
    fail_msg("%s: unexpected error: %s", in ? in : "(null)", err->msg);
  assert_null(err);
  assert_string_equal(out, want);
  free(out);
}

static void bad(const char *in, const char *want_in_msg) {
  char *out = NULL;
  husk_error_t *err = NULL;
  assert_int_equal(husk_cg_resolve_path(in, "c1", &out, &err), -1);
  assert_null(out);
  assert_non_null(err);
  if (!strstr(err->msg, want_in_msg))
    fail_msg("%s: message \"%s\" lacks \"%s\"", in, err->msg, want_in_msg);
  assert_non_null(strstr(err->msg, "linux.cgroupsPath"));
  husk_error_free(err);
}

static void test_default(void **state) {
  (void)state;
  ok(NULL, "abc", "/husk/abc");
  ok("", "my-ctr_1.2", "/husk/my-ctr_1.2");
}

static void test_absolute(void **state) {
  (void)state;
  ok("/a/b", "x", "/a/b");
  ok("//a///b/", "x", "/a/b");
  ok("/a/./b/.", "x", "/a/b");
  ok("/machine.slice/libpod-1", "x", "/machine.slice/libpod-1");
  /* One colon is a plain name, not the systemd form. */
  ok("/a:b", "x", "/a:b");
}

static void test_relative(void **state) {
  (void)state;
  /* Under /husk, never under the caller's own cgroup. */
  ok("a/b", "x", "/husk/a/b");
  ok("./x/", "y", "/husk/x");
  ok("a:b", "x", "/husk/a:b");
}

static void test_slice_form(void **state) {
  (void)state;
  bad("system.slice:docker:abc", "systemd cgroup driver is not available");
  bad(":husk:abc", "slice:prefix:name");
  /* Three colons or a slash: not the systemd form, a path. */
  ok("a:b:c:d", "x", "/husk/a:b:c:d");
  ok("/x/a:b:c", "x", "/x/a:b:c");
}

static void test_dotdot_refused(void **state) {
  (void)state;
  bad("/a/../b", "\"..\" is not allowed");
  bad("../escape", "\"..\" is not allowed");
  bad("a/..", "\"..\" is not allowed");
  bad("/..", "\"..\" is not allowed");
}

static void test_root_refused(void **state) {
  (void)state;
  bad("/", "root cgroup");
  bad("///.", "root cgroup");
  /* The shared parent itself is not a container's cgroup either. */
  bad(".", "names no cgroup below /husk");
}

static void test_host_dir(void **state) {
  (void)state;
  husk_cg_hier_t h = {.mountpoint = "/sys/fs/cgroup/memory", .root = "/"};
  char *d = husk_cg_host_dir(&h, "/husk/x");
  assert_string_equal(d, "/sys/fs/cgroup/memory/husk/x");
  free(d);
  /* Mounted from a sub-cgroup: the path below it is made relative. */
  h.root = "/kubepods/pod1";
  d = husk_cg_host_dir(&h, "/kubepods/pod1/c");
  assert_string_equal(d, "/sys/fs/cgroup/memory/c");
  free(d);
  /* A path outside the mount's root: the cgroup namespace view. */
  d = husk_cg_host_dir(&h, "/kubepods/pod10/c");
  assert_string_equal(d, "/sys/fs/cgroup/memory/kubepods/pod10/c");
  free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_default),
      cmocka_unit_test(test_absolute),
      cmocka_unit_test(test_relative),
      cmocka_unit_test(test_slice_form),
      cmocka_unit_test(test_dotdot_refused),
      cmocka_unit_test(test_root_refused),
      cmocka_unit_test(test_host_dir),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
