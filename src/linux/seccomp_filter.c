/* linux.seccomp with libseccomp: the rules are added to a libseccomp
 * context once, in the runtime, and exported as BPF; the container's
 * process only hands the program to seccomp(2), with the flags we choose
 * (libseccomp's own loader would also set no_new_privs). */
#include "linux/seccomp_filter.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config.h"
#include "linux/seccomp_cache.h"
#include "linux/seccomp_rules.h"
#include "linux/sync.h"
#include "runtime/features.h"
#include "util/cleanup.h"
#include "util/log.h"

#define KEY "config.json: linux.seccomp"
/* The data of SECCOMP_RET_ERRNO/TRACE is 16 bits. */
#define MAX_RET_DATA 0xffff
/* The kernel's limit on one filter (BPF_MAXINSNS). */
#define MAX_INSNS 4096

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static void release_ctx(scmp_filter_ctx *ctx) {
  if (*ctx)
    seccomp_release(*ctx);
}

/* errnoRet (key names it) only goes with ERRNO and TRACE, and must fit. */
static int check_errno_ret(husk_seccomp_action_t a, bool has, uint32_t value,
                           const char *key, husk_error_t **err) {
  if (!has)
    return 0;
  if (!husk_seccomp_action_takes_errno(a))
    return husk_error_set(err, 0,
                          "%s: only valid with SCMP_ACT_ERRNO or "
                          "SCMP_ACT_TRACE, not %s",
                          key, husk_seccomp_action_names[a]);
  if (value > MAX_RET_DATA)
    return husk_error_set(err, 0, "%s: %u is out of range (0-%d)", key, value,
                          MAX_RET_DATA);
  return 0;
}

static int check_architectures(const husk_seccomp_t *s, husk_error_t **err) {
  for (size_t i = 0; i < s->architectures.len; i++)
    if (!husk_seccomp_arch_token(s->architectures.items[i]))
      return husk_error_set(err, 0,
                            KEY ".architectures[%zu]: %s is not known to "
                                "libseccomp %s",
                            i, s->architectures.items[i],
                            HUSK_LIBSECCOMP_VERSION);
  return 0;
}

static int add_architectures(scmp_filter_ctx ctx, const husk_seccomp_t *s,
                             husk_error_t **err) {
  for (size_t i = 0; i < s->architectures.len; i++) {
    const char *name = s->architectures.items[i];
    /* The native one is there from seccomp_init. */
    int rc = seccomp_arch_add(ctx, husk_seccomp_arch_token(name));
    if (rc < 0 && rc != -EEXIST)
      return husk_error_set(err, -rc, KEY ".architectures[%zu]: %s", i, name);
  }
  return 0;
}

static int set_flags(const husk_seccomp_t *s, husk_seccomp_filter_t *f,
                     husk_error_t **err) {
  for (size_t i = 0; i < s->flags.len; i++) {
    const char *name = s->flags.items[i];
    unsigned long bit = husk_seccomp_flag_bit(name);
    if (!bit || !husk_seccomp_flag_supported(name))
      return husk_error_set(err, 0,
                            KEY ".flags[%zu]: %s is not supported by this "
                                "kernel or libseccomp %s",
                            i, name, HUSK_LIBSECCOMP_VERSION);
    f->flags |= bit;
  }
  return 0;
}

/* One rule for one syscall number: the comparisons ANDed, or (with an
 * argument named twice) one rule per comparison, as runc does. */
static int add_one(scmp_filter_ctx ctx, uint32_t action, int nr,
                   const struct scmp_arg_cmp *cmps, size_t n, bool split) {
  if (!split || n <= 1)
    return seccomp_rule_add_array(ctx, action, nr, (unsigned)n, cmps);
  for (size_t k = 0; k < n; k++) {
    int rc = seccomp_rule_add_array(ctx, action, nr, 1, &cmps[k]);
    if (rc < 0)
      return rc;
  }
  return 0;
}

