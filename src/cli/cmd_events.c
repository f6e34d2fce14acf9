/* `husk events`: stats (once with --stats, else every --interval) and OOM
 * notifications, one JSON object a line, until the container stops. */
#include "cli/args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* "5s", "500ms", "1m", or plain seconds -> milliseconds. */
static long parse_interval(const char *s) {
  char *end;
  double v = strtod(s, &end);
  double scale = !strcmp(end, "ms")           ? 1
                 : !strcmp(end, "s") || !*end ? 1000
                 : !strcmp(end, "m")          ? 60000
                                              : -1;
  return end == s || scale < 0 || v <= 0 ? -1 : (long)(v * scale);
}

static int print_stats(const husk_context_t *ctx, const char *id,
                       husk_error_t **err) {
  char *text = husk_container_stats_json(ctx, id, err);
  if (!text)
    return -1;
  printf("%s\n", text);
  fflush(stdout);
  free(text);
  return 0;
}

int husk_cmd_events(const husk_context_t *ctx, int argc, char **argv) {
  bool stats = false;
  const char *interval = "5s";
  husk_option_t options[] = {
      {"stats", 0, HUSK_OPT_BOOL, &stats, "print the stats once and exit"},
      {"interval", 0, HUSK_OPT_STRING, &interval,
       "time between stats (default 5s)"},
      {0},
  };
  husk_command_t cmd = {"events",
                        "<container-id>",
                        "Print a container's resource stats and OOM events.",
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
  const char *id = args[0];
  long every_ms = parse_interval(interval);
  if (every_ms < 0)
    rc = husk_error_set(&err, 0, "events: --interval: invalid duration \"%s\"",
                        interval);
  else if (stats)
    rc = print_stats(ctx, id, &err);
  else {
    /* OOM kills are polled at a fine step; stats at the interval. */
    const long step_ms = 100;
    uint64_t ooms = 0, now_ooms;
    rc = husk_container_oom_kills(ctx, id, &ooms, &err);
    for (long waited = every_ms; rc == 0; waited += step_ms) {
      if (waited >= every_ms) {
        waited = 0;
        if (print_stats(ctx, id, &err) < 0)
          break;
      }
      nanosleep(&(struct timespec){0, step_ms * 1000000L}, NULL);
      if (husk_container_oom_kills(ctx, id, &now_ooms, &err) < 0)
        break;
      if (now_ooms > ooms)
        printf("{\"type\":\"oom\",\"id\":\"%s\"}\n", id), fflush(stdout);
      ooms = now_ooms;
    }
    /* The container stopping ends the stream normally. */
    if (err && strstr(err->msg, "is not running")) {
      husk_error_free(err);
      err = NULL;
      rc = 0;
    } else if (err) {
      rc = -1;
    }
  }
  free(args);
  return rc < 0 ? husk_cli_fail(err) : 0;
}
