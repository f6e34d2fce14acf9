#include "runtime/wait.h"

#include <errno.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int forward_pidfd = -1;

static void forward(int sig) {
  int saved = errno;
  syscall(SYS_pidfd_send_signal, forward_pidfd, sig, NULL, 0);
  errno = saved;
}

int husk_wait_forwarding(pid_t pid, int pidfd) {
  static const int sigs[] = {SIGHUP,  SIGINT,  SIGQUIT,  SIGTERM,
                             SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT};
  forward_pidfd = pidfd;
  struct sigaction sa = {.sa_handler = forward, .sa_flags = SA_RESTART};
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
    sigaction(sigs[i], &sa, NULL);
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return 255;
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}
