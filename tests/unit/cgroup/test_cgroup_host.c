/* The cgroup driver against the real kernel, on whatever layout the host
 * has (this one is hybrid; the same tests run in the v1/v2 VMs): create
 * with limits, join a process, freeze, list, kill, stats, update, reload
 * from the stored path, destroy; and the errors that must leave nothing
 * behind. Needs root; skips otherwise. */
#include "cg_test.h"

#include <sys/syscall.h>

#include "linux/clone.h"
#include "util/json.h"

#define MiB (1024 * 1024)

static const char *const life_resources =
    "'memory':{'limit':67108864},'pids':{'limit':50},"
    "'cpu':{'shares':512,'quota':50000,'period':100000,'cpus':'0','mems':'0'}";

static void check_limits(const char *path) {
  if (ctl_is_v2("memory", "memory"))
    assert_file("memory", "memory", path, "memory.max", "67108864");
  else
    assert_file("memory", "memory", path, "memory.limit_in_bytes", "67108864");
  assert_file("pids", "pids", path, "pids.max", "50");
  if (ctl_is_v2("cpu", "cpu")) {
    assert_file("cpu", "cpu", path, "cpu.max", "50000 100000");
    /* 1 + (512 - 2) * 9999 / 262142 */
    assert_file("cpu", "cpu", path, "cpu.weight", "20");
  } else {
    assert_file("cpu", "cpu", path, "cpu.cfs_quota_us", "50000");
    assert_file("cpu", "cpu", path, "cpu.cfs_period_us", "100000");
    assert_file("cpu", "cpu", path, "cpu.shares", "512");
  }
  assert_file("cpuset", "cpuset", path, "cpuset.cpus", "0");
  assert_file("cpuset", "cpuset", path, "cpuset.mems", "0");
}

static void check_joined(pid_t pid, const char *path) {
  static const char *const v1[] = {"memory", "pids",    "cpu",
                                   "cpuset", "freezer", "devices"};
  for (size_t i = 0; i < sizeof v1 / sizeof *v1; i++) {
    int h = husk_cg_mounts_find(&T.m, v1[i], NULL);
    if (h >= 0 && !T.m.hier[h].v2 && !in_cgroup(pid, v1[i], path))
      fail_msg("process %d is not in %s:%s", (int)pid, v1[i], path);
  }
  if (T.m.unified >= 0 && !in_cgroup(pid, NULL, path))
    fail_msg("process %d is not in 0::%s", (int)pid, path);
}

static void check_frozen(const husk_cgroup_t *cg, const char *path, bool want) {
  bool frozen = !want;
  husk_error_t *err = NULL;
  assert_int_equal(husk_cgroup_is_frozen(cg, &frozen, &err), 0);
  assert_int_equal(frozen, want);
  if (husk_cg_mounts_find(&T.m, "freezer", NULL) >= 0)
    assert_file("freezer", NULL, path, "freezer.state",
                want ? "FROZEN" : "THAWED");
}

static const husk_json_t *jpath(const husk_json_t *n, const char *a,
                                const char *b, const char *c) {
  n = n ? husk_json_get(n, a) : NULL;
  n = n && b ? husk_json_get(n, b) : n;
  n = n && c ? husk_json_get(n, c) : n;
  return n;
}

static void check_stats(const husk_cgroup_t *cg) {
  husk_json_writer_t *w = husk_json_writer_new(false);
  husk_error_t *err = NULL;
  assert_int_equal(husk_cgroup_stats(cg, w, &err), 0);
  size_t len;
  const char *text = husk_jw_text(w, &len);
  husk_json_t *root = NULL;
  if (husk_json_parse(text, len, "stats", &root, &err) < 0)
    fail_msg("stats: %s\n%s", err->msg, text);
  const husk_json_t *n = jpath(root, "memory", "usage", "limit");
  assert_non_null(n);
  assert_string_equal(husk_json_number_text(n), "67108864");
  n = jpath(root, "pids", "current", NULL);
  assert_non_null(n);
  assert_string_equal(husk_json_number_text(n), "1");
  assert_string_equal(husk_json_number_text(jpath(root, "pids", "limit", NULL)),
                      "50");
  assert_non_null(jpath(root, "cpu", "usage", "user"));
  assert_non_null(jpath(root, "cpuset", "cpu_exclusive", NULL));
  assert_non_null(jpath(root, "blkio", NULL, NULL));
  assert_non_null(jpath(root, "hugetlb", NULL, NULL));
  assert_int_equal(
      husk_json_type(jpath(root, "network_interfaces", NULL, NULL)),
      HUSK_JSON_NULL);
  husk_json_free(root);
  husk_json_writer_free(w);
}

