#include "cli/args.h"

#include <stdlib.h>

#include "linux/self_exe.h"

int husk_cmd_exec(const husk_context_t *ctx, int argc, char **argv) {
  husk_error_t *err = NULL;
  /* This process will join the container: first make its exe a sealed
   * copy of husk rather than the host's binary. */
  if (husk_self_exe_ensure_sealed(&err) < 0)
    return husk_cli_fail(err);
  husk_exec_opts_t o = {0};
  husk_opt_list_t env = {0}, gids = {0}, caps = {0}, cgroups = {0};
  husk_option_t options[] = {
      {"process", 'p', HUSK_OPT_STRING, &o.process_file,
       "a process.json to run instead of COMMAND"},
      {"tty", 't', HUSK_OPT_BOOL, &o.tty, "allocate a pseudo-terminal"},
      {"console-socket", 0, HUSK_OPT_STRING, &o.console_socket,
       "unix socket that receives the pty master"},
      {"detach", 'd', HUSK_OPT_BOOL, &o.detach,
       "return once the process has started"},
      {"pid-file", 0, HUSK_OPT_STRING, &o.pid_file,
       "write the process's pid to this file"},
      {"cwd", 0, HUSK_OPT_STRING, &o.cwd, "working directory in the container"},
      {"env", 'e', HUSK_OPT_LIST, &env, "set KEY=VALUE (repeatable)"},
      {"user", 'u', HUSK_OPT_STRING, &o.user, "UID[:GID] to run as"},
      {"additional-gids", 'g', HUSK_OPT_LIST, &gids,
       "supplementary group (repeatable)"},
      {"cap", 'c', HUSK_OPT_LIST, &caps,
       "add a capability (repeatable; never inheritable)"},
      {"no-new-privs", 0, HUSK_OPT_BOOL, &o.no_new_privs,
       "set no_new_privs for the process"},
      {"apparmor", 0, HUSK_OPT_STRING, &o.apparmor, "AppArmor profile"},
      {"process-label", 0, HUSK_OPT_STRING, &o.process_label, "SELinux label"},
      {"preserve-fds", 0, HUSK_OPT_UINT, &o.preserve_fds,
       "pass this many fds, from 3 up, to the process"},
      {"cgroup", 0, HUSK_OPT_LIST, &cgroups,
       "[CTRL[,CTRL]:]PATH: run in this existing sub-cgroup (repeatable)"},
      {"pidfd-socket", 0, HUSK_OPT_STRING, &o.pidfd_socket,
       "unix socket that receives a pidfd of the process"},
      {"ignore-paused", 0, HUSK_OPT_BOOL, &o.ignore_paused,
       "exec even into a paused container"},
      {0},
  };
  husk_command_t cmd = {"exec",
                        "<container-id> [command [args...]]",
                        "Run a new process inside a container.",
                        options,
                        1,
                        -1,
                        true};
  char **args;
  int n;
  int rc = husk_args_parse(&cmd, argc, argv, &args, &n, &err);
  if (rc != 0)
    return rc < 0 ? husk_cli_fail(err) : 0;
  o.args = args + 1;
  o.n_args = n - 1;
  o.env = env.items;
  o.n_env = env.len;
  o.additional_gids = gids.items;
  o.n_additional_gids = gids.len;
  o.caps = caps.items;
  o.n_caps = caps.len;
  o.cgroups = cgroups.items;
  o.n_cgroups = cgroups.len;
  int status = 0;
  rc = husk_container_exec(ctx, args[0], &o, &status, &err);
  free(args);
  free(env.items);
  free(gids.items);
  free(caps.items);
  free(cgroups.items);
  /* As runc: 255 when husk itself fails, so that a caller can tell it from
   * the process's own exit status. */
  if (rc < 0) {
    husk_cli_fail(err);
    return 255;
  }
  return status;
}
