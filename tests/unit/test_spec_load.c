/* husk_spec_load against real bundle directories in a temp dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "husk/spec.h"

#define GOOD_PROCESS "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"}"

typedef struct {
  char dir[64]; /* the bundle */
} bundle_t;

static void write_file(const char *dir, const char *name, const char *text) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "we");
  assert_non_null(f);
  assert_int_equal(fputs(text, f) >= 0, 1);
  assert_int_equal(fclose(f), 0);
}

static void make_dir(const char *dir, const char *name) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  assert_int_equal(mkdir(path, 0755), 0);
}

static int setup(void **state) {
  bundle_t *b = calloc(1, sizeof *b);
  strcpy(b->dir, "/tmp/husk-spec-test-XXXXXX");
  if (!mkdtemp(b->dir))
    return -1;
  *state = b;
  return 0;
}

static int teardown(void **state) {
  bundle_t *b = *state;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", b->dir);
  int r = system(cmd);
  free(b);
  return r == 0 ? 0 : -1;
}

static char *load_error(const char *bundle, husk_spec_t **out) {
  husk_error_t *err = NULL;
  husk_spec_t *spec = NULL;
  if (husk_spec_load(bundle, &spec, &err) == 0) {
    assert_null(err);
    *out = spec;
    return NULL;
  }
  assert_null(spec);
  assert_non_null(err);
  char *msg = strdup(err->msg);
  husk_error_free(err);
  return msg;
}

static void expect_error(const char *bundle, const char *want) {
  husk_spec_t *spec = NULL;
  char *msg = load_error(bundle, &spec);
  if (!msg) {
    husk_spec_free(spec);
    fail_msg("loaded, expected error \"%s\"", want);
  }
  if (!strstr(msg, want))
    fail_msg("error \"%s\" does not contain \"%s\"", msg, want);
  free(msg);
}

static husk_spec_t *expect_load(const char *bundle) {
  husk_spec_t *spec = NULL;
  char *msg = load_error(bundle, &spec);
  if (msg)
    fail_msg("unexpected error: %s", msg);
  return spec;
}

static void test_relative_root(void **state) {
  bundle_t *b = *state;
  make_dir(b->dir, "rootfs");
  write_file(
      b->dir, "config.json",
      "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"}," GOOD_PROCESS
      "}");
  husk_spec_t *spec = expect_load(b->dir);
  char want[256];
  snprintf(want, sizeof want, "%s/rootfs", b->dir);
  assert_string_equal(spec->root.path, want);
  husk_spec_free(spec);
}

static void test_dotted_root(void **state) {
  bundle_t *b = *state;
  make_dir(b->dir, "rootfs");
  make_dir(b->dir, "sub");
  write_file(b->dir, "config.json",
             "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"./sub/../rootfs/"
             "\"}," GOOD_PROCESS "}");
  husk_spec_t *spec = expect_load(b->dir);
  char want[256];
  snprintf(want, sizeof want, "%s/rootfs", b->dir);
  assert_string_equal(spec->root.path, want);
  husk_spec_free(spec);
}

/* A relative bundle path (runc's default is the working directory) still
 * yields an absolute root. */
static void test_relative_bundle(void **state) {
  bundle_t *b = *state;
  make_dir(b->dir, "rootfs");
  write_file(
      b->dir, "config.json",
      "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"}," GOOD_PROCESS
      "}");
  char cwd[4096];
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(chdir(b->dir), 0);
  husk_spec_t *spec = expect_load(NULL);
  assert_int_equal(chdir(cwd), 0);
  char want[256];
  snprintf(want, sizeof want, "%s/rootfs", b->dir);
  assert_string_equal(spec->root.path, want);
  husk_spec_free(spec);
}

static void test_absolute_root(void **state) {
  bundle_t *b = *state;
  make_dir(b->dir, "elsewhere");
  char cfg[512];
  snprintf(cfg, sizeof cfg,
           "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"%s/"
           "elsewhere\"}," GOOD_PROCESS "}",
           b->dir);
  write_file(b->dir, "config.json", cfg);
  husk_spec_t *spec = expect_load(b->dir);
  char want[256];
  snprintf(want, sizeof want, "%s/elsewhere", b->dir);
  assert_string_equal(spec->root.path, want);
  husk_spec_free(spec);
}

static void test_missing_rootfs(void **state) {
  bundle_t *b = *state;
  write_file(
      b->dir, "config.json",
      "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"}," GOOD_PROCESS
      "}");
  expect_error(b->dir, "config.json: root.path: ");
  expect_error(b->dir, "/rootfs: No such file or directory");
}

static void test_rootfs_not_dir(void **state) {
  bundle_t *b = *state;
  write_file(b->dir, "rootfs", "not a directory");
  write_file(
      b->dir, "config.json",
      "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"}," GOOD_PROCESS
      "}");
  expect_error(b->dir, "root.path: ");
  expect_error(b->dir, "Not a directory");
}

static void test_missing_process(void **state) {
  bundle_t *b = *state;
  make_dir(b->dir, "rootfs");
  write_file(b->dir, "config.json",
             "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"}}");
  husk_spec_t *spec = NULL;
  char *msg = load_error(b->dir, &spec);
  assert_non_null(msg);
  assert_string_equal(msg,
                      "config.json: process: required to create a container");
  free(msg);
}

static void test_missing_config(void **state) {
  bundle_t *b = *state;
  expect_error(b->dir, "config.json: No such file or directory");
}

static void test_bad_config(void **state) {
  bundle_t *b = *state;
  make_dir(b->dir, "rootfs");
  write_file(b->dir, "config.json",
             "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
             "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":"
             "\"0\"}}}");
  expect_error(b->dir,
               "config.json: process.user.uid: expected an integer, got "
               "string");
}

/* The shipped examples load as bundles. */
static void test_examples(void **state) {
  bundle_t *b = *state;
  make_dir(b->dir, "rootfs");
  const char *names[] = {"minimal.json", "full.json", "rootless.json"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    char src[512], cmd[1024];
    snprintf(src, sizeof src, "%s/%s", HUSK_SPECS_DIR, names[i]);
    snprintf(cmd, sizeof cmd, "cp '%s' '%s/config.json'", src, b->dir);
    assert_int_equal(system(cmd), 0);
    husk_spec_t *spec = expect_load(b->dir);
    assert_true(spec->has_process);
    husk_spec_free(spec);
  }
}

int main(void) {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_relative_root),   T(test_dotted_root),    T(test_relative_bundle),
      T(test_absolute_root),   T(test_missing_rootfs), T(test_rootfs_not_dir),
      T(test_missing_process), T(test_missing_config), T(test_bad_config),
      T(test_examples),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
