#include "linux/pidinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

int husk_pid_stat(pid_t pid, uint64_t *start_time, bool *zombie) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  char buf[1024];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  /* The command name may contain spaces and ')': skip to the last ')'. */
  char *p = strrchr(buf, ')');
  if (!p || p[1] != ' ')
    return -1;
  char state = p[2];
  unsigned long long start = 0;
  /* Field 3 is the state; field 22 the start time: skip 18 fields. */
  p += 3;
  for (int field = 3; field < 22; field++) {
    p = strchr(p, ' ');
    if (!p)
      return -1;
    p++;
  }
  if (sscanf(p, "%llu", &start) != 1)
    return -1;
  if (start_time)
    *start_time = start;
  if (zombie)
    *zombie = state == 'Z' || state == 'X';
  return 0;
}

int husk_pidfd_for(pid_t pid, uint64_t start_time) {
  if (pid <= 0)
    return -1;
  int fd = syscall(SYS_pidfd_open, pid, 0);
  if (fd < 0)
    return -1;
  /* Checked after opening: the pidfd pins the process from here on. */
  uint64_t st;
  if (husk_pid_stat(pid, &st, NULL) < 0 || st != start_time) {
    close(fd);
    errno = ESRCH;
    return -1;
  }
  return fd;
}

bool husk_pid_alive(pid_t pid, uint64_t start_time) {
  uint64_t st;
  bool zombie;
  if (pid <= 0 || husk_pid_stat(pid, &st, &zombie) < 0)
    return false;
  return st == start_time && !zombie;
}

int husk_pidfd_wait_exit(int pidfd, int timeout_ms) {
  struct pollfd p = {.fd = pidfd, .events = POLLIN};
  for (;;) {
    int r = poll(&p, 1, timeout_ms);
    if (r < 0 && errno == EINTR)
      continue;
    return r > 0 ? 0 : -1;
  }
}
