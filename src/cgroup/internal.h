/* Shared between the files of src/cgroup (and its unit tests); not part of
 * the driver's interface, which is cgroup.h. */
#ifndef HUSK_CGROUP_INTERNAL_H
#define HUSK_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup/cgroup.h"

/* ---- detect.c: the mount table ---- */

typedef struct {
  char *mountpoint; /* /sys/fs/cgroup/memory */
  char *root;       /* the mountinfo root field: "/" unless a bind/cgroupns */
  bool v2;
  char *name;         /* a v1 named hierarchy ("systemd"), else NULL */
  char **controllers; /* v1: from the mount options; v2: cgroup.controllers */
  size_t n_controllers;
} husk_cg_hier_t;

typedef struct {
  husk_cg_layout_t layout;
  husk_cg_hier_t *hier;
  size_t n;
  int unified; /* index of the cgroup2 hierarchy, -1 if none */
} husk_cg_mounts_t;

/* Parse mountinfo text into the cgroup mount table. v2_controllers is the
 * content of the cgroup2 root's cgroup.controllers (NULL: none). Duplicate
 * mounts of one hierarchy keep the first, preferring /sys/fs/cgroup/... */
int husk_cg_parse_mountinfo(const char *mountinfo, const char *v2_controllers,
                            husk_cg_mounts_t *out, husk_error_t **err);
/* The same from /proc/self/mountinfo and the real cgroup.controllers. */
int husk_cg_mounts_detect(husk_cg_mounts_t *out, husk_error_t **err);
void husk_cg_mounts_free(husk_cg_mounts_t *m);
/* Where a controller lives: a v1 hierarchy binding v1_name, else the
 * cgroup2 one if it offers v2_name; -1 if neither. Either name may be
 * NULL (the controller does not exist in that version). */
int husk_cg_mounts_find(const husk_cg_mounts_t *m, const char *v1_name,
                        const char *v2_name);
bool husk_cg_hier_has(const husk_cg_hier_t *h, const char *controller);

/* ---- path.c ---- */

/* linux.cgroupsPath -> a normalised absolute cgroup path (malloc'd). */
int husk_cg_resolve_path(const char *cgroups_path, const char *id, char **out,
                         husk_error_t **err);
/* The host directory of `path` in hierarchy h (malloc'd). */
char *husk_cg_host_dir(const husk_cg_hier_t *h, const char *path);

/* ---- the cgroup object ---- */

typedef struct {
  const husk_cg_hier_t *h; /* into cg->mounts */
  char *path;              /* absolute host path, for messages and rmdir */
  int fd;                  /* O_DIRECTORY */
  char *top;               /* highest dir create made (rollback), or NULL */
} husk_cg_dir_t;

struct husk_cgroup {
  husk_cg_mounts_t mounts;
  char *path;
  husk_cg_dir_t *dirs;
  size_t n_dirs;
  int unified; /* index into dirs, -1 if none */
};

#define CG_IS_V2(d) ((d)->h->v2)

/* husk_cgroup_create/_load on a given mount table, which they take over
 * (freed on failure too): the tests use them to drive one host as if it
 * were v1-only or v2-only. */
int husk_cg_create_on(husk_cg_mounts_t *m, const husk_spec_t *spec,
                      const char *id, husk_cgroup_t **out, husk_error_t **err);
int husk_cg_load_on(husk_cg_mounts_t *m, const char *path, husk_cgroup_t **out,
                    husk_error_t **err);

/* The directory holding a controller's files, or NULL. */
const husk_cg_dir_t *husk_cg_dir_for(const husk_cgroup_t *cg,
                                     const char *v1_name, const char *v2_name);
/* Where processes are listed: cgroup2 on v2, else freezer or any v1. */
const husk_cg_dir_t *husk_cg_main_dir(const husk_cgroup_t *cg);

/* ---- files.c: reading and writing cgroup files ---- */

/* Write one value (a single write(2), as cgroupfs wants). On failure the
 * message is "<key>: write "<value>" to <dir>/<file>: <errno text>"; key
 * may be NULL. */
