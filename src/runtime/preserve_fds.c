#include "runtime/preserve_fds.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

/* A decimal number, nothing else, at most max. */
static int parse_count(const char *s, unsigned long max, unsigned long *out) {
  if (!s || !*s || strlen(s) > 10)
    return -1;
  unsigned long v = 0;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9')
      return -1;
    v = v * 10 + (unsigned long)(*p - '0');
  }
  if (v > max)
    return -1;
  *out = v;
  return 0;
}

/* Set NAME=value in env, replacing an existing NAME. */
static int env_set(husk_strv_t *env, const char *name, const char *value) {
  size_t n = strlen(name);
  char *item;
  if (asprintf(&item, "%s=%s", name, value) < 0)
    return -1;
  for (size_t i = 0; i < env->len; i++)
    if (!strncmp(env->items[i], name, n) && env->items[i][n] == '=') {
      free(env->items[i]);
      env->items[i] = item;
      return 0;
    }
  char **items = realloc(env->items, (env->len + 2) * sizeof *items);
  if (!items) {
    free(item);
    return -1;
  }
  items[env->len++] = item;
  items[env->len] = NULL;
  env->items = items;
  return 0;
}

int husk_listen_fds_take(husk_process_t *proc, unsigned *n,
                         husk_error_t **err) {
  *n = 0;
  const char *fds = getenv("LISTEN_FDS");
  if (!fds)
    return 0;
  unsigned long pid, count;
  /* Meant for another process (sd_listen_fds ignores them too). */
  if (parse_count(getenv("LISTEN_PID"), 0x7fffffff, &pid) < 0 ||
      (pid_t)pid != getpid()) {
    husk_debug("LISTEN_FDS is set for another process: not passed on");
    return 0;
  }
  if (parse_count(fds, 4096, &count) < 0)
    return husk_error_set(err, 0,
                          "LISTEN_FDS: \"%s\" is not a number of fds (at "
                          "most 4096)",
                          fds);
  if (count == 0)
    return 0;
  char text[24];
  snprintf(text, sizeof text, "%lu", count);
  if (env_set(&proc->env, "LISTEN_FDS", text) < 0 ||
      env_set(&proc->env, "LISTEN_PID", "1") < 0)
    return husk_error_errno(err, "LISTEN_FDS");
  *n = (unsigned)count;
  return 0;
}

int husk_preserve_fds_check(unsigned n, unsigned listen_fds,
                            husk_error_t **err) {
  if (n > 65536)
    return husk_error_set(err, 0, "--preserve-fds: %u is too many fds", n);
  for (unsigned i = 0; i < listen_fds + n; i++) {
    int fd = 3 + (int)i;
    if (fcntl(fd, F_GETFD) >= 0)
      continue;
    if (i < listen_fds)
      return husk_error_set(err, EBADF, "LISTEN_FDS: fd %d is not open", fd);
    return husk_error_set(err, EBADF,
                          "--preserve-fds: fd %d (%u of %u) is not open", fd,
                          i - listen_fds + 1, n);
  }
  return 0;
}
