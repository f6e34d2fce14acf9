/* LSM labels: the exact bytes husk writes to attr/exec for AppArmor, the
 * mount data linux.mountLabel turns into, which mounts get a label, the
 * refusals when the host lacks the LSM, and the write itself through a
 * procfs-like directory fd. */
#include <errno.h>
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

#include "linux/lsm.h"
#include "util/fs.h"

static void test_apparmor_exec_attr(void **state) {
  (void)state;
  char *a = husk_lsm_apparmor_exec_attr("docker-default");
  assert_string_equal(a, "exec docker-default");
  free(a);
  /* A profile with a namespace and spaces goes as it is: no quoting. */
  a = husk_lsm_apparmor_exec_attr(":ns:profile name");
  assert_string_equal(a, "exec :ns:profile name");
  free(a);
  errno = 0;
  assert_null(husk_lsm_apparmor_exec_attr(""));
  assert_int_equal(errno, EINVAL);
  assert_null(husk_lsm_apparmor_exec_attr(NULL));
}

static void test_mount_data(void **state) {
  (void)state;
  const char *label = "system_u:object_r:container_file_t:s0:c1,c2";
  char *d = husk_lsm_mount_data("mode=755,size=65536k", label);
  assert_string_equal(
      d, "mode=755,size=65536k,context=\"system_u:object_r:container_file_t:"
         "s0:c1,c2\"");
  free(d);
  d = husk_lsm_mount_data(NULL, label);
  assert_string_equal(
      d, "context=\"system_u:object_r:container_file_t:s0:c1,c2\"");
  free(d);
  d = husk_lsm_mount_data("", label);
  assert_string_equal(
      d, "context=\"system_u:object_r:container_file_t:s0:c1,c2\"");
  free(d);
  /* No label: the data unchanged (a copy), NULL for none. */
  d = husk_lsm_mount_data("mode=755", NULL);
  assert_string_equal(d, "mode=755");
  free(d);
  assert_null(husk_lsm_mount_data(NULL, NULL));
  /* A quote would end the context early: refused. */
  errno = 0;
  assert_null(husk_lsm_mount_data("mode=755", "a\"b"));
  assert_int_equal(errno, EINVAL);
}

static void test_which_mounts_are_labelled(void **state) {
  (void)state;
  assert_true(husk_lsm_mount_takes_label("tmpfs", false));
  assert_true(husk_lsm_mount_takes_label("devpts", false));
  assert_true(husk_lsm_mount_takes_label("overlay", false));
  assert_false(husk_lsm_mount_takes_label("tmpfs", true));
  assert_false(husk_lsm_mount_takes_label("bind", false));
  assert_false(husk_lsm_mount_takes_label("proc", false));
  assert_false(husk_lsm_mount_takes_label("sysfs", false));
  assert_false(husk_lsm_mount_takes_label("cgroup", false));
  assert_false(husk_lsm_mount_takes_label("cgroup2", false));
  assert_false(husk_lsm_mount_takes_label("mqueue", false));
  assert_false(husk_lsm_mount_takes_label(NULL, false));
}

static void test_check_refuses_without_lsm(void **state) {
  (void)state;
  husk_error_t *err = NULL;
  assert_int_equal(husk_lsm_check(NULL, "k1", NULL, "k2", NULL, &err), 0);
  if (!husk_lsm_apparmor_enabled()) {
    assert_int_equal(husk_lsm_check("p", "config.json: process.apparmorProfile",
                                    NULL, "k2", NULL, &err),
                     -1);
    assert_string_equal(err->msg, "config.json: process.apparmorProfile: "
                                  "AppArmor is not enabled on this host");
    husk_error_free(err);
    err = NULL;
  }
  if (!husk_lsm_selinux_enabled()) {
    assert_int_equal(husk_lsm_check(NULL, "k1", "system_u:system_r:x_t:s0",
                                    "exec: --process-label", NULL, &err),
                     -1);
    assert_string_equal(err->msg, "exec: --process-label: SELinux is not "
                                  "enabled on this host");
    husk_error_free(err);
    err = NULL;
    assert_int_equal(husk_lsm_check(NULL, "k1", NULL, "k2", "l", &err), -1);
    assert_string_equal(err->msg, "config.json: linux.mountLabel: SELinux is "
                                  "not enabled on this host");
    husk_error_free(err);
    err = NULL;
  }
  /* An empty selinuxLabel asks for nothing. */
  assert_int_equal(husk_lsm_check(NULL, "k1", "", "k2", "", &err), 0);
}

