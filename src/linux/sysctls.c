#include "linux/sysctls.h"

#include <stdio.h>
#include <string.h>

#include "util/fs.h"

static bool has_prefix(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Which namespace isolates a key; -1 if none does (a host-wide knob). */
static int owning_namespace(const char *key) {
  static const char *const ipc_keys[] = {
      "kernel.msgmax", "kernel.msgmnb",         "kernel.msgmni",
      "kernel.sem",    "kernel.shmall",         "kernel.shmmax",
      "kernel.shmmni", "kernel.shm_rmid_forced"};
  for (size_t i = 0; i < sizeof ipc_keys / sizeof *ipc_keys; i++)
    if (strcmp(key, ipc_keys[i]) == 0)
      return HUSK_NS_IPC;
  if (has_prefix(key, "fs.mqueue."))
    return HUSK_NS_IPC;
  if (has_prefix(key, "net."))
    return HUSK_NS_NET;
  if (!strcmp(key, "kernel.hostname") || !strcmp(key, "kernel.domainname"))
    return HUSK_NS_UTS;
  return -1;
}

int husk_sysctl_apply(const husk_spec_t *spec, int procfd, husk_error_t **err) {
  const husk_kvlist_t *s = &spec->linux_.sysctl;
  for (size_t i = 0; i < s->len; i++) {
    const char *key = s->items[i].key;
    int ns = owning_namespace(key);
    const husk_namespace_t *owner =
        ns < 0 ? NULL : husk_spec_namespace(spec, ns);
    if (!owner)
      return husk_error_set(err, 0,
                            "config.json: linux.sysctl: \"%s\" is not "
                            "isolated by a namespace of the container",
                            key);
    if (strstr(key, "..") || strchr(key, '/'))
      return husk_error_set(err, 0, "config.json: linux.sysctl: bad key \"%s\"",
                            key);
    char path[512] = "sys/";
    size_t n = strlen(path);
    for (const char *k = key; *k && n < sizeof path - 1; k++)
      path[n++] = *k == '.' ? '/' : *k;
    path[n] = '\0';
    const char *value = s->items[i].value;
    if (husk_write_file_at(procfd, path, value, strlen(value), err) < 0)
      return husk_error_wrap(err, "config.json: linux.sysctl: %s", key);
  }
  return 0;
}
