#include "cli/args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"

static void print_json(husk_state_t **list, size_t n) {
  printf("[");
  for (size_t i = 0; i < n; i++) {
    char *text = husk_state_to_json(list[i], false);
    printf("%s%s", i ? "," : "", text ? text : "{}");
    free(text);
  }
  printf("]\n");
}

static void print_table(husk_state_t **list, size_t n) {
  /* Column widths follow the widest cell, like runc's tab writer. */
  int w_id = 2, w_bundle = 6;
  for (size_t i = 0; i < n; i++) {
    int l = strlen(list[i]->id), b = strlen(list[i]->bundle);
    w_id = l > w_id ? l : w_id;
    w_bundle = b > w_bundle ? b : w_bundle;
  }
  printf("%-*s   %-10s  %-10s  %-*s   %-30s  %s\n", w_id, "ID", "PID", "STATUS",
         w_bundle, "BUNDLE", "CREATED", "OWNER");
  for (size_t i = 0; i < n; i++) {
    husk_state_t *st = list[i];
    char owner[32];
    printf("%-*s   %-10d  %-10s  %-*s   %-30s  %s\n", w_id, st->id,
           st->status == HUSK_STATUS_STOPPED ? 0 : st->pid,
           husk_status_name(st->status), w_bundle, st->bundle, st->created,
           husk_owner_name(st->owner, owner, sizeof owner));
  }
}

int husk_cmd_list(const husk_context_t *ctx, int argc, char **argv) {
  const char *format = "table";
  bool quiet = false;
  husk_option_t options[] = {
      {"format", 'f', HUSK_OPT_STRING, &format, "table or json"},
      {"quiet", 'q', HUSK_OPT_BOOL, &quiet, "print only the ids"},
      {0},
  };
  husk_command_t cmd = {"list",  "", "List the containers in the state root.",
                        options, 0,  0,
                        false};
  char **args;
  int n;
  husk_error_t *err = NULL;
  int rc = husk_args_parse(&cmd, argc, argv, &args, &n, &err);
  if (rc != 0)
    return rc < 0 ? husk_cli_fail(err) : 0;
  free(args);
  if (strcmp(format, "table") && strcmp(format, "json")) {
    husk_error_set(
        &err, 0, "list: --format: expected table or json, got \"%s\"", format);
    return husk_cli_fail(err);
  }
  husk_state_t **list;
  size_t count;
  if (husk_state_list(ctx, &list, &count, &err) < 0)
    return husk_cli_fail(err);
  if (quiet)
    for (size_t i = 0; i < count; i++)
      printf("%s\n", list[i]->id);
  else if (!strcmp(format, "json"))
    print_json(list, count);
  else
    print_table(list, count);
  for (size_t i = 0; i < count; i++)
    husk_state_free(list[i]);
  free(list);
  return 0;
}
