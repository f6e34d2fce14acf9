#include "runtime/seccomp_listener.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "linux/fdpass.h"
#include "linux/sync.h"
#include "util/cleanup.h"
#include "util/json.h"

#define KEY "config.json: linux.seccomp.listenerPath"
#define SECCOMP_TIMEOUT_MS 60000

int husk_seccomp_listener_connect(const husk_seccomp_t *s, husk_error_t **err) {
  int sock = husk_unix_connect(s->listener_path);
  if (sock < 0)
    return husk_error_errno(err, KEY ": %s: connect", s->listener_path);
  return sock;
}

char *husk_seccomp_process_state_json(const husk_seccomp_t *s, pid_t pid,
                                      const husk_state_t *st) {
  husk_state_t oci = *st;
  oci.oci_only = true;
  _cleanup_free_ char *state = husk_state_to_json(&oci, false);
  husk_json_writer_t *w = husk_json_writer_new(false);
  if (!state || !w) {
    husk_json_writer_free(w);
    return NULL;
  }
  husk_jw_object_open(w);
  husk_jw_kv_string(w, "ociVersion", HUSK_OCI_VERSION_MAX);
  husk_jw_key(w, "fds");
  husk_jw_array_open(w);
  husk_jw_string(w, "seccompFd");
  husk_jw_array_close(w);
  husk_jw_kv_i64(w, "pid", pid);
  if (s->listener_metadata && s->listener_metadata[0])
    husk_jw_kv_string(w, "metadata", s->listener_metadata);
  husk_jw_object_close(w);
  /* The writer has no raw values: put the state document in place of the
   * closing brace. */
  size_t len;
  const char *head = husk_jw_text(w, &len);
  char *out = NULL;
  if (head && len > 0 && head[len - 1] == '}' &&
      asprintf(&out, "%.*s,\"state\":%s}", (int)(len - 1), head, state) < 0)
    out = NULL;
  husk_json_writer_free(w);
  return out;
}

int husk_seccomp_listener_forward(int sync_fd, int pidfd, int sock,
                                  const husk_seccomp_t *s, pid_t pid,
                                  const husk_state_t *st, husk_error_t **err) {
  _cleanup_close_ int listener = -1;
  if (husk_sync_expect_fd(sync_fd, pidfd, HUSK_SYNC_SECCOMP, SECCOMP_TIMEOUT_MS,
                          &listener, err) < 0)
    return -1;
  if (listener < 0)
    return husk_error_set(err, 0, KEY ": the process sent no listener");
  _cleanup_free_ char *doc = husk_seccomp_process_state_json(s, pid, st);
  if (!doc)
    return husk_error_errno(err, KEY ": %s: state", s->listener_path);
  /* The document, with the listener on its first bytes. */
  if (husk_send_fd(sock, listener, doc) < 0)
    return husk_error_errno(err, KEY ": %s: send the listener",
                            s->listener_path);
  /* One state per connection, ended right away: the agent reads to the
   * end of the stream while the process may already wait on it. */
  shutdown(sock, SHUT_RDWR);
  return 0;
}
