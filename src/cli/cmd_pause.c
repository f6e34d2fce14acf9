#include "cli/args.h"

static int do_pause(const husk_context_t *ctx, char **args, int n, void *data,
                    husk_error_t **err) {
  (void)n;
  return husk_container_pause(ctx, args[0], *(bool *)data, err);
}

static int pause_or_resume(const husk_context_t *ctx, int argc, char **argv,
                           bool pause) {
  husk_option_t options[] = {{0}};
  husk_command_t cmd = {pause ? "pause" : "resume",
                        "<container-id>",
                        pause ? "Freeze every process of a container."
                              : "Thaw a paused container.",
                        options,
                        1,
                        1,
                        false};
  return husk_cli_with_id(&cmd, argc, argv, do_pause, ctx, &pause);
}

int husk_cmd_pause(const husk_context_t *ctx, int argc, char **argv) {
  return pause_or_resume(ctx, argc, argv, true);
}

int husk_cmd_resume(const husk_context_t *ctx, int argc, char **argv) {
  return pause_or_resume(ctx, argc, argv, false);
}
