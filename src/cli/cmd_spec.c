#include "cli/args.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

int husk_cmd_spec(const husk_context_t *ctx, int argc, char **argv) {
  (void)ctx;
  const char *bundle = ".";
  bool rootless = false;
  husk_option_t options[] = {
      {"bundle", 'b', HUSK_OPT_STRING, &bundle,
       "directory to write config.json into (default: current directory)"},
      {"rootless", 0, HUSK_OPT_BOOL, &rootless,
       "a config for running as an unprivileged user"},
      {0},
  };
  husk_command_t cmd = {
      "spec", "",   "Write a starting config.json into the bundle.", options, 0,
      0,      false};
  char **args;
  int n;
  husk_error_t *err = NULL;
  int rc = husk_args_parse(&cmd, argc, argv, &args, &n, &err);
  if (rc != 0)
    return rc < 0 ? husk_cli_fail(err) : 0;
  free(args);
  _cleanup_close_ int dirfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0) {
    husk_error_errno(&err, "spec: bundle %s", bundle);
    return husk_cli_fail(err);
  }
  _cleanup_free_ char *text = husk_spec_template(rootless, getuid(), getgid());
  if (!text) {
    husk_error_errno(&err, "spec");
    return husk_cli_fail(err);
  }
  _cleanup_close_ int fd = openat(
      dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST)
      husk_error_set(&err, 0, "spec: %s/config.json exists; remove it first",
                     bundle);
    else
      husk_error_errno(&err, "spec: create %s/config.json", bundle);
    return husk_cli_fail(err);
  }
  if (husk_write_all_fd(fd, text, strlen(text)) < 0 ||
      husk_write_all_fd(fd, "\n", 1) < 0) {
    husk_error_errno(&err, "spec: write %s/config.json", bundle);
    return husk_cli_fail(err);
  }
  return 0;
}
