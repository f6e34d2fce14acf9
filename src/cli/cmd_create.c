#include "cli/args.h"

#include <stdlib.h>

int husk_cmd_create(const husk_context_t *ctx, int argc, char **argv) {
  husk_create_opts_t o = {.bundle = "."};
  husk_option_t options[] = {
      {"bundle", 'b', HUSK_OPT_STRING, &o.bundle,
       "path to the bundle directory (default: current directory)"},
      {"pid-file", 0, HUSK_OPT_STRING, &o.pid_file,
       "write the container init's pid to this file"},
      {"console-socket", 0, HUSK_OPT_STRING, &o.console_socket,
       "unix socket that receives the pty master (process.terminal)"},
      {"no-pivot", 0, HUSK_OPT_BOOL, &o.no_pivot,
       "use MS_MOVE and chroot instead of pivot_root"},
      {"no-new-keyring", 0, HUSK_OPT_BOOL, &o.no_new_keyring,
       "keep the caller's session keyring"},
      {"preserve-fds", 0, HUSK_OPT_UINT, &o.preserve_fds,
       "pass this many fds, from 3 up, to the container"},
      {0},
  };
  husk_command_t cmd = {"create", "<container-id>",
                        "Create a container from a bundle; it waits for "
                        "`husk start`.",
                        options, 1, 1, false};
  char **args;
  int n;
  husk_error_t *err = NULL;
  int rc = husk_args_parse(&cmd, argc, argv, &args, &n, &err);
  if (rc != 0)
    return rc < 0 ? husk_cli_fail(err) : 0;
  rc = husk_container_create(ctx, args[0], &o, &err);
  free(args);
  return rc < 0 ? husk_cli_fail(err) : 0;
}
