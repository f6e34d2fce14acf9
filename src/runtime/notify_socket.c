#include "runtime/notify_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "linux/fdpass.h"
#include "util/cleanup.h"
#include "util/log.h"

#define IN_CONTAINER HUSK_NOTIFY_MOUNT "/" HUSK_NOTIFY_SOCK
/* How long to wait for the caller to take our messages (runc's bound). */
#define BARRIER_TIMEOUT_MS 30000

static const char *host_socket(void) {
  const char *s = getenv("NOTIFY_SOCKET");
  return s && *s ? s : NULL;
}

static int strv_push(husk_strv_t *v, const char *s) {
  char *copy = strdup(s);
  char **items = copy ? realloc(v->items, (v->len + 2) * sizeof *items) : NULL;
  if (!items) {
    free(copy);
    return -1;
  }
  items[v->len++] = copy;
  items[v->len] = NULL;
  v->items = items;
  return 0;
}

/* NOTIFY_SOCKET=<ours>, replacing one the config may set. */
static int set_env(husk_strv_t *env) {
#define KEY "NOTIFY_SOCKET="
  for (size_t i = 0; i < env->len; i++)
    if (!strncmp(env->items[i], KEY, sizeof KEY - 1)) {
      char *item = strdup(KEY IN_CONTAINER);
      if (!item)
        return -1;
      free(env->items[i]);
      env->items[i] = item;
      return 0;
    }
  return strv_push(env, KEY IN_CONTAINER);
#undef KEY
}

static int add_mount(husk_spec_t *spec, const char *source) {
  husk_mount_t *m =
      realloc(spec->mounts, (spec->n_mounts + 1) * sizeof *spec->mounts);
  if (!m)
    return -1;
  spec->mounts = m;
  m = &spec->mounts[spec->n_mounts];
  memset(m, 0, sizeof *m);
  m->destination = strdup(HUSK_NOTIFY_MOUNT);
  m->type = strdup("bind");
  m->source = strdup(source);
  spec->n_mounts++; /* from here on freed with the spec */
  static const char *const opts[] = {"bind", "nosuid", "noexec", "nodev", "ro"};
  for (size_t i = 0; i < sizeof opts / sizeof *opts; i++)
    if (strv_push(&m->options, opts[i]) < 0)
      return -1;
  m->bind = true;
  m->flags = MS_BIND | MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY;
  return m->destination && m->type && m->source ? 0 : -1;
}

int husk_notify_prepare(int dirfd, husk_spec_t *spec, husk_error_t **err) {
  if (!host_socket())
    return 0;
  char self[64], dir[PATH_MAX];
  snprintf(self, sizeof self, "/proc/self/fd/%d", dirfd);
  ssize_t n = readlink(self, dir, sizeof dir - sizeof "/" HUSK_NOTIFY_DIR);
  if (n < 0)
    return husk_error_errno(err, "NOTIFY_SOCKET: state directory");
  dir[n] = '\0';
  strcat(dir, "/" HUSK_NOTIFY_DIR);
  if (mkdirat(dirfd, HUSK_NOTIFY_DIR, 0755) < 0 && errno != EEXIST)
    return husk_error_errno(err, "NOTIFY_SOCKET: mkdir %s", dir);
  if (add_mount(spec, dir) < 0 || set_env(&spec->process.env) < 0)
    return husk_error_errno(err, "NOTIFY_SOCKET");
  return 0;
}

int husk_notify_listen(int dirfd, int *sock, husk_error_t **err) {
  *sock = -1;
  if (!host_socket())
    return 0;
  _cleanup_close_ int dir =
      openat(dirfd, HUSK_NOTIFY_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) {
    /* Created without NOTIFY_SOCKET: the container has no socket. */
    husk_debug("start: NOTIFY_SOCKET is set but the container was created "
               "without it");
    return 0;
  }
  /* Through the fd, so that a long state path still fits sun_path. */
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", dir,
           HUSK_NOTIFY_SOCK);
  _cleanup_close_ int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    return husk_error_errno(err, "NOTIFY_SOCKET: socket");
  unlinkat(dir, HUSK_NOTIFY_SOCK, 0); /* from an earlier, failed start */
  if (bind(s, (struct sockaddr *)&addr, sizeof addr) < 0)
    return husk_error_errno(err, "NOTIFY_SOCKET: bind %s in the state dir",
                            HUSK_NOTIFY_DIR "/" HUSK_NOTIFY_SOCK);
  /* Any user of the container may notify, as with systemd's socket. */
  if (fchmodat(dir, HUSK_NOTIFY_SOCK, 0777, 0) < 0)
    return husk_error_errno(err, "NOTIFY_SOCKET: chmod %s",
                            HUSK_NOTIFY_DIR "/" HUSK_NOTIFY_SOCK);
  *sock = husk_steal_fd(&s);
  return 0;
}

