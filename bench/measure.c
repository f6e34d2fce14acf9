/* measure: run a command, then append one line
 *   <exit status> <wall ns> <user+sys CPU us> <peak RSS KiB>
 * to the file named by $MEASURE_OUT (stderr if unset), so the command's own
 * stdout/stderr stay untouched. CPU and RSS come from wait4()'s rusage: the
 * command plus the descendants it waited for. Built by bench.sh; not part
 * of husk. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: measure CMD [ARG...]\n");
    return 2;
  }
  const char *out = getenv("MEASURE_OUT");
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    return 2;
  }
  if (pid == 0) {
    execvp(argv[1], argv + 1);
    perror(argv[1]);
    _exit(127);
  }
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) {
    perror("wait4");
    return 2;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long long wall =
      (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
  long long cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000LL +
                  ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  FILE *f = out ? fopen(out, "a") : stderr;
  if (!f) {
    perror(out);
    return 2;
  }
  fprintf(f, "%d %lld %lld %ld\n", code, wall, cpu, ru.ru_maxrss);
  if (f != stderr)
    fclose(f);
  return code;
}
