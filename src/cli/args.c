#include "cli/args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

int husk_cli_fail(husk_error_t *err) {
  husk_error_log("%s", err && err->msg ? err->msg : "unknown error");
  husk_error_free(err);
  return 1;
}

static husk_option_t *find_long(husk_option_t *opts, const char *name,
                                size_t len) {
  for (husk_option_t *o = opts; o && o->name; o++)
    if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
      return o;
  return NULL;
}

static husk_option_t *find_short(husk_option_t *opts, char c) {
  for (husk_option_t *o = opts; o && o->name; o++)
    if (o->short_name && o->short_name == c)
      return o;
  return NULL;
}

static int set_value(const husk_option_t *o, const char *value,
                     husk_error_t **err) {
  switch (o->kind) {
  case HUSK_OPT_BOOL:
    if (!value || !strcmp(value, "true") || !strcmp(value, "1"))
      *(bool *)o->target = true;
    else if (!strcmp(value, "false") || !strcmp(value, "0"))
      *(bool *)o->target = false;
    else
      return husk_error_set(err, 0, "--%s: expected true or false, got \"%s\"",
                            o->name, value);
    return 0;
  case HUSK_OPT_STRING:
    *(const char **)o->target = value;
    return 0;
  case HUSK_OPT_LIST: {
    husk_opt_list_t *l = o->target;
    char **items = realloc(l->items, (l->len + 2) * sizeof *items);
    if (!items)
      return husk_error_errno(err, "--%s", o->name);
    items[l->len++] = (char *)value;
    items[l->len] = NULL;
    l->items = items;
    return 0;
  }
  case HUSK_OPT_UINT: {
    char *end;
    errno = 0;
    unsigned long v = strtoul(value, &end, 10);
    if (!value[0] || *end || errno || value[0] == '-' || v > 0xffffffUL)
      return husk_error_set(err, 0, "--%s: invalid number \"%s\"", o->name,
                            value);
    *(unsigned *)o->target = (unsigned)v;
    return 0;
  }
  }
  return 0;
}

/* One flag at argv[*i]; consumes its value from argv[*i + 1] if needed. */
static int parse_flag(const husk_command_t *cmd, int argc, char **argv, int *i,
                      husk_error_t **err) {
  const char *arg = argv[*i];
  const char *body = arg[1] == '-' ? arg + 2 : arg + 1;
  const char *eq = strchr(body, '=');
  size_t len = eq ? (size_t)(eq - body) : strlen(body);
  husk_option_t *o = find_long(cmd->options, body, len);
  if (!o && arg[1] != '-' && len == 1)
    o = find_short(cmd->options, body[0]);
  if (!o && arg[1] != '-' && !eq && len > 1 &&
      (o = find_short(cmd->options, body[0])) && o->kind != HUSK_OPT_BOOL) {
    /* -bDIR */
    return set_value(o, body + 1, err);
  }
  /* Messages already start with "husk: ": name only a verb. */
  const char *scope = strcmp(cmd->name, "husk") ? cmd->name : "";
  const char *sep = *scope ? ": " : "";
  if (!o)
    return husk_error_set(err, 0, "%s%sunknown flag %.*s", scope, sep,
                          (int)(body - arg + len), arg);
  if (eq)
    return set_value(o, eq + 1, err);
  if (o->kind == HUSK_OPT_BOOL)
    return set_value(o, NULL, err);
  if (*i + 1 >= argc)
    return husk_error_set(err, 0, "%s%sflag %s needs a value", scope, sep, arg);
  return set_value(o, argv[++*i], err);
}

void husk_args_usage(const husk_command_t *cmd) {
  printf("Usage: husk %s [options] %s\n\n%s\n", cmd->name, cmd->args_usage,
         cmd->summary);
  if (!cmd->options || !cmd->options->name)
    return;
  printf("\nOptions:\n");
  for (husk_option_t *o = cmd->options; o->name; o++) {
    char left[64], shortname[8] = "    ";
    if (o->short_name)
      snprintf(shortname, sizeof shortname, "-%c, ", o->short_name);
    snprintf(left, sizeof left, "%s--%s%s", shortname, o->name,
             o->kind == HUSK_OPT_BOOL ? "" : " value");
    printf("  %-30s %s\n", left, o->help);
  }
}

int husk_args_parse(const husk_command_t *cmd, int argc, char **argv,
                    char ***args, int *nargs, husk_error_t **err) {
  char **pos = calloc(argc + 1, sizeof *pos);
  if (!pos)
    return husk_error_errno(err, "parse arguments");
  int n = 0;
  bool flags_done = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (flags_done || a[0] != '-' || a[1] == '\0') {
      pos[n++] = argv[i];
      if (cmd->stop_at_args)
        flags_done = true;
      continue;
    }
    if (!strcmp(a, "--")) {
      flags_done = true;
      continue;
    }
    if ((!strcmp(a, "--help") || !strcmp(a, "-h")) &&
        !find_long(cmd->options, "help", 4)) {
      husk_args_usage(cmd);
      free(pos);
      return 1;
    }
    if (parse_flag(cmd, argc, argv, &i, err) < 0) {
      free(pos);
      return -1;
    }
  }
  if (n < cmd->min_args)
    husk_error_set(err, 0, "%s: missing %s (see husk %s --help)", cmd->name,
                   cmd->args_usage, cmd->name);
  else if (cmd->max_args >= 0 && n > cmd->max_args)
    husk_error_set(err, 0, "%s: unexpected argument \"%s\"", cmd->name,
                   pos[cmd->max_args]);
  if (*err) {
    free(pos);
    return -1;
  }
  *args = pos;
  *nargs = n;
  return 0;
}

/* Parse, run `action` on the id, report. */
int husk_cli_with_id(husk_command_t *cmd, int argc, char **argv,
                     husk_id_action_fn action, const husk_context_t *ctx,
                     void *data) {
  char **args;
  int n;
  husk_error_t *err = NULL;
  int rc = husk_args_parse(cmd, argc, argv, &args, &n, &err);
  if (rc != 0)
    return rc < 0 ? husk_cli_fail(err) : 0;
  rc = action(ctx, args, n, data, &err);
  free(args);
  return rc < 0 ? husk_cli_fail(err) : 0;
}

void husk_create_options(husk_create_opts_t *o, husk_option_t *opts) {
  husk_option_t common[HUSK_CREATE_OPTION_COUNT] = {
      {"bundle", 'b', HUSK_OPT_STRING, &o->bundle,
       "path to the bundle directory (default: current directory)"},
      {"pid-file", 0, HUSK_OPT_STRING, &o->pid_file,
       "write the container init's pid to this file"},
      {"console-socket", 0, HUSK_OPT_STRING, &o->console_socket,
       "unix socket that receives the pty master (process.terminal)"},
      {"no-pivot", 0, HUSK_OPT_BOOL, &o->no_pivot,
       "use MS_MOVE and chroot instead of pivot_root"},
      {"no-new-keyring", 0, HUSK_OPT_BOOL, &o->no_new_keyring,
       "keep the caller's session keyring"},
      {"preserve-fds", 0, HUSK_OPT_UINT, &o->preserve_fds,
       "pass this many fds, from 3 up, to the container"},
      {"pidfd-socket", 0, HUSK_OPT_STRING, &o->pidfd_socket,
       "unix socket that receives a pidfd of the container's init"},
  };
  memcpy(opts, common, sizeof common);
}
