/* linux.seccomp: the mappings to libseccomp (actions, operators,
 * architectures, flags), the errors of the filter compiler, filters loaded
 * for real in forked children (what the syscalls then return), and the
 * container process state sent to a listener. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "linux/seccomp_cache.h"
#include "linux/seccomp_filter.h"
#include "linux/seccomp_rules.h"
#include "runtime/seccomp_listener.h"
#include "util/json.h"

/* ---- helpers ---- */

/* A config whose linux.seccomp is `seccomp` (JSON text). */
static husk_spec_t *spec_with(const char *seccomp) {
  char buf[8192];
  snprintf(buf, sizeof buf,
           "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"},"
           " \"process\": {\"cwd\": \"/\", \"args\": [\"sh\"],"
           " \"user\": {\"uid\": 0, \"gid\": 0}},"
           " \"linux\": {\"seccomp\": %s}}",
           seccomp);
  husk_spec_t *spec = NULL;
  husk_error_t *err = NULL;
  if (husk_spec_parse(buf, strlen(buf), "config.json", &spec, &err) < 0) {
    print_error("parse: %s\n", err->msg);
    fail();
  }
  return spec;
}

/* Compile; expect failure with `want` in the message. */
static void expect_error(const char *seccomp, const char *want) {
  husk_spec_t *spec = spec_with(seccomp);
  husk_seccomp_filter_t *f = NULL;
  husk_error_t *err = NULL;
  assert_int_equal(husk_seccomp_compile(&spec->linux_.seccomp, &f, &err), -1);
  assert_null(f);
  assert_non_null(err);
  if (!strstr(err->msg, want)) {
    print_error("message: %s\nwanted: %s\n", err->msg, want);
    fail();
  }
  husk_error_free(err);
  husk_spec_free(spec);
}

static husk_seccomp_filter_t *compile_ok(const char *seccomp) {
  husk_spec_t *spec = spec_with(seccomp);
  husk_seccomp_filter_t *f = NULL;
  husk_error_t *err = NULL;
  if (husk_seccomp_compile(&spec->linux_.seccomp, &f, &err) < 0) {
    print_error("compile: %s\n", err->msg);
    fail();
  }
  husk_spec_free(spec);
  assert_non_null(f);
  return f;
}

/* In a child: no_new_privs, load f, then mkdir(path) and chmod(path,
 * mode); returns their errnos (0: success) as mkdir * 1000 + chmod. */
static int run_filtered(husk_seccomp_filter_t *f, const char *path,
                        mode_t mode) {
  int p[2];
  assert_int_equal(pipe(p), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    husk_error_t *err = NULL;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
        husk_seccomp_load(f, &err) < 0)
      _exit(1);
    /* The syscalls themselves: libc might use the *at forms. */
    int e[2];
    e[0] = syscall(SYS_mkdir, path, 0755) < 0 ? errno : 0;
    e[1] = syscall(SYS_chmod, path, mode) < 0 ? errno : 0;
    _exit(write(p[1], e, sizeof e) == sizeof e ? 0 : 1);
  }
  close(p[1]);
  int status, e[2] = {-1, -1};
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  assert_int_equal(read(p[0], e, sizeof e), sizeof e);
  close(p[0]);
  return e[0] * 1000 + e[1];
}

/* ---- mappings ---- */

