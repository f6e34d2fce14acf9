/* config.json as typed data. Parsed and validated once (src/spec/), before
 * any side effect; everything after parsing works on these structs.
 * Optional scalars carry a `has_*` flag: absent and zero are different. */
#ifndef HUSK_SPEC_H
#define HUSK_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "husk/error.h"

/* The runtime-spec versions husk parses (features: ociVersionMin/Max). */
#define HUSK_OCI_VERSION_MIN "1.0.0"
#define HUSK_OCI_VERSION_MAX "1.2.0"

typedef struct {
  char **items;
  size_t len;
} husk_strv_t;

typedef struct {
  char *key;
  char *value;
} husk_kv_t;

typedef struct {
  husk_kv_t *items;
  size_t len;
} husk_kvlist_t;

typedef struct {
  uint32_t container_id, host_id, size;
} husk_idmap_t;

typedef struct {
  husk_idmap_t *items;
  size_t len;
} husk_idmaps_t;

/* ---- root, mounts ---- */

typedef struct {
  char *path;
  bool readonly;
} husk_root_t;

typedef struct {
  char *destination; /* absolute */
  char *type;        /* may be NULL (bind mounts) */
  char *source;      /* may be NULL */
  husk_strv_t options;
  husk_idmaps_t uid_mappings, gid_mappings;
  /* Derived from options by the parser: */
  unsigned long flags;       /* MS_* set */
  unsigned long clear;       /* MS_* explicitly cleared (rw, suid, ...) */
  unsigned long propagation; /* MS_SHARED/SLAVE/PRIVATE/UNBINDABLE (|MS_REC) */
  bool bind, recursive;      /* bind / rbind */
  bool idmap;                /* idmap or ridmap given */
  char *data;                /* remaining fs-specific options, comma-joined */
  /* Also derived: the recursive forms ("rro", "rnosuid", ...) are in
   * flags/clear too, and here, to be applied to the whole tree with
   * mount_setattr(AT_RECURSIVE). */
  unsigned long rec_flags, rec_clear;
  bool idmap_recursive; /* ridmap */
  bool tmpcopyup;       /* runc's extension: tmpfs gets the dir's files */
} husk_mount_t;

/* ---- process ---- */

typedef struct {
  uint32_t uid, gid;
  bool has_umask;
  uint32_t umask;
  gid_t *additional_gids;
  size_t n_additional_gids;
  char *username; /* Windows only; kept for completeness */
} husk_user_t;

typedef struct {
  bool present; /* the "capabilities" object exists */
  husk_strv_t bounding, effective, inheritable, permitted, ambient;
} husk_caps_t;

typedef struct {
  int resource; /* RLIMIT_* */
  char *name;   /* "RLIMIT_NOFILE" */
  uint64_t hard, soft;
} husk_rlimit_t;

typedef struct {
  bool present;
  int class; /* IOPRIO_CLASS_* */
  int priority;
} husk_ioprio_t;

typedef struct {
  bool present;
  int policy; /* SCHED_* */
  int32_t nice;
  int32_t priority;
  uint64_t flags; /* SCHED_FLAG_* */
  uint64_t runtime, deadline, period;
} husk_sched_t;

typedef struct {
  char *initial, *final; /* cpu lists, e.g. "0-3,7"; NULL if absent */
} husk_cpu_affinity_t;

typedef struct {
  bool terminal;
  bool has_console_size;
  uint32_t console_height, console_width;
  husk_user_t user;
  husk_strv_t args;
  char *command_line; /* Windows only */
  husk_strv_t env;
  char *cwd;
  husk_caps_t capabilities;
  husk_rlimit_t *rlimits;
  size_t n_rlimits;
  bool no_new_privileges;
  char *apparmor_profile;
  bool has_oom_score_adj;
  int oom_score_adj;
  char *selinux_label;
  husk_ioprio_t io_priority;
  husk_sched_t scheduler;
  husk_cpu_affinity_t exec_cpu_affinity;
} husk_process_t;

/* ---- hooks ---- */

typedef struct {
  char *path;
  husk_strv_t args, env;
  bool has_timeout;
  int timeout; /* seconds, > 0 */
} husk_hook_t;

typedef struct {
  husk_hook_t *items;
  size_t len;
} husk_hooklist_t;

typedef struct {
  husk_hooklist_t prestart, create_runtime, create_container, start_container,
      poststart, poststop;
} husk_hooks_t;

/* ---- linux ---- */

typedef enum {
  HUSK_NS_PID,
  HUSK_NS_NET,
  HUSK_NS_IPC,
  HUSK_NS_UTS,
  HUSK_NS_MOUNT,
  HUSK_NS_CGROUP,
  HUSK_NS_USER,
  HUSK_NS_TIME,
  HUSK_NS_COUNT
} husk_ns_type_t;

