/* Which namespaces a container gets: created by clone3, or joined by path. */
#ifndef HUSK_NAMESPACES_H
#define HUSK_NAMESPACES_H

#include <stdbool.h>

#include "husk/error.h"
#include "husk/spec.h"

typedef struct {
  bool create[HUSK_NS_COUNT];
  int join_fd[HUSK_NS_COUNT]; /* -1 when not joined */
} husk_ns_plan_t;

/* Open the join paths (checking each is a namespace of the right type);
 * errors name the JSON path. */
int husk_ns_plan(const husk_spec_t *spec, husk_ns_plan_t *plan,
                 husk_error_t **err);
void husk_ns_plan_close(husk_ns_plan_t *plan);

/* clone3 flags for the namespaces created at clone time. time and cgroup
 * namespaces are not among them: the child makes those itself (the time
 * offsets must be written before anything enters it; the cgroup namespace
 * must be made after the cgroup move). */
unsigned long husk_ns_clone_flags(const husk_ns_plan_t *plan);

/* Parent, before clone: enter a joined pid namespace for the child. */
int husk_ns_join_pid_for_children(const husk_ns_plan_t *plan,
                                  husk_error_t **err);
/* Child: setns into every joined namespace except pid (user first). */
int husk_ns_join(const husk_ns_plan_t *plan, husk_error_t **err);
/* Child: make the time namespace with linux.timeOffsets and enter it. */
int husk_ns_setup_time(const husk_spec_t *spec, const husk_ns_plan_t *plan,
                       int procfd, husk_error_t **err);
/* Child, after SETUP: a new cgroup namespace if asked. */
int husk_ns_setup_cgroup(const husk_ns_plan_t *plan, husk_error_t **err);

#endif
