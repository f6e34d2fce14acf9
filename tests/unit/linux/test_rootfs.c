/* husk_rootfs_prepare + husk_rootfs_enter for real (root only). A child in
 * new mount, pid and ipc namespaces (nothing reaches the host) becomes pid
 * 1, builds a busybox rootfs from a hand-made spec, enters it and checks
 * the result from inside; it reports through its exit status (and says
 * which check failed on stderr). Variants: pivot_root with a read-only
 * root, --no-pivot, and a user namespace (devices bound, sysfs fallback,
 * locked mount flags). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "linux/rootfs.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define BUSYBOX "/bin/busybox"
#define TMPFS_MAGIC 0x01021994
#define SYSFS_MAGIC 0x62656572
#define DEVPTS_MAGIC 0x1cd1
#define MQUEUE_MAGIC 0x19800202

typedef enum { V_PIVOT, V_NO_PIVOT, V_USERNS } variant_t;

typedef struct {
  char base[64];      /* everything below is inside */
  char rootfs[128];   /* base/rootfs */
  char hostfile[128]; /* a file bind source */
  char hostdev[128];  /* a device node the userns variant binds */
  char locked[128];   /* a nosuid,nodev,noexec tmpfs (in the child) */
} fixture_t;

/* ---- the host side ---- */

static void write_at(int dirfd, const char *path, const char *text) {
  int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
}

static void mkdirs_at(int dirfd, const char *const *dirs) {
  for (; *dirs; dirs++)
    assert_int_equal(mkdirat(dirfd, *dirs, 0755), 0);
}

