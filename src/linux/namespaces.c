#include "linux/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static int ns_index_of(const husk_spec_t *spec, const husk_namespace_t *ns) {
  return (int)(ns - spec->linux_.namespaces);
}

int husk_ns_plan(const husk_spec_t *spec, husk_ns_plan_t *plan,
                 husk_error_t **err) {
  for (int t = 0; t < HUSK_NS_COUNT; t++) {
    plan->create[t] = false;
    plan->join_fd[t] = -1;
  }
  for (size_t i = 0; i < spec->linux_.n_namespaces; i++) {
    const husk_namespace_t *ns = &spec->linux_.namespaces[i];
    const husk_ns_info_t *info = &husk_ns_table[ns->type];
    if (!ns->path || !ns->path[0]) {
      plan->create[ns->type] = true;
      continue;
    }
    int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      husk_error_errno(err, "config.json: linux.namespaces[%d].path: %s",
                       ns_index_of(spec, ns), ns->path);
      husk_ns_plan_close(plan);
      return -1;
    }
    plan->join_fd[ns->type] = fd;
    int type = ioctl(fd, NS_GET_NSTYPE);
    if (type != info->clone_flag) {
      husk_error_set(err, 0,
                     "config.json: linux.namespaces[%d].path: %s is not a "
                     "%s namespace",
                     ns_index_of(spec, ns), ns->path, info->name);
      husk_ns_plan_close(plan);
      return -1;
    }
  }
  if (plan->join_fd[HUSK_NS_USER] >= 0) {
    for (int t = 0; t < HUSK_NS_COUNT; t++)
      if (plan->create[t] && t != HUSK_NS_USER) {
        husk_ns_plan_close(plan);
        return husk_error_set(
            err, 0,
            "config.json: linux.namespaces: joining a user namespace by path "
            "while creating a %s namespace is not supported",
            husk_ns_table[t].name);
      }
  }
  return 0;
}

void husk_ns_plan_close(husk_ns_plan_t *plan) {
  for (int t = 0; t < HUSK_NS_COUNT; t++)
    if (plan->join_fd[t] >= 0) {
      close(plan->join_fd[t]);
      plan->join_fd[t] = -1;
    }
}

unsigned long husk_ns_clone_flags(const husk_ns_plan_t *plan) {
  unsigned long flags = 0;
  for (int t = 0; t < HUSK_NS_COUNT; t++)
    if (plan->create[t] && t != HUSK_NS_TIME && t != HUSK_NS_CGROUP)
      flags |= husk_ns_table[t].clone_flag;
  return flags;
}

static int join_one(const husk_ns_plan_t *plan, int t, husk_error_t **err) {
  if (plan->join_fd[t] < 0)
    return 0;
  if (setns(plan->join_fd[t], husk_ns_table[t].clone_flag) < 0)
    return husk_error_errno(err, "join %s namespace", husk_ns_table[t].name);
  return 0;
}

int husk_ns_join_pid_for_children(const husk_ns_plan_t *plan,
                                  husk_error_t **err) {
  return join_one(plan, HUSK_NS_PID, err);
}

int husk_ns_join(const husk_ns_plan_t *plan, husk_error_t **err) {
  if (join_one(plan, HUSK_NS_USER, err) < 0)
    return -1;
  for (int t = 0; t < HUSK_NS_COUNT; t++)
    if (t != HUSK_NS_USER && t != HUSK_NS_PID && join_one(plan, t, err) < 0)
      return -1;
  return 0;
}

int husk_ns_setup_time(const husk_spec_t *spec, const husk_ns_plan_t *plan,
                       int procfd, husk_error_t **err) {
  if (!plan->create[HUSK_NS_TIME])
    return 0;
  if (unshare(CLONE_NEWTIME) < 0)
    return husk_error_errno(err, "create time namespace");
  const husk_time_offset_t *mono = &spec->linux_.time_monotonic;
  const husk_time_offset_t *boot = &spec->linux_.time_boottime;
  char buf[128];
  int n = snprintf(buf, sizeof buf, "monotonic %lld %u\nboottime %lld %u\n",
                   (long long)(mono->present ? mono->secs : 0),
                   mono->present ? mono->nanosecs : 0,
                   (long long)(boot->present ? boot->secs : 0),
                   boot->present ? boot->nanosecs : 0);
  if (husk_write_file_at(procfd, "self/timens_offsets", buf, n, err) < 0)
    return husk_error_wrap(err, "config.json: linux.timeOffsets");
  /* unshare only affects children; setns moves this process itself in. */
  _cleanup_close_ int fd =
      openat(procfd, "self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
  if (fd < 0 || setns(fd, CLONE_NEWTIME) < 0)
    return husk_error_errno(err, "enter time namespace");
  return 0;
}

int husk_ns_setup_cgroup(const husk_ns_plan_t *plan, husk_error_t **err) {
  if (plan->create[HUSK_NS_CGROUP] && unshare(CLONE_NEWCGROUP) < 0)
    return husk_error_errno(err, "create cgroup namespace");
  return 0;
}
