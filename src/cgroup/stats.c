/* `events --stats`: runc's stats document (types/events.go), read from
 * whichever hierarchy holds each controller. Field names and the Go
 * omitempty rules are kept so consumers of runc's output parse ours.
 * Missing files read as zero: stats are best effort, as in runc. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"

static uint64_t u64_of(const husk_cg_dir_t *d, const char *file) {
  uint64_t v = 0;
  if (!d || husk_cg_read_u64(d, file, &v) < 0)
    return 0;
  return v;
}

static char *text_of(const husk_cg_dir_t *d, const char *file) {
  char *buf = NULL;
  if (d && husk_cg_read(d, file, &buf, NULL) == 0)
    return buf;
  return NULL;
}

static uint64_t kv_of(const char *text, const char *key) {
  uint64_t v = 0;
  if (text && husk_cg_kv(text, key, &v) == 0)
    return v;
  return 0;
}

/* Go's omitempty: a zero number is left out. */
static void opt_u64(husk_json_writer_t *w, const char *key, uint64_t v) {
  if (!v)
    return;
  husk_jw_key(w, key);
  husk_jw_u64(w, v);
}

static void req_u64(husk_json_writer_t *w, const char *key, uint64_t v) {
  husk_jw_key(w, key);
  husk_jw_u64(w, v);
}

/* A space separated list of numbers as a JSON array (left out if empty). */
static void opt_list(husk_json_writer_t *w, const char *key, const char *s) {
  if (!s || !s[strspn(s, " \n")])
    return;
  husk_jw_key(w, key);
  husk_jw_array_open(w);
  for (char *end; *s; s = end) {
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s)
      break;
    husk_jw_u64(w, v);
  }
  husk_jw_array_close(w);
}

/* ---- cpu ---- */

static void cpu_stats(const husk_cgroup_t *cg, husk_json_writer_t *w) {
  const husk_cg_dir_t *acct = husk_cg_dir_for(cg, "cpuacct", NULL);
  const husk_cg_dir_t *cpu = husk_cg_dir_for(cg, "cpu", "cpu");
  /* cpu.stat's usage lines are core files on v2: no controller needed. */
  const husk_cg_dir_t *usage = acct;
  if (!usage && cg->unified >= 0)
    usage = &cg->dirs[cg->unified];
  husk_jw_key(w, "cpu");
  husk_jw_object_open(w);
  husk_jw_key(w, "usage");
  husk_jw_object_open(w);
  if (usage && !CG_IS_V2(usage)) {
    _cleanup_free_ char *pc = text_of(usage, "cpuacct.usage_percpu");
    _cleanup_free_ char *pk = text_of(usage, "cpuacct.usage_percpu_sys");
    _cleanup_free_ char *pu = text_of(usage, "cpuacct.usage_percpu_user");
    _cleanup_free_ char *st = text_of(usage, "cpuacct.stat");
    /* cpuacct.stat counts USER_HZ ticks. */
    long hz = sysconf(_SC_CLK_TCK);
    uint64_t tick = hz > 0 ? 1000000000ull / (uint64_t)hz : 10000000ull;
    opt_u64(w, "total", u64_of(usage, "cpuacct.usage"));
    opt_list(w, "percpu", pc);
    opt_list(w, "percpu_kernel", pk);
    opt_list(w, "percpu_user", pu);
    req_u64(w, "kernel", kv_of(st, "system") * tick);
    req_u64(w, "user", kv_of(st, "user") * tick);
  } else {
    _cleanup_free_ char *st = text_of(usage, "cpu.stat");
    opt_u64(w, "total", kv_of(st, "usage_usec") * 1000);
    req_u64(w, "kernel", kv_of(st, "system_usec") * 1000);
    req_u64(w, "user", kv_of(st, "user_usec") * 1000);
  }
  husk_jw_object_close(w);
  _cleanup_free_ char *st = text_of(cpu, "cpu.stat");
  bool v2 = cpu && CG_IS_V2(cpu);
  husk_jw_key(w, "throttling");
  husk_jw_object_open(w);
  opt_u64(w, "periods", kv_of(st, "nr_periods"));
  opt_u64(w, "throttledPeriods", kv_of(st, "nr_throttled"));
  opt_u64(w, "throttledTime",
          v2 ? kv_of(st, "throttled_usec") * 1000
             : kv_of(st, "throttled_time"));
  husk_jw_object_close(w);
  husk_jw_object_close(w);
}

