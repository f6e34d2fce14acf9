/* The lifecycle API behind the CLI verbs. */
#ifndef HUSK_CONTAINER_H
#define HUSK_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "husk/error.h"
#include "husk/spec.h"

typedef enum {
  HUSK_STATUS_CREATING,
  HUSK_STATUS_CREATED,
  HUSK_STATUS_RUNNING,
  HUSK_STATUS_PAUSED,
  HUSK_STATUS_STOPPED,
} husk_status_t;

const char *husk_status_name(husk_status_t s);

/* What every verb gets from the global flags. */
typedef struct {
  const char *root; /* state root, e.g. /run/husk */
  bool systemd_cgroup;
} husk_context_t;

/* The persisted state of one container (<root>/<id>/state.json). */
typedef struct {
  char *id;
  pid_t pid;
  uint64_t pid_start_time; /* field 22 of /proc/<pid>/stat */
  char *bundle, *rootfs;
  char *created; /* RFC 3339 */
  uid_t owner;
  husk_kvlist_t annotations;
  char *cgroup_path;    /* NULL: the container has no cgroup of its own */
  husk_status_t status; /* derived when loaded, not stored */
  bool oci_only;        /* render just the runtime-spec's fields (for hooks) */
} husk_state_t;

typedef struct {
  const char *bundle; /* default "." */
  const char *pid_file;
  const char *console_socket;
  bool no_pivot;
  bool no_new_keyring;
  unsigned preserve_fds;
  const char *pidfd_socket; /* receives a pidfd of the init */
  bool detach;              /* run only */
  bool attached; /* set by run in the foreground: it can drive a terminal */
  bool keep;     /* run only */
} husk_create_opts_t;

typedef struct {
  const char *process_file; /* --process: a process.json; else the rest */
  char **args;              /* the command */
  int n_args;
  const char *cwd;
  char **env; /* K=V, override the container's */
  int n_env;
  const char *user; /* "UID[:GID]" */
  char **additional_gids;
  int n_additional_gids;
  char **caps; /* added to all sets but inheritable */
  int n_caps;
  bool no_new_privs, tty, detach, ignore_paused;
  const char *console_socket, *pid_file, *apparmor, *process_label;
  const char *pidfd_socket;
  char **cgroups; /* --cgroup: [CTRL[,CTRL]:]PATH under the container's */
  int n_cgroups;
  unsigned preserve_fds;
} husk_exec_opts_t;

int husk_validate_id(const char *id, husk_error_t **err);

int husk_container_create(const husk_context_t *ctx, const char *id,
                          const husk_create_opts_t *opts, husk_error_t **err);
int husk_container_start(const husk_context_t *ctx, const char *id,
                         husk_error_t **err);
/* create + start + (unless detached) wait and delete; *exit_status gets the
 * container's status the way a shell reports it (128+signal if killed). */
int husk_container_run(const husk_context_t *ctx, const char *id,
                       const husk_create_opts_t *opts, int *exit_status,
                       husk_error_t **err);
/* Run a new process in a running container; without detach, wait for it
 * and give its status as run does. */
int husk_container_exec(const husk_context_t *ctx, const char *id,
                        const husk_exec_opts_t *opts, int *exit_status,
                        husk_error_t **err);
int husk_container_kill(const husk_context_t *ctx, const char *id, int sig,
                        bool all, husk_error_t **err);
int husk_container_delete(const husk_context_t *ctx, const char *id, bool force,
                          husk_error_t **err);

/* Cgroup verbs; all refuse a stopped container. */
int husk_container_pause(const husk_context_t *ctx, const char *id, bool pause,
                         husk_error_t **err);
int husk_container_update(const husk_context_t *ctx, const char *id,
                          const husk_resources_t *r, husk_error_t **err);
int husk_container_pids(const husk_context_t *ctx, const char *id, pid_t **pids,
                        size_t *n, husk_error_t **err);
/* {"type":"stats","id":...,"data":{...}} as runc's events (malloc'd). */
char *husk_container_stats_json(const husk_context_t *ctx, const char *id,
                                husk_error_t **err);
int husk_container_oom_kills(const husk_context_t *ctx, const char *id,
                             uint64_t *n, husk_error_t **err);

/* Load the state of one container (status derived). */
int husk_state_load(const husk_context_t *ctx, const char *id,
                    husk_state_t **out, husk_error_t **err);
void husk_state_free(husk_state_t *st);
/* The OCI state document (plus runc's rootfs/created/owner), pretty. */
char *husk_state_to_json(const husk_state_t *st, bool pretty);
/* The user name of uid ("#<uid>" if it has none), as runc shows it. */
const char *husk_owner_name(uid_t uid, char *buf, size_t size);
/* Every container in the root, sorted by id. */
int husk_state_list(const husk_context_t *ctx, husk_state_t ***out, size_t *n,
                    husk_error_t **err);

#endif
