/* husk_spec_template: the config.json that `husk spec` writes, close to
 * runc's so that tutorials written for runc work unchanged. */
#include <stdlib.h>
#include <string.h>

#include "husk/spec.h"
#include "util/json.h"

typedef const char *const strlist_t[];

static void kv_strv(husk_json_writer_t *w, const char *key,
                    const char *const *items) {
  husk_jw_key(w, key);
  husk_jw_array_open(w);
  for (; *items; items++)
    husk_jw_string(w, *items);
  husk_jw_array_close(w);
}

static void kv_u64(husk_json_writer_t *w, const char *key, uint64_t v) {
  husk_jw_key(w, key);
  husk_jw_u64(w, v);
}

static void write_process(husk_json_writer_t *w) {
  static strlist_t caps = {"CAP_AUDIT_WRITE", "CAP_KILL",
                           "CAP_NET_BIND_SERVICE", NULL};
  husk_jw_key(w, "process");
  husk_jw_object_open(w);
  husk_jw_kv_bool(w, "terminal", true);
  husk_jw_key(w, "user");
  husk_jw_object_open(w);
  kv_u64(w, "uid", 0);
  kv_u64(w, "gid", 0);
  husk_jw_object_close(w);
  kv_strv(w, "args", (strlist_t){"sh", NULL});
  kv_strv(w, "env",
          (strlist_t){"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
                      "/usr/bin:/sbin:/bin",
                      "TERM=xterm", NULL});
  husk_jw_kv_string(w, "cwd", "/");
  husk_jw_key(w, "capabilities");
  husk_jw_object_open(w);
  kv_strv(w, "bounding", caps);
  kv_strv(w, "effective", caps);
  kv_strv(w, "permitted", caps);
  husk_jw_object_close(w);
  husk_jw_key(w, "rlimits");
  husk_jw_array_open(w);
  husk_jw_object_open(w);
  husk_jw_kv_string(w, "type", "RLIMIT_NOFILE");
  kv_u64(w, "hard", 1024);
  kv_u64(w, "soft", 1024);
  husk_jw_object_close(w);
  husk_jw_array_close(w);
  husk_jw_kv_bool(w, "noNewPrivileges", true);
  husk_jw_object_close(w);
}

static void write_mount(husk_json_writer_t *w, const char *dst,
                        const char *type, const char *src,
                        const char *const *options) {
  husk_jw_object_open(w);
  husk_jw_kv_string(w, "destination", dst);
  husk_jw_kv_string(w, "type", type);
  husk_jw_kv_string(w, "source", src);
  if (options)
    kv_strv(w, "options", options);
  husk_jw_object_close(w);
}

static void write_mounts(husk_json_writer_t *w, bool rootless) {
  husk_jw_key(w, "mounts");
  husk_jw_array_open(w);
  write_mount(w, "/proc", "proc", "proc", NULL);
  write_mount(
      w, "/dev", "tmpfs", "tmpfs",
      (strlist_t){"nosuid", "strictatime", "mode=755", "size=65536k", NULL});
  /* Without a mapped group 5 ("tty") in a user namespace, gid=5 fails. */
  write_mount(w, "/dev/pts", "devpts", "devpts",
              rootless
                  ? (strlist_t){"nosuid", "noexec", "newinstance",
                                "ptmxmode=0666", "mode=0620", NULL}
                  : (strlist_t){"nosuid", "noexec", "newinstance",
                                "ptmxmode=0666", "mode=0620", "gid=5", NULL});
  write_mount(w, "/dev/shm", "tmpfs", "shm",
              (strlist_t){"nosuid", "noexec", "nodev", "mode=1777",
                          "size=65536k", NULL});
  write_mount(w, "/dev/mqueue", "mqueue", "mqueue",
              (strlist_t){"nosuid", "noexec", "nodev", NULL});
  if (rootless) {
    /* A fresh sysfs needs a network namespace owned by our user namespace,
     * and the rootless template shares the host's network: the host's
     * /sys, read-only down to the cgroup mounts below it ("rro"). */
    write_mount(w, "/sys", "none", "/sys",
                (strlist_t){"rbind", "nosuid", "noexec", "nodev", "rro", NULL});
  } else {
    write_mount(w, "/sys", "sysfs", "sysfs",
                (strlist_t){"nosuid", "noexec", "nodev", "ro", NULL});
    write_mount(
        w, "/sys/fs/cgroup", "cgroup", "cgroup",
        (strlist_t){"nosuid", "noexec", "nodev", "relatime", "ro", NULL});
  }
  husk_jw_array_close(w);
}

static void write_idmap(husk_json_writer_t *w, const char *key, uint64_t id) {
  husk_jw_key(w, key);
  husk_jw_array_open(w);
  husk_jw_object_open(w);
  kv_u64(w, "containerID", 0);
  kv_u64(w, "hostID", id);
  kv_u64(w, "size", 1);
  husk_jw_object_close(w);
  husk_jw_array_close(w);
}

static void write_linux(husk_json_writer_t *w, bool rootless, uid_t uid,
                        gid_t gid) {
  husk_jw_key(w, "linux");
  husk_jw_object_open(w);
  if (rootless) {
    write_idmap(w, "uidMappings", uid);
    write_idmap(w, "gidMappings", gid);
  } else {
    husk_jw_key(w, "resources");
    husk_jw_object_open(w);
    husk_jw_key(w, "devices");
    husk_jw_array_open(w);
    husk_jw_object_open(w);
    husk_jw_kv_bool(w, "allow", false);
    husk_jw_kv_string(w, "access", "rwm");
    husk_jw_object_close(w);
    husk_jw_array_close(w);
    husk_jw_object_close(w);
  }
  husk_jw_key(w, "namespaces");
  husk_jw_array_open(w);
  const char *const *ns =
      rootless ? (strlist_t){"pid", "ipc", "uts", "mount", "user", NULL}
               : (strlist_t){"pid",   "network", "ipc", "uts",
                             "mount", "cgroup",  NULL};
  for (; *ns; ns++) {
    husk_jw_object_open(w);
    husk_jw_kv_string(w, "type", *ns);
    husk_jw_object_close(w);
  }
  husk_jw_array_close(w);
  kv_strv(w, "maskedPaths",
          (strlist_t){"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                      "/proc/latency_stats", "/proc/timer_list",
                      "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                      "/proc/scsi", "/sys/devices/virtual/powercap", NULL});
  kv_strv(w, "readonlyPaths",
          (strlist_t){"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                      "/proc/sysrq-trigger", NULL});
  husk_jw_object_close(w);
}

char *husk_spec_template(bool rootless, uid_t uid, gid_t gid) {
  husk_json_writer_t *w = husk_json_writer_new(true);
  if (!w)
    return NULL;
  husk_jw_object_open(w);
  husk_jw_kv_string(w, "ociVersion", HUSK_OCI_VERSION_MAX);
  write_process(w);
  husk_jw_key(w, "root");
  husk_jw_object_open(w);
  husk_jw_kv_string(w, "path", "rootfs");
  husk_jw_kv_bool(w, "readonly", true);
  husk_jw_object_close(w);
  husk_jw_kv_string(w, "hostname", "husk");
  write_mounts(w, rootless);
  write_linux(w, rootless, uid, gid);
  husk_jw_object_close(w);
  size_t len;
  const char *text = husk_jw_text(w, &len);
  char *out = malloc(len + 2);
  if (out) {
    memcpy(out, text, len);
    /* End with a newline, like any text file. */
    if (len == 0 || text[len - 1] != '\n')
      out[len++] = '\n';
    out[len] = '\0';
  }
  husk_json_writer_free(w);
  return out;
}
