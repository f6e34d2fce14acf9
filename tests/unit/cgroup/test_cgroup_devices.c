/* Device rules: the effective list built from a spec (pure), the rules a
 * created cgroup enforces (v1 devices controller or the v2 program,
 * whichever this host uses), and the eBPF program itself on a cgroup2
 * directory, probed by children that try to open devices. Root only. */
#include "cg_test.h"

#define R HUSK_CG_DEV_READ
#define W HUSK_CG_DEV_WRITE
#define ALL HUSK_CG_DEV_ALL

static void test_rule_list(void **state) {
  (void)state;
  husk_spec_t *s =
      spec_of("r",
              "'devices':[{'allow':true,'type':'c','major':4,'access':'r'},"
              "{'allow':false,'access':'rwm'},"
              "{'allow':true,'type':'c','major':1,'minor':11,'access':'r'},"
              "{'allow':false,'type':'b','access':'w'}]",
              "'devices':[{'path':'/dev/fuse','type':'c','major':10,"
              "'minor':229},{'path':'/dev/p','type':'p'}]");
  husk_cg_dev_rule_t *r = NULL;
  size_t n;
  bool def = true;
  husk_error_t *err = NULL;
  assert_int_equal(husk_cg_device_rules(s, &r, &n, &def, &err), 0);
  /* The deny-all made the default deny and dropped the rule before it. */
  assert_false(def);
  assert_true(n > 4);
  assert_true(r[0].allow && r[0].type == 'c' && r[0].major == 1 &&
              r[0].minor == 11 && r[0].access == R);
  assert_true(!r[1].allow && r[1].type == 'b' && r[1].major == -1 &&
              r[1].minor == -1 && r[1].access == W);
  /* linux.devices entries are allowed; fifos are not devices. */
  assert_true(r[2].allow && r[2].type == 'c' && r[2].major == 10 &&
              r[2].minor == 229 && r[2].access == ALL);
  /* Then the defaults, /dev/null among them, allowed last. */
  bool null = false;
  for (size_t i = 3; i < n; i++) {
    assert_true(r[i].allow);
    null |= r[i].type == 'c' && r[i].major == 1 && r[i].minor == 3;
  }
  assert_true(null);
  free(r);
  husk_spec_free(s);

  s = spec_of("r", "", "");
  assert_int_equal(husk_cg_device_rules(s, &r, &n, &def, &err), 0);
  assert_true(def);
  free(r);
  husk_spec_free(s);
}

/* Fork a child, let `join` put it in a cgroup, then have it open `dev`;
 * returns 0 or the errno of the open. */
typedef void (*join_fn)(pid_t pid, void *arg);

static int probe(const char *dev, int flags, join_fn join, void *arg) {
  int go[2];
  assert_int_equal(pipe2(go, O_CLOEXEC), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    char c;
    close(go[1]);
    if (read(go[0], &c, 1) != 1)
      _exit(255);
    int fd = open(dev, flags | O_CLOEXEC | O_NONBLOCK);
    _exit(fd >= 0 ? 0 : errno);
  }
  close(go[0]);
  join(pid, arg);
  assert_int_equal(write(go[1], "g", 1), 1);
  close(go[1]);
  int status = reap(pid);
  assert_true(WIFEXITED(status));
  return WEXITSTATUS(status);
}

static void join_cg(pid_t pid, void *arg) {
  husk_error_t *err = NULL;
  if (husk_cgroup_add_pid(arg, pid, false, &err) < 0)
    fail_msg("%s", err->msg);
}

static void test_created_cgroup(void **state) {
  (void)state;
  NEED_HOST();
  husk_spec_t *s = spec_of("dev",
                           "'devices':[{'allow':false,'access':'rwm'},"
                           "{'allow':true,'type':'c','major':1,'minor':11,"
                           "'access':'r'}]",
                           "");
  husk_cgroup_t *cg = must_create(s, "dev");
  if (husk_cg_mounts_find(&T.m, "devices", NULL) >= 0) {
    char *f = ctl_file("devices", NULL, husk_cgroup_path(cg), "devices.list");
    FILE *fp = fopen(f, "re");
    assert_non_null(fp);
    char line[128];
    bool kmsg = false, null = false, all = false;
    while (fgets(line, sizeof line, fp)) {
      kmsg |= !strcmp(line, "c 1:11 r\n");
      null |= !strcmp(line, "c 1:3 rwm\n");
      all |= !strncmp(line, "a ", 2);
    }
    fclose(fp);
    free(f);
    assert_true(kmsg && null && !all);
  }
  assert_int_equal(probe("/dev/null", O_RDWR, join_cg, cg), 0);
  assert_int_equal(probe("/dev/kmsg", O_RDONLY, join_cg, cg), 0);
  assert_int_equal(probe("/dev/kmsg", O_WRONLY, join_cg, cg), EPERM);
  assert_int_equal(probe("/dev/loop0", O_RDONLY, join_cg, cg), EPERM);
  must_destroy(cg);
  husk_spec_free(s);
}

