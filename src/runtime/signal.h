#ifndef HUSK_RUNTIME_SIGNAL_H
#define HUSK_RUNTIME_SIGNAL_H

#include "husk/container.h"

/* Signal every process of the container: those in its cgroup or, without
 * one, those in its own pid namespace (else just the init). */
int husk_signal_all(const husk_state_t *st, int sig, husk_error_t **err);

/* "KILL", "SIGKILL", "9" -> 9; -1 if unknown. */
int husk_parse_signal(const char *s);

#endif