/* Wait for a datagram with a READY= line; *line gets it (malloc'd), NULL
 * when the init exited first. */
static int wait_ready(int sock, int pidfd, char **line, husk_error_t **err) {
  *line = NULL;
  struct pollfd p[2] = {{.fd = sock, .events = POLLIN},
                        {.fd = pidfd, .events = POLLIN}};
  char buf[4096 + 1];
  for (;;) {
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      return husk_error_errno(err, "NOTIFY_SOCKET: poll");
    }
    if (p[0].revents & POLLIN) {
      ssize_t n = recv(sock, buf, sizeof buf - 1, MSG_DONTWAIT);
      if (n < 0 && errno != EAGAIN && errno != EINTR)
        return husk_error_errno(err, "NOTIFY_SOCKET: receive");
      buf[n > 0 ? n : 0] = '\0';
      for (char *l = buf, *end; n > 0 && *l; l = end + (*end != '\0')) {
        end = strchrnul(l, '\n');
        if (!strncmp(l, "READY=", 6)) {
          *line = strndup(l, (size_t)(end - l));
          return *line ? 0 : husk_error_errno(err, "NOTIFY_SOCKET");
        }
      }
      continue;
    }
    if (p[1].revents)
      return 0;
  }
}

static int connect_host(const char *path, husk_error_t **err) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  size_t len = strlen(path);
  if (len >= sizeof addr.sun_path)
    return husk_error_set(err, ENAMETOOLONG, "NOTIFY_SOCKET %s", path);
  memcpy(addr.sun_path, path, len);
  if (path[0] == '@') /* systemd's notation for an abstract socket */
    addr.sun_path[0] = '\0';
  socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
                               (path[0] == '@' ? 0 : 1));
  _cleanup_close_ int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0 || connect(s, (struct sockaddr *)&addr, alen) < 0)
    return husk_error_errno(err, "NOTIFY_SOCKET %s: connect", path);
  return husk_steal_fd(&s);
}

static int send_text(int s, const char *path, const char *text,
                     husk_error_t **err) {
  if (send(s, text, strlen(text), MSG_NOSIGNAL) < 0)
    return husk_error_errno(err, "NOTIFY_SOCKET %s: send", path);
  return 0;
}

/* sd_notify_barrier: the caller closes the fd once it has read all that
 * came before it. Not waited for forever: an old caller may not know. */
static int barrier(int s, const char *path, husk_error_t **err) {
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) < 0)
    return husk_error_errno(err, "NOTIFY_SOCKET: pipe");
  _cleanup_close_ int r = pipefd[0];
  int rc = husk_send_fd(s, pipefd[1], "BARRIER=1");
  close(pipefd[1]);
  if (rc < 0)
    return husk_error_errno(err, "NOTIFY_SOCKET %s: send BARRIER=1", path);
  struct pollfd p = {.fd = r, .events = POLLIN};
  int n;
  while ((n = poll(&p, 1, BARRIER_TIMEOUT_MS)) < 0 && errno == EINTR)
    ;
  if (n == 0)
    husk_warn("NOTIFY_SOCKET %s: no answer to BARRIER=1 in %d s; going on",
              path, BARRIER_TIMEOUT_MS / 1000);
  return 0;
}

int husk_notify_relay(int sock, int pidfd, pid_t pid, husk_error_t **err) {
  const char *path = host_socket();
  _cleanup_free_ char *ready = NULL;
  if (!path || wait_ready(sock, pidfd, &ready, err) < 0)
    return path ? -1 : 0;
  if (!ready) {
    husk_debug("start: the container exited before READY");
    return 0;
  }
  _cleanup_close_ int s = connect_host(path, err);
  if (s < 0)
    return -1;
  char mainpid[32];
  snprintf(mainpid, sizeof mainpid, "MAINPID=%d\n", (int)pid);
  size_t len = strlen(ready);
  _cleanup_free_ char *msg = malloc(len + 2);
  if (!msg)
    return husk_error_errno(err, "NOTIFY_SOCKET");
  memcpy(msg, ready, len);
  memcpy(msg + len, "\n", 2);
  if (send_text(s, path, msg, err) < 0 || send_text(s, path, mainpid, err) < 0)
    return -1;
  return barrier(s, path, err);
}
