/* Command-line flags the way runc takes them: `--flag value`,
 * `--flag=value`, `-f value`, single-dash long names, flags before or after
 * the positional arguments, `--` ends the flags. */
#ifndef HUSK_ARGS_H
#define HUSK_ARGS_H

#include <stdbool.h>

#include "husk/container.h"

typedef enum {
  HUSK_OPT_BOOL,
  HUSK_OPT_STRING,
  HUSK_OPT_UINT,
  HUSK_OPT_LIST, /* repeatable string: target is a husk_opt_list_t */
} husk_opt_kind_t;

typedef struct {
  char **items;
  int len;
} husk_opt_list_t;

typedef struct {
  const char *name; /* long name, without dashes */
  char short_name;  /* 0 if none */
  husk_opt_kind_t kind;
  void *target; /* bool *, const char **, or unsigned * */
  const char *help;
} husk_option_t;

typedef struct {
  const char *name;
  const char *args_usage; /* "<container-id>" */
  const char *summary;
  husk_option_t *options; /* terminated by {0} */
  int min_args, max_args; /* positional arguments (-1 = unbounded) */
  bool stop_at_args;      /* flags end at the first positional (exec) */
} husk_command_t;

/* Parse argv (argv[0] is the verb). Positional arguments are left in
 * argv[0..*nargs) of a new array. Returns 0, 1 if help was printed, or -1
 * with *err set. */
int husk_args_parse(const husk_command_t *cmd, int argc, char **argv,
                    char ***args, int *nargs, husk_error_t **err);
void husk_args_usage(const husk_command_t *cmd);

/* Parse cmd's flags, then run action on the positional arguments. */
typedef int (*husk_id_action_fn)(const husk_context_t *ctx, char **args,
                                 int nargs, void *data, husk_error_t **err);
int husk_cli_with_id(husk_command_t *cmd, int argc, char **argv,
                     husk_id_action_fn action, const husk_context_t *ctx,
                     void *data);

/* The flags create and run share, written into opts[0..7). */
#define HUSK_CREATE_OPTION_COUNT 7
void husk_create_options(husk_create_opts_t *o, husk_option_t *opts);

/* Print the error through the log and return the exit status 1. */
int husk_cli_fail(husk_error_t *err);

typedef int (*husk_cmd_fn)(const husk_context_t *ctx, int argc, char **argv);
int husk_cmd_create(const husk_context_t *ctx, int argc, char **argv);
int husk_cmd_start(const husk_context_t *ctx, int argc, char **argv);
int husk_cmd_state(const husk_context_t *ctx, int argc, char **argv);
int husk_cmd_kill(const husk_context_t *ctx, int argc, char **argv);
int husk_cmd_delete(const husk_context_t *ctx, int argc, char **argv);
int husk_cmd_run(const husk_context_t *ctx, int argc, char **argv);
int husk_cmd_list(const husk_context_t *ctx, int argc, char **argv);
int husk_cmd_spec(const husk_context_t *ctx, int argc, char **argv);
int husk_cmd_exec(const husk_context_t *ctx, int argc, char **argv);
int husk_cmd_features(const husk_context_t *ctx, int argc, char **argv);
int husk_cmd_pause(const husk_context_t *ctx, int argc, char **argv);
int husk_cmd_resume(const husk_context_t *ctx, int argc, char **argv);
int husk_cmd_ps(const husk_context_t *ctx, int argc, char **argv);
int husk_cmd_update(const husk_context_t *ctx, int argc, char **argv);
int husk_cmd_events(const husk_context_t *ctx, int argc, char **argv);

#endif