/* What can be checked without building anything. */
static int check_rules(const husk_seccomp_t *s, husk_error_t **err) {
  for (size_t i = 0; i < s->n_syscalls; i++) {
    const husk_seccomp_rule_t *r = &s->syscalls[i];
    char key[96];
    snprintf(key, sizeof key, KEY ".syscalls[%zu].errnoRet", i);
    if (check_errno_ret(r->action, r->has_errno_ret, r->errno_ret, key, err) <
        0)
      return -1;
    if (r->n_args > 6 && !husk_seccomp_args_repeat_index(r->args, r->n_args))
      return husk_error_set(err, 0, KEY ".syscalls[%zu].args: more than 6", i);
  }
  return 0;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t default_action,
                    const husk_seccomp_rule_t *r, size_t i,
                    husk_error_t **err) {
  uint32_t action =
      husk_seccomp_action_value(r->action, r->has_errno_ret, r->errno_ret);
  /* libseccomp refuses a rule that says what the default already does. */
  if (action == default_action) {
    husk_debug(KEY ".syscalls[%zu]: same action as the default, skipped", i);
    return 0;
  }
  bool split = husk_seccomp_args_repeat_index(r->args, r->n_args);
  _cleanup_free_ struct scmp_arg_cmp *cmps =
      r->n_args ? calloc(r->n_args, sizeof *cmps) : NULL;
  if (r->n_args && !cmps)
    return husk_error_errno(err, KEY ".syscalls[%zu]", i);
  for (size_t k = 0; k < r->n_args; k++)
    cmps[k] = husk_seccomp_arg_cmp(&r->args[k]);
  for (size_t j = 0; j < r->names.len; j++) {
    const char *name = r->names.items[j];
    int nr = seccomp_syscall_resolve_name(name);
    if (nr == __NR_SCMP_ERROR) {
      /* Profiles list syscalls newer than this libseccomp: not an error. */
      husk_debug(KEY ".syscalls[%zu].names[%zu]: unknown syscall \"%s\", "
                     "skipped",
                 i, j, name);
      continue;
    }
    int rc = add_one(ctx, action, nr, cmps, r->n_args, split);
    if (rc < 0)
      return husk_error_set(err, -rc, KEY ".syscalls[%zu].names[%zu]: %s", i, j,
                            name);
  }
  return 0;
}

static int check_notify(const husk_seccomp_t *s, husk_seccomp_filter_t *f,
                        husk_error_t **err) {
  for (size_t i = 0; i < s->n_syscalls; i++) {
    const husk_seccomp_rule_t *r = &s->syscalls[i];
    if (r->action != HUSK_SECCOMP_NOTIFY)
      continue;
    f->notify = true;
    /* The listener goes to the runtime with sendmsg: stopping that for
     * an agent that has not got the listener yet would hang. */
    for (size_t j = 0; j < r->names.len; j++)
      if (!strcmp(r->names.items[j], "sendmsg"))
        return husk_error_set(err, 0,
                              KEY ".syscalls[%zu]: SCMP_ACT_NOTIFY cannot "
                                  "apply to sendmsg, which hands the "
                                  "listener over",
                              i);
  }
  if (f->notify && seccomp_api_get() < 5)
    return husk_error_set(err, 0,
                          KEY ".syscalls: SCMP_ACT_NOTIFY needs libseccomp "
                              "API level 5 (have %u)",
                          seccomp_api_get());
  return 0;
}

/* The program as BPF, read back from a memfd (libseccomp 2.5 exports to an
 * fd only). */
static int export_bpf(scmp_filter_ctx ctx, husk_seccomp_filter_t *f,
                      husk_error_t **err) {
  _cleanup_close_ int fd = memfd_create("husk-seccomp", MFD_CLOEXEC);
  if (fd < 0)
    return husk_error_errno(err, KEY ": memfd");
  int rc = seccomp_export_bpf(ctx, fd);
  if (rc < 0)
    return husk_error_set(err, -rc, KEY ": export the filter");
  struct stat st;
  if (fstat(fd, &st) < 0)
    return husk_error_errno(err, KEY ": export the filter");
  size_t n = (size_t)st.st_size / sizeof(struct sock_filter);
  if (n == 0 || n > MAX_INSNS)
    return husk_error_set(err, 0,
                          KEY ": the filter has %zu instructions, the kernel "
                              "takes at most %d",
                          n, MAX_INSNS);
  f->prog.filter = malloc(n * sizeof(struct sock_filter));
  if (!f->prog.filter)
    return husk_error_errno(err, KEY);
  if (pread(fd, f->prog.filter, n * sizeof(struct sock_filter), 0) !=
      (ssize_t)(n * sizeof(struct sock_filter)))
    return husk_error_errno(err, KEY ": read the filter back");
  f->prog.len = (unsigned short)n;
  return 0;
}

