/* `husk update`: new limits from --resources JSON and/or runc's flags. */
#include "cli/args.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fs.h"

typedef struct {
  const char *resources, *blkio_weight, *cpu_period, *cpu_quota, *cpu_shares,
      *cpu_rt_period, *cpu_rt_runtime, *cpuset_cpus, *cpuset_mems,
      *kernel_memory, *kernel_memory_tcp, *memory, *memory_reservation,
      *memory_swap, *pids_limit;
} update_flags_t;

/* "512m", "1G", "-1" -> bytes, as docker-style tools write sizes. */
static int parse_size(const char *flag, const char *s, int64_t *out,
                      husk_error_t **err) {
  if (!strcmp(s, "-1")) {
    *out = -1;
    return 0;
  }
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  int64_t mult = 1;
  switch (tolower((unsigned char)*end)) {
  case 'k':
    mult = 1LL << 10;
    break;
  case 'm':
    mult = 1LL << 20;
    break;
  case 'g':
    mult = 1LL << 30;
    break;
  case 't':
    mult = 1LL << 40;
    break;
  case 'b':
  case '\0':
    break;
  default:
    mult = 0;
  }
  if (*end && mult != 1)
    end++;
  if (*end && tolower((unsigned char)*end) == 'b')
    end++;
  if (errno || end == s || *end || mult == 0 || v < 0 || v * mult > 9.2e18)
    return husk_error_set(err, 0, "update: --%s: invalid size \"%s\"", flag, s);
  *out = (int64_t)(v * mult);
  return 0;
}

static int parse_int(const char *flag, const char *s, int64_t min, int64_t *out,
                     husk_error_t **err) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || end == s || *end || v < min)
    return husk_error_set(err, 0, "update: --%s: invalid value \"%s\"", flag,
                          s);
  *out = v;
  return 0;
}

/* An integer flag sets one field and marks it and its group present. */
#define INT_FLAG(f, name, min, dst, has, group)                                \
  if (f) {                                                                     \
    int64_t v;                                                                 \
    if (parse_int(name, f, min, &v, err) < 0)                                  \
      return -1;                                                               \
    dst = v;                                                                   \
    has = group = true;                                                        \
  }

static int flags_to_resources(const update_flags_t *u, husk_resources_t *r,
                              husk_error_t **err) {
  husk_memory_t *m = &r->memory;
  husk_cpu_t *c = &r->cpu;
  const struct {
    const char *flag, *name;
    int64_t *dst;
    bool *has;
  } sizes[] = {
      {u->memory, "memory", &m->limit, &m->has_limit},
      {u->memory_reservation, "memory-reservation", &m->reservation,
       &m->has_reservation},
      {u->memory_swap, "memory-swap", &m->swap, &m->has_swap},
      {u->kernel_memory, "kernel-memory", &m->kernel, &m->has_kernel},
      {u->kernel_memory_tcp, "kernel-memory-tcp", &m->kernel_tcp,
       &m->has_kernel_tcp},
  };
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
    if (!sizes[i].flag)
      continue;
    if (parse_size(sizes[i].name, sizes[i].flag, sizes[i].dst, err) < 0)
      return -1;
    *sizes[i].has = m->present = true;
  }
  INT_FLAG(u->cpu_shares, "cpu-share", 0, c->shares, c->has_shares, c->present);
  INT_FLAG(u->cpu_quota, "cpu-quota", -1, c->quota, c->has_quota, c->present);
  INT_FLAG(u->cpu_period, "cpu-period", 0, c->period, c->has_period,
           c->present);
  INT_FLAG(u->cpu_rt_runtime, "cpu-rt-runtime", -1, c->realtime_runtime,
           c->has_realtime_runtime, c->present);
  INT_FLAG(u->cpu_rt_period, "cpu-rt-period", 0, c->realtime_period,
           c->has_realtime_period, c->present);
  INT_FLAG(u->pids_limit, "pids-limit", -1, r->pids_limit, r->has_pids_limit,
           r->present);
  INT_FLAG(u->blkio_weight, "blkio-weight", 0, r->block_io.weight,
           r->block_io.has_weight, r->block_io.present);
  if (u->cpuset_cpus && !(c->cpus = strdup(u->cpuset_cpus)))
    return husk_error_errno(err, "update");
  if (u->cpuset_mems && !(c->mems = strdup(u->cpuset_mems)))
    return husk_error_errno(err, "update");
  if (u->cpuset_cpus || u->cpuset_mems)
    c->present = true;
  r->present = true;
  return 0;
}