static void test_lifecycle(void **state) {
  (void)state;
  NEED_HOST();
  husk_spec_t *spec = spec_of("life", life_resources, "");
  husk_cgroup_t *cg = must_create(spec, "life");
  char *path = cg_path("life");
  assert_string_equal(husk_cgroup_path(cg), path);
  assert_int_equal(husk_cgroup_clone3_fd(cg) >= 0, T.m.layout != HUSK_CG_V1);
  check_limits(path);

  child_t c = spawn_waiter();
  husk_error_t *err = NULL;
  if (husk_cgroup_add_pid(cg, c.pid, false, &err) < 0)
    fail_msg("%s", err->msg);
  check_joined(c.pid, path);
  pid_t *pids = NULL;
  size_t n = 0;
  assert_int_equal(husk_cgroup_pids(cg, &pids, &n, &err), 0);
  assert_int_equal(n, 1);
  assert_int_equal(pids[0], c.pid);
  free(pids);

  assert_int_equal(husk_cgroup_freeze(cg, true, &err), 0);
  check_frozen(cg, path, true);
  assert_int_equal(husk_cgroup_freeze(cg, false, &err), 0);
  check_frozen(cg, path, false);
  check_stats(cg);

  /* Killing a paused container thaws it, or nothing could exit. */
  assert_int_equal(husk_cgroup_freeze(cg, true, &err), 0);
  assert_int_equal(husk_cgroup_kill(cg, SIGKILL, &err), 0);
  int status = reap(c.pid);
  assert_true(WIFSIGNALED(status));
  assert_int_equal(WTERMSIG(status), SIGKILL);
  check_frozen(cg, path, false);
  close(c.fd);
  must_destroy(cg);
  free(path);
  husk_spec_free(spec);
}

/* What `create` + `exec` + `delete` do: clone3 into the cgroup2 dir, join
 * the v1 ones, then reopen from the stored path and kill from there. */
static void test_clone3_load_kill(void **state) {
  (void)state;
  NEED_HOST();
  husk_spec_t *spec = spec_of("c3", "", "");
  husk_cgroup_t *cg = must_create(spec, "c3");
  char *path = strdup(husk_cgroup_path(cg));
  int p[2];
  assert_int_equal(pipe2(p, O_CLOEXEC), 0);
  int pidfd = -1, cgfd = husk_cgroup_clone3_fd(cg);
  pid_t pid = cgfd >= 0 ? husk_clone3(0, cgfd, &pidfd) : fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    char ch;
    close(p[1]);
    while (read(p[0], &ch, 1) < 0 && errno == EINTR)
      ;
    _exit(0);
  }
  close(p[0]);
  husk_error_t *err = NULL;
  if (husk_cgroup_add_pid(cg, pid, cgfd >= 0, &err) < 0)
    fail_msg("%s", err->msg);
  check_joined(pid, path);
  husk_cgroup_free(cg);

  assert_int_equal(husk_cgroup_load(path, &cg, &err), 0);
  assert_string_equal(husk_cgroup_path(cg), path);
  pid_t *pids = NULL;
  size_t n = 0;
  assert_int_equal(husk_cgroup_pids(cg, &pids, &n, &err), 0);
  assert_int_equal(n, 1);
  assert_int_equal(pids[0], pid);
  free(pids);
  /* Not SIGKILL: the freeze-list-signal-thaw path. */
  assert_int_equal(husk_cgroup_kill(cg, SIGTERM, &err), 0);
  int status = reap(pid);
  assert_true(WIFSIGNALED(status));
  assert_int_equal(WTERMSIG(status), SIGTERM);
  check_frozen(cg, path, false);
  close(p[1]);
  if (pidfd >= 0)
    close(pidfd);
  must_destroy(cg);
  /* Loading what is gone gives an empty cgroup; destroy is a no-op. */
  assert_int_equal(husk_cgroup_load(path, &cg, &err), 0);
  assert_int_equal(husk_cgroup_destroy(cg, &err), 0);
  husk_cgroup_free(cg);
  free(path);
  husk_spec_free(spec);
}

