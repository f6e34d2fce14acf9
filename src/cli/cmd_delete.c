#include "cli/args.h"

static int do_delete(const husk_context_t *ctx, char **args, int n, void *data,
                     husk_error_t **err) {
  (void)n;
  return husk_container_delete(ctx, args[0], *(bool *)data, err);
}

int husk_cmd_delete(const husk_context_t *ctx, int argc, char **argv) {
  bool force = false;
  husk_option_t options[] = {
      {"force", 'f', HUSK_OPT_BOOL, &force,
       "kill the container first if it is still running"},
      {0},
  };
  husk_command_t cmd = {"delete",
                        "<container-id>",
                        "Delete a stopped container and all it holds.",
                        options,
                        1,
                        1,
                        false};
  return husk_cli_with_id(&cmd, argc, argv, do_delete, ctx, &force);
}