/* ---- cpuset ---- */

/* "0-3,7" -> 0 1 2 3 7, bounded. */
static void range_list(husk_json_writer_t *w, const char *key, const char *s) {
  if (!s || !s[strspn(s, " \n")])
    return;
  husk_jw_key(w, key);
  husk_jw_array_open(w);
  unsigned emitted = 0;
  for (char *end; *s && emitted < 65536; s = *end ? end + 1 : end) {
    unsigned long lo = strtoul(s, &end, 10), hi = lo;
    if (end == s)
      break;
    if (*end == '-')
      hi = strtoul(end + 1, &end, 10);
    for (unsigned long i = lo; i <= hi && emitted < 65536; i++, emitted++)
      husk_jw_u64(w, i);
  }
  husk_jw_array_close(w);
}

static void cpuset_stats(const husk_cgroup_t *cg, husk_json_writer_t *w) {
  static const char *const flags[] = {
      "cpu_exclusive",   "mem_hardwall",       "mem_exclusive",
      "memory_migrate",  "memory_spread_page", "memory_spread_slab",
      "memory_pressure", "sched_load_balance", "sched_relax_domain_level"};
  const husk_cg_dir_t *d = husk_cg_dir_for(cg, "cpuset", "cpuset");
  bool v2 = d && CG_IS_V2(d);
  _cleanup_free_ char *cpus =
      text_of(d, v2 ? "cpuset.cpus.effective" : "cpuset.cpus");
  _cleanup_free_ char *mems =
      text_of(d, v2 ? "cpuset.mems.effective" : "cpuset.mems");
  husk_jw_key(w, "cpuset");
  husk_jw_object_open(w);
  range_list(w, "cpus", cpus);
  range_list(w, "mems", mems);
  for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
    char file[64];
    snprintf(file, sizeof file, "cpuset.%s", flags[i]);
    _cleanup_free_ char *t = v2 ? NULL : text_of(d, file);
    husk_jw_kv_i64(w, flags[i], t ? strtoll(t, NULL, 10) : 0);
  }
  husk_jw_object_close(w);
}

/* ---- memory ---- */

static void mem_entry(husk_json_writer_t *w, const char *key, uint64_t limit,
                      uint64_t usage, uint64_t max, uint64_t failcnt) {
  husk_jw_key(w, key);
  husk_jw_object_open(w);
  req_u64(w, "limit", limit);
  opt_u64(w, "usage", usage);
  opt_u64(w, "max", max);
  req_u64(w, "failcnt", failcnt);
  husk_jw_object_close(w);
}

/* v1 files come in families: <prefix>.{limit_in_bytes,usage_in_bytes,...} */
static void v1_entry(husk_json_writer_t *w, const husk_cg_dir_t *d,
                     const char *key, const char *prefix) {
  char f[4][64];
  static const char *const sfx[] = {"limit_in_bytes", "usage_in_bytes",
                                    "max_usage_in_bytes", "failcnt"};
  for (int i = 0; i < 4; i++)
    snprintf(f[i], sizeof f[i], "%s.%s", prefix, sfx[i]);
  mem_entry(w, key, u64_of(d, f[0]), u64_of(d, f[1]), u64_of(d, f[2]),
            u64_of(d, f[3]));
}

static void raw_stats(husk_json_writer_t *w, const char *text) {
  if (!text || !*text)
    return;
  husk_jw_key(w, "raw");
  husk_jw_object_open(w);
  for (const char *p = text; *p;) {
    size_t n = strcspn(p, " \n");
    char key[128];
    if (p[n] == ' ' && n < sizeof key) {
      memcpy(key, p, n);
      key[n] = '\0';
      req_u64(w, key, strtoull(p + n + 1, NULL, 10));
    }
    p += strcspn(p, "\n");
    if (*p)
      p++;
  }
  husk_jw_object_close(w);
}

