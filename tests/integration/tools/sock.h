/* What the test tools that listen on a unix socket share: dying with a
 * message, binding under a temporary name and renaming into place (so a
 * test that waits for the path finds a socket that already listens), and
 * receiving one fd. */
#ifndef TOOLS_SOCK_H
#define TOOLS_SOCK_H

#include <stddef.h>

/* The tool's name for messages; each tool defines it. */
extern const char *prog;

/* "PROG: WHAT: strerror(errno)", exit status 1. */
void die(const char *what);
/* "PROG: WHAT", exit status 1. */
void die_msg(const char *what);

/* A unix socket of `type` (SOCK_STREAM: listening with `backlog`;
 * SOCK_DGRAM: bound) at path. */
int listen_at(const char *path, int type, int backlog);

/* One message carrying exactly one fd: its payload (NUL-terminated, cut
 * to size - 1 bytes) into payload; dies otherwise. */
int receive_fd(int conn, char *payload, size_t size);

#endif
