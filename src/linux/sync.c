/* Parent/child protocol. Every message is one datagram:
 *
 * clang-format off
 *   type    direction        payload               meaning
 *   SETUP   parent -> child  -                     maps written (exec:
 *                                                  cgroup joined too): go on
 *   CGROUP_DONE parent -> child -                  create: the init is in
 *                                                  all its cgroups. Sent
 *                                                  after SETUP: the v1
 *                                                  cgroup.procs writes (an
 *                                                  RCU grace period) overlap
 *                                                  the init's mounts; it
 *                                                  waits for this only before
 *                                                  its cgroup namespace and
 *                                                  cgroup mounts
 *   HOOKS   child -> parent  -                     namespaces made, before
 *                                                  pivot: run the runtime's
 *                                                  create hooks, answer SETUP
 *   READY   child -> parent  -                     set up, waiting for start
 *   ERROR   child -> parent  errno, message text   setup failed; child exits
 *   SECCOMP child -> parent  - (fd: listener)      filter loaded with
 *                                                  SCMP_ACT_NOTIFY rules: send
 *                                                  the fd to listenerPath's
 *                                                  agent; comes before READY
 * clang-format on
 *
 * SEQPACKET keeps message boundaries, and EOF tells the parent that the child
 * died without reporting. Every wait is bounded. */
#include "linux/sync.h"

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  uint32_t type;
  int32_t errno_value;
  char text[4000];
} sync_msg_t;

/* One datagram, with passfd (if >= 0) attached as SCM_RIGHTS. */
static int send_msg(int fd, const sync_msg_t *m, size_t len, int passfd) {
  struct iovec iov = {.iov_base = (void *)m, .iov_len = len};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } ctl;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
  if (passfd >= 0) {
    msg.msg_control = ctl.buf;
    msg.msg_controllen = sizeof ctl.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &passfd, sizeof(int));
  }
  for (;;) {
    ssize_t n = sendmsg(fd, &msg, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    return n < 0 ? -1 : 0;
  }
}

int husk_sync_send_fd(int fd, husk_sync_type_t type, int passfd,
                      husk_error_t **err) {
  sync_msg_t m = {.type = type};
  if (send_msg(fd, &m, offsetof(sync_msg_t, text), passfd) < 0)
    return husk_error_errno(err, "sync: send");
  return 0;
}

int husk_sync_send(int fd, husk_sync_type_t type, husk_error_t **err) {
  return husk_sync_send_fd(fd, type, -1, err);
}

/* recv that also takes an attached fd (else *passfd = -1). */
static ssize_t recv_msg(int fd, sync_msg_t *m, int *passfd) {
  struct iovec iov = {.iov_base = m, .iov_len = sizeof *m};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } ctl;
  struct msghdr msg = {.msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = ctl.buf,
                       .msg_controllen = sizeof ctl.buf};
  *passfd = -1;
  ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  struct cmsghdr *c = n >= 0 ? CMSG_FIRSTHDR(&msg) : NULL;
  if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
    memcpy(passfd, CMSG_DATA(c), sizeof(int));
  return n;
}

void husk_sync_send_error(int fd, const husk_error_t *failure) {
  sync_msg_t m = {.type = HUSK_SYNC_ERROR};
  /* The text already carries strerror; errno is kept for callers. */
  m.errno_value = failure ? failure->errno_value : 0;
  snprintf(m.text, sizeof m.text, "%s",
           failure && failure->msg ? failure->msg : "unknown error");
  send_msg(fd, &m, offsetof(sync_msg_t, text) + strlen(m.text) + 1, -1);
}

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int husk_sync_expect_fd(int fd, int pidfd, husk_sync_type_t want,
                        int timeout_ms, int *passfd, husk_error_t **err) {
  long deadline = now_ms() + timeout_ms;
  struct pollfd p[2] = {{.fd = fd, .events = POLLIN},
                        {.fd = pidfd, .events = POLLIN}};
  for (;;) {
    long left = deadline - now_ms();
    if (left <= 0)
      return husk_error_set(err, 0, "container init did not answer in %d s",
                            timeout_ms / 1000);
    int r = poll(p, pidfd >= 0 ? 2 : 1, left);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return husk_error_errno(err, "sync: poll");
    if (r == 0)
      continue;
    /* Read the socket first: an ERROR sent just before dying wins. */
    if (p[0].revents) {
      sync_msg_t m;
      int got_fd;
      ssize_t n = recv_msg(fd, &m, &got_fd);
      if (passfd)
        *passfd = got_fd;
      else if (got_fd >= 0)
        close(got_fd);
      /* ECONNRESET: the peer exited with a message of ours unread (create
       * sends CGROUP_DONE without waiting); it is reported once, before
       * what the peer sent, which the next read returns. */
      if (n < 0 && (errno == EAGAIN || errno == EINTR || errno == ECONNRESET))
        continue;
      if (n < 0)
        return husk_error_errno(err, "sync: receive");
      if (n == 0)
        return husk_error_set(err, 0, "container init exited during setup");
      if (n < (ssize_t)offsetof(sync_msg_t, text))
        return husk_error_set(err, 0, "sync: short message");
      if (m.type == HUSK_SYNC_ERROR) {
        m.text[sizeof m.text - 1] = '\0';
        husk_error_set(err, 0, "%s", m.text);
        (*err)->errno_value = m.errno_value;
        return -1;
      }
      if (m.type != want)
        return husk_error_set(err, 0, "sync: unexpected message %u", m.type);
      return 0;
    }
    if (p[1].revents)
      return husk_error_set(err, 0, "container init exited during setup");
  }
}

int husk_sync_expect(int fd, int pidfd, husk_sync_type_t want, int timeout_ms,
                     husk_error_t **err) {
  return husk_sync_expect_fd(fd, pidfd, want, timeout_ms, NULL, err);
}