/* A child that joins, then dirties `mib` MiB and reports back. */
static child_t spawn_eater(husk_cgroup_t *cg, int mib) {
  int go[2], done[2];
  assert_int_equal(pipe2(go, O_CLOEXEC), 0);
  assert_int_equal(pipe2(done, O_CLOEXEC), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    char ch;
    if (read(go[0], &ch, 1) != 1)
      _exit(1);
    char *mem = malloc((size_t)mib * MiB);
    for (size_t i = 0; mem && i < (size_t)mib * MiB; i += 4096)
      mem[i] = 1;
    if (write(done[1], "k", 1) != 1)
      _exit(1);
    while (read(go[0], &ch, 1) != 0)
      ;
    _exit(0);
  }
  close(go[0]);
  close(done[1]);
  husk_error_t *err = NULL;
  if (husk_cgroup_add_pid(cg, pid, false, &err) < 0)
    fail_msg("%s", err->msg);
  char ch;
  assert_int_equal(write(go[1], "g", 1), 1);
  assert_int_equal(read(done[0], &ch, 1), 1);
  close(done[0]);
  return (child_t){pid, go[1]};
}

static void update(const husk_cgroup_t *cg, const char *resources,
                   const char *want_err) {
  husk_spec_t *s = spec_of("unused", resources, "");
  husk_error_t *err = NULL;
  int rc = husk_cgroup_update(cg, &s->linux_.resources, &err);
  if (!want_err && rc < 0)
    fail_msg("update %s: %s", resources, err->msg);
  if (want_err) {
    assert_int_equal(rc, -1);
    if (!strstr(err->msg, want_err))
      fail_msg("message \"%s\" lacks \"%s\"", err->msg, want_err);
    husk_error_free(err);
  }
  husk_spec_free(s);
}

static void test_update(void **state) {
  (void)state;
  NEED_HOST();
  husk_spec_t *spec = spec_of("upd", "'pids':{'limit':10}", "");
  husk_cgroup_t *cg = must_create(spec, "upd");
  const char *path = husk_cgroup_path(cg);
  assert_file("pids", "pids", path, "pids.max", "10");
  update(cg, "'pids':{'limit':20}", NULL);
  assert_file("pids", "pids", path, "pids.max", "20");
  update(cg, "'pids':{'limit':-1}", NULL);
  assert_file("pids", "pids", path, "pids.max", "max");
  /* Keys left out are not touched. */
  update(cg, "'cpu':{'quota':20000}", NULL);
  assert_file("pids", "pids", path, "pids.max", "max");
  assert_file("cpu", "cpu", path,
              ctl_is_v2("cpu", "cpu") ? "cpu.max" : "cpu.cfs_quota_us",
              ctl_is_v2("cpu", "cpu") ? "20000 100000" : "20000");

  child_t c = spawn_eater(cg, 8);
  update(cg, "'memory':{'limit':2097152,'checkBeforeUpdate':true}",
         "below the current usage");
  update(cg, "'memory':{'limit':268435456,'checkBeforeUpdate':true}", NULL);
  assert_file("memory", "memory", path,
              ctl_is_v2("memory", "memory") ? "memory.max"
                                            : "memory.limit_in_bytes",
              "268435456");
  husk_error_t *err = NULL;
  assert_int_equal(husk_cgroup_kill(cg, SIGKILL, &err), 0);
  reap(c.pid);
  close(c.fd);
  must_destroy(cg);
  husk_spec_free(spec);
}

