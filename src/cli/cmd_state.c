#include "cli/args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int do_state(const husk_context_t *ctx, char **args, int n, void *data,
                    husk_error_t **err) {
  (void)n, (void)data;
  husk_state_t *st = NULL;
  if (husk_state_load(ctx, args[0], &st, err) < 0)
    return -1;
  char *text = husk_state_to_json(st, true);
  husk_state_free(st);
  if (!text)
    return husk_error_errno(err, "state");
  /* The pretty writer may already end the text with a newline. */
  size_t len = strlen(text);
  printf("%s%s", text, len && text[len - 1] == '\n' ? "" : "\n");
  free(text);
  return 0;
}

int husk_cmd_state(const husk_context_t *ctx, int argc, char **argv) {
  husk_option_t options[] = {{0}};
  husk_command_t cmd = {"state",
                        "<container-id>",
                        "Print the state of a container as JSON.",
                        options,
                        1,
                        1,
                        false};
  return husk_cli_with_id(&cmd, argc, argv, do_state, ctx, NULL);
}
