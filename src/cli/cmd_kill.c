#include "cli/args.h"

#include "runtime/signal.h"

static int do_kill(const husk_context_t *ctx, char **args, int n, void *data,
                   husk_error_t **err) {
  int sig = n > 1 ? husk_parse_signal(args[1]) : 15;
  if (sig < 0)
    return husk_error_set(err, 0, "kill: unknown signal \"%s\"", args[1]);
  return husk_container_kill(ctx, args[0], sig, *(bool *)data, err);
}

int husk_cmd_kill(const husk_context_t *ctx, int argc, char **argv) {
  bool all = false;
  husk_option_t options[] = {
      {"all", 'a', HUSK_OPT_BOOL, &all,
       "signal every process of the container"},
      {0},
  };
  husk_command_t cmd = {"kill",
                        "<container-id> [signal]",
                        "Send a signal (default TERM) to a container.",
                        options,
                        1,
                        2,
                        false};
  return husk_cli_with_id(&cmd, argc, argv, do_kill, ctx, &all);
}