/* A process over the limit is OOM-killed, and counted for `events`. */
static void test_oom(void **state) {
  (void)state;
  NEED_HOST();
  husk_spec_t *spec =
      spec_of("oom", "'memory':{'limit':16777216,'swap':16777216}", "");
  husk_cgroup_t *cg = must_create(spec, "oom");
  uint64_t kills = 1;
  husk_error_t *err = NULL;
  assert_int_equal(husk_cgroup_oom_kills(cg, &kills, &err), 0);
  assert_int_equal(kills, 0);
  int go[2];
  assert_int_equal(pipe2(go, O_CLOEXEC), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    char ch;
    close(go[1]);
    if (read(go[0], &ch, 1) != 1)
      _exit(1);
    char *mem = malloc(256 * MiB);
    for (size_t i = 0; mem && i < 256 * MiB; i += 4096)
      mem[i] = 1;
    _exit(0);
  }
  close(go[0]);
  assert_int_equal(husk_cgroup_add_pid(cg, pid, false, &err), 0);
  assert_int_equal(write(go[1], "g", 1), 1);
  close(go[1]);
  int status = reap(pid);
  assert_true(WIFSIGNALED(status));
  assert_int_equal(WTERMSIG(status), SIGKILL);
  assert_int_equal(husk_cgroup_oom_kills(cg, &kills, &err), 0);
  assert_true(kills >= 1);
  must_destroy(cg);
  husk_spec_free(spec);
}

/* v1 memsw is memory+swap and must stay >= the limit at every step. */
static void test_memory_swap(void **state) {
  (void)state;
  NEED_HOST();
  char *memsw =
      ctl_file("memory", "memory", "/", "memory.memsw.limit_in_bytes");
  bool v1_swap =
      memsw && !ctl_is_v2("memory", "memory") && access(memsw, F_OK) == 0;
  free(memsw);
  if (!v1_swap)
    skip();
  husk_spec_t *spec =
      spec_of("swap", "'memory':{'limit':67108864,'swap':134217728}", "");
  husk_cgroup_t *cg = must_create(spec, "swap");
  const char *path = husk_cgroup_path(cg);
  assert_file("memory", NULL, path, "memory.memsw.limit_in_bytes", "134217728");
  /* Unlimited memory, swap unset: swap follows (no EINVAL). */
  update(cg, "'memory':{'limit':-1}", NULL);
  assert_file("memory", NULL, path, "memory.memsw.limit_in_bytes",
              "9223372036854771712");
  /* Shrinking both: the limit goes first. */
  update(cg, "'memory':{'limit':33554432,'swap':50331648}", NULL);
  assert_file("memory", NULL, path, "memory.limit_in_bytes", "33554432");
  assert_file("memory", NULL, path, "memory.memsw.limit_in_bytes", "50331648");
  /* Growing both: memsw goes first. */
  update(cg, "'memory':{'limit':100663296,'swap':201326592}", NULL);
  assert_file("memory", NULL, path, "memory.limit_in_bytes", "100663296");
  must_destroy(cg);
  husk_spec_free(spec);
}

static void test_missing_controller(void **state) {
  (void)state;
  NEED_HOST();
  bool tried = false;
  if (husk_cg_mounts_find(&T.m, "net_cls", NULL) < 0) {
    husk_spec_t *s = spec_of("nc", "'network':{'classID':1048577}", "");
    create_fails(s, "nc",
                 "linux.resources.network.classID: the net_cls "
                 "controller",
                 NULL);
    husk_spec_free(s);
    tried = true;
  }
  if (husk_cg_mounts_find(&T.m, "rdma", "rdma") < 0) {
    husk_spec_t *s = spec_of("rd", "'rdma':{'mlx5_1':{'hcaHandles':3}}", "");
    create_fails(s, "rd",
                 "linux.resources.rdma: the rdma controller is not "
                 "available",
                 NULL);
    husk_spec_free(s);
    tried = true;
  }
  /* unified keys need the controller in the cgroup2 tree. */
  if (T.m.layout != HUSK_CG_V2) {
    husk_spec_t *s = spec_of("un", "'unified':{'memory.max':'1000000'}", "");
    create_fails(s, "un", "linux.resources.unified",
                 T.m.layout == HUSK_CG_V1 ? "only cgroup v1"
                                          : "bound to cgroup v1");
    husk_spec_free(s);
    tried = true;
  }
  if (!tried)
    skip();
}