static void copy_busybox(int rootfd) {
  int in = open(BUSYBOX, O_RDONLY | O_CLOEXEC);
  assert_true(in >= 0);
  int out = openat(rootfd, "bin/busybox",
                   O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
  assert_true(out >= 0);
  struct stat st;
  assert_int_equal(fstat(in, &st), 0);
  for (off_t left = st.st_size; left > 0;) {
    ssize_t n = copy_file_range(in, NULL, out, NULL, left, 0);
    assert_true(n > 0);
    left -= n;
  }
  close(in);
  close(out);
}

static int setup(void **state) {
  if (geteuid() != 0)
    skip();
  if (access(BUSYBOX, X_OK) < 0)
    skip();
  fixture_t *f = calloc(1, sizeof *f);
  assert_non_null(f);
  strcpy(f->base, "/tmp/husk-test-rootfs-XXXXXX");
  assert_non_null(mkdtemp(f->base));
  snprintf(f->rootfs, sizeof f->rootfs, "%s/rootfs", f->base);
  snprintf(f->hostfile, sizeof f->hostfile, "%s/hostfile", f->base);
  snprintf(f->hostdev, sizeof f->hostdev, "%s/hostdev", f->base);
  snprintf(f->locked, sizeof f->locked, "%s/locked", f->base);
  int base = open(f->base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true(base >= 0);
  static const char *const host_dirs[] = {"rootfs", "data", "locked", NULL};
  mkdirs_at(base, host_dirs);
  write_at(base, "data/marker", "hello");
  write_at(base, "hostfile", "host file");
  assert_int_equal(mknodat(base, "hostdev", S_IFCHR | 0666, makedev(1, 7)), 0);
  int root = openat(base, "rootfs", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  assert_true(root >= 0);
  static const char *const dirs[] = {"bin", "etc", "masked_dir", "proc", NULL};
  mkdirs_at(root, dirs);
  copy_busybox(root);
  write_at(root, "etc/hostname", "container\n");
  write_at(root, "masked_dir/secret", "secret");
  /* Mount destinations through these must stay inside the rootfs. */
  assert_int_equal(symlinkat("../../../../../..", root, "escape"), 0);
  assert_int_equal(symlinkat("/etc/hostname", root, "masked_link"), 0);
  close(root);
  close(base);
  *state = f;
  return 0;
}

/* Nothing of the test may show in the host's mount table. */
static void assert_host_untouched(const fixture_t *f) {
  char *buf = NULL;
  size_t len = 0;
  husk_error_t *err = NULL;
  assert_int_equal(husk_read_file_at(AT_FDCWD, "/proc/self/mountinfo", 1 << 20,
                                     &buf, &len, &err),
                   0);
  assert_null(strstr(buf, f->base));
  free(buf);
}

static int teardown(void **state) {
  fixture_t *f = *state;
  assert_host_untouched(f);
  husk_error_t *err = NULL;
  assert_int_equal(husk_remove_tree_at(AT_FDCWD, f->base, &err), 0);
  free(f);
  return 0;
}

/* ---- the spec, by hand ---- */

#define MOUNT(dest, typ, src, fl, dat)                                         \
  {                                                                            \
    .destination = (char *)(dest), .type = (char *)(typ),                      \
    .source = (char *)(src), .flags = (fl), .data = (char *)(dat)              \
  }
#define BIND(dest, src, rec, fl)                                               \
  {                                                                            \
    .destination = (char *)(dest), .source = (char *)(src), .bind = true,      \
    .recursive = (rec), .flags = (fl)                                          \
  }
#define STRV(arr)                                                              \
  { .items = (char **)(arr), .len = sizeof(arr) / sizeof *(arr) }
#define NOSUID_NOEXEC_NODEV (MS_NOSUID | MS_NOEXEC | MS_NODEV)

static husk_mount_t mounts[] = {
    MOUNT("/proc", "proc", "proc", NOSUID_NOEXEC_NODEV, NULL),
    MOUNT("/dev", "tmpfs", "tmpfs", MS_NOSUID | MS_STRICTATIME,
          "mode=755,size=65536k"),
    MOUNT("/dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
          "newinstance,ptmxmode=0666,mode=0620,gid=5"),
    MOUNT("/dev/shm", "tmpfs", "shm", NOSUID_NOEXEC_NODEV,
          "mode=1777,size=65536k"),
    MOUNT("/dev/mqueue", "mqueue", "mqueue", NOSUID_NOEXEC_NODEV, NULL),
    MOUNT("/sys", "sysfs", "sysfs", MS_RDONLY | NOSUID_NOEXEC_NODEV, NULL),
    MOUNT("/sys/fs/cgroup", "cgroup", "cgroup",
          MS_RDONLY | NOSUID_NOEXEC_NODEV | MS_RELATIME, NULL),
    /* relative: from the cwd, the bundle */
    BIND("/data", "data", true, MS_RDONLY),
    BIND("/etc/bound", NULL /* hostfile */, false, 0),
    BIND("/locked", NULL /* locked */, true, MS_RDONLY),
    MOUNT("/escape/mnt", "tmpfs", "tmpfs", 0, "size=1m"),
};
enum { M_DATA = 7, M_HOSTFILE = 8, M_LOCKED = 9 };

static const char *const masked[] = {
    "/proc/kcore", "/proc/keys",   "/proc/timer_list", "/proc/acpi",
    "/masked_dir", "/masked_link", "/proc/not-there",  "/sys/firmware",
};
static const char *const readonly[] = {"/proc/sys", "/proc/sysrq-trigger",
                                       "/proc/irq", "/locked", "/not/there"};

static husk_namespace_t namespaces[] = {{.type = HUSK_NS_MOUNT},
                                        {.type = HUSK_NS_PID}};

static void build_spec(const fixture_t *f, variant_t v, husk_spec_t *s) {
  static husk_device_t devices[3];
  memset(s, 0, sizeof *s);
  mounts[M_DATA].propagation = MS_SHARED;
  mounts[M_HOSTFILE].source = (char *)f->hostfile;
  mounts[M_LOCKED].source = (char *)f->locked;
  s->mounts = mounts;
  s->n_mounts = sizeof mounts / sizeof *mounts;
  s->root.readonly = v != V_NO_PIVOT;
  s->has_linux = true;
  husk_linux_t *l = &s->linux_;
  l->namespaces = namespaces;
  l->n_namespaces = sizeof namespaces / sizeof *namespaces;
  l->masked_paths = (husk_strv_t)STRV(masked);
  l->readonly_paths = (husk_strv_t)STRV(readonly);
  if (v == V_NO_PIVOT) {
    l->rootfs_propagation = (char *)"rslave";
    l->rootfs_propagation_flags = MS_REC | MS_SLAVE;
  } else if (v == V_USERNS) {
    l->rootfs_propagation = (char *)"rshared";
    l->rootfs_propagation_flags = MS_REC | MS_SHARED;
  }
  devices[0] = (husk_device_t){.type = 'p',
                               .path = (char *)"/dev/myfifo",
                               .has_file_mode = true,
                               .file_mode = 0600};
  if (v == V_USERNS) {
    /* Bound from the host's node at the same path. */
    devices[1] = (husk_device_t){
        .type = 'c', .path = (char *)f->hostdev, .major = 1, .minor = 7};
    l->n_devices = 2;
  } else {
    devices[1] = (husk_device_t){.type = 'c',
                                 .path = (char *)"/dev/mydev",
                                 .major = 1,
                                 .minor = 7,
                                 .has_file_mode = true,
                                 .file_mode = 0640,
                                 .has_uid = true,
                                 .uid = 1,
                                 .has_gid = true,
                                 .gid = 2};
    devices[2] = (husk_device_t){
        .type = 'u', .path = (char *)"/dev/sub/nested", .major = 1, .minor = 5};
    l->n_devices = 3;
  }
  l->devices = devices;
}

/* ---- inside the container ---- */

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s (errno: %s)\n", __FILE__,       \
              __LINE__, #cond, strerror(errno));                               \
      _exit(1);                                                                \
    }                                                                          \
  } while (0)

static bool is_chr(const char *path, unsigned maj, unsigned min) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISCHR(st.st_mode) &&
         st.st_rdev == makedev(maj, min);
}

static bool fs_is(const char *path, long magic) {
  struct statfs sf;
  return statfs(path, &sf) == 0 && sf.f_type == magic;
}

static bool has_flags(const char *path, unsigned long want) {
  struct statvfs sv;
  return statvfs(path, &sv) == 0 && (sv.f_flag & want) == want;
}

static bool link_is(const char *path, const char *want) {
  char buf[256];
  ssize_t n = readlink(path, buf, sizeof buf - 1);
  if (n < 0)
    return false;
  buf[n] = '\0';
  return !strcmp(buf, want);
}

static bool content_is(const char *path, const char *want) {
  char *buf = NULL;
  size_t len;
  husk_error_t *err = NULL;
  if (husk_read_file_at(AT_FDCWD, path, 4096, &buf, &len, &err) < 0)
    return false;
  bool same = !strcmp(buf, want);
  free(buf);
  return same;
}

static bool fails_with(int rc, int e) {
  return rc < 0 && errno == e;
}

static int open_rw(const char *path) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd >= 0)
    close(fd);
  return fd < 0 ? -1 : 0;
}

