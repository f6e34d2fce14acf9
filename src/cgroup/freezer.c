/* pause/resume: the v1 freezer controller (freezer.state) or the v2 core
 * freezer (cgroup.freeze). Both are asynchronous; wait for the kernel to
 * report the state reached, within a bound. */
#include <errno.h>
#include <string.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"

#define FREEZE_TIMEOUT_MS 10000

const husk_cg_dir_t *husk_cg_freezer_dir(const husk_cgroup_t *cg) {
  const husk_cg_dir_t *d = husk_cg_dir_for(cg, "freezer", NULL);
  if (d)
    return d;
  if (cg->unified >= 0 && husk_cg_has(&cg->dirs[cg->unified], "cgroup.freeze"))
    return &cg->dirs[cg->unified];
  return NULL;
}

static int v1_state(const husk_cg_dir_t *d, char *state, size_t size,
                    husk_error_t **err) {
  _cleanup_free_ char *buf = NULL;
  if (husk_cg_read(d, "freezer.state", &buf, err) < 0)
    return -1;
  buf[strcspn(buf, "\n")] = '\0';
  strncpy(state, buf, size - 1);
  state[size - 1] = '\0';
  return 0;
}

/* A v1 freeze can stall in FREEZING (a task in an uninterruptible
 * sleep); writing FROZEN again retries the tasks that were missed. */
static int v1_freeze(const husk_cg_dir_t *d, bool frozen, husk_error_t **err) {
  const char *want = frozen ? "FROZEN" : "THAWED";
  int64_t deadline = husk_cg_now_ms() + FREEZE_TIMEOUT_MS;
  int delay = 0;
  for (unsigned i = 0;; i++) {
    if ((i % 16) == 0 &&
        husk_cg_write(d, NULL, "freezer.state", err, "%s", want) < 0)
      return -1;
    char state[32];
    if (v1_state(d, state, sizeof state, err) < 0)
      return -1;
    if (!strcmp(state, want))
      return 0;
    if (!husk_cg_backoff(&delay, deadline))
      break;
  }
  if (frozen)
    husk_cg_write(d, NULL, "freezer.state", NULL, "THAWED");
  return husk_error_set(err, ETIMEDOUT, "%s/freezer.state: not %s after %d ms",
                        d->path, want, FREEZE_TIMEOUT_MS);
}

static int v2_freeze(const husk_cg_dir_t *d, bool frozen, husk_error_t **err) {
  if (husk_cg_write(d, NULL, "cgroup.freeze", err, "%d", frozen ? 1 : 0) < 0)
    return -1;
  if (husk_cg_v2_wait_event(d->fd, d->path, "frozen", frozen ? 1 : 0,
                            FREEZE_TIMEOUT_MS, err) == 0)
    return 0;
  if (frozen)
    husk_cg_write(d, NULL, "cgroup.freeze", NULL, "0");
  return -1;
}

int husk_cgroup_freeze(const husk_cgroup_t *cg, bool frozen,
                       husk_error_t **err) {
  const husk_cg_dir_t *d = husk_cg_freezer_dir(cg);
  if (!d)
    return husk_error_set(err, ENOTSUP,
                          "cgroup %s: no freezer (neither the "
                          "v1 freezer controller nor "
                          "cgroup.freeze)",
                          cg->path);
  return CG_IS_V2(d) ? v2_freeze(d, frozen, err) : v1_freeze(d, frozen, err);
}

int husk_cgroup_is_frozen(const husk_cgroup_t *cg, bool *frozen,
                          husk_error_t **err) {
  const husk_cg_dir_t *d = husk_cg_freezer_dir(cg);
  *frozen = false;
  if (!d)
    return 0;
  if (!CG_IS_V2(d)) {
    char state[32];
    if (v1_state(d, state, sizeof state, err) < 0)
      return -1;
    *frozen = !strcmp(state, "FROZEN");
    return 0;
  }
  _cleanup_free_ char *events = NULL;
  uint64_t v;
  if (husk_cg_read(d, "cgroup.events", &events, err) < 0)
    return -1;
  *frozen = husk_cg_kv(events, "frozen", &v) == 0 && v == 1;
  return 0;
}
