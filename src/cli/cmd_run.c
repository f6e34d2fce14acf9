#include "cli/args.h"

#include <stdlib.h>

int husk_cmd_run(const husk_context_t *ctx, int argc, char **argv) {
  husk_create_opts_t o = {.bundle = "."};
  husk_option_t options[HUSK_CREATE_OPTION_COUNT + 3] = {
      [HUSK_CREATE_OPTION_COUNT] = {"detach", 'd', HUSK_OPT_BOOL, &o.detach,
                                    "return once the container has started"},
      [HUSK_CREATE_OPTION_COUNT + 1] = {"keep", 0, HUSK_OPT_BOOL, &o.keep,
                                        "do not delete the container after "
                                        "it exits"},
  };
  husk_create_options(&o, options);
  husk_command_t cmd = {"run",
                        "<container-id>",
                        "Create and start a container; in the foreground, "
                        "exit with its status.",
                        options,
                        1,
                        1,
                        false};
  char **args;
  int n;
  husk_error_t *err = NULL;
  int rc = husk_args_parse(&cmd, argc, argv, &args, &n, &err);
  if (rc != 0)
    return rc < 0 ? husk_cli_fail(err) : 0;
  int status = 0;
  rc = husk_container_run(ctx, args[0], &o, &status, &err);
  free(args);
  return rc < 0 ? husk_cli_fail(err) : status;
}