/* The optional fields of the mountinfo line of mount point `mnt`. */
static bool mount_tagged(const char *mnt, const char *tag) {
  FILE *fp = fopen("/proc/self/mountinfo", "re");
  char line[1024], point[512];
  bool found = false;
  while (fp && fgets(line, sizeof line, fp))
    if (sscanf(line, "%*d %*d %*s %*s %511s", point) == 1 &&
        !strcmp(point, mnt)) {
      char *opts = strstr(line, " - ");
      if (opts)
        *opts = '\0';
      found = strstr(line, tag) != NULL; /* the last line for mnt wins */
    }
  if (fp)
    fclose(fp);
  return found;
}

/* Every mount under /sys/fs/cgroup read-only too (a recursive bind). */
static bool cgroup_tree_readonly(void) {
  DIR *d = opendir("/sys/fs/cgroup");
  if (!d)
    return false;
  bool ok = has_flags("/sys/fs/cgroup", ST_RDONLY);
  struct dirent *de;
  char path[512];
  while (ok && (de = readdir(d)))
    if (de->d_name[0] != '.' && de->d_type == DT_DIR) {
      snprintf(path, sizeof path, "/sys/fs/cgroup/%s", de->d_name);
      ok = has_flags(path, ST_RDONLY);
    }
  closedir(d);
  return ok;
}