typedef struct {
  husk_ns_type_t type;
  char *path; /* NULL: create a new one */
} husk_namespace_t;

/* The table shared by the parser, the setup code and `features`. */
typedef struct {
  const char *name;      /* "network" */
  const char *proc_name; /* "net": /proc/<pid>/ns/<proc_name> */
  int clone_flag;        /* CLONE_NEWNET */
} husk_ns_info_t;
extern const husk_ns_info_t husk_ns_table[HUSK_NS_COUNT];

typedef struct {
  bool present;
  int64_t secs;
  uint32_t nanosecs;
} husk_time_offset_t;

typedef struct {
  char type; /* 'c', 'b', 'u' or 'p' */
  char *path;
  int64_t major, minor;
  bool has_file_mode, has_uid, has_gid;
  uint32_t file_mode, uid, gid;
} husk_device_t;

/* linux.resources */
typedef struct {
  bool allow;
  char type; /* 'a', 'c', 'b' (0 if absent = all) */
  bool has_major, has_minor;
  int64_t major, minor;
  char *access; /* "rwm" subset; NULL = all */
} husk_device_rule_t;

typedef struct {
  bool present;
  bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp,
      has_swappiness, has_disable_oom_killer, has_use_hierarchy,
      has_check_before_update;
  int64_t limit, reservation, swap, kernel, kernel_tcp;
  uint64_t swappiness;
  bool disable_oom_killer, use_hierarchy, check_before_update;
} husk_memory_t;

typedef struct {
  bool present;
  bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime,
      has_realtime_period, has_idle;
  uint64_t shares, burst, period, realtime_period;
  int64_t quota, realtime_runtime, idle;
  char *cpus, *mems;
} husk_cpu_t;

typedef struct {
  int64_t major, minor;
  bool has_weight, has_leaf_weight;
  uint16_t weight, leaf_weight;
} husk_weight_device_t;

typedef struct {
  int64_t major, minor;
  uint64_t rate;
} husk_throttle_device_t;

typedef struct {
  husk_throttle_device_t *items;
  size_t len;
} husk_throttle_list_t;

typedef struct {
  bool present;
  bool has_weight, has_leaf_weight;
  uint16_t weight, leaf_weight;
  husk_weight_device_t *weight_device;
  size_t n_weight_device;
  husk_throttle_list_t throttle_read_bps, throttle_write_bps,
      throttle_read_iops, throttle_write_iops;
} husk_blkio_t;

typedef struct {
  char *page_size; /* "2MB" */
  uint64_t limit;
} husk_hugepage_limit_t;

typedef struct {
  char *name;
  uint32_t priority;
} husk_net_priority_t;

typedef struct {
  bool present;
  bool has_class_id;
  uint32_t class_id;
  husk_net_priority_t *priorities;
  size_t n_priorities;
} husk_network_t;

typedef struct {
  char *device;
  bool has_hca_handles, has_hca_objects;
  uint32_t hca_handles, hca_objects;
} husk_rdma_t;

typedef struct {
  bool present;
  husk_device_rule_t *devices;
  size_t n_devices;
  husk_memory_t memory;
  husk_cpu_t cpu;
  bool has_pids_limit;
  int64_t pids_limit;
  husk_blkio_t block_io;
  husk_hugepage_limit_t *hugepage_limits;
  size_t n_hugepage_limits;
  husk_network_t network;
  husk_rdma_t *rdma;
  size_t n_rdma;
  husk_kvlist_t unified;
} husk_resources_t;

/* linux.seccomp */
typedef enum {
  HUSK_SECCOMP_KILL, /* = KILL_THREAD */
  HUSK_SECCOMP_KILL_PROCESS,
  HUSK_SECCOMP_KILL_THREAD,
  HUSK_SECCOMP_TRAP,
  HUSK_SECCOMP_ERRNO,
  HUSK_SECCOMP_TRACE,
  HUSK_SECCOMP_ALLOW,
  HUSK_SECCOMP_LOG,
  HUSK_SECCOMP_NOTIFY,
  HUSK_SECCOMP_ACTION_COUNT
} husk_seccomp_action_t;
extern const char *const husk_seccomp_action_names[HUSK_SECCOMP_ACTION_COUNT];

typedef enum {
  HUSK_SECCOMP_OP_NE,
  HUSK_SECCOMP_OP_LT,
  HUSK_SECCOMP_OP_LE,
  HUSK_SECCOMP_OP_EQ,
  HUSK_SECCOMP_OP_GE,
  HUSK_SECCOMP_OP_GT,
  HUSK_SECCOMP_OP_MASKED_EQ,
  HUSK_SECCOMP_OP_COUNT
} husk_seccomp_op_t;
extern const char *const husk_seccomp_op_names[HUSK_SECCOMP_OP_COUNT];

