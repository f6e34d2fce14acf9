/* A hybrid host seen as if it were pure v2 (only its cgroup2 mount) or
 * pure v1 (only the cgroup v1 mounts): the driver takes everything from
 * the mount table, so this runs the v2 code paths (cgroup.freeze,
 * cgroup.kill, the eBPF device program installed by create, waiting for
 * "populated 0") and the v1-only ones (no clone3 fd, kill by walking a
 * frozen cgroup) on the real kernel. Skips unless root on a hybrid host;
 * the VM tests cover real v1 and v2 hosts. */
#include "cg_test.h"

#include "linux/clone.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"

/* The mount table with only cgroup2 (v2) or only cgroup (v1) lines. */
static husk_cg_mounts_t view(bool v2) {
  char *text = NULL, *ctl = NULL;
  size_t len;
  assert_int_equal(husk_read_file_at(AT_FDCWD, "/proc/self/mountinfo", 1 << 24,
                                     &text, &len, NULL),
                   0);
  char *out = calloc(1, len + 1);
  assert_non_null(out);
  const char *want = v2 ? " - cgroup2 " : " - cgroup ";
  for (char *s = NULL, *l = strtok_r(text, "\n", &s); l;
       l = strtok_r(NULL, "\n", &s))
    if (strstr(l, want))
      strcat(strcat(out, l), "\n");
  if (v2) {
    char *f = xfmt("%s/cgroup.controllers", T.m.hier[T.m.unified].mountpoint);
    ctl = slurp(f);
    free(f);
  }
  husk_cg_mounts_t m;
  husk_error_t *err = NULL;
  if (husk_cg_parse_mountinfo(out, ctl, &m, &err) < 0)
    fail_msg("%s", err->msg);
  assert_int_equal(m.layout, v2 ? HUSK_CG_V2 : HUSK_CG_V1);
  free(ctl);
  free(out);
  free(text);
  return m;
}

#define NEED_HYBRID()                                                          \
  do {                                                                         \
    NEED_HOST();                                                               \
    if (T.m.layout != HUSK_CG_HYBRID)                                          \
      skip();                                                                  \
  } while (0)

static husk_cgroup_t *create_in_view(bool v2, const husk_spec_t *spec) {
  husk_cg_mounts_t m = view(v2);
  husk_cgroup_t *cg = NULL;
  husk_error_t *err = NULL;
  if (husk_cg_create_on(&m, spec, "x", &cg, &err) < 0)
    fail_msg("create: %s", err->msg);
  return cg;
}

/* A child born in the cgroup (clone3) that opens dev: 0 or errno. */
static int clone_probe(int cgfd, const char *dev, int flags) {
  int pidfd = -1;
  pid_t pid = husk_clone3(0, cgfd, &pidfd);
  assert_true(pid >= 0);
  if (pid == 0) {
    int fd = open(dev, flags | O_CLOEXEC | O_NONBLOCK);
    _exit(fd >= 0 ? 0 : errno);
  }
  close(pidfd);
  int status = reap(pid);
  assert_true(WIFEXITED(status));
  return WEXITSTATUS(status);
}

static pid_t clone_waiter(int cgfd, int *wfd) {
  int p[2], pidfd = -1;
  assert_int_equal(pipe2(p, O_CLOEXEC), 0);
  pid_t pid = husk_clone3(0, cgfd, &pidfd);
  assert_true(pid >= 0);
  if (pid == 0) {
    char c;
    close(p[1]);
    while (read(p[0], &c, 1) < 0 && errno == EINTR)
      ;
    _exit(0);
  }
  close(pidfd);
  close(p[0]);
  *wfd = p[1];
  return pid;
}

static bool events_say(const husk_cgroup_t *cg, const char *line) {
  char *f = xfmt("%s/cgroup.events", cg->dirs[cg->unified].path);
  char buf[512] = "";
  int fd = open(f, O_RDONLY | O_CLOEXEC);
  assert_true(fd >= 0);
  assert_true(read(fd, buf, sizeof buf - 1) > 0);
  close(fd);
  free(f);
  return strstr(buf, line) != NULL;
}

