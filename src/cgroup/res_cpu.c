/* linux.resources.cpu: the cpu controller (shares, CFS quota/period/burst,
 * realtime, idle) and the cpuset controller (cpus, mems). As in runc, 0
 * means "not set" for shares, quota, period and the realtime values. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define K "linux.resources.cpu."

static const char *cpu_wanted(const husk_resources_t *r) {
  const husk_cpu_t *c = &r->cpu;
  if (c->has_shares && c->shares)
    return K "shares";
  if (c->has_quota && c->quota)
    return K "quota";
  if (c->has_period && c->period)
    return K "period";
  if (c->has_burst)
    return K "burst";
  if (c->has_realtime_runtime && c->realtime_runtime)
    return K "realtimeRuntime";
  if (c->has_realtime_period && c->realtime_period)
    return K "realtimePeriod";
  if (c->has_idle)
    return K "idle";
  return NULL;
}

static int cpu_check(bool v2, const husk_resources_t *r, husk_error_t **err) {
  const husk_cpu_t *c = &r->cpu;
  if (v2 && c->has_realtime_runtime && c->realtime_runtime)
    return husk_error_set(err, 0,
                          K "realtimeRuntime: not supported on "
                            "cgroup v2");
  if (v2 && c->has_realtime_period && c->realtime_period)
    return husk_error_set(err, 0,
                          K "realtimePeriod: not supported on "
                            "cgroup v2");
  return 0;
}

/* cpu.shares (2..262144) -> cpu.weight (1..10000), the documented map. */
static uint64_t shares_to_weight(uint64_t shares) {
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

static int v1_apply(const husk_cg_dir_t *d, const husk_cpu_t *c,
                    husk_error_t **err) {
  if (c->has_shares && c->shares &&
      husk_cg_write(d, K "shares", "cpu.shares", err, "%" PRIu64, c->shares) <
          0)
    return -1;
  /* The period first: a quota is checked against it. */
  if (c->has_period && c->period &&
      husk_cg_write(d, K "period", "cpu.cfs_period_us", err, "%" PRIu64,
                    c->period) < 0)
    return -1;
  if (c->has_quota && c->quota &&
      husk_cg_write(d, K "quota", "cpu.cfs_quota_us", err, "%" PRId64,
                    c->quota) < 0)
    return -1;
  if (c->has_burst && husk_cg_write(d, K "burst", "cpu.cfs_burst_us", err,
                                    "%" PRIu64, c->burst) < 0)
    return -1;
  if (c->has_realtime_period && c->realtime_period &&
      husk_cg_write(d, K "realtimePeriod", "cpu.rt_period_us", err, "%" PRIu64,
                    c->realtime_period) < 0)
    return -1;
  if (c->has_realtime_runtime && c->realtime_runtime &&
      husk_cg_write(d, K "realtimeRuntime", "cpu.rt_runtime_us", err,
                    "%" PRId64, c->realtime_runtime) < 0)
    return -1;
  if (c->has_idle &&
      husk_cg_write(d, K "idle", "cpu.idle", err, "%" PRId64, c->idle) < 0)
    return -1;
  return 0;
}

/* cpu.max is "<quota|max> <period>"; a period alone keeps the quota. */
static int v2_max(const husk_cg_dir_t *d, const husk_cpu_t *c,
                  husk_error_t **err) {
  bool quota = c->has_quota && c->quota, period = c->has_period && c->period;
  const char *key = quota ? K "quota" : K "period";
  char q[32] = "max";
  if (quota && c->quota > 0)
    snprintf(q, sizeof q, "%" PRId64, c->quota);
  if (!quota) {
    _cleanup_free_ char *cur = NULL;
    if (husk_cg_read(d, "cpu.max", &cur, err) < 0)
      return -1;
    size_t n = strcspn(cur, " \n");
    if (n < sizeof q) {
      memcpy(q, cur, n);
      q[n] = '\0';
    }
  }
  if (period)
    return husk_cg_write(d, key, "cpu.max", err, "%s %" PRIu64, q, c->period);
  return husk_cg_write(d, key, "cpu.max", err, "%s", q);
}

static int v2_apply(const husk_cg_dir_t *d, const husk_cpu_t *c,
                    husk_error_t **err) {
  if (c->has_shares && c->shares &&
      husk_cg_write(d, K "shares", "cpu.weight", err, "%" PRIu64,
                    shares_to_weight(c->shares)) < 0)
    return -1;
  if (((c->has_quota && c->quota) || (c->has_period && c->period)) &&
      v2_max(d, c, err) < 0)
    return -1;
  if (c->has_burst && husk_cg_write(d, K "burst", "cpu.max.burst", err,
                                    "%" PRIu64, c->burst) < 0)
    return -1;
  if (c->has_idle &&
      husk_cg_write(d, K "idle", "cpu.idle", err, "%" PRId64, c->idle) < 0)
    return -1;
  return 0;
}

static int cpu_apply(const husk_cg_dir_t *d, const husk_resources_t *r,
                     bool update, husk_error_t **err) {
  (void)update;
  return CG_IS_V2(d) ? v2_apply(d, &r->cpu, err) : v1_apply(d, &r->cpu, err);
}

const husk_cg_controller_t husk_cg_cpu = {
    .v1 = "cpu",
    .v2 = "cpu",
    .wanted = cpu_wanted,
    .check = cpu_check,
    .apply = cpu_apply,
};

/* ---- cpuset ---- */

static const char *cpuset_wanted(const husk_resources_t *r) {
  if (r->cpu.cpus && *r->cpu.cpus)
    return K "cpus";
  if (r->cpu.mems && *r->cpu.mems)
    return K "mems";
  return NULL;
}

static int cpuset_apply(const husk_cg_dir_t *d, const husk_resources_t *r,
                        bool update, husk_error_t **err) {
  (void)update;
  /* mems first: a v1 cpuset with cpus but no mems is still unusable, and
   * the order makes no difference on v2. */
  if (r->cpu.mems && *r->cpu.mems &&
      husk_cg_write(d, K "mems", "cpuset.mems", err, "%s", r->cpu.mems) < 0)
    return -1;
  if (r->cpu.cpus && *r->cpu.cpus &&
      husk_cg_write(d, K "cpus", "cpuset.cpus", err, "%s", r->cpu.cpus) < 0)
    return -1;
  return 0;
}

const husk_cg_controller_t husk_cg_cpuset = {
    .v1 = "cpuset",
    .v2 = "cpuset",
    .wanted = cpuset_wanted,
    .apply = cpuset_apply,
};

static bool blank(const char *s) {
  return s[strspn(s, " \t\n")] == '\0';
}

int husk_cg_cpuset_v1_init(int dirfd, int parentfd, const char *dir,
                           husk_error_t **err) {
  static const char *const files[] = {"cpuset.mems", "cpuset.cpus"};
  for (size_t i = 0; i < 2; i++) {
    _cleanup_free_ char *mine = NULL, *parent = NULL;
    size_t len;
    if (husk_read_file_at(dirfd, files[i], 4096, &mine, &len, NULL) < 0)
      return husk_error_errno(err, "read %s/%s", dir, files[i]);
    if (!blank(mine))
      continue;
    if (husk_read_file_at(parentfd, files[i], 4096, &parent, &len, NULL) < 0)
      return husk_error_errno(err, "read %s/../%s", dir, files[i]);
    parent[strcspn(parent, "\n")] = '\0';
    if (blank(parent))
      return husk_error_set(err, 0, "%s/../%s is empty", dir, files[i]);
    if (husk_cg_write_at(dirfd, dir, NULL, files[i], parent, err) < 0)
      return -1;
  }
  return 0;
}
