/* `husk run`: create + start, then (in the foreground) forward signals,
 * wait, and delete. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/create.h"
#include "runtime/wait.h"
#include "util/log.h"

int husk_container_run(const husk_context_t *ctx, const char *id,
                       const husk_create_opts_t *opts, int *exit_status,
                       husk_error_t **err) {
  husk_created_t c;
  *exit_status = 0;
  if (husk_create(ctx, id, opts, &c, err) < 0)
    return -1;
  if (husk_container_start(ctx, id, err) < 0) {
    husk_error_t *e = NULL;
    husk_container_delete(ctx, id, true, &e);
    husk_error_free(e);
    waitpid(c.pid, NULL, 0);
    close(c.pidfd);
    return -1;
  }
  if (opts->detach) {
    close(c.pidfd);
    return 0;
  }
  *exit_status = husk_wait_forwarding(c.pid, c.pidfd);
  close(c.pidfd);
  if (!opts->keep && husk_container_delete(ctx, id, true, err) < 0)
    return -1;
  return 0;
}