static void test_as_v2(void **state) {
  (void)state;
  NEED_HYBRID();
  bool huge = husk_cg_hier_has(&T.m.hier[T.m.unified], "hugetlb") &&
              access("/sys/kernel/mm/hugepages/hugepages-2048kB", F_OK) == 0;
  husk_spec_t *spec =
      spec_of("v2",
              huge ? "'devices':[{'allow':false,'access':'rwm'}],"
                     "'hugepageLimits':[{'pageSize':'2MB','limit':2097152}]"
                   : "'devices':[{'allow':false,'access':'rwm'}]",
              "");
  husk_cgroup_t *cg = create_in_view(true, spec);
  char *path = cg_path("v2");
  int cgfd = husk_cgroup_clone3_fd(cg);
  assert_true(cgfd >= 0);
  assert_int_equal(cg->n_dirs, 1);
  if (huge) {
    char *f = xfmt("%s/hugetlb.2MB.max", cg->dirs[0].path);
    char *v = slurp(f);
    assert_string_equal(v, "2097152");
    free(v);
    free(f);
  }
  /* create installed the eBPF program: defaults only. */
  assert_int_equal(clone_probe(cgfd, "/dev/null", O_RDWR), 0);
  assert_int_equal(clone_probe(cgfd, "/dev/kmsg", O_RDONLY), EPERM);

  int wfd;
  pid_t pid = clone_waiter(cgfd, &wfd);
  husk_error_t *err = NULL;
  assert_int_equal(husk_cgroup_add_pid(cg, pid, true, &err), 0);
  assert_true(in_cgroup(pid, NULL, path));
  assert_false(in_cgroup(pid, "memory", path));
  assert_int_equal(husk_cgroup_freeze(cg, true, &err), 0);
  assert_true(events_say(cg, "frozen 1"));
  bool frozen = false;
  assert_int_equal(husk_cgroup_is_frozen(cg, &frozen, &err), 0);
  assert_true(frozen);
  assert_int_equal(husk_cgroup_freeze(cg, false, &err), 0);
  assert_true(events_say(cg, "frozen 0"));
  /* SIGTERM: freeze (cgroup.freeze), signal, thaw. */
  assert_int_equal(husk_cgroup_kill(cg, SIGTERM, &err), 0);
  int status = reap(pid);
  assert_int_equal(WTERMSIG(status), SIGTERM);
  close(wfd);

  /* SIGKILL by cgroup.kill, then destroy at once: it waits for
   * "populated 0" rather than failing with EBUSY. */
  pid = clone_waiter(cgfd, &wfd);
  husk_json_writer_t *w = husk_json_writer_new(false);
  assert_int_equal(husk_cgroup_stats(cg, w, &err), 0);
  husk_json_t *root = NULL;
  size_t len;
  const char *text = husk_jw_text(w, &len);
  if (husk_json_parse(text, len, "stats", &root, &err) < 0)
    fail_msg("%s", err->msg);
  if (huge)
    assert_non_null(husk_json_get(husk_json_get(root, "hugetlb"), "2MB"));
  husk_json_free(root);
  husk_json_writer_free(w);
  assert_int_equal(husk_cgroup_kill(cg, SIGKILL, &err), 0);
  if (husk_cgroup_destroy(cg, &err) < 0)
    fail_msg("destroy: %s", err->msg);
  status = reap(pid);
  assert_int_equal(WTERMSIG(status), SIGKILL);
  close(wfd);
  husk_cgroup_free(cg);
  assert_gone(path);
  free(path);
  husk_spec_free(spec);
}

static void test_as_v1(void **state) {
  (void)state;
  NEED_HYBRID();
  husk_spec_t *bad = spec_of("v1u", "'unified':{'cgroup.max.depth':'2'}", "");
  husk_cg_mounts_t m = view(false);
  husk_cgroup_t *cg = NULL;
  husk_error_t *err = NULL;
  assert_int_equal(husk_cg_create_on(&m, bad, "x", &cg, &err), -1);
  assert_non_null(strstr(err->msg, "only cgroup v1"));
  husk_error_free(err);
  err = NULL;
  husk_spec_free(bad);

  husk_spec_t *spec = spec_of("v1", "'pids':{'limit':5}", "");
  cg = create_in_view(false, spec);
  char *path = cg_path("v1");
  assert_int_equal(husk_cgroup_clone3_fd(cg), -1);
  assert_int_equal(cg->unified, -1);
  child_t c = spawn_waiter();
  assert_int_equal(husk_cgroup_add_pid(cg, c.pid, false, &err), 0);
  assert_true(in_cgroup(c.pid, "pids", path));
  assert_false(in_cgroup(c.pid, NULL, path));
  /* No cgroup.kill here: SIGKILL walks the frozen cgroup. */
  assert_int_equal(husk_cgroup_kill(cg, SIGKILL, &err), 0);
  int status = reap(c.pid);
  assert_int_equal(WTERMSIG(status), SIGKILL);
  close(c.fd);
  /* Reload through the v1 view, as delete would. */
  husk_cgroup_free(cg);
  m = view(false);
  assert_int_equal(husk_cg_load_on(&m, path, &cg, &err), 0);
  assert_true(cg->n_dirs > 0);
  must_destroy(cg);
  free(path);
  husk_spec_free(spec);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_as_v2),
      cmocka_unit_test(test_as_v1),
  };
  return cmocka_run_group_tests(tests, cg_setup, cg_teardown);
}
