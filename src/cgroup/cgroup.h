/* The cgroupfs driver: one container's cgroup on a v1, hybrid or v2 host.
 *
 * Mount points come from /proc/self/mountinfo, so the same code runs on all
 * three layouts; on a hybrid host each controller is used from wherever it
 * is bound, and the cgroup is also made in the cgroup2 ("unified") tree so
 * the processes are tracked there too. All functions return 0 or -1 with
 * *err set; messages name the JSON key or the cgroup file and errno. */
#ifndef HUSK_CGROUP_H
#define HUSK_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "husk/error.h"
#include "husk/spec.h"
#include "util/json.h"

typedef enum { HUSK_CG_V1, HUSK_CG_HYBRID, HUSK_CG_V2 } husk_cg_layout_t;

/* The host's layout, from /proc/self/mountinfo. */
int husk_cgroup_detect(husk_cg_layout_t *layout, husk_error_t **err);

typedef struct husk_cgroup husk_cgroup_t;

/* Resolve linux.cgroupsPath (absolute: from each hierarchy's root; relative
 * or absent: under /husk/, default "/husk/<id>"; "slice:prefix:name" is
 * refused until there is a systemd driver), check that every resource the
 * spec sets can be honoured here, create the cgroup in every hierarchy,
 * install the device rules (v1 devices.* or a v2 eBPF program; defaults
 * like /dev/null are always allowed) and apply linux.resources. An
 * existing cgroup may be reused only if it has no processes. On failure
 * no directory it made is left behind (controllers it enabled in the
 * parents' cgroup.subtree_control stay enabled, as with runc). */
int husk_cgroup_create(const husk_spec_t *spec, const char *id,
                       husk_cgroup_t **out, husk_error_t **err);

/* The JSON key of the first limit linux.resources sets ("linux.resources.
 * memory.limit"), device rules aside; NULL when it sets none. */
const char *husk_cgroup_limit_key(const husk_resources_t *r);

/* Reopen the cgroup of a container from the path create stored
 * (husk_cgroup_path). Hierarchies where it no longer exists are skipped, so
 * this succeeds for a half-removed cgroup and destroy finishes the job. */
int husk_cgroup_load(const char *path, husk_cgroup_t **out, husk_error_t **err);

/* The resolved cgroup path ("/husk/<id>"), to store in state.json. */
const char *husk_cgroup_path(const husk_cgroup_t *cg);

/* The cgroup2 directory fd for clone3(CLONE_INTO_CGROUP), or -1 on a pure
 * v1 host. Owned by cg: do not close. */
int husk_cgroup_clone3_fd(const husk_cgroup_t *cg);

/* Move pid into the cgroup: one cgroup.procs write per v1 hierarchy, plus
 * the cgroup2 one unless the process was cloned into it already
 * (in_clone3_cgroup). Call it before the process may run user code. */
int husk_cgroup_add_pid(const husk_cgroup_t *cg, pid_t pid,
                        bool in_clone3_cgroup, husk_error_t **err);

/* exec --cgroup: existing sub-cgroups of cg for one process. Each flag is
 * "PATH" (every hierarchy; the only form on a pure cgroup v2 host, and
 * then the only flag) or "CTRL[,CTRL]:PATH" (the v1 hierarchies of those
 * controllers, "name=systemd" for a named one, "unified" for the cgroup2
 * tree of a hybrid host); hierarchies not named stay at cg. PATH is below
 * cg: "..", "." and empty components are refused. */
typedef struct husk_cgroup_sub husk_cgroup_sub_t;
int husk_cgroup_sub_open(const husk_cgroup_t *cg, char *const *flags, size_t n,
                         husk_cgroup_sub_t **out, husk_error_t **err);
/* As husk_cgroup_clone3_fd and husk_cgroup_add_pid, for the sub-cgroups. */
int husk_cgroup_sub_clone3_fd(const husk_cgroup_sub_t *s);
int husk_cgroup_sub_add_pid(const husk_cgroup_sub_t *s, pid_t pid,
                            bool in_clone3_cgroup, husk_error_t **err);
void husk_cgroup_sub_free(husk_cgroup_sub_t *s);

/* Every process in the cgroup and its sub-cgroups, sorted (malloc'd). */
int husk_cgroup_pids(const husk_cgroup_t *cg, pid_t **pids, size_t *n,
                     husk_error_t **err);

/* Signal every process. SIGKILL uses cgroup.kill where the kernel has it;
 * otherwise the cgroup is frozen while it is walked so that no fork
 * escapes, then thawed. A paused container stays paused, except for
 * SIGKILL, after which it is thawed so that the processes can exit. */
int husk_cgroup_kill(const husk_cgroup_t *cg, int sig, husk_error_t **err);

/* Freeze or thaw, and wait (bounded) until the kernel reports the state
 * reached; on a freeze timeout the cgroup is thawed again. */
int husk_cgroup_freeze(const husk_cgroup_t *cg, bool frozen,
                       husk_error_t **err);
int husk_cgroup_is_frozen(const husk_cgroup_t *cg, bool *frozen,
                          husk_error_t **err);

/* Apply new limits (`husk update`): the same writers as create, keys the
 * resources leave unset are not touched. Device rules are not changed. */
int husk_cgroup_update(const husk_cgroup_t *cg, const husk_resources_t *r,
                       husk_error_t **err);

/* Write runc's `events --stats` "data" object (cpu, cpuset, memory, pids,
 * blkio, hugetlb, intel_rdt, network_interfaces) to w. */
int husk_cgroup_stats(const husk_cgroup_t *cg, husk_json_writer_t *w,
                      husk_error_t **err);

/* How many processes the OOM killer has killed in the cgroup so far (v1
 * memory.oom_control, v2 memory.events "oom_kill"): `events` polls it
 * and reports an "oom" event when it grows. 0 without a memory cgroup. */
int husk_cgroup_oom_kills(const husk_cgroup_t *cg, uint64_t *n,
                          husk_error_t **err);

/* Remove the cgroup (and any sub-cgroups the container made) everywhere;
 * when cg comes from husk_cgroup_create, also the parents that made.
 * Kill the processes first: this waits, bounded, for the cgroup to empty
 * (cgroup.events on v2, EBUSY retries on v1) and fails if it does not.
 * Parents such as /husk are left. cg must still be freed. */
int husk_cgroup_destroy(husk_cgroup_t *cg, husk_error_t **err);

void husk_cgroup_free(husk_cgroup_t *cg);

/* The host's hierarchies as a container with its own cgroup namespace
 * mounts them: `dir` is the name under the cgroup mount ("memory",
 * "systemd", "unified"; "" for the single cgroup2 of a pure v2 host),
 * `options` the mount data ("memory", "name=systemd"; NULL for cgroup2). */
typedef struct {
  char *dir;
  bool v2;
  char *options;
} husk_cgroup_view_t;
int husk_cgroup_views(husk_cgroup_view_t **out, size_t *n, husk_error_t **err);
void husk_cgroup_views_free(husk_cgroup_view_t *v, size_t n);

#endif