/* A directory laid out like /proc/thread-self/attr, standing in for the
 * procfs fd: what husk_lsm_apply_exec writes, byte for byte. */
static void make_fake_proc(char *dir, size_t size, bool apparmor_dir) {
  snprintf(dir, size, "/tmp/husk-test-lsm-XXXXXX");
  assert_non_null(mkdtemp(dir));
  char p[512];
  snprintf(p, sizeof p, "%s/thread-self", dir);
  assert_int_equal(mkdir(p, 0755), 0);
  snprintf(p, sizeof p, "%s/thread-self/attr", dir);
  assert_int_equal(mkdir(p, 0755), 0);
  snprintf(p, sizeof p, "%s/thread-self/attr/exec", dir);
  close(open(p, O_CREAT | O_WRONLY, 0644));
  if (apparmor_dir) {
    snprintf(p, sizeof p, "%s/thread-self/attr/apparmor", dir);
    assert_int_equal(mkdir(p, 0755), 0);
    snprintf(p, sizeof p, "%s/thread-self/attr/apparmor/exec", dir);
    close(open(p, O_CREAT | O_WRONLY, 0644));
  }
}

static char *read_back(const char *dir, const char *file) {
  char p[512];
  snprintf(p, sizeof p, "%s/thread-self/attr/%s", dir, file);
  char *buf = NULL;
  size_t len;
  husk_error_t *err = NULL;
  assert_int_equal(husk_read_file_at(AT_FDCWD, p, 4096, &buf, &len, &err), 0);
  return buf;
}

static void remove_fake_proc(const char *dir) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
}

static void test_apply_writes_attr_files(void **state) {
  (void)state;
  char dir[64];
  make_fake_proc(dir, sizeof dir, true);
  int fd = open(dir, O_PATH | O_DIRECTORY);
  husk_process_t p = {.apparmor_profile = "husk-prof",
                      .selinux_label = "system_u:system_r:container_t:s0"};
  husk_error_t *err = NULL;
  assert_int_equal(husk_lsm_apply_exec(&p, fd, &err), 0);
  char *aa = read_back(dir, "apparmor/exec");
  assert_string_equal(aa, "exec husk-prof");
  free(aa);
  char *se = read_back(dir, "exec");
  assert_string_equal(se, "system_u:system_r:container_t:s0");
  free(se);
  close(fd);
  remove_fake_proc(dir);

  /* Without attr/apparmor (before Linux 5.8): the shared attr/exec. */
  make_fake_proc(dir, sizeof dir, false);
  fd = open(dir, O_PATH | O_DIRECTORY);
  husk_process_t q = {.apparmor_profile = "old-kernel"};
  assert_int_equal(husk_lsm_apply_exec(&q, fd, &err), 0);
  char *old = read_back(dir, "exec");
  assert_string_equal(old, "exec old-kernel");
  free(old);
  close(fd);
  remove_fake_proc(dir);
}

static void test_apply_error_names_key(void **state) {
  (void)state;
  char dir[] = "/tmp/husk-test-lsm-XXXXXX";
  assert_non_null(mkdtemp(dir));
  int fd = open(dir, O_PATH | O_DIRECTORY);
  husk_process_t p = {.selinux_label = "x"};
  husk_error_t *err = NULL;
  assert_int_equal(husk_lsm_apply_exec(&p, fd, &err), -1);
  assert_non_null(strstr(err->msg, "config.json: process.selinuxLabel: \"x\""));
  husk_error_free(err);
  close(fd);
  rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_apparmor_exec_attr),
      cmocka_unit_test(test_mount_data),
      cmocka_unit_test(test_which_mounts_are_labelled),
      cmocka_unit_test(test_check_refuses_without_lsm),
      cmocka_unit_test(test_apply_writes_attr_files),
      cmocka_unit_test(test_apply_error_names_key),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
