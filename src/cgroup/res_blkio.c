/* linux.resources.blockIO: v1 blkio.* (CFQ names, else BFQ's), v2 io.*
 * (io.bfq.weight where BFQ is the scheduler, else io.weight on its own
 * 1..10000 scale; throttles become io.max). */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>

#include "cgroup/internal.h"
#include "util/log.h"

#define K "linux.resources.blockIO."

static const struct {
  const char *key, *v1_file, *v2_name;
  size_t offset;
} throttles[] = {
    {K "throttleReadBpsDevice", "blkio.throttle.read_bps_device", "rbps",
     offsetof(husk_blkio_t, throttle_read_bps)},
    {K "throttleWriteBpsDevice", "blkio.throttle.write_bps_device", "wbps",
     offsetof(husk_blkio_t, throttle_write_bps)},
    {K "throttleReadIOPSDevice", "blkio.throttle.read_iops_device", "riops",
     offsetof(husk_blkio_t, throttle_read_iops)},
    {K "throttleWriteIOPSDevice", "blkio.throttle.write_iops_device", "wiops",
     offsetof(husk_blkio_t, throttle_write_iops)},
};
#define N_THROTTLES (sizeof throttles / sizeof *throttles)

static const husk_throttle_list_t *throttle_list(const husk_blkio_t *b,
                                                 size_t i) {
  return (const husk_throttle_list_t *)((const char *)b + throttles[i].offset);
}

static const char *blkio_wanted(const husk_resources_t *r) {
  const husk_blkio_t *b = &r->block_io;
  if (b->has_weight)
    return K "weight";
  if (b->has_leaf_weight)
    return K "leafWeight";
  if (b->n_weight_device)
    return K "weightDevice";
  for (size_t i = 0; i < N_THROTTLES; i++)
    if (throttle_list(b, i)->len)
      return throttles[i].key;
  return NULL;
}

/* blkio weight (10..1000) -> io.weight (1..10000). */
static unsigned to_io_weight(unsigned w) {
  return 1 + (w - 10) * 9999 / 990;
}

/* The first of two files that exists, or an error naming the key. */
static const char *pick(const husk_cg_dir_t *d, const char *key, const char *a,
                        const char *b, husk_error_t **err) {
  if (husk_cg_has(d, a))
    return a;
  if (b && husk_cg_has(d, b))
    return b;
  husk_error_set(err, 0,
                 "%s: not supported by this host's I/O scheduler "
                 "(no %s/%s%s%s)",
                 key, d->path, a, b ? " or " : "", b ? b : "");
  return NULL;
}

static int v1_weights(const husk_cg_dir_t *d, const husk_blkio_t *b,
                      husk_error_t **err) {
  const char *f;
  if (b->has_weight &&
      (!(f = pick(d, K "weight", "blkio.weight", "blkio.bfq.weight", err)) ||
       husk_cg_write(d, K "weight", f, err, "%u", b->weight) < 0))
    return -1;
  if (b->has_leaf_weight &&
      (!(f = pick(d, K "leafWeight", "blkio.leaf_weight", NULL, err)) ||
       husk_cg_write(d, K "leafWeight", f, err, "%u", b->leaf_weight) < 0))
    return -1;
  for (size_t i = 0; i < b->n_weight_device; i++) {
    const husk_weight_device_t *w = &b->weight_device[i];
    char key[64];
    snprintf(key, sizeof key, K "weightDevice[%zu]", i);
    if (w->has_weight &&
        (!(f = pick(d, key, "blkio.weight_device", "blkio.bfq.weight_device",
                    err)) ||
         husk_cg_write(d, key, f, err, "%" PRId64 ":%" PRId64 " %u", w->major,
                       w->minor, w->weight) < 0))
      return -1;
    if (w->has_leaf_weight &&
        (!(f = pick(d, key, "blkio.leaf_weight_device", NULL, err)) ||
         husk_cg_write(d, key, f, err, "%" PRId64 ":%" PRId64 " %u", w->major,
                       w->minor, w->leaf_weight) < 0))
      return -1;
  }
  return 0;
}

static int v2_weights(const husk_cg_dir_t *d, const husk_blkio_t *b,
                      husk_error_t **err) {
  bool bfq = husk_cg_has(d, "io.bfq.weight");
  const char *file = bfq ? "io.bfq.weight" : "io.weight";
  if ((b->has_weight || b->n_weight_device) &&
      !pick(d, K "weight", "io.bfq.weight", "io.weight", err))
    return -1;
  if (b->has_weight &&
      husk_cg_write(d, K "weight", file, err, "%u",
                    bfq ? b->weight : to_io_weight(b->weight)) < 0)
    return -1;
  if (b->has_leaf_weight)
    husk_debug(K "leafWeight: ignored on cgroup v2");
  for (size_t i = 0; i < b->n_weight_device; i++) {
    const husk_weight_device_t *w = &b->weight_device[i];
    char key[64];
    snprintf(key, sizeof key, K "weightDevice[%zu]", i);
    if (w->has_weight &&
        husk_cg_write(d, key, file, err, "%" PRId64 ":%" PRId64 " %u", w->major,
                      w->minor, bfq ? w->weight : to_io_weight(w->weight)) < 0)
      return -1;
    if (w->has_leaf_weight)
      husk_debug("%s.leafWeight: ignored on cgroup v2", key);
  }
  return 0;
}

static int write_throttle(const husk_cg_dir_t *d, size_t i,
                          const husk_throttle_device_t *t, size_t j,
                          husk_error_t **err) {
  char key[80];
  snprintf(key, sizeof key, "%s[%zu]", throttles[i].key, j);
  if (!CG_IS_V2(d))
    return husk_cg_write(d, key, throttles[i].v1_file, err,
                         "%" PRId64 ":%" PRId64 " %" PRIu64, t->major, t->minor,
                         t->rate);
  /* 0 lifts the limit in v1; v2 spells that "max". */
  if (!t->rate)
    return husk_cg_write(d, key, "io.max", err,
                         "%" PRId64 ":%" PRId64 " %s=max", t->major, t->minor,
                         throttles[i].v2_name);
  return husk_cg_write(d, key, "io.max", err,
                       "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t->major,
                       t->minor, throttles[i].v2_name, t->rate);
}

static int blkio_apply(const husk_cg_dir_t *d, const husk_resources_t *r,
                       bool update, husk_error_t **err) {
  (void)update;
  const husk_blkio_t *b = &r->block_io;
  if ((CG_IS_V2(d) ? v2_weights(d, b, err) : v1_weights(d, b, err)) < 0)
    return -1;
  for (size_t i = 0; i < N_THROTTLES; i++) {
    const husk_throttle_list_t *l = throttle_list(b, i);
    for (size_t j = 0; j < l->len; j++)
      if (write_throttle(d, i, &l->items[j], j, err) < 0)
        return -1;
  }
  return 0;
}

const husk_cg_controller_t husk_cg_blkio = {
    .v1 = "blkio",
    .v2 = "io",
    .wanted = blkio_wanted,
    .apply = blkio_apply,
};
