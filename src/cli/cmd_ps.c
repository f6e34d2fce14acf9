/* `husk ps`: the container's processes, as pids (json) or as ps(1) lines. */
#include "cli/args.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/fs.h"

static bool listed(pid_t pid, const pid_t *pids, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (pids[i] == pid)
      return true;
  return false;
}

/* Run ps with the user's options and keep the header and our lines. */
static int ps_table(char **ps_args, int n_args, const pid_t *pids, size_t n,
                    husk_error_t **err) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0)
    return husk_error_errno(err, "ps: pipe");
  pid_t child = fork();
  if (child < 0)
    return husk_error_errno(err, "ps: fork");
  if (child == 0) {
    dup2(fds[1], STDOUT_FILENO);
    char **argv = calloc(n_args + 2, sizeof *argv);
    argv[0] = "ps";
    for (int i = 0; i < n_args; i++)
      argv[i + 1] = ps_args[i];
    if (n_args == 0)
      argv[1] = "-ef";
    execvp("ps", argv);
    _exit(127);
  }
  close(fds[1]);
  char *out = NULL;
  size_t len = 0;
  int rc = husk_read_all_fd(fds[0], 16 << 20, &out, &len);
  close(fds[0]);
  int status;
  waitpid(child, &status, 0);
  if (rc < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    free(out);
    return husk_error_set(err, 0, "ps: running ps failed");
  }
  /* Find the PID column in the header. */
  char *save = NULL, *line = strtok_r(out, "\n", &save);
  int col = -1, i = 0;
  char *hdr = line ? strdup(line) : NULL;
  for (char *s2 = NULL, *f = hdr ? strtok_r(hdr, " \t", &s2) : NULL; f;
       f = strtok_r(NULL, " \t", &s2), i++)
    if (!strcmp(f, "PID"))
      col = i;
  free(hdr);
  if (col < 0) {
    free(out);
    return husk_error_set(err, 0, "ps: no PID column in the output of ps");
  }
  printf("%s\n", line);
  while ((line = strtok_r(NULL, "\n", &save))) {
    char *copy = strdup(line), *s3 = NULL, *f = strtok_r(copy, " \t", &s3);
    for (int k = 0; f && k < col; k++)
      f = strtok_r(NULL, " \t", &s3);
    if (f && listed(atoi(f), pids, n))
      printf("%s\n", line);
    free(copy);
  }
  free(out);
  return 0;
}

int husk_cmd_ps(const husk_context_t *ctx, int argc, char **argv) {
  const char *format = "table";
  husk_option_t options[] = {
      {"format", 'f', HUSK_OPT_STRING, &format, "table or json"},
      {0},
  };
  husk_command_t cmd = {"ps",
                        "<container-id> [ps options]",
                        "List the processes of a container.",
                        options,
                        1,
                        -1,
                        true};
  char **args;
  int n;
  husk_error_t *err = NULL;
  int rc = husk_args_parse(&cmd, argc, argv, &args, &n, &err);
  if (rc != 0)
    return rc < 0 ? husk_cli_fail(err) : 0;
  pid_t *pids = NULL;
  size_t count = 0;
  if (strcmp(format, "table") && strcmp(format, "json"))
    rc = husk_error_set(&err, 0, "ps: --format: expected table or json");
  else
    rc = husk_container_pids(ctx, args[0], &pids, &count, &err);
  if (rc == 0 && !strcmp(format, "json")) {
    printf("[");
    for (size_t i = 0; i < count; i++)
      printf("%s%d", i ? "," : "", pids[i]);
    printf("]\n");
  } else if (rc == 0) {
    rc = ps_table(args + 1, n - 1, pids, count, &err);
  }
  free(pids);
  free(args);
  return rc < 0 ? husk_cli_fail(err) : 0;
}
