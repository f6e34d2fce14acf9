/* Resolution inside a root: symlinks to "/", "../..", absolute targets and
 * loops must all stay inside; mkpath creates what is missing, inside.
 * Each case runs with openat2 and with the fallback walk. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "linux/safe_path.h"
#include "util/cleanup.h"
#include "util/fs.h"

typedef int (*resolver_t)(int, const char *, int, mode_t);

typedef struct {
  char base[64]; /* holds root/ and, beside it, outside (a decoy) */
  int basefd, rootfd;
} fixture_t;

static void touch_at(int dirfd, const char *path) {
  int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  assert_true(fd >= 0);
  close(fd);
}

static void link_at(int dirfd, const char *target, const char *name) {
  assert_int_equal(symlinkat(target, dirfd, name), 0);
}

static int setup(void **state) {
  fixture_t *f = calloc(1, sizeof *f);
  assert_non_null(f);
  strcpy(f->base, "/tmp/husk-test-safe-path-XXXXXX");
  assert_non_null(mkdtemp(f->base));
  f->basefd = open(f->base, O_PATH | O_DIRECTORY | O_CLOEXEC);
  assert_true(f->basefd >= 0);
  /* Decoys a broken resolver would find: base/outside, base/etc/target. */
  touch_at(f->basefd, "outside");
  assert_int_equal(mkdirat(f->basefd, "etc", 0755), 0);
  touch_at(f->basefd, "etc/target");
  assert_int_equal(mkdirat(f->basefd, "root", 0755), 0);
  f->rootfd = openat(f->basefd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
  assert_true(f->rootfd >= 0);
  int r = openat(f->basefd, "root", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true(r >= 0);
  assert_int_equal(mkdirat(r, "etc", 0755), 0);
  touch_at(r, "etc/target");
  assert_int_equal(mkdirat(r, "dir", 0755), 0);
  assert_int_equal(mkdirat(r, "dir/sub", 0755), 0);
  touch_at(r, "file");
  link_at(r, "/etc/target", "abs");
  link_at(r, "/", "slash");
  link_at(r, "../../../../..", "up");
  link_at(r, "../outside", "out");
  link_at(r, "../etc/target", "dir/rel");
  link_at(r, "loop2", "loop1");
  link_at(r, "loop1", "loop2");
  link_at(r, ".", "self");
  link_at(r, "/newdir/sub", "dangling");
  link_at(r, "../../../esc-target", "dir/sub/esc");
  close(r);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture_t *f = *state;
  close(f->rootfd);
  close(f->basefd);
  husk_error_t *err = NULL;
  assert_int_equal(husk_remove_tree_at(AT_FDCWD, f->base, &err), 0);
  free(f);
  return 0;
}

/* Same inode as base/<rel>? */
static bool same_file(int fd, int dirfd, const char *rel) {
  struct stat a, b;
  if (fstat(fd, &a) < 0 || fstatat(dirfd, rel, &b, AT_SYMLINK_NOFOLLOW) < 0)
    return false;
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static void expect_target(fixture_t *f, resolver_t open_fn, const char *path,
                          int flags, const char *want) {
  int fd = open_fn(f->rootfd, path, flags, 0);
  if (fd < 0)
    fail_msg("%s: %s", path, strerror(errno));
  if (!same_file(fd, f->basefd, want))
    fail_msg("%s did not resolve to %s", path, want);
  close(fd);
}

static void expect_errno(fixture_t *f, resolver_t open_fn, const char *path,
                         int flags, int want) {
  errno = 0;
  int fd = open_fn(f->rootfd, path, flags, 0);
  if (fd >= 0) {
    close(fd);
    fail_msg("%s: opened, expected %s", path, strerror(want));
  }
  if (errno != want)
    fail_msg("%s: %s, expected %s", path, strerror(errno), strerror(want));
}

static void check_resolution(fixture_t *f, resolver_t open_fn) {
  expect_target(f, open_fn, "/etc/target", O_RDONLY, "root/etc/target");
  expect_target(f, open_fn, "etc/target", O_RDONLY, "root/etc/target");
  expect_target(f, open_fn, "abs", O_RDONLY, "root/etc/target");
  expect_target(f, open_fn, "slash/etc/target", O_RDONLY, "root/etc/target");
  expect_target(f, open_fn, "up/etc/target", O_RDONLY, "root/etc/target");
  expect_target(f, open_fn, "/../../etc/target", O_RDONLY, "root/etc/target");
  expect_target(f, open_fn, "dir/rel", O_RDONLY, "root/etc/target");
  expect_target(f, open_fn, "dir/sub/../../etc/target", O_RDONLY,
                "root/etc/target");
  expect_target(f, open_fn, "self/self/dir", O_PATH | O_DIRECTORY, "root/dir");
  expect_target(f, open_fn, "slash", O_PATH | O_DIRECTORY, "root");
  expect_target(f, open_fn, "/", O_PATH, "root");
  expect_target(f, open_fn, "..", O_PATH, "root");
  expect_target(f, open_fn, "dir/", O_PATH, "root/dir");
  /* A final symlink kept as such with O_NOFOLLOW. */
  expect_target(f, open_fn, "abs", O_PATH | O_NOFOLLOW, "root/abs");
  expect_target(f, open_fn, "slash/abs", O_PATH | O_NOFOLLOW, "root/abs");
  /* The decoys outside the root are never reached. */
  expect_errno(f, open_fn, "out", O_RDONLY, ENOENT);
  expect_errno(f, open_fn, "../outside", O_RDONLY, ENOENT);
  expect_errno(f, open_fn, "up/outside", O_RDONLY, ENOENT);
  expect_errno(f, open_fn, "dir/sub/esc", O_RDONLY, ENOENT);
  expect_errno(f, open_fn, "loop1", O_RDONLY, ELOOP);
  expect_errno(f, open_fn, "loop1/x", O_PATH, ELOOP);
  expect_errno(f, open_fn, "file/x", O_PATH, ENOTDIR);
  expect_errno(f, open_fn, "file/", O_PATH, ENOTDIR);
  expect_errno(f, open_fn, "abs", O_RDONLY | O_NOFOLLOW, ELOOP);
  /* O_CREAT through a symlink creates inside. */
  int fd = open_fn(f->rootfd, "up/created", O_WRONLY | O_CREAT, 0600);
  assert_true(fd >= 0);
  assert_true(same_file(fd, f->basefd, "root/created"));
  close(fd);
  assert_int_equal(unlinkat(f->basefd, "root/created", 0), 0);
  struct stat st;
  assert_int_equal(fstatat(f->basefd, "created", &st, 0), -1);
}

static void test_open_in_root(void **state) {
  check_resolution(*state, husk_open_in_root);
}

static void test_walk_in_root(void **state) {
  check_resolution(*state, husk_walk_in_root);
}

static void test_walk_long_path(void **state) {
  fixture_t *f = *state;
  char name[NAME_MAX + 2];
  memset(name, 'a', sizeof name - 1);
  name[sizeof name - 1] = '\0';
  expect_errno(f, husk_walk_in_root, name, O_PATH, ENAMETOOLONG);
  expect_errno(f, husk_walk_in_root, "", O_PATH, ENOENT);
}

static void expect_mkpath(fixture_t *f, const char *path, bool file,
                          const char *want) {
  husk_error_t *err = NULL;
  int fd = husk_mkpath_in_root(f->rootfd, path, file, file ? 0600 : 0750, &err);
  if (fd < 0)
    fail_msg("mkpath %s: %s", path, err->msg);
  assert_true(same_file(fd, f->basefd, want));
  struct stat st;
  assert_int_equal(fstat(fd, &st), 0);
  assert_true(file ? S_ISREG(st.st_mode) : S_ISDIR(st.st_mode));
  close(fd);
}

static void test_mkpath(void **state) {
  fixture_t *f = *state;
  expect_mkpath(f, "/a/b/c", false, "root/a/b/c");
  expect_mkpath(f, "/a/b/c", false, "root/a/b/c"); /* exists: fine */
  expect_mkpath(f, "x/y/leaf", true, "root/x/y/leaf");
  expect_mkpath(f, "x/y/leaf", true, "root/x/y/leaf");
  expect_mkpath(f, "slash/m1/m2", false, "root/m1/m2");
  expect_mkpath(f, "up/m3", false, "root/m3");
  expect_mkpath(f, "dangling", false, "root/newdir/sub");
  expect_mkpath(f, "dir/sub/esc/deeper", false, "root/esc-target/deeper");
  expect_mkpath(f, "file", true, "root/file");
  /* "out" -> ../outside: made inside; the decoy file is left alone. */
  expect_mkpath(f, "out/evil", false, "root/outside/evil");
  struct stat st;
  assert_int_equal(fstatat(f->basefd, "outside", &st, 0), 0);
  assert_true(S_ISREG(st.st_mode));
  assert_int_equal(fstatat(f->basefd, "esc-target", &st, 0), -1);
  /* Modes: the leaf gets the one asked for (minus the umask). */
  mode_t old = umask(0);
  expect_mkpath(f, "modes/dir", false, "root/modes/dir");
  expect_mkpath(f, "modes/file", true, "root/modes/file");
  umask(old);
  assert_int_equal(fstatat(f->basefd, "root/modes", &st, 0), 0);
  assert_int_equal(st.st_mode & 07777, 0755);
  assert_int_equal(fstatat(f->basefd, "root/modes/dir", &st, 0), 0);
  assert_int_equal(st.st_mode & 07777, 0750);
  assert_int_equal(fstatat(f->basefd, "root/modes/file", &st, 0), 0);
  assert_int_equal(st.st_mode & 07777, 0600);
}

static void test_mkpath_errors(void **state) {
  fixture_t *f = *state;
  husk_error_t *err = NULL;
  assert_int_equal(
      husk_mkpath_in_root(f->rootfd, "/file/sub", false, 0755, &err), -1);
  assert_non_null(err);
  assert_int_equal(err->errno_value, ENOTDIR);
  assert_string_equal(err->msg, "create /file/sub: Not a directory");
  husk_error_free(err);
  err = NULL;
  assert_int_equal(
      husk_mkpath_in_root(f->rootfd, "/loop1/x", false, 0755, &err), -1);
  assert_int_equal(err->errno_value, ELOOP);
  husk_error_free(err);
}

static void test_fd_path(void **state) {
  (void)state;
  char buf[64];
  assert_string_equal(husk_fd_path(buf, 42), "/proc/self/fd/42");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_open_in_root, setup, teardown),
      cmocka_unit_test_setup_teardown(test_walk_in_root, setup, teardown),
      cmocka_unit_test_setup_teardown(test_walk_long_path, setup, teardown),
      cmocka_unit_test_setup_teardown(test_mkpath, setup, teardown),
      cmocka_unit_test_setup_teardown(test_mkpath_errors, setup, teardown),
      cmocka_unit_test(test_fd_path),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
