/* The verbs that act on a container's cgroup: pause/resume, update, ps,
 * events. Each takes the container's lock for the time it works. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/cgroup.h"
#include "runtime/state.h"
#include "util/cleanup.h"
#include "util/json.h"

typedef struct {
  int dirfd;
  husk_state_t *st;
  husk_cgroup_t *cg;
} locked_t;

static void release(locked_t *l) {
  husk_cgroup_free(l->cg);
  husk_state_free(l->st);
  if (l->dirfd >= 0)
    close(l->dirfd);
}

/* Lock, load, and open the cgroup of a container (stopped ones only when
 * stopped_ok). */
static int acquire_any(const husk_context_t *ctx, const char *id, locked_t *l,
                       bool stopped_ok, husk_error_t **err) {
  *l = (locked_t){.dirfd = -1};
  if ((l->dirfd = husk_state_dir_lock(ctx, id, err)) < 0 ||
      husk_state_load_at(l->dirfd, id, &l->st, err) < 0)
    return -1;
  if ((l->st->status == HUSK_STATUS_STOPPED && !stopped_ok) ||
      l->st->status == HUSK_STATUS_CREATING)
    return husk_error_set(err, 0, "container \"%s\" is not running", id);
  if (!l->st->cgroup_path)
    return husk_error_set(err, 0, "container \"%s\" has no cgroup", id);
  return husk_cgroup_load(l->st->cgroup_path, &l->cg, err);
}

static int acquire(const husk_context_t *ctx, const char *id, locked_t *l,
                   husk_error_t **err) {
  return acquire_any(ctx, id, l, false, err);
}

int husk_container_pause(const husk_context_t *ctx, const char *id, bool pause,
                         husk_error_t **err) {
  locked_t l;
  int rc = acquire(ctx, id, &l, err);
  if (rc == 0) {
    bool paused = l.st->status == HUSK_STATUS_PAUSED;
    if (pause && paused)
      rc = husk_error_set(err, 0, "container \"%s\" is already paused", id);
    else if (!pause && !paused)
      rc = husk_error_set(err, 0, "container \"%s\" is not paused", id);
    else
      rc = husk_cgroup_freeze(l.cg, pause, err);
  }
  release(&l);
  return rc;
}

int husk_container_update(const husk_context_t *ctx, const char *id,
                          const husk_resources_t *r, husk_error_t **err) {
  locked_t l;
  int rc = acquire(ctx, id, &l, err);
  if (rc == 0)
    rc = husk_cgroup_update(l.cg, r, err);
  release(&l);
  return rc;
}

int husk_container_pids(const husk_context_t *ctx, const char *id, pid_t **pids,
                        size_t *n, husk_error_t **err) {
  /* A stopped container lists no process, as runc's ps does. */
  locked_t l;
  int rc = acquire_any(ctx, id, &l, true, err);
  if (rc == 0)
    rc = husk_cgroup_pids(l.cg, pids, n, err);
  release(&l);
  return rc;
}

char *husk_container_stats_json(const husk_context_t *ctx, const char *id,
                                husk_error_t **err) {
  locked_t l;
  char *text = NULL;
  husk_json_writer_t *w = NULL;
  if (acquire(ctx, id, &l, err) == 0 && (w = husk_json_writer_new(false))) {
    husk_jw_object_open(w);
    husk_jw_kv_string(w, "type", "stats");
    husk_jw_kv_string(w, "id", id);
    husk_jw_key(w, "data");
    if (husk_cgroup_stats(l.cg, w, err) == 0) {
      husk_jw_object_close(w);
      text = strdup(husk_jw_text(w, NULL));
    }
  }
  husk_json_writer_free(w);
  release(&l);
  return text;
}

int husk_container_oom_kills(const husk_context_t *ctx, const char *id,
                             uint64_t *n, husk_error_t **err) {
  locked_t l;
  int rc = acquire(ctx, id, &l, err);
  if (rc == 0)
    rc = husk_cgroup_oom_kills(l.cg, n, err);
  release(&l);
  return rc;
}
