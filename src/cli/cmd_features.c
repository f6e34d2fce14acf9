#include "cli/args.h"

#include <stdio.h>
#include <stdlib.h>

#include "runtime/features.h"

int husk_cmd_features(const husk_context_t *ctx, int argc, char **argv) {
  (void)ctx;
  husk_option_t options[] = {{0}};
  husk_command_t cmd = {"features",
                        "",
                        "Print what this husk supports, as the runtime-spec "
                        "features document (JSON).",
                        options,
                        0,
                        0,
                        false};
  char **args;
  int n;
  husk_error_t *err = NULL;
  int rc = husk_args_parse(&cmd, argc, argv, &args, &n, &err);
  if (rc != 0)
    return rc < 0 ? husk_cli_fail(err) : 0;
  free(args);
  char *doc = husk_features_json();
  if (!doc) {
    husk_error_errno(&err, "features");
    return husk_cli_fail(err);
  }
  fputs(doc, stdout);
  free(doc);
  if (fflush(stdout) != 0) {
    husk_error_errno(&err, "features: write to stdout");
    return husk_cli_fail(err);
  }
  return 0;
}
