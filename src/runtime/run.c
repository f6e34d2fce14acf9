/* `husk run`: create + start, then (in the foreground) forward signals,
 * wait, and delete. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/create.h"
#include "util/log.h"

static int forward_pidfd = -1;

static void forward(int sig) {
  int saved = errno;
  syscall(SYS_pidfd_send_signal, forward_pidfd, sig, NULL, 0);
  errno = saved;
}

static void forward_signals(int pidfd) {
  static const int sigs[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGTERM,
                             SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT};
  forward_pidfd = pidfd;
  struct sigaction sa = {.sa_handler = forward, .sa_flags = SA_RESTART};
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
    sigaction(sigs[i], &sa, NULL);
}

static int wait_status(pid_t pid) {
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return 255;
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}

int husk_container_run(const husk_context_t *ctx, const char *id,
                       const husk_create_opts_t *opts, int *exit_status,
                       husk_error_t **err) {
  husk_created_t c;
  *exit_status = 0;
  if (husk_create(ctx, id, opts, &c, err) < 0)
    return -1;
  if (!opts->detach)
    forward_signals(c.pidfd);
  if (husk_container_start(ctx, id, err) < 0) {
    husk_error_t *e = NULL;
    husk_container_delete(ctx, id, true, &e);
    husk_error_free(e);
    waitpid(c.pid, NULL, 0);
    close(c.pidfd);
    return -1;
  }
  if (opts->detach) {
    close(c.pidfd);
    return 0;
  }
  *exit_status = wait_status(c.pid);
  close(c.pidfd);
  if (!opts->keep && husk_container_delete(ctx, id, true, err) < 0)
    return -1;
  return 0;
}