static void test_invalid_values(void **state) {
  (void)state;
  NEED_HOST();
  husk_spec_t *s = spec_of("bad1", "'cpu':{'cpus':'4095'}", "");
  create_fails(s, "bad1", "linux.resources.cpu.cpus: write \"4095\" to",
               "cpuset.cpus: ");
  husk_spec_free(s);
  /* The kernel's minimum CFS quota is 1 ms. */
  s = spec_of("bad2", "'cpu':{'quota':10,'period':100000}", "");
  create_fails(s, "bad2", "linux.resources.cpu.quota: write",
               "Invalid argument");
  husk_spec_free(s);
  s = spec_of("bad3", "'hugepageLimits':[{'pageSize':'64KB','limit':1}]", "");
  create_fails(s, "bad3", "linux.resources.hugepageLimits", NULL);
  husk_spec_free(s);
  if (T.m.layout != HUSK_CG_V2) {
    s = spec_of("bad4", "'memory':{'disableOOMKiller':true,'swappiness':10}",
                "");
    husk_cgroup_t *cg = must_create(s, "bad4");
    assert_file("memory", NULL, husk_cgroup_path(cg), "memory.swappiness",
                "10");
    must_destroy(cg);
    husk_spec_free(s);
  } else {
    s = spec_of("bad4", "'memory':{'swappiness':10}", "");
    create_fails(s, "bad4", "swappiness: not supported on cgroup v2", NULL);
    husk_spec_free(s);
  }
}

static void test_refused_paths(void **state) {
  (void)state;
  NEED_HOST();
  husk_spec_t *s = spec_of("x", "", "");
  free(s->linux_.cgroups_path);
  s->linux_.cgroups_path = strdup("system.slice:husk:x");
  husk_cgroup_t *cg = NULL;
  husk_error_t *err = NULL;
  assert_int_equal(husk_cgroup_create(s, "x", &cg, &err), -1);
  assert_non_null(strstr(err->msg, "systemd"));
  husk_error_free(err);
  husk_spec_free(s);
}

/* An existing cgroup may be reused only while empty. */
static void test_busy_cgroup(void **state) {
  (void)state;
  NEED_HOST();
  husk_spec_t *spec = spec_of("busy", "", "");
  husk_cgroup_t *cg = must_create(spec, "busy");
  child_t c = spawn_waiter();
  husk_error_t *err = NULL;
  assert_int_equal(husk_cgroup_add_pid(cg, c.pid, false, &err), 0);
  husk_cgroup_t *again = NULL;
  assert_int_equal(husk_cgroup_create(spec, "busy", &again, &err), -1);
  assert_non_null(strstr(err->msg, "already has processes"));
  husk_error_free(err);
  err = NULL;
  assert_true(cg_exists_anywhere(husk_cgroup_path(cg)));
  close(c.fd);
  reap(c.pid);
  /* Empty now: reusing it is fine. */
  assert_int_equal(husk_cgroup_create(spec, "busy", &again, &err), 0);
  husk_cgroup_free(again);
  must_destroy(cg);
  husk_spec_free(spec);
}

/* hugetlb where it is bound (cgroup2 only, on this host). */
static void test_hugetlb(void **state) {
  (void)state;
  NEED_HOST();
  if (husk_cg_mounts_find(&T.m, "hugetlb", "hugetlb") < 0 ||
      access("/sys/kernel/mm/hugepages/hugepages-2048kB", F_OK) < 0)
    skip();
  bool v2 = ctl_is_v2("hugetlb", "hugetlb");
  husk_spec_t *s = spec_of(
      "huge", "'hugepageLimits':[{'pageSize':'2MB','limit':4194304}]", "");
  husk_cgroup_t *cg = must_create(s, "huge");
  assert_file("hugetlb", "hugetlb", husk_cgroup_path(cg),
              v2 ? "hugetlb.2MB.max" : "hugetlb.2MB.limit_in_bytes", "4194304");
  must_destroy(cg);
  husk_spec_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lifecycle),
      cmocka_unit_test(test_clone3_load_kill),
      cmocka_unit_test(test_update),
      cmocka_unit_test(test_memory_swap),
      cmocka_unit_test(test_oom),
      cmocka_unit_test(test_missing_controller),
      cmocka_unit_test(test_invalid_values),
      cmocka_unit_test(test_refused_paths),
      cmocka_unit_test(test_busy_cgroup),
      cmocka_unit_test(test_hugetlb),
  };
  return cmocka_run_group_tests(tests, cg_setup, cg_teardown);
}