static void memory_stats(const husk_cgroup_t *cg, husk_json_writer_t *w) {
  const husk_cg_dir_t *d = husk_cg_dir_for(cg, "memory", "memory");
  _cleanup_free_ char *st = text_of(d, "memory.stat");
  bool v2 = d && CG_IS_V2(d);
  husk_jw_key(w, "memory");
  husk_jw_object_open(w);
  opt_u64(w, "cache", kv_of(st, v2 ? "file" : "cache"));
  if (!v2) {
    v1_entry(w, d, "usage", "memory");
    v1_entry(w, d, "swap", "memory.memsw");
    v1_entry(w, d, "kernel", "memory.kmem");
    v1_entry(w, d, "kernelTCP", "memory.kmem.tcp");
  } else {
    /* v1 reports swap as memory+swap; so does runc on v2. */
    uint64_t cur = u64_of(d, "memory.current"), lim = u64_of(d, "memory.max");
    uint64_t scur = u64_of(d, "memory.swap.current");
    uint64_t slim = u64_of(d, "memory.swap.max");
    mem_entry(w, "usage", lim, cur, u64_of(d, "memory.peak"), 0);
    mem_entry(w, "swap",
              slim == UINT64_MAX || lim == UINT64_MAX ? UINT64_MAX : slim + lim,
              scur + cur, 0, 0);
    mem_entry(w, "kernel", 0, 0, 0, 0);
    mem_entry(w, "kernelTCP", 0, 0, 0, 0);
  }
  raw_stats(w, st);
  husk_jw_object_close(w);
}

/* ---- pids ---- */

static void pids_stats(const husk_cgroup_t *cg, husk_json_writer_t *w) {
  const husk_cg_dir_t *d = husk_cg_dir_for(cg, "pids", "pids");
  uint64_t limit = u64_of(d, "pids.max");
  husk_jw_key(w, "pids");
  husk_jw_object_open(w);
  opt_u64(w, "current", u64_of(d, "pids.current"));
  opt_u64(w, "limit", limit == UINT64_MAX ? 0 : limit);
  husk_jw_object_close(w);
}

/* ---- blkio ---- */

static void blk_entry(husk_json_writer_t *w, unsigned long major,
                      unsigned long minor, const char *op, uint64_t v) {
  husk_jw_object_open(w);
  opt_u64(w, "major", major);
  opt_u64(w, "minor", minor);
  if (op && *op)
    husk_jw_kv_string(w, "op", op);
  opt_u64(w, "value", v);
  husk_jw_object_close(w);
}

/* v1: "8:0 Read 4096" lines ("Total 4096" has no device: skipped). */
static void v1_blk_list(husk_json_writer_t *w, const char *key,
                        const char *text) {
  if (!text || !strchr(text, ':'))
    return;
  husk_jw_key(w, key);
  husk_jw_array_open(w);
  for (const char *p = text; *p;) {
    unsigned long ma, mi;
    unsigned long long v;
    char op[16];
    if (sscanf(p, "%lu:%lu %15s %llu", &ma, &mi, op, &v) == 4)
      blk_entry(w, ma, mi, op, v);
    p += strcspn(p, "\n");
    if (*p)
      p++;
  }
  husk_jw_array_close(w);
}

/* v2: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0". */
static void v2_blk_list(husk_json_writer_t *w, const char *key,
                        const char *text, const char *const fields[3]) {
  static const char *const ops[] = {"Read", "Write", "Discard"};
  if (!text || !strchr(text, ':'))
    return;
  husk_jw_key(w, key);
  husk_jw_array_open(w);
  for (const char *p = text; *p;) {
    unsigned long ma, mi;
    size_t line = strcspn(p, "\n");
    if (sscanf(p, "%lu:%lu", &ma, &mi) == 2)
      for (int i = 0; i < 3; i++) {
        const char *f = strstr(p, fields[i]);
        if (f && f < p + line)
          blk_entry(w, ma, mi, ops[i],
                    strtoull(f + strlen(fields[i]), NULL, 10));
      }
    p += line;
    if (*p)
      p++;
  }
  husk_jw_array_close(w);
}

