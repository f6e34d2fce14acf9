/* `husk start`: release the init that `create` left waiting on exec.fifo. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <unistd.h>

#include "linux/pidinfo.h"
#include "runtime/hooks.h"
#include "runtime/notify_socket.h"
#include "runtime/state.h"
#include "util/cleanup.h"
#include "util/log.h"

#define START_TIMEOUT_MS 60000

static int release_init(int dirfd, int pidfd, husk_error_t **err) {
  _cleanup_close_ int fifo =
      openat(dirfd, HUSK_EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo < 0)
    return husk_error_errno(err, "open exec fifo");
  struct pollfd p[2] = {{.fd = fifo, .events = POLLIN},
                        {.fd = pidfd, .events = POLLIN}};
  /* "0" then the end of file (the process was exec'd), or "1" and why
   * it was not. */
  char buf[4096];
  size_t got = 0;
  for (;;) {
    int r = poll(p, 2, START_TIMEOUT_MS);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return husk_error_set(err, r < 0 ? errno : 0,
                            "container init did not start in time");
    ssize_t n = 0;
    if (p[0].revents & (POLLIN | POLLHUP)) {
      n = read(fifo, buf + got, sizeof buf - 1 - got);
      if (n < 0 && errno == EAGAIN)
        n = 1; /* nothing yet: keep waiting */
      else if (n > 0)
        got += n;
    }
    bool ended = n == 0 || p[1].revents || (p[0].revents & POLLERR);
    if (!ended)
      continue;
    buf[got] = '\0';
    if (got && buf[0] == '0')
      return 0;
    if (got && buf[0] == '1')
      return husk_error_set(err, 0, "%s", buf + 1);
    return husk_error_set(err, 0, "container init exited before start");
  }
}

int husk_container_start(const husk_context_t *ctx, const char *id,
                         husk_error_t **err) {
  _cleanup_close_ int dirfd = husk_state_dir_lock(ctx, id, err);
  if (dirfd < 0)
    return -1;
  husk_state_t *st = NULL;
  if (husk_state_load_at(dirfd, id, &st, err) < 0)
    return -1;
  int rc = -1;
  _cleanup_close_ int pidfd = -1, notify = -1;
  pid_t pid = st->pid;
  if (st->status != HUSK_STATUS_CREATED) {
    husk_error_set(err, 0, "cannot start container \"%s\": it is %s", id,
                   husk_status_name(st->status));
    goto out;
  }
  pidfd = husk_pidfd_for(st->pid, st->pid_start_time);
  if (pidfd < 0) {
    husk_error_set(err, 0, "cannot start container \"%s\": it has stopped", id);
    goto out;
  }
  /* Bound before the init runs, so no early READY is lost. */
  if (husk_notify_listen(dirfd, &notify, err) < 0 ||
      release_init(dirfd, pidfd, err) < 0)
    goto out;
  husk_debug("start %s: init %d released", id, st->pid);
  /* No fifo = running: the status is derived from it. */
  unlinkat(dirfd, HUSK_EXEC_FIFO, 0);
  husk_spec_t *hooks = husk_hooks_load(dirfd);
  if (hooks) {
    st->status = HUSK_STATUS_RUNNING;
    husk_hooks_run(&hooks->hooks.poststart, "poststart", st, false, NULL);
    husk_spec_free(hooks);
  }
  rc = 0;
out:
  husk_state_free(st);
  if (rc == 0 && notify >= 0) {
    /* Waiting for READY may take long: not under the state lock. */
    close(husk_steal_fd(&dirfd));
    rc = husk_notify_relay(notify, pidfd, pid, err);
  }
  return rc;
}