/* Everything that can be refused, before any libseccomp work. */
static int check(const husk_seccomp_t *s, husk_seccomp_filter_t *f,
                 husk_error_t **err) {
  if (s->default_action == HUSK_SECCOMP_NOTIFY)
    return husk_error_set(err, 0,
                          KEY ".defaultAction: SCMP_ACT_NOTIFY cannot be the "
                              "default action");
  if (check_errno_ret(s->default_action, s->has_default_errno_ret,
                      s->default_errno_ret, KEY ".defaultErrnoRet", err) < 0 ||
      set_flags(s, f, err) < 0 || check_notify(s, f, err) < 0 ||
      check_architectures(s, err) < 0 || check_rules(s, err) < 0)
    return -1;
  return 0;
}

static int build(const husk_seccomp_t *s, husk_seccomp_filter_t *f,
                 husk_error_t **err) {
  uint32_t def = husk_seccomp_action_value(
      s->default_action, s->has_default_errno_ret, s->default_errno_ret);
  __attribute__((cleanup(release_ctx))) scmp_filter_ctx ctx = seccomp_init(def);
  if (!ctx)
    return husk_error_set(err, 0,
                          KEY ".defaultAction: %s refused by libseccomp",
                          husk_seccomp_action_names[s->default_action]);
  /* No SCMP_FLTATR_CTL_OPTIMIZE binary tree: it doubles the compile time
   * of a long allow-list, and kernels since 5.11 skip the filter anyway
   * for syscalls it always allows (the seccomp action cache). */
  if (add_architectures(ctx, s, err) < 0)
    return -1;
  for (size_t i = 0; i < s->n_syscalls; i++)
    if (add_rule(ctx, def, &s->syscalls[i], i, err) < 0)
      return -1;
  return export_bpf(ctx, f, err);
}

/* build, through the cache of compiled programs when there is one. */
static int build_cached(const husk_seccomp_t *s, husk_seccomp_filter_t *f,
                        husk_error_t **err) {
  const char *dir = husk_seccomp_cache_dir();
  husk_seccomp_key_t key = {0};
  if (!dir || husk_seccomp_key(s, &key) < 0)
    return build(s, f, err);
  int rc = 0;
  if (husk_seccomp_cache_get(dir, &key, &f->prog)) {
    husk_debug("linux.seccomp: program from the cache in %s", dir);
  } else if ((rc = build(s, f, err)) == 0) {
    husk_seccomp_cache_put(dir, &key, &f->prog);
  }
  husk_seccomp_key_free(&key);
  return rc;
}

int husk_seccomp_compile(const husk_seccomp_t *s, husk_seccomp_filter_t **out,
                         husk_error_t **err) {
  *out = NULL;
  if (!s->present)
    return 0;
  husk_seccomp_filter_t *f = calloc(1, sizeof *f);
  if (!f)
    return husk_error_errno(err, KEY);
  f->report_fd = -1;
  if (check(s, f, err) < 0 || build_cached(s, f, err) < 0) {
    husk_seccomp_filter_free(f);
    return -1;
  }
  husk_debug("linux.seccomp: %u BPF instructions", f->prog.len);
  *out = f;
  return 0;
}

void husk_seccomp_filter_free(husk_seccomp_filter_t *f) {
  if (!f)
    return;
  free(f->prog.filter);
  free(f);
}

int husk_seccomp_load(husk_seccomp_filter_t *f, husk_error_t **err) {
  unsigned long flags = f->flags;
  if (f->notify) {
    flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    /* TSYNC reports a failure as a thread id, which would clash with the
     * listener fd; ESRCH makes it an errno instead. */
    if (flags & SECCOMP_FILTER_FLAG_TSYNC)
      flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
  } else {
    /* Only meaningful for a listener; the kernel refuses it alone. */
    flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
  }
  long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &f->prog);
  if (rc < 0) {
    if (errno == EACCES)
      return husk_error_errno(err, KEY ": load the filter (without "
                                       "process.noNewPrivileges that needs "
                                       "CAP_SYS_ADMIN)");
    return husk_error_errno(err, KEY ": load the filter");
  }
  f->loaded = true;
  if (!f->notify)
    return 0;
  int listener = (int)rc;
  int r =
      f->report_fd >= 0
          ? husk_sync_send_fd(f->report_fd, HUSK_SYNC_SECCOMP, listener, err)
          : husk_error_set(err, 0, KEY ": no channel for the listener");
  close(listener);
  return r;
}
