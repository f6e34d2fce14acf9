/* The features document. Every list comes from a table that the parser or
 * the setup code also uses; only the host probes (seccomp flags, LSMs) are
 * computed here. */
#include "runtime/features.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config.h"
#include "husk/spec.h"
#include "linux/idmap.h"
#include "linux/lsm.h"
#include "util/cleanup.h"
#include "util/json.h"

#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif
#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* The six hook lists of config.json, in the spec's order. */
static const char *const hook_names[] = {
    "prestart",
    "createRuntime",
    "createContainer",
    "startContainer",
    "poststart",
    "poststop",
    NULL,
};

/* How each known flag is probed: `bits` is what the kernel is asked about
 * (WAIT_KILLABLE_RECV is only valid together with NEW_LISTENER), and
 * `api` the libseccomp API level that can set it (seccomp_api_get(3):
 * 2 TSYNC, 3 LOG, 4 SPEC_ALLOW (SSB), 7 WAIT_KILLABLE_RECV). */
static const struct {
  const char *name;
  unsigned long bits;
  unsigned api;
} seccomp_flags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC, 2},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG, 3},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW, 4},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
     SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV | SECCOMP_FILTER_FLAG_NEW_LISTENER,
     7},
};

/* The kernel checks the flags before it reads the filter: with a NULL
 * filter a known flag fails with EFAULT and an unknown one with EINVAL,
 * and nothing is ever installed. */
static bool kernel_knows_flags(unsigned long bits) {
  long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, bits, NULL);
  return rc < 0 && errno == EFAULT;
}

bool husk_seccomp_flag_supported(const char *name) {
  bool known = false;
  for (size_t i = 0; husk_seccomp_flag_names[i]; i++)
    known = known || !strcmp(husk_seccomp_flag_names[i], name);
  if (!known)
    return false;
  for (size_t i = 0; i < sizeof seccomp_flags / sizeof *seccomp_flags; i++)
    if (!strcmp(seccomp_flags[i].name, name))
      return seccomp_api_get() >= seccomp_flags[i].api &&
             kernel_knows_flags(seccomp_flags[i].bits);
  /* In the parser's table but not in ours: nobody taught us to probe it,
   * so do not claim it. */
  return false;
}

static void strv(husk_json_writer_t *w, const char *key,
                 const char *const *names) {
  husk_jw_key(w, key);
  husk_jw_array_open(w);
  for (size_t i = 0; names[i]; i++)
    husk_jw_string(w, names[i]);
  husk_jw_array_close(w);
}

static void strn(husk_json_writer_t *w, const char *key,
                 const char *const *names, size_t n) {
  husk_jw_key(w, key);
  husk_jw_array_open(w);
  for (size_t i = 0; i < n; i++)
    husk_jw_string(w, names[i]);
  husk_jw_array_close(w);
}

/* Every capability libcap can name, as the parser (cap_from_name) accepts
 * them, in the "CAP_SYS_ADMIN" form of config.json. */
static void capabilities(husk_json_writer_t *w) {
  husk_jw_key(w, "capabilities");
  husk_jw_array_open(w);
  for (cap_value_t v = 0; v <= CAP_LAST_CAP; v++) {
    char *name = cap_to_name(v);
    if (!name)
      continue;
    /* libcap names caps it does not know by number: skip those. */
    if (!isdigit((unsigned char)name[0])) {
      for (char *p = name; *p; p++)
        *p = toupper((unsigned char)*p);
      husk_jw_string(w, name);
    }
    cap_free(name);
  }
  husk_jw_array_close(w);
}

static void enabled(husk_json_writer_t *w, const char *key, bool on) {
  husk_jw_key(w, key);
  husk_jw_object_open(w);
  husk_jw_kv_bool(w, "enabled", on);
  husk_jw_object_close(w);
}

static void seccomp(husk_json_writer_t *w) {
  husk_jw_key(w, "seccomp");
  husk_jw_object_open(w);
  husk_jw_kv_bool(w, "enabled", true);
  strn(w, "actions", husk_seccomp_action_names, HUSK_SECCOMP_ACTION_COUNT);
  strn(w, "operators", husk_seccomp_op_names, HUSK_SECCOMP_OP_COUNT);
  strv(w, "archs", husk_seccomp_arch_names);
  strv(w, "knownFlags", husk_seccomp_flag_names);
  husk_jw_key(w, "supportedFlags");
  husk_jw_array_open(w);
  for (size_t i = 0; husk_seccomp_flag_names[i]; i++)
    if (husk_seccomp_flag_supported(husk_seccomp_flag_names[i]))
      husk_jw_string(w, husk_seccomp_flag_names[i]);
  husk_jw_array_close(w);
  husk_jw_object_close(w);
}

static void linux_features(husk_json_writer_t *w) {
  husk_jw_key(w, "linux");
  husk_jw_object_open(w);
  husk_jw_key(w, "namespaces");
  husk_jw_array_open(w);
  for (int t = 0; t < HUSK_NS_COUNT; t++)
    husk_jw_string(w, husk_ns_table[t].name);
  husk_jw_array_close(w);
  capabilities(w);
  /* The cgroupfs driver handles v1, hybrid and v2 hosts; there is no
   * systemd driver yet (--systemd-cgroup is refused). */
  husk_jw_key(w, "cgroup");
  husk_jw_object_open(w);
  husk_jw_kv_bool(w, "v1", true);
  husk_jw_kv_bool(w, "v2", true);
  husk_jw_kv_bool(w, "systemd", false);
  husk_jw_kv_bool(w, "systemdUser", false);
  husk_jw_kv_bool(w, "rdma", true);
  husk_jw_object_close(w);
  seccomp(w);
  /* Labels are applied where the host has the LSM (else refused). */
  enabled(w, "apparmor", husk_lsm_apparmor_enabled());
  enabled(w, "selinux", husk_lsm_selinux_enabled());
  enabled(w, "intelRdt", false);
  husk_jw_key(w, "mountExtensions");
  husk_jw_object_open(w);
  enabled(w, "idmap", husk_idmap_supported());
  husk_jw_object_close(w);
  husk_jw_object_close(w);
}

char *husk_features_json(void) {
  husk_json_writer_t *w = husk_json_writer_new(true);
  if (!w)
    return NULL;
  husk_jw_object_open(w);
  husk_jw_kv_string(w, "ociVersionMin", HUSK_OCI_VERSION_MIN);
  husk_jw_kv_string(w, "ociVersionMax", HUSK_OCI_VERSION_MAX);
  strv(w, "hooks", hook_names);
  strv(w, "mountOptions", husk_mount_option_names);
  linux_features(w);
  husk_jw_key(w, "annotations");
  husk_jw_object_open(w);
  husk_jw_kv_string(w, "io.github.husk.version", HUSK_VERSION);
  /* runc's key for the library version, which callers already read. */
  husk_jw_kv_string(w, "io.github.seccomp.libseccomp.version",
                    HUSK_LIBSECCOMP_VERSION);
  husk_jw_object_close(w);
  husk_jw_object_close(w);
  size_t len;
  const char *text = husk_jw_text(w, &len);
  char *out = text ? malloc(len + 2) : NULL;
  if (out) {
    memcpy(out, text, len);
    /* yajl's beautify may or may not end with a newline. */
    if (len == 0 || out[len - 1] != '\n')
      out[len++] = '\n';
    out[len] = '\0';
  }
  int saved = errno;
  husk_json_writer_free(w);
  errno = saved;
  return out;
}