typedef struct {
  uint32_t index;
  uint64_t value, value_two;
  husk_seccomp_op_t op;
} husk_seccomp_arg_t;

typedef struct {
  husk_strv_t names;
  husk_seccomp_action_t action;
  bool has_errno_ret;
  uint32_t errno_ret;
  husk_seccomp_arg_t *args;
  size_t n_args;
} husk_seccomp_rule_t;

typedef struct {
  bool present;
  husk_seccomp_action_t default_action;
  bool has_default_errno_ret;
  uint32_t default_errno_ret;
  husk_strv_t architectures; /* "SCMP_ARCH_X86_64" */
  husk_strv_t flags;         /* "SECCOMP_FILTER_FLAG_LOG" */
  char *listener_path, *listener_metadata;
  husk_seccomp_rule_t *syscalls;
  size_t n_syscalls;
} husk_seccomp_t;

typedef struct {
  bool present;
  char *domain; /* "LINUX" or "LINUX32" */
  husk_strv_t flags;
} husk_personality_t;

typedef struct {
  bool present;
  char *clos_id, *l3_cache_schema, *mem_bw_schema;
  bool enable_cmt, enable_mbm;
} husk_intel_rdt_t;

typedef struct {
  bool present;
  char *mode;  /* "MPOL_BIND" ... */
  char *nodes; /* "0-3" */
  husk_strv_t flags;
} husk_memory_policy_t;

typedef struct {
  char *host_name; /* the key of linux.netDevices */
  char *name;      /* the name inside; NULL = same */
} husk_net_device_t;

typedef struct {
  husk_namespace_t *namespaces;
  size_t n_namespaces;
  husk_idmaps_t uid_mappings, gid_mappings;
  husk_time_offset_t time_boottime, time_monotonic;
  husk_device_t *devices;
  size_t n_devices;
  char *cgroups_path;
  husk_resources_t resources;
  char *rootfs_propagation;               /* as written; NULL if absent */
  unsigned long rootfs_propagation_flags; /* MS_* (0 = default rprivate) */
  husk_seccomp_t seccomp;
  husk_kvlist_t sysctl;
  husk_strv_t masked_paths, readonly_paths;
  char *mount_label;
  husk_personality_t personality;
  husk_intel_rdt_t intel_rdt;
  husk_memory_policy_t memory_policy;
  husk_net_device_t *net_devices;
  size_t n_net_devices;
} husk_linux_t;

typedef struct husk_spec {
  char *oci_version;
  husk_root_t root;
  husk_mount_t *mounts;
  size_t n_mounts;
  bool has_process;
  husk_process_t process;
  char *hostname, *domainname;
  husk_hooks_t hooks;
  husk_kvlist_t annotations;
  bool has_linux;
  husk_linux_t linux_;
} husk_spec_t;

/* Parse and validate `config.json` text. `what` prefixes errors
 * ("config.json"), followed by the JSON path of the bad value:
 *   config.json: linux.namespaces[2].type: unknown namespace "netw"
 * Checks that need the filesystem (root.path exists) are in
 * husk_spec_check_bundle. */
int husk_spec_parse(const char *buf, size_t len, const char *what,
                    husk_spec_t **out, husk_error_t **err);
/* Read <bundle>/config.json, parse it, and check what needs the bundle. */
int husk_spec_load(const char *bundle, husk_spec_t **out, husk_error_t **err);
void husk_spec_free(husk_spec_t *spec);

/* Does the spec ask for a new (path == NULL) or joined namespace of type t?
 * Returns the entry or NULL. */
const husk_namespace_t *husk_spec_namespace(const husk_spec_t *spec,
                                            husk_ns_type_t t);

/* Name tables shared with `features` (NULL-terminated). */
extern const char *const husk_rlimit_names[];       /* "RLIMIT_AS", ... */
extern const char *const husk_mount_option_names[]; /* "ro", "nosuid", ... */
extern const char *const husk_seccomp_arch_names[]; /* "SCMP_ARCH_X86_64" */
extern const char
    *const husk_seccomp_flag_names[]; /* "SECCOMP_FILTER_FLAG_*" */

/* A linux.resources object alone (`husk update --resources`); errors are
 * "<what>: memory.limit: ...". Free with husk_resources_free. */
int husk_resources_parse(const char *buf, size_t len, const char *what,
                         husk_resources_t *out, husk_error_t **err);
void husk_resources_free(husk_resources_t *r);
/* A process object alone (`husk exec --process`). */
int husk_process_parse(const char *buf, size_t len, const char *what,
                       husk_process_t *out, husk_error_t **err);
void husk_process_free(husk_process_t *p);

/* The `husk spec` template as JSON text (malloc'd). */
char *husk_spec_template(bool rootless, uid_t uid, gid_t gid);

#endif