static int read_resources(const char *path, husk_resources_t *r,
                          husk_error_t **err) {
  char *buf = NULL;
  size_t len = 0;
  int rc;
  if (!strcmp(path, "-"))
    rc = husk_read_all_fd(STDIN_FILENO, 16 << 20, &buf, &len) < 0
             ? husk_error_errno(err, "update: read standard input")
             : 0;
  else
    rc = husk_read_file_at(AT_FDCWD, path, 16 << 20, &buf, &len, err);
  if (rc == 0)
    rc = husk_resources_parse(buf, len, path[0] == '-' ? "resources" : path, r,
                              err);
  free(buf);
  return rc;
}

int husk_cmd_update(const husk_context_t *ctx, int argc, char **argv) {
  update_flags_t u = {0};
  husk_option_t options[] = {
      {"resources", 'r', HUSK_OPT_STRING, &u.resources,
       "linux.resources JSON from a file, or - for standard input"},
      {"blkio-weight", 0, HUSK_OPT_STRING, &u.blkio_weight, "10 to 1000"},
      {"cpu-period", 0, HUSK_OPT_STRING, &u.cpu_period, "CFS period (us)"},
      {"cpu-quota", 0, HUSK_OPT_STRING, &u.cpu_quota, "CFS quota (us)"},
      {"cpu-share", 0, HUSK_OPT_STRING, &u.cpu_shares, "CPU shares"},
      {"cpu-rt-period", 0, HUSK_OPT_STRING, &u.cpu_rt_period,
       "realtime period (us)"},
      {"cpu-rt-runtime", 0, HUSK_OPT_STRING, &u.cpu_rt_runtime,
       "realtime runtime (us)"},
      {"cpuset-cpus", 0, HUSK_OPT_STRING, &u.cpuset_cpus, "CPUs, e.g. 0-1"},
      {"cpuset-mems", 0, HUSK_OPT_STRING, &u.cpuset_mems, "memory nodes"},
      {"kernel-memory", 0, HUSK_OPT_STRING, &u.kernel_memory,
       "kernel memory limit (v1)"},
      {"kernel-memory-tcp", 0, HUSK_OPT_STRING, &u.kernel_memory_tcp,
       "kernel TCP buffer limit (v1)"},
      {"memory", 0, HUSK_OPT_STRING, &u.memory, "memory limit, e.g. 512m"},
      {"memory-reservation", 0, HUSK_OPT_STRING, &u.memory_reservation,
       "memory soft limit"},
      {"memory-swap", 0, HUSK_OPT_STRING, &u.memory_swap,
       "memory plus swap limit (-1: unlimited)"},
      {"pids-limit", 0, HUSK_OPT_STRING, &u.pids_limit,
       "maximum number of processes"},
      {0},
  };
  husk_command_t cmd = {"update",
                        "<container-id>",
                        "Change the resource limits of a container.",
                        options,
                        1,
                        1,
                        false};
  char **args;
  int n;
  husk_error_t *err = NULL;
  int rc = husk_args_parse(&cmd, argc, argv, &args, &n, &err);
  if (rc != 0)
    return rc < 0 ? husk_cli_fail(err) : 0;
  husk_resources_t r = {0};
  rc = u.resources ? read_resources(u.resources, &r, &err) : 0;
  if (rc == 0)
    rc = flags_to_resources(&u, &r, &err);
  if (rc == 0)
    rc = husk_container_update(ctx, args[0], &r, &err);
  husk_resources_free(&r);
  free(args);
  return rc < 0 ? husk_cli_fail(err) : 0;
}
