/* Identifying a process safely across pid reuse. */
#ifndef HUSK_PIDINFO_H
#define HUSK_PIDINFO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Start time (clock ticks since boot, /proc/<pid>/stat field 22) and
 * whether the process is a zombie. Returns -1 if the process is gone. */
int husk_pid_stat(pid_t pid, uint64_t *start_time, bool *zombie);

/* A pidfd for pid only if it still is the process that started at
 * start_time (so a recycled pid is never signalled); -1 otherwise. */
int husk_pidfd_for(pid_t pid, uint64_t start_time);

/* Is this exact process alive (not a zombie)? */
bool husk_pid_alive(pid_t pid, uint64_t start_time);

/* Wait (bounded) until a pidfd's process has exited. 0, or -1 on timeout. */
int husk_pidfd_wait_exit(int pidfd, int timeout_ms);

#endif