/* ---- the eBPF program on a bare cgroup2 directory ---- */

typedef struct {
  char *dir;
  int fd;
} bpf_cg_t;

static bpf_cg_t bpf_cg(const char *name, const husk_cg_dev_rule_t *rules,
                       size_t n, bool def) {
  char *parent = husk_cg_host_dir(&T.m.hier[T.m.unified], T.parent);
  assert_true(mkdir(parent, 0755) == 0 || errno == EEXIST);
  bpf_cg_t c = {xfmt("%s/%s", parent, name), -1};
  free(parent);
  assert_int_equal(mkdir(c.dir, 0755), 0);
  c.fd = open(c.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true(c.fd >= 0);
  husk_error_t *err = NULL;
  if (husk_cg_devices_bpf_attach(c.fd, rules, n, def, &err) < 0)
    fail_msg("%s", err->msg);
  return c;
}

static void join_dir(pid_t pid, void *arg) {
  bpf_cg_t *c = arg;
  char pidtext[16];
  int n = snprintf(pidtext, sizeof pidtext, "%d", (int)pid);
  int fd = openat(c->fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, pidtext, (size_t)n), n);
  close(fd);
}

static void bpf_cg_remove(bpf_cg_t *c) {
  close(c->fd);
  assert_int_equal(rmdir(c->dir), 0);
  free(c->dir);
}

static void test_bpf_default_deny(void **state) {
  (void)state;
  NEED_HOST();
  if (T.m.unified < 0)
    skip();
  const husk_cg_dev_rule_t rules[] = {
      {true, 'c', 1, 3, ALL},    /* /dev/null */
      {true, 'c', 1, 11, R | W}, /* /dev/kmsg rw ... */
      {false, 'c', 1, 11, W},    /* ... but not w: last match wins */
      {true, 'b', 7, -1, R},     /* loop devices, read only */
  };
  bpf_cg_t c = bpf_cg("bpf-deny", rules, 4, false);
  assert_int_equal(probe("/dev/null", O_RDWR, join_dir, &c), 0);
  assert_int_equal(probe("/dev/kmsg", O_RDONLY, join_dir, &c), 0);
  assert_int_equal(probe("/dev/kmsg", O_WRONLY, join_dir, &c), EPERM);
  assert_int_equal(probe("/dev/loop0", O_RDONLY, join_dir, &c), 0);
  assert_int_equal(probe("/dev/loop1", O_WRONLY, join_dir, &c), EPERM);
  assert_int_equal(probe("/dev/full", O_RDONLY, join_dir, &c), EPERM);
  bpf_cg_remove(&c);
}

static void test_bpf_default_allow(void **state) {
  (void)state;
  NEED_HOST();
  if (T.m.unified < 0)
    skip();
  const husk_cg_dev_rule_t rules[] = {
      {false, 'c', 1, 7, ALL}, /* no /dev/full */
      {false, 'a', -1, -1, W}, /* nothing writable ... */
      {true, 'c', 1, 3, W},    /* ... but /dev/null */
  };
  bpf_cg_t c = bpf_cg("bpf-allow", rules, 3, true);
  assert_int_equal(probe("/dev/null", O_RDWR, join_dir, &c), 0);
  assert_int_equal(probe("/dev/zero", O_RDONLY, join_dir, &c), 0);
  assert_int_equal(probe("/dev/zero", O_WRONLY, join_dir, &c), EPERM);
  assert_int_equal(probe("/dev/loop0", O_WRONLY, join_dir, &c), EPERM);
  assert_int_equal(probe("/dev/full", O_RDONLY, join_dir, &c), EPERM);
  bpf_cg_remove(&c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rule_list),
      cmocka_unit_test(test_created_cgroup),
      cmocka_unit_test(test_bpf_default_deny),
      cmocka_unit_test(test_bpf_default_allow),
  };
  return cmocka_run_group_tests(tests, cg_setup, cg_teardown);
}
