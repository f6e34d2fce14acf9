/* `husk run`: create + start, then (in the foreground) forward signals,
 * wait, and delete. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/create.h"
#include "runtime/tty_proxy.h"
#include "runtime/wait.h"
#include "util/log.h"

int husk_container_run(const husk_context_t *ctx, const char *id,
                       const husk_create_opts_t *opts, int *exit_status,
                       husk_error_t **err) {
  husk_created_t c;
  *exit_status = 0;
  husk_create_opts_t o = *opts;
  o.attached = !opts->detach;
  if (husk_create(ctx, id, &o, &c, err) < 0)
    return -1;
  if (husk_container_start(ctx, id, err) < 0) {
    husk_error_t *e = NULL;
    husk_container_delete(ctx, id, true, &e);
    husk_error_free(e);
    waitpid(c.pid, NULL, 0);
    close(c.pidfd);
    if (c.master >= 0)
      close(c.master);
    return -1;
  }
  if (opts->detach) {
    close(c.pidfd);
    if (c.master >= 0)
      close(c.master);
    return 0;
  }
  if (c.master >= 0) {
    husk_error_t *e = NULL;
    if (husk_tty_proxy_pidfd(c.master, c.pidfd, &e) < 0) {
      husk_warn("%s", e->msg);
      husk_error_free(e);
    }
    close(c.master);
  }
  *exit_status = husk_wait_forwarding(c.pid, c.pidfd);
  close(c.pidfd);
  if (!opts->keep && husk_container_delete(ctx, id, true, err) < 0)
    return -1;
  return 0;
}