static bool busybox_runs(void) {
  pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/busybox", "sh", "-c",
          "test -c /dev/null && test -s /data/marker && test ! -e /usr",
          (char *)NULL);
    _exit(127);
  }
  int st;
  if (pid < 0 || waitpid(pid, &st, 0) != pid)
    return false;
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
    fprintf(stderr, "busybox sh: status %#x\n", st);
  return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void check_devices(const fixture_t *f, variant_t v) {
  CHECK(is_chr("/dev/null", 1, 3) && is_chr("/dev/zero", 1, 5));
  CHECK(is_chr("/dev/full", 1, 7) && is_chr("/dev/random", 1, 8));
  CHECK(is_chr("/dev/urandom", 1, 9) && is_chr("/dev/tty", 5, 0));
  struct stat st;
  CHECK(stat("/dev/null", &st) == 0 && (st.st_mode & 07777) == 0666);
  CHECK(stat("/dev/myfifo", &st) == 0 && S_ISFIFO(st.st_mode) &&
        (st.st_mode & 07777) == 0600);
  if (v == V_USERNS) {
    CHECK(is_chr(f->hostdev, 1, 7));
  } else {
    CHECK(is_chr("/dev/mydev", 1, 7));
    CHECK(stat("/dev/mydev", &st) == 0 && (st.st_mode & 07777) == 0640 &&
          st.st_uid == 1 && st.st_gid == 2);
    CHECK(is_chr("/dev/sub/nested", 1, 5));
  }
  CHECK(link_is("/dev/fd", "/proc/self/fd"));
  CHECK(link_is("/dev/stdin", "/proc/self/fd/0"));
  CHECK(link_is("/dev/stdout", "/proc/self/fd/1"));
  CHECK(link_is("/dev/stderr", "/proc/self/fd/2"));
  CHECK(link_is("/dev/ptmx", "pts/ptmx"));
}

static void check_mounts(void) {
  CHECK(fs_is("/dev", TMPFS_MAGIC) && fs_is("/dev/shm", TMPFS_MAGIC));
  CHECK(fs_is("/dev/pts", DEVPTS_MAGIC) && fs_is("/dev/mqueue", MQUEUE_MAGIC));
  CHECK(fs_is("/sys", SYSFS_MAGIC) && has_flags("/sys", ST_RDONLY));
  CHECK(cgroup_tree_readonly());
  /* A file of our new pid namespace, not the host's. */
  CHECK(link_is("/proc/self", "1"));
  CHECK(content_is("/data/marker", "hello"));
  CHECK(fails_with(creat("/data/new", 0644), EROFS));
  CHECK(content_is("/etc/bound", "host file"));
  /* ro from the entry, nosuid/nodev/noexec kept from the source. */
  CHECK(has_flags("/locked", ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC));
  CHECK(content_is("/locked/file", "locked"));
  /* /escape -> ../../..: the tmpfs still landed inside. */
  CHECK(fs_is("/mnt", TMPFS_MAGIC));
}

