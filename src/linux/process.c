#include "linux/process.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/caps.h"
#include "linux/lsm.h"
#include "linux/rlimits.h"
#include "linux/scheduling.h"
#include "linux/seccomp_filter.h"
#include "util/cleanup.h"
#include "util/fs.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE (1U << 1)
#endif

int husk_process_set_user(const husk_process_t *proc, husk_error_t **err) {
  const husk_user_t *u = &proc->user;
  if (setgroups(u->n_additional_gids, u->additional_gids) < 0 &&
      !(errno == EPERM && u->n_additional_gids == 0))
    return husk_error_errno(err, "config.json: process.user.additionalGids");
  if (setresgid(u->gid, u->gid, u->gid) < 0)
    return husk_error_errno(err, "config.json: process.user.gid: setgid %u",
                            u->gid);
  if (setresuid(u->uid, u->uid, u->uid) < 0)
    return husk_error_errno(err, "config.json: process.user.uid: setuid %u",
                            u->uid);
  return 0;
}

int husk_process_enter_cwd(const husk_process_t *proc, bool make,
                           husk_error_t **err) {
  const char *cwd = proc->cwd && proc->cwd[0] ? proc->cwd : "/";
  if (chdir(cwd) == 0)
    return 0;
  if (errno != ENOENT || !make)
    return husk_error_errno(err, "config.json: process.cwd: %s", cwd);
  if (husk_mkdir_p(cwd, 0755, err) < 0 || chdir(cwd) < 0)
    return husk_error_errno(err, "config.json: process.cwd: %s", cwd);
  return 0;
}

static const char *env_lookup(const husk_strv_t *env, const char *name) {
  size_t n = strlen(name);
  for (size_t i = env->len; i-- > 0;)
    if (strncmp(env->items[i], name, n) == 0 && env->items[i][n] == '=')
      return env->items[i] + n + 1;
  return NULL;
}

/* A regular file the caller may execute; st is its stat. */
static bool executable(const char *path, const struct stat *st) {
  return S_ISREG(st->st_mode) && access(path, X_OK) == 0;
}

static bool is_executable(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && executable(path, &st);
}

int husk_process_find_executable(const husk_process_t *proc, char **path,
                                 husk_error_t **err) {
  const char *name = proc->args.items[0];
  if (strchr(name, '/')) {
    struct stat st;
    if (stat(name, &st) < 0)
      return husk_error_set(err, errno, "exec: \"%s\"", name);
    if (!executable(name, &st))
      return husk_error_set(err, S_ISDIR(st.st_mode) ? EISDIR : EACCES,
                            "exec: \"%s\": not an executable file", name);
    return (*path = strdup(name)) ? 0 : husk_error_errno(err, "exec");
  }
  const char *search = env_lookup(&proc->env, "PATH");
  if (!search)
    search = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  _cleanup_free_ char *dirs = strdup(search);
  if (!dirs)
    return husk_error_errno(err, "exec");
  char *save = NULL;
  for (char *d = strtok_r(dirs, ":", &save); d;
       d = strtok_r(NULL, ":", &save)) {
    char candidate[PATH_MAX];
    if (snprintf(candidate, sizeof candidate, "%s/%s", d[0] ? d : ".", name) >=
        (int)sizeof candidate)
      continue;
    if (is_executable(candidate))
      return (*path = strdup(candidate)) ? 0 : husk_error_errno(err, "exec");
  }
  return husk_error_set(
      err, 0, "exec: \"%s\": executable file not found in $PATH", name);
}

/* Without no_new_privs, loading a filter takes CAP_SYS_ADMIN, which the
 * user change and the capabilities may take away: load it now (as runc),
 * so the profile must also allow what follows up to execve. */
static int seccomp_load_privileged(const husk_process_t *p,
                                   husk_seccomp_filter_t *seccomp,
                                   husk_error_t **err) {
  if (!seccomp || p->no_new_privileges || seccomp->loaded)
    return 0;
  return husk_seccomp_load(seccomp, err);
}

int husk_process_prepare(const husk_process_t *p, int procfd, bool make_cwd,
                         husk_seccomp_filter_t *seccomp, char **exe,
                         husk_error_t **err) {
  if (husk_sched_apply(p, procfd, err) < 0 || husk_rlimits_apply(p, err) < 0)
    return -1;
  umask(p->user.has_umask ? p->user.umask : 022);
  /* cwd is made as root, before the uid change, as other runtimes do. */
  /* The LSM labels are written while still privileged, as runc does; they
   * take effect at execve. */
  if (husk_process_enter_cwd(p, make_cwd, err) < 0 ||
      husk_lsm_apply_exec(p, procfd, err) < 0 ||
      husk_caps_prepare(&p->capabilities, procfd, err) < 0 ||
      seccomp_load_privileged(p, seccomp, err) < 0 ||
      husk_process_set_user(p, err) < 0 ||
      husk_caps_apply(&p->capabilities, procfd, err) < 0 ||
      husk_process_find_executable(p, exe, err) < 0)
    return -1;
  if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return husk_error_errno(err, "config.json: process.noNewPrivileges");
  /* A listener must reach the runtime, which waits only until READY. */
  if (seccomp && seccomp->notify && !seccomp->loaded &&
      husk_seccomp_load(seccomp, err) < 0)
    return -1;
  return 0;
}

void husk_process_close_inherited(int procfd, unsigned preserve_fds) {
  int dfd = openat(procfd, "self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
  if (!d) {
    if (dfd >= 0)
      close(dfd);
    return;
  }
  struct dirent *de;
  while ((de = readdir(d))) {
    int fd = atoi(de->d_name);
    if (fd >= 3 + (int)preserve_fds && fd != dirfd(d) &&
        !(fcntl(fd, F_GETFD) & FD_CLOEXEC))
      close(fd);
  }
  closedir(d);
}

int husk_process_exec(const husk_process_t *proc, const char *path,
                      unsigned preserve_fds, husk_seccomp_filter_t *seccomp,
                      husk_error_t **err) {
  /* Nothing of the runtime may leak into the container. Closed at execve
   * itself, so whoever waits on one of them (start, on the exec fifo) sees
   * the end only once the program runs. */
  if (syscall(SYS_close_range, 3 + preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    for (int fd = 3 + preserve_fds; fd < 1024; fd++)
      close(fd);
  /* The passed fds stay open whatever their flag (as runc's dup2 does). */
  for (unsigned i = 0; i < preserve_fds; i++)
    fcntl(3 + (int)i, F_SETFD, 0);
  char **argv = calloc(proc->args.len + 1, sizeof *argv);
  char **envp = calloc(proc->env.len + 1, sizeof *envp);
  if (!argv || !envp)
    return husk_error_errno(err, "exec %s", path);
  memcpy(argv, proc->args.items, proc->args.len * sizeof *argv);
  if (proc->env.len)
    memcpy(envp, proc->env.items, proc->env.len * sizeof *envp);
  /* Last, so that the profile only has to allow execve itself. */
  if (seccomp && !seccomp->loaded && husk_seccomp_load(seccomp, err) < 0)
    return -1;
  execve(path, argv, envp);
  return husk_error_errno(err, "exec %s", path);
}