int husk_cg_write(const husk_cg_dir_t *d, const char *key, const char *file,
                  husk_error_t **err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The same on a raw directory fd (ancestors, which are not dirs of cg). */
int husk_cg_write_at(int dirfd, const char *dir, const char *key,
                     const char *file, const char *value, husk_error_t **err);
bool husk_cg_has(const husk_cg_dir_t *d, const char *file);
/* Read a small file (NUL-terminated, malloc'd). */
int husk_cg_read(const husk_cg_dir_t *d, const char *file, char **buf,
                 husk_error_t **err);
/* A single number; "max" reads as UINT64_MAX. -1 (errno set) on failure. */
int husk_cg_read_u64(const husk_cg_dir_t *d, const char *file, uint64_t *v);
/* "key value" lines (memory.stat, cpu.stat, cgroup.events): 0 if found. */
int husk_cg_kv(const char *text, const char *key, uint64_t *v);
/* Is word in a space separated list ("cpu io memory")? */
bool husk_cg_word_in(const char *list, const char *word);

/* ---- resources: one writer per controller, driven by a table ---- */

typedef struct {
  const char *v1, *v2; /* controller names; NULL: none in that version */
  /* The first JSON key of r this controller would apply, NULL if none. */
  const char *(*wanted)(const husk_resources_t *r);
  /* Refuse what this version cannot do, before any side effect. */
  int (*check)(bool v2, const husk_resources_t *r, husk_error_t **err);
  int (*apply)(const husk_cg_dir_t *d, const husk_resources_t *r, bool update,
               husk_error_t **err);
} husk_cg_controller_t;

extern const husk_cg_controller_t husk_cg_memory, husk_cg_cpu, husk_cg_cpuset,
    husk_cg_pids, husk_cg_blkio, husk_cg_hugetlb, husk_cg_net_cls,
    husk_cg_net_prio, husk_cg_rdma;

/* resources.c */
int husk_cg_resources_check(const husk_cg_mounts_t *m,
                            const husk_resources_t *r, husk_error_t **err);
int husk_cg_resources_apply(const husk_cgroup_t *cg, const husk_resources_t *r,
                            bool update, husk_error_t **err);
/* The space separated list of cgroup2 controllers the resources use. */
char *husk_cg_resources_v2_needs(const husk_cg_mounts_t *m,
                                 const husk_resources_t *r);

/* res_cpu.c: v1 cpuset dirs cannot take processes until cpus and mems
 * are set; copy them from the parent where empty. */
int husk_cg_cpuset_v1_init(int dirfd, int parentfd, const char *dir,
                           husk_error_t **err);

/* res_unified.c */
int husk_cg_unified_check(const husk_cg_mounts_t *m, const husk_resources_t *r,
                          husk_error_t **err);
int husk_cg_unified_apply(const husk_cgroup_t *cg, const husk_resources_t *r,
                          husk_error_t **err);

/* ---- v1.c, v2.c: version-specific operations ---- */

/* Enable `controllers` (space separated) in the subtree_control of every
 * ancestor of d. Failures for a controller in `required` are errors,
 * others are logged at debug level. */
int husk_cg_v2_enable(const husk_cg_dir_t *d, const char *controllers,
                      const char *required, husk_error_t **err);
/* Wait until <dirfd>/cgroup.events has "<key> <want>": poll(2) wakes on
 * each change. -1 with ETIMEDOUT after timeout_ms. */
int husk_cg_v2_wait_event(int dirfd, const char *dir, const char *key,
                          uint64_t want, int timeout_ms, husk_error_t **err);
/* rmdir one cgroup directory, waiting until it is empty or the deadline
 * (husk_cg_now_ms clock) passes. ENOENT counts as removed. */
int husk_cg_v2_rmdir(const char *path, int64_t deadline_ms, husk_error_t **err);
int husk_cg_v1_rmdir(const char *path, int64_t deadline_ms, husk_error_t **err);
/* Make the directories of a v1 hierarchy usable as they are walked:
 * cpuset needs cpus and mems before it takes a process. */
int husk_cg_v1_prepare(const husk_cg_hier_t *h, int dirfd, int parentfd,
                       const char *dir, husk_error_t **err);

/* Monotonic milliseconds, and a bounded exponential backoff sleep:
 * *delay_us doubles up to 50 ms, never sleeping past the deadline.
 * Returns false once the deadline has passed. */
int64_t husk_cg_now_ms(void);
bool husk_cg_backoff(int *delay_us, int64_t deadline_ms);

/* ---- devices ---- */

typedef struct {
  bool allow;
  char type;            /* 'a', 'c' or 'b' */
  int64_t major, minor; /* -1: any */
  unsigned access;      /* HUSK_CG_DEV_* */
} husk_cg_dev_rule_t;

#define HUSK_CG_DEV_MKNOD 1u
#define HUSK_CG_DEV_READ 2u
#define HUSK_CG_DEV_WRITE 4u
#define HUSK_CG_DEV_ALL 7u

/* devices.c: the effective rules for a spec. Wildcard rules ("a *:* rwm")
 * set *default_allow and drop the rules before them; the rest are to be
 * evaluated last-match-wins; linux.devices and the runtime's defaults
 * (null, zero, full, random, urandom, tty, console, ptmx, pts, mknod of
 * anything) are appended as allows. */
int husk_cg_device_rules(const husk_spec_t *spec, husk_cg_dev_rule_t **rules,
                         size_t *n, bool *default_allow, husk_error_t **err);
/* devices_v1.c */
int husk_cg_devices_v1_apply(const husk_cg_dir_t *d,
                             const husk_cg_dev_rule_t *rules, size_t n,
                             bool default_allow, husk_error_t **err);
/* devices_bpf.c: load a BPF_PROG_TYPE_CGROUP_DEVICE program for the rules
 * and attach it (BPF_F_ALLOW_MULTI) to the cgroup2 directory fd. */
int husk_cg_devices_bpf_attach(int cgroup_fd, const husk_cg_dev_rule_t *rules,
                               size_t n, bool default_allow,
                               husk_error_t **err);

/* ---- freezer.c ---- */
/* The directory with the freezer (v1 freezer.state or cgroup.freeze). */
const husk_cg_dir_t *husk_cg_freezer_dir(const husk_cgroup_t *cg);

#endif
