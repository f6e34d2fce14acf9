/* `husk run` with process.terminal and no --console-socket: husk itself is
 * the other end of the container's pty, copying between its own stdio and
 * the pty master until the container is gone. */
#ifndef HUSK_TTY_PROXY_H
#define HUSK_TTY_PROXY_H

#include "husk/error.h"

/* Copy stdin -> master and master -> stdout until the master hangs up (no
 * slave left open). If stdin is a terminal it is put in raw mode for the
 * duration (restored on return, and before any signal that would kill
 * husk takes effect); SIGWINCH resizes the pty to husk's terminal, which
 * also sets the initial size when it has one (else process.consoleSize
 * stays). When a non-terminal stdin ends, the pty gets an end-of-file
 * character, as if typed. Takes no ownership of master. */
int husk_tty_proxy(int master, husk_error_t **err);

/* The same, also returning (after copying what is left) when `pidfd`
 * reports that the process exited: with a shared pid namespace, a child
 * of the container may hold the slave long after the init is gone. */
int husk_tty_proxy_pidfd(int master, int pidfd, husk_error_t **err);

#endif
