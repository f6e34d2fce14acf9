#include "cli/args.h"

#include <stdlib.h>

int husk_cmd_create(const husk_context_t *ctx, int argc, char **argv) {
  husk_create_opts_t o = {.bundle = "."};
  husk_option_t options[HUSK_CREATE_OPTION_COUNT + 1] = {{0}};
  husk_create_options(&o, options);
  husk_command_t cmd = {"create",
                        "<container-id>",
                        "Create a container from a bundle; it waits for "
                        "`husk start`.",
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
  rc = husk_container_create(ctx, args[0], &o, &err);
  free(args);
  return rc < 0 ? husk_cli_fail(err) : 0;
}