static void blkio_stats(const husk_cgroup_t *cg, husk_json_writer_t *w) {
  const husk_cg_dir_t *d = husk_cg_dir_for(cg, "blkio", "io");
  husk_jw_key(w, "blkio");
  husk_jw_object_open(w);
  if (d && CG_IS_V2(d)) {
    static const char *const bytes[3] = {" rbytes=", " wbytes=", " dbytes="};
    static const char *const ios[3] = {" rios=", " wios=", " dios="};
    _cleanup_free_ char *st = text_of(d, "io.stat");
    v2_blk_list(w, "ioServiceBytesRecursive", st, bytes);
    v2_blk_list(w, "ioServicedRecursive", st, ios);
  } else if (d) {
    /* CFQ's files, else BFQ's, else the throttle layer's. */
    static const char *const prefixes[] = {"blkio.", "blkio.bfq.",
                                           "blkio.throttle."};
    for (size_t i = 0; i < 3; i++) {
      char f1[64], f2[64];
      snprintf(f1, sizeof f1, "%sio_service_bytes_recursive", prefixes[i]);
      snprintf(f2, sizeof f2, "%sio_serviced_recursive", prefixes[i]);
      if (!husk_cg_has(d, f1))
        continue;
      _cleanup_free_ char *b = text_of(d, f1), *s = text_of(d, f2);
      v1_blk_list(w, "ioServiceBytesRecursive", b);
      v1_blk_list(w, "ioServicedRecursive", s);
      break;
    }
  }
  husk_jw_object_close(w);
}

/* ---- hugetlb ---- */

static void hugetlb_stats(const husk_cgroup_t *cg, husk_json_writer_t *w) {
  const husk_cg_dir_t *d = husk_cg_dir_for(cg, "hugetlb", "hugetlb");
  husk_jw_key(w, "hugetlb");
  husk_jw_object_open(w);
  DIR *sizes = d ? opendir("/sys/kernel/mm/hugepages") : NULL;
  struct dirent *de;
  while (sizes && (de = readdir(sizes))) {
    unsigned long kb;
    if (sscanf(de->d_name, "hugepages-%lukB", &kb) != 1)
      continue;
    /* The cgroup file names use the largest whole unit: 2MB, 1GB. */
    char size[32], f[96];
    if (kb % (1024 * 1024) == 0)
      snprintf(size, sizeof size, "%luGB", kb / (1024 * 1024));
    else if (kb % 1024 == 0)
      snprintf(size, sizeof size, "%luMB", kb / 1024);
    else
      snprintf(size, sizeof size, "%luKB", kb);
    husk_jw_key(w, size);
    husk_jw_object_open(w);
    if (CG_IS_V2(d)) {
      snprintf(f, sizeof f, "hugetlb.%s.current", size);
      opt_u64(w, "usage", u64_of(d, f));
      snprintf(f, sizeof f, "hugetlb.%s.events", size);
      _cleanup_free_ char *ev = text_of(d, f);
      req_u64(w, "failcnt", kv_of(ev, "max"));
    } else {
      snprintf(f, sizeof f, "hugetlb.%s.usage_in_bytes", size);
      opt_u64(w, "usage", u64_of(d, f));
      snprintf(f, sizeof f, "hugetlb.%s.max_usage_in_bytes", size);
      opt_u64(w, "max", u64_of(d, f));
      snprintf(f, sizeof f, "hugetlb.%s.failcnt", size);
      req_u64(w, "failcnt", u64_of(d, f));
    }
    husk_jw_object_close(w);
  }
  if (sizes)
    closedir(sizes);
  husk_jw_object_close(w);
}

int husk_cgroup_stats(const husk_cgroup_t *cg, husk_json_writer_t *w,
                      husk_error_t **err) {
  (void)err;
  husk_jw_object_open(w);
  cpu_stats(cg, w);
  cpuset_stats(cg, w);
  memory_stats(cg, w);
  pids_stats(cg, w);
  blkio_stats(cg, w);
  hugetlb_stats(cg, w);
  husk_jw_key(w, "intel_rdt");
  husk_jw_object_open(w);
  husk_jw_object_close(w);
  husk_jw_key(w, "network_interfaces");
  husk_jw_null(w);
  husk_jw_object_close(w);
  return 0;
}

int husk_cgroup_oom_kills(const husk_cgroup_t *cg, uint64_t *n,
                          husk_error_t **err) {
  const husk_cg_dir_t *d = husk_cg_dir_for(cg, "memory", "memory");
  *n = 0;
  if (!d)
    return 0;
  const char *file = CG_IS_V2(d) ? "memory.events" : "memory.oom_control";
  _cleanup_free_ char *text = NULL;
  if (husk_cg_read(d, file, &text, err) < 0)
    return -1;
  *n = kv_of(text, "oom_kill");
  return 0;
}
