/* Passing one fd over a connected unix socket (SCM_RIGHTS). The wire format
 * is the one runc and its callers use for --console-socket: one message
 * whose data is a name (e.g. "/dev/ptmx") and whose ancillary data is the
 * fd. Works on SOCK_STREAM and SOCK_SEQPACKET sockets alike. */
#ifndef HUSK_FDPASS_H
#define HUSK_FDPASS_H

#include <stddef.h>

/* A SOCK_STREAM connection to the unix socket at path (also one longer than
 * sun_path, through an O_PATH fd of it), close-on-exec. Returns the fd, or
 * -1 with errno set. */
int husk_unix_connect(const char *path);

/* Send fd with `name` as the payload (NULL or "" sends one NUL byte: a
 * message must carry data for the fd to go along); on a stream socket the
 * rest of a long payload follows the first message. Returns 0, or -1 with
 * errno set. The caller keeps its copy of fd. */
int husk_send_fd(int sock, int fd, const char *name);

/* Receive one message carrying exactly one fd, opened O_CLOEXEC. Returns 0
 * and *fd, or -1 with errno set: ECONNRESET at end of stream, EBADMSG when
 * the message carried no fd, more than one, or was cut short (any fds that
 * did arrive are closed). */
int husk_recv_fd(int sock, int *fd);

/* As husk_recv_fd, and the payload as a NUL-terminated string in name
 * (truncated to size - 1 bytes; size may be 0 with name NULL). */
int husk_recv_fd_name(int sock, int *fd, char *name, size_t size);

#endif
