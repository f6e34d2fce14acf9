#include "cli/args.h"

static int do_start(const husk_context_t *ctx, char **args, int n, void *data,
                    husk_error_t **err) {
  (void)n, (void)data;
  return husk_container_start(ctx, args[0], err);
}

int husk_cmd_start(const husk_context_t *ctx, int argc, char **argv) {
  husk_option_t options[] = {{0}};
  husk_command_t cmd = {"start",
                        "<container-id>",
                        "Start the process of a created container.",
                        options,
                        1,
                        1,
                        false};
  return husk_cli_with_id(&cmd, argc, argv, do_start, ctx, NULL);
}
