/* husk: global flags, --version, and dispatch to one file per verb. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "config.h"
#include "util/log.h"

static const struct {
  const char *name;
  husk_cmd_fn fn;
  const char *summary;
} commands[] = {
    {"create", husk_cmd_create, "create a container from a bundle"},
    {"start", husk_cmd_start, "start a created container"},
    {"run", husk_cmd_run, "create and start a container"},
    {"state", husk_cmd_state, "print the state of a container"},
    {"kill", husk_cmd_kill, "send a signal to a container"},
    {"delete", husk_cmd_delete, "delete a container"},
    {"list", husk_cmd_list, "list containers"},
    {"spec", husk_cmd_spec, "write a starting config.json"},
    {"exec", husk_cmd_exec, "run a new process inside a container"},
    {"features", husk_cmd_features, "print the features this husk supports"},
    {"pause", husk_cmd_pause, "freeze every process of a container"},
    {"resume", husk_cmd_resume, "thaw a paused container"},
    {"ps", husk_cmd_ps, "list the processes of a container"},
    {"update", husk_cmd_update, "change the resource limits of a container"},
    {"events", husk_cmd_events, "print stats and OOM events of a container"},
};

static void print_version(void) {
  printf("husk version %s\n", HUSK_VERSION);
  printf("spec: %s (parses %s to %s)\n", HUSK_OCI_VERSION_MAX,
         HUSK_OCI_VERSION_MIN, HUSK_OCI_VERSION_MAX);
  printf("libseccomp: %s\n", HUSK_LIBSECCOMP_VERSION);
  printf("features: +CAP +SECCOMP-PARSE +YAJL +CGROUP(v1,hybrid,v2) -SYSTEMD "
         "+TERMINAL\n");
}

static void print_usage(husk_option_t *globals) {
  printf("Usage: husk [global options] <command> [options] [arguments]\n\n"
         "husk is an OCI container runtime.\n\nCommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    printf("  %-10s %s\n", commands[i].name, commands[i].summary);
  printf("\nGlobal options:\n");
  for (husk_option_t *o = globals; o->name; o++)
    printf("  --%-20s %s\n", o->name, o->help);
  printf("\n`husk <command> --help` shows the options of a command.\n");
}

/* Without --root: unprivileged, under the user's runtime dir as runc does
 * ($XDG_RUNTIME_DIR/husk); without one (or as root), HUSK_DEFAULT_ROOT. */
static const char *default_root(void) {
  static char buf[4096];
  const char *xdg = getenv("XDG_RUNTIME_DIR");
  if (geteuid() == 0 || !xdg || !*xdg ||
      snprintf(buf, sizeof buf, "%s/husk", xdg) >= (int)sizeof buf)
    return HUSK_DEFAULT_ROOT;
  return buf;
}

int main(int argc, char **argv) {
  husk_context_t ctx = {.root = NULL};
  const char *log_path = NULL, *log_format = "text", *rootless = NULL;
  bool debug = false, version = false, help = false;
  husk_option_t globals[] = {
      {"root", 0, HUSK_OPT_STRING, &ctx.root,
       "state directory (default " HUSK_DEFAULT_ROOT
       ", $XDG_RUNTIME_DIR/husk when not root)"},
      {"log", 0, HUSK_OPT_STRING, &log_path, "also write messages to FILE"},
      {"log-format", 0, HUSK_OPT_STRING, &log_format, "text or json"},
      {"debug", 0, HUSK_OPT_BOOL, &debug, "log debug messages"},
      {"systemd-cgroup", 0, HUSK_OPT_BOOL, &ctx.systemd_cgroup,
       "use the systemd cgroup driver (not available yet)"},
      {"rootless", 0, HUSK_OPT_STRING, &rootless,
       "accepted for runc compatibility (auto, true, false)"},
      {"version", 'v', HUSK_OPT_BOOL, &version, "print the version"},
      {"help", 'h', HUSK_OPT_BOOL, &help, "print this help"},
      {0},
  };
  /* Global flags end at the first word that is not a flag: the verb. */
  husk_command_t global = {"husk", "<command>", "", globals, 0, -1, true};
  char **rest;
  int nrest;
  husk_error_t *err = NULL;
  if (husk_args_parse(&global, argc, argv, &rest, &nrest, &err) < 0)
    return husk_cli_fail(err);
  if (!ctx.root)
    ctx.root = default_root();
  if (strcmp(log_format, "text") && strcmp(log_format, "json")) {
    fprintf(stderr, "husk: --log-format: expected text or json, got \"%s\"\n",
            log_format);
    return 1;
  }
  if (husk_log_init(log_path, !strcmp(log_format, "json"), debug) < 0) {
    fprintf(stderr, "husk: --log %s: cannot open\n", log_path);
    return 1;
  }
  if (version) {
    print_version();
    return 0;
  }
  if (help || nrest == 0) {
    print_usage(globals);
    return help ? 0 : 1;
  }
  /* rest[0] is the verb; the verb's own arguments follow it in argv. */
  int verb_at = argc - nrest;
  for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
    if (!strcmp(rest[0], commands[i].name)) {
      free(rest);
      return commands[i].fn(&ctx, argc - verb_at, argv + verb_at);
    }
  husk_error_set(&err, 0, "unknown command \"%s\" (see husk --help)", rest[0]);
  free(rest);
  return husk_cli_fail(err);
}