static void test_actions(void **state) {
  (void)state;
  assert_int_equal(husk_seccomp_action_value(HUSK_SECCOMP_KILL, false, 0),
                   SCMP_ACT_KILL_THREAD);
  assert_int_equal(
      husk_seccomp_action_value(HUSK_SECCOMP_KILL_THREAD, false, 0),
      SCMP_ACT_KILL_THREAD);
  assert_int_equal(
      husk_seccomp_action_value(HUSK_SECCOMP_KILL_PROCESS, false, 0),
      SCMP_ACT_KILL_PROCESS);
  assert_int_equal(husk_seccomp_action_value(HUSK_SECCOMP_TRAP, false, 0),
                   SCMP_ACT_TRAP);
  assert_int_equal(husk_seccomp_action_value(HUSK_SECCOMP_ALLOW, false, 0),
                   SCMP_ACT_ALLOW);
  assert_int_equal(husk_seccomp_action_value(HUSK_SECCOMP_LOG, false, 0),
                   SCMP_ACT_LOG);
  assert_int_equal(husk_seccomp_action_value(HUSK_SECCOMP_NOTIFY, false, 0),
                   SCMP_ACT_NOTIFY);
  /* ERRNO and TRACE: EPERM unless errnoRet says otherwise. */
  assert_int_equal(husk_seccomp_action_value(HUSK_SECCOMP_ERRNO, false, 0),
                   SCMP_ACT_ERRNO(EPERM));
  assert_int_equal(husk_seccomp_action_value(HUSK_SECCOMP_ERRNO, true, 28),
                   SCMP_ACT_ERRNO(28));
  assert_int_equal(husk_seccomp_action_value(HUSK_SECCOMP_ERRNO, true, 0),
                   SCMP_ACT_ERRNO(0));
  assert_int_equal(husk_seccomp_action_value(HUSK_SECCOMP_TRACE, false, 0),
                   SCMP_ACT_TRACE(EPERM));
  assert_int_equal(husk_seccomp_action_value(HUSK_SECCOMP_TRACE, true, 7),
                   SCMP_ACT_TRACE(7));
  assert_true(husk_seccomp_action_takes_errno(HUSK_SECCOMP_ERRNO));
  assert_true(husk_seccomp_action_takes_errno(HUSK_SECCOMP_TRACE));
  assert_false(husk_seccomp_action_takes_errno(HUSK_SECCOMP_ALLOW));
  assert_false(husk_seccomp_action_takes_errno(HUSK_SECCOMP_KILL));
}

static void test_operators(void **state) {
  (void)state;
  static const struct {
    husk_seccomp_op_t op;
    enum scmp_compare want;
  } table[] = {
      {HUSK_SECCOMP_OP_NE, SCMP_CMP_NE},
      {HUSK_SECCOMP_OP_LT, SCMP_CMP_LT},
      {HUSK_SECCOMP_OP_LE, SCMP_CMP_LE},
      {HUSK_SECCOMP_OP_EQ, SCMP_CMP_EQ},
      {HUSK_SECCOMP_OP_GE, SCMP_CMP_GE},
      {HUSK_SECCOMP_OP_GT, SCMP_CMP_GT},
      {HUSK_SECCOMP_OP_MASKED_EQ, SCMP_CMP_MASKED_EQ},
  };
  assert_int_equal(sizeof table / sizeof *table, HUSK_SECCOMP_OP_COUNT);
  for (size_t i = 0; i < sizeof table / sizeof *table; i++)
    assert_int_equal(husk_seccomp_op_value(table[i].op), table[i].want);
}

static void test_arg_cmp(void **state) {
  (void)state;
  husk_seccomp_arg_t masked = {.index = 2,
                               .value = 0x70,
                               .value_two = 0x10,
                               .op = HUSK_SECCOMP_OP_MASKED_EQ};
  struct scmp_arg_cmp c = husk_seccomp_arg_cmp(&masked);
  assert_int_equal(c.arg, 2);
  assert_int_equal(c.op, SCMP_CMP_MASKED_EQ);
  assert_int_equal(c.datum_a, 0x70); /* the mask */
  assert_int_equal(c.datum_b, 0x10); /* what the masked value must be */
  /* valueTwo only means something for MASKED_EQ. */
  husk_seccomp_arg_t eq = {
      .index = 0, .value = 5, .value_two = 9, .op = HUSK_SECCOMP_OP_EQ};
  c = husk_seccomp_arg_cmp(&eq);
  assert_int_equal(c.datum_a, 5);
  assert_int_equal(c.datum_b, 0);
}

static void test_repeat_index(void **state) {
  (void)state;
  husk_seccomp_arg_t a[3] = {{.index = 0}, {.index = 1}, {.index = 5}};
  assert_false(husk_seccomp_args_repeat_index(a, 3));
  assert_false(husk_seccomp_args_repeat_index(a, 0));
  a[2].index = 1;
  assert_true(husk_seccomp_args_repeat_index(a, 3));
  assert_false(husk_seccomp_args_repeat_index(a, 2));
}

