/* process.terminal: a pty for the container process, its slave as the
 * process's stdio and /dev/console, its master handed to whoever drives the
 * terminal (a --console-socket listener, or `husk run` itself). */
#ifndef HUSK_TERMINAL_H
#define HUSK_TERMINAL_H

#include "husk/error.h"
#include "husk/spec.h"

/* The name sent with the master over a console socket, as runc sends it. */
#define HUSK_PTY_MASTER_NAME "/dev/ptmx"

/* In the container init, inside the new root (after pivot_root) and while
 * still privileged: open a pty from the container's own devpts at
 * /dev/pts, apply process.consoleSize, bind the slave over /dev/console,
 * give the slave to process.user.uid, make it the controlling terminal of
 * a new session, and put it on fds 0, 1 and 2. *master gets the master
 * (O_CLOEXEC); the caller passes it on and closes it before exec. */
int husk_terminal_setup(const husk_process_t *proc, int *master,
                        husk_error_t **err);

/* The same for `husk exec` into a running container: /dev/console already
 * belongs to the init's terminal and is left alone. */
int husk_terminal_setup_exec(const husk_process_t *proc, int *master,
                             husk_error_t **err);

/* Connect to the --console-socket listener at `path` (SOCK_STREAM).
 * Done by `husk create` before anything else exists, so that a bad path
 * fails early and leaves nothing behind. Returns the socket or -1. */
int husk_console_socket_connect(const char *path, husk_error_t **err);

/* Send the master over a connected console socket, as runc does: one
 * message, HUSK_PTY_MASTER_NAME as data, the fd as SCM_RIGHTS. */
int husk_console_socket_send(int sock, int master, husk_error_t **err);

/* Both of the above: connect to socket_path, send, close. */
int husk_terminal_send(const char *socket_path, int master, husk_error_t **err);

#endif