static void check_paths(void) {
  struct stat st;
  if (lstat("/proc/kcore", &st) == 0)
    CHECK(is_chr("/proc/kcore", 1, 3) && st.st_size == 0);
  CHECK(is_chr("/proc/keys", 1, 3) && is_chr("/proc/timer_list", 1, 3));
  CHECK(content_is("/proc/keys", ""));
  CHECK(fails_with(access("/masked_dir/secret", F_OK), ENOENT));
  CHECK(fails_with(mkdir("/masked_dir/x", 0755), EROFS));
  CHECK(fs_is("/proc/acpi", TMPFS_MAGIC) && has_flags("/proc/acpi", ST_RDONLY));
  CHECK(fs_is("/sys/firmware", TMPFS_MAGIC));
  /* The link itself was masked, not what it points to. */
  CHECK(content_is("/etc/hostname", "container\n"));
  CHECK(fails_with(open_rw("/proc/sys/kernel/hostname"), EROFS));
  CHECK(has_flags("/proc/irq", ST_RDONLY));
}

static void check_root(const fixture_t *f, variant_t v) {
  char cwd[256];
  CHECK(getcwd(cwd, sizeof cwd) && !strcmp(cwd, "/"));
  /* The host's tree is gone. */
  CHECK(fails_with(access(f->rootfs, F_OK), ENOENT));
  CHECK(fails_with(access("/usr", F_OK), ENOENT));
  if (v == V_NO_PIVOT) {
    CHECK(mkdir("/newdir", 0755) == 0 && rmdir("/newdir") == 0);
  } else {
    CHECK(fails_with(mkdir("/newdir", 0755), EROFS));
    int fd = creat("/dev/writable", 0644); /* its own mount: still rw */
    CHECK(fd >= 0 && close(fd) == 0);
  }
  /* The entry's "shared", unless an rslave root overrode it. */
  CHECK(mount_tagged("/data", "shared:") == (v != V_NO_PIVOT));
  if (v == V_USERNS)
    CHECK(mount_tagged("/", "shared:"));
  if (v == V_PIVOT)
    CHECK(!mount_tagged("/", "shared:") && !mount_tagged("/", "master:"));
}

static _Noreturn void container_main(const fixture_t *f, variant_t v) {
  husk_spec_t spec;
  build_spec(f, v, &spec);
  husk_rootfs_ctx_t ctx = {.spec = &spec,
                           .rootfs = f->rootfs,
                           .userns = v == V_USERNS,
                           .no_pivot = v == V_NO_PIVOT};
  husk_error_t *err = NULL;
  if (chdir(f->base) < 0 || husk_rootfs_prepare(&ctx, &err) < 0 ||
      husk_rootfs_enter(&ctx, &err) < 0) {
    fprintf(stderr, "rootfs: %s\n", err ? err->msg : strerror(errno));
    _exit(2);
  }
  check_root(f, v);
  check_devices(f, v);
  check_mounts();
  check_paths();
  CHECK(busybox_runs());
  _exit(0);
}

/* ---- namespaces and processes ---- */

static int wait_status(pid_t pid) {
  int st;
  if (waitpid(pid, &st, 0) != pid)
    return 125;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* A nosuid,nodev,noexec tmpfs as bind source: in a user namespace those
 * flags get locked, and a remount that drops them fails. */
static void mount_locked_source(const fixture_t *f) {
  CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
  CHECK(mount("tmpfs", f->locked, "tmpfs", NOSUID_NOEXEC_NODEV, "size=1m") ==
        0);
  char path[160];
  snprintf(path, sizeof path, "%s/file", f->locked);
  int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  CHECK(fd >= 0 && write(fd, "locked", 6) == 6 && close(fd) == 0);
}

/* Identity maps for the child's new user namespace (we are root). */
static int write_maps(pid_t pid) {
  static const char *const files[] = {"uid_map", "gid_map"};
  for (size_t i = 0; i < 2; i++) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", pid, files[i]);
    husk_error_t *err = NULL;
    if (husk_write_file_at(AT_FDCWD, path, "0 0 4294967295", 14, &err) < 0) {
      fprintf(stderr, "%s\n", err->msg);
      husk_error_free(err);
      return -1;
    }
  }
  return 0;
}