static void test_architectures(void **state) {
  (void)state;
  assert_int_equal(husk_seccomp_arch_token("SCMP_ARCH_X86_64"),
                   SCMP_ARCH_X86_64);
  assert_int_equal(husk_seccomp_arch_token("SCMP_ARCH_X86"), SCMP_ARCH_X86);
  assert_int_equal(husk_seccomp_arch_token("SCMP_ARCH_X32"), SCMP_ARCH_X32);
  assert_int_equal(husk_seccomp_arch_token("SCMP_ARCH_AARCH64"),
                   SCMP_ARCH_AARCH64);
  assert_int_equal(husk_seccomp_arch_token("SCMP_ARCH_MIPSEL64N32"),
                   SCMP_ARCH_MIPSEL64N32);
  assert_int_equal(husk_seccomp_arch_token("SCMP_ARCH_S390X"), SCMP_ARCH_S390X);
  assert_int_equal(husk_seccomp_arch_token("SCMP_ARCH_NOPE"), 0);
  assert_int_equal(husk_seccomp_arch_token("X86_64"), 0);
  assert_int_equal(husk_seccomp_arch_token("SCMP_ARCH_"), 0);
  /* Every name of the spec's table is either known or refused, never
   * mistaken for another. */
  for (size_t i = 0; husk_seccomp_arch_names[i]; i++) {
    uint32_t t = husk_seccomp_arch_token(husk_seccomp_arch_names[i]);
    for (size_t j = 0; t && j < i; j++)
      assert_int_not_equal(t,
                           husk_seccomp_arch_token(husk_seccomp_arch_names[j]));
  }
}

static void test_flags(void **state) {
  (void)state;
  assert_int_equal(husk_seccomp_flag_bit("SECCOMP_FILTER_FLAG_TSYNC"), 1);
  assert_int_equal(husk_seccomp_flag_bit("SECCOMP_FILTER_FLAG_LOG"), 2);
  assert_int_equal(husk_seccomp_flag_bit("SECCOMP_FILTER_FLAG_SPEC_ALLOW"), 4);
  assert_int_equal(
      husk_seccomp_flag_bit("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"), 32);
  assert_int_equal(husk_seccomp_flag_bit("SECCOMP_FILTER_FLAG_NOPE"), 0);
  /* Every flag the parser accepts has a bit. */
  for (size_t i = 0; husk_seccomp_flag_names[i]; i++)
    assert_int_not_equal(husk_seccomp_flag_bit(husk_seccomp_flag_names[i]), 0);
}

/* ---- the compiler ---- */

static void test_absent(void **state) {
  (void)state;
  husk_seccomp_t none = {0};
  husk_seccomp_filter_t *f = (void *)1;
  husk_error_t *err = NULL;
  assert_int_equal(husk_seccomp_compile(&none, &f, &err), 0);
  assert_null(f);
}

static void test_errors(void **state) {
  (void)state;
  expect_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
               "{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_KILL\","
               " \"errnoRet\": 1}]}",
               "config.json: linux.seccomp.syscalls[0].errnoRet: only valid "
               "with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_KILL");
  expect_error("{\"defaultAction\": \"SCMP_ACT_LOG\", \"defaultErrnoRet\": 1}",
               "config.json: linux.seccomp.defaultErrnoRet: only valid");
  expect_error("{\"defaultAction\": \"SCMP_ACT_ERRNO\","
               " \"defaultErrnoRet\": 65536}",
               "linux.seccomp.defaultErrnoRet: 65536 is out of range");
  expect_error("{\"defaultAction\": \"SCMP_ACT_NOTIFY\","
               " \"listenerPath\": \"/x\"}",
               "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the "
               "default action");
  expect_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\","
               " \"listenerPath\": \"/x\", \"syscalls\": ["
               "{\"names\": [\"mkdir\", \"sendmsg\"],"
               " \"action\": \"SCMP_ACT_NOTIFY\"}]}",
               "linux.seccomp.syscalls[0]: SCMP_ACT_NOTIFY cannot apply to "
               "sendmsg");
  /* LOONGARCH64 is only known to libseccomp 2.6 and later. */
  if (!husk_seccomp_arch_token("SCMP_ARCH_LOONGARCH64"))
    expect_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\":"
                 " [\"SCMP_ARCH_X86\", \"SCMP_ARCH_LOONGARCH64\"]}",
                 "config.json: linux.seccomp.architectures[1]: "
                 "SCMP_ARCH_LOONGARCH64 is not known to libseccomp");
}

