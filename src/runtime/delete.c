/* `husk delete`: remove a stopped container; with --force, kill it first. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "linux/pidinfo.h"
#include "runtime/hooks.h"
#include "runtime/signal.h"
#include "runtime/state.h"
#include "util/cleanup.h"
#include "util/log.h"

#define KILL_TIMEOUT_MS 10000

static int kill_and_wait(const husk_state_t *st, husk_error_t **err) {
  _cleanup_close_ int pidfd = husk_pidfd_for(st->pid, st->pid_start_time);
  if (pidfd < 0)
    return 0; /* already gone */
  if (husk_signal_all(st, SIGKILL, err) < 0 && pidfd >= 0 &&
      husk_pid_alive(st->pid, st->pid_start_time))
    return -1;
  if (husk_pidfd_wait_exit(pidfd, KILL_TIMEOUT_MS) < 0)
    return husk_error_set(
        err, 0, "container \"%s\": init did not exit after SIGKILL", st->id);
  return 0;
}

/* Whatever is left in the cgroup (processes of a container without its own
 * pid namespace) is killed, then the cgroup goes. */
static int remove_cgroup(const husk_state_t *st, husk_error_t **err) {
  if (!st->cgroup_path)
    return 0;
  husk_cgroup_t *cg = NULL;
  if (husk_cgroup_load(st->cgroup_path, &cg, err) < 0)
    return -1;
  int rc = husk_cgroup_kill(cg, SIGKILL, err);
  if (rc == 0)
    rc = husk_cgroup_destroy(cg, err);
  husk_cgroup_free(cg);
  return rc;
}

int husk_container_delete(const husk_context_t *ctx, const char *id, bool force,
                          husk_error_t **err) {
  _cleanup_close_ int dirfd = husk_state_dir_lock(ctx, id, err);
  if (dirfd < 0) {
    /* containerd calls delete --force after delete: a missing id is fine. */
    if (force && strstr((*err)->msg, "does not exist")) {
      husk_error_free(*err);
      *err = NULL;
      return 0;
    }
    return -1;
  }
  husk_state_t *st = NULL;
  if (husk_state_load_at(dirfd, id, &st, err) < 0)
    return -1;
  int rc = -1;
  bool stopped = st->status == HUSK_STATUS_STOPPED;
  /* A created container goes without --force, as with runc: containerd's
   * shim deletes a task that never started with a plain delete. */
  if (!stopped && !force && st->status != HUSK_STATUS_CREATING &&
      st->status != HUSK_STATUS_CREATED) {
    husk_error_set(err, 0,
                   "cannot delete container \"%s\" that is not stopped: %s", id,
                   husk_status_name(st->status));
    goto out;
  }
  if (!stopped && st->pid > 0 && kill_and_wait(st, err) < 0)
    goto out;
  if (remove_cgroup(st, err) < 0)
    goto out;
  husk_debug("delete %s: removing state", id);
  husk_spec_t *hooks = husk_hooks_load(dirfd);
  rc = husk_state_dir_remove(ctx, id, err);
  if (hooks) {
    st->status = HUSK_STATUS_STOPPED;
    husk_hooks_run(&hooks->hooks.poststop, "poststop", st, false, NULL);
    husk_spec_free(hooks);
  }
out:
  husk_state_free(st);
  return rc;
}