static _Noreturn void child_main(const fixture_t *f, variant_t v, int ready,
                                 int go) {
  alarm(60);
  CHECK(unshare(CLONE_NEWNS) == 0);
  mount_locked_source(f);
  if (v == V_USERNS) {
    char c;
    CHECK(unshare(CLONE_NEWUSER) == 0);
    CHECK(write(ready, "u", 1) == 1 && read(go, &c, 1) == 1);
  }
  CHECK(unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC) == 0);
  pid_t pid = fork();
  if (pid == 0)
    container_main(f, v);
  _exit(wait_status(pid));
}

static int run_variant(const fixture_t *f, variant_t v) {
  int up[2], down[2];
  assert_int_equal(pipe2(up, O_CLOEXEC), 0);
  assert_int_equal(pipe2(down, O_CLOEXEC), 0);
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0)
    child_main(f, v, up[1], down[0]);
  close(up[1]);
  close(down[0]);
  char c;
  if (v == V_USERNS) {
    bool ok = read(up[0], &c, 1) == 1 && write_maps(pid) == 0;
    if (!ok)
      kill(pid, SIGKILL);
    assert_int_equal(write(down[1], "g", 1), 1);
  }
  close(up[0]);
  close(down[1]);
  return wait_status(pid);
}

static void test_pivot(void **state) {
  assert_int_equal(run_variant(*state, V_PIVOT), 0);
}

static void test_no_pivot(void **state) {
  assert_int_equal(run_variant(*state, V_NO_PIVOT), 0);
}

static void test_userns(void **state) {
  assert_int_equal(run_variant(*state, V_USERNS), 0);
}

/* ---- errors: prepare alone, in a throwaway mount namespace ---- */

static void expect_prepare_error(const fixture_t *f, husk_mount_t *m, size_t n,
                                 bool with_mntns, const char *want) {
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    alarm(30);
    CHECK(unshare(CLONE_NEWNS) == 0 && chdir(f->base) == 0);
    husk_spec_t spec;
    memset(&spec, 0, sizeof spec);
    spec.mounts = m;
    spec.n_mounts = n;
    spec.linux_.namespaces = namespaces;
    spec.linux_.n_namespaces = with_mntns ? 1 : 0;
    husk_rootfs_ctx_t ctx = {.spec = &spec, .rootfs = f->rootfs};
    husk_error_t *err = NULL;
    CHECK(husk_rootfs_prepare(&ctx, &err) == -1 && err);
    if (strcmp(err->msg, want)) {
      fprintf(stderr, "got \"%s\"\nwant \"%s\"\n", err->msg, want);
      _exit(1);
    }
    _exit(0);
  }
  assert_int_equal(wait_status(pid), 0);
}

static void test_errors(void **state) {
  const fixture_t *f = *state;
  husk_mount_t missing[] = {BIND("/x", "no-such-source", false, 0)};
  expect_prepare_error(
      f, missing, 1, true,
      "mount no-such-source (bind) at /x: No such file or directory");
  husk_mount_t under_file[] = {
      MOUNT("/etc/hostname/sub", "tmpfs", "tmpfs", 0, NULL)};
  expect_prepare_error(f, under_file, 1, true,
                       "mount tmpfs (tmpfs) at /etc/hostname/sub: create "
                       "/etc/hostname/sub: Not a directory");
  husk_mount_t bad_type[] = {MOUNT("/bad", "no-such-fs", "src", 0, NULL)};
  expect_prepare_error(f, bad_type, 1, true,
                       "mount src (no-such-fs) at /bad: No such device");
  expect_prepare_error(f, NULL, 0, false,
                       "config.json: linux.namespaces: setting up the rootfs "
                       "needs a mount namespace");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_pivot, setup, teardown),
      cmocka_unit_test_setup_teardown(test_no_pivot, setup, teardown),
      cmocka_unit_test_setup_teardown(test_userns, setup, teardown),
      cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