static void test_unknown_name_skipped(void **state) {
  (void)state;
  husk_seccomp_filter_t *f = compile_ok(
      "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
      "{\"names\": [\"husk_no_such_syscall\"], \"action\": \"SCMP_ACT_KILL\"},"
      "{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
  /* Nothing but the architecture check and the default is left. */
  assert_true(f->prog.len > 0);
  assert_false(f->notify);
  husk_seccomp_filter_free(f);
}

static void test_notify_flagged(void **state) {
  (void)state;
  husk_seccomp_filter_t *f = compile_ok(
      "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/x\","
      " \"flags\": [\"SECCOMP_FILTER_FLAG_LOG\"], \"syscalls\": ["
      "{\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}");
  assert_true(f->notify);
  assert_int_equal(f->flags, 2);
  assert_int_equal(f->report_fd, -1);
  husk_seccomp_filter_free(f);
}

/* ---- filters loaded for real ---- */

static void test_loaded_errno_and_args(void **state) {
  (void)state;
  char dir[] = "/tmp/husk-seccomp-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[64];
  snprintf(path, sizeof path, "%s/d", dir);
  /* mkdir: ENOSPC; chmod: EACCES when mode == 0700 or (repeated index:
   * a rule each) mode <= 0600. */
  husk_seccomp_filter_t *f = compile_ok(
      "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": ["
      "{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\","
      " \"errnoRet\": 28},"
      "{\"names\": [\"chmod\"], \"action\": \"SCMP_ACT_ERRNO\","
      " \"errnoRet\": 13, \"args\": ["
      "{\"index\": 1, \"value\": 448, \"op\": \"SCMP_CMP_EQ\"},"
      "{\"index\": 1, \"value\": 384, \"op\": \"SCMP_CMP_LE\"}]}]}");
  /* mkdir refused; chmod of a missing path: ENOENT unless refused first. */
  assert_int_equal(run_filtered(f, path, 0755), ENOSPC * 1000 + ENOENT);
  assert_int_equal(run_filtered(f, path, 0700), ENOSPC * 1000 + EACCES);
  assert_int_equal(run_filtered(f, path, 0600), ENOSPC * 1000 + EACCES);
  /* The parent was never filtered. */
  assert_int_equal(mkdir(path, 0755), 0);
  assert_int_equal(run_filtered(f, path, 0750), ENOSPC * 1000);
  rmdir(path);
  rmdir(dir);
  husk_seccomp_filter_free(f);
}

/* ---- the cache of compiled programs ---- */

/* The path of the single entry of dir. */
static bool only_entry(const char *dir, char *path, size_t size) {
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;
  while (d && (e = readdir(d)))
    if (e->d_name[0] != '.' && n++ == 0)
      snprintf(path, size, "%s/%s", dir, e->d_name);
  if (d)
    closedir(d);
  return n == 1;
}

static void test_cache(void **state) {
  (void)state;
  char dir[] = "/tmp/husk-seccomp-cache-XXXXXX";
  assert_non_null(mkdtemp(dir));
  husk_spec_t *a = spec_with("{\"defaultAction\": \"SCMP_ACT_ALLOW\","
                             " \"syscalls\": [{\"names\": [\"mkdir\"],"
                             " \"action\": \"SCMP_ACT_ERRNO\"}]}");
  husk_spec_t *b = spec_with("{\"defaultAction\": \"SCMP_ACT_ALLOW\","
                             " \"syscalls\": [{\"names\": [\"mkdir\"],"
                             " \"action\": \"SCMP_ACT_ERRNO\","
                             " \"errnoRet\": 1}]}");
  husk_seccomp_key_t ka, kb, ka2;
  assert_int_equal(husk_seccomp_key(&a->linux_.seccomp, &ka), 0);
  assert_int_equal(husk_seccomp_key(&b->linux_.seccomp, &kb), 0);
  assert_int_equal(husk_seccomp_key(&a->linux_.seccomp, &ka2), 0);
  /* Same profile, same key; EPERM by default or by errnoRet differ. */
  assert_int_equal(ka.len, ka2.len);
  assert_memory_equal(ka.bytes, ka2.bytes, ka.len);
  assert_false(ka.len == kb.len && !memcmp(ka.bytes, kb.bytes, ka.len));

  struct sock_filter insns[3] = {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}};
  struct sock_fprog in = {.len = 3, .filter = insns}, out = {0};
  assert_int_equal(husk_seccomp_cache_get(dir, &ka, &out), 0);
  husk_seccomp_cache_put(dir, &ka, &in);
  assert_int_equal(husk_seccomp_cache_get(dir, &ka, &out), 1);
  assert_int_equal(out.len, 3);
  assert_memory_equal(out.filter, insns, sizeof insns);
  free(out.filter);
  assert_int_equal(husk_seccomp_cache_get(dir, &kb, &out), 0);

  /* The one entry so far is a's. */
  char file[PATH_MAX], other[PATH_MAX], saved[PATH_MAX];
  snprintf(saved, sizeof saved, "%s.saved", dir);
  assert_true(only_entry(dir, file, sizeof file));
  /* b's entry renamed to a's name (what a hash collision would give) is
   * a miss for a: the stored key decides. */
  assert_int_equal(rename(file, saved), 0);
  husk_seccomp_cache_put(dir, &kb, &in);
  assert_true(only_entry(dir, other, sizeof other));
  assert_int_equal(rename(other, file), 0);
  assert_int_equal(husk_seccomp_cache_get(dir, &ka, &out), 0);
  assert_int_equal(rename(saved, file), 0);
  assert_int_equal(husk_seccomp_cache_get(dir, &ka, &out), 1);
  free(out.filter);

  /* A writable-by-others entry is not trusted. */
  assert_int_equal(chmod(file, 0666), 0);
  assert_int_equal(husk_seccomp_cache_get(dir, &ka, &out), 0);
  assert_int_equal(chmod(file, 0600), 0);
  assert_int_equal(husk_seccomp_cache_get(dir, &ka, &out), 1);
  free(out.filter);
  /* Nor a truncated one. */
  assert_int_equal(truncate(file, 20), 0);
  assert_int_equal(husk_seccomp_cache_get(dir, &ka, &out), 0);

  assert_int_equal(unlink(file), 0);
  assert_int_equal(rmdir(dir), 0);
  husk_seccomp_key_free(&ka);
  husk_seccomp_key_free(&ka2);
  husk_seccomp_key_free(&kb);
  husk_spec_free(a);
  husk_spec_free(b);
}

/* ---- the listener's message ---- */

static void test_process_state(void **state) {
  (void)state;
  husk_seccomp_t s = {.listener_metadata = "quote \" and \\ too"};
  husk_state_t st = {.id = "ctr",
                     .pid = 42,
                     .bundle = "/b",
                     .rootfs = "/b/rootfs",
                     .created = "",
                     .status = HUSK_STATUS_CREATING};
  char *doc = husk_seccomp_process_state_json(&s, 43, &st);
  assert_non_null(doc);
  husk_json_t *root = NULL;
  husk_error_t *err = NULL;
  assert_int_equal(husk_json_parse(doc, strlen(doc), "state", &root, &err), 0);
  assert_string_equal(husk_json_string(husk_json_get(root, "metadata")),
                      s.listener_metadata);
  const husk_json_t *fds = husk_json_get(root, "fds");
  assert_int_equal(husk_json_array_len(fds), 1);
  assert_string_equal(husk_json_string(husk_json_array_at(fds, 0)),
                      "seccompFd");
  assert_string_equal(husk_json_number_text(husk_json_get(root, "pid")), "43");
  const husk_json_t *inner = husk_json_get(root, "state");
  assert_string_equal(husk_json_string(husk_json_get(inner, "id")), "ctr");
  assert_string_equal(husk_json_string(husk_json_get(inner, "status")),
                      "creating");
  assert_string_equal(husk_json_number_text(husk_json_get(inner, "pid")), "42");
  /* Only the spec's fields in the state. */
  assert_null(husk_json_get(inner, "rootfs"));
  assert_non_null(husk_json_get(root, "ociVersion"));
  husk_json_free(root);
  free(doc);
  /* Without metadata the key is left out. */
  s.listener_metadata = NULL;
  doc = husk_seccomp_process_state_json(&s, 43, &st);
  assert_null(strstr(doc, "metadata"));
  free(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_actions),
      cmocka_unit_test(test_operators),
      cmocka_unit_test(test_arg_cmp),
      cmocka_unit_test(test_repeat_index),
      cmocka_unit_test(test_architectures),
      cmocka_unit_test(test_flags),
      cmocka_unit_test(test_absent),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_unknown_name_skipped),
      cmocka_unit_test(test_notify_flagged),
      cmocka_unit_test(test_loaded_errno_and_args),
      cmocka_unit_test(test_cache),
      cmocka_unit_test(test_process_state),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
