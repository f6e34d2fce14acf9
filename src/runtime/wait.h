#ifndef HUSK_RUNTIME_WAIT_H
#define HUSK_RUNTIME_WAIT_H

#include <sys/types.h>

/* Wait for our child `pid`, forwarding the usual terminal and job signals
 * to it through its pidfd; returns its status as a shell reports it
 * (128+signal if killed). */
int husk_wait_forwarding(pid_t pid, int pidfd);

#endif
