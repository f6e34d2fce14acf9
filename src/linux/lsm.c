#include "linux/lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "util/cleanup.h"

#ifndef SELINUX_MAGIC
#define SELINUX_MAGIC 0xf97cff8c
#endif

bool husk_lsm_apparmor_enabled(void) {
  char c = 0;
  int fd =
      open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  ssize_t n = read(fd, &c, 1);
  close(fd);
  return n == 1 && c == 'Y';
}

bool husk_lsm_selinux_enabled(void) {
  struct statfs sfs;
  return statfs("/sys/fs/selinux", &sfs) == 0 &&
         (unsigned long)sfs.f_type == SELINUX_MAGIC;
}

int husk_lsm_check(const char *apparmor_profile, const char *apparmor_key,
                   const char *selinux_label, const char *selinux_key,
                   const char *mount_label, husk_error_t **err) {
  if (apparmor_profile && !apparmor_profile[0])
    return husk_error_set(err, 0, "%s: must not be empty", apparmor_key);
  if (apparmor_profile && !husk_lsm_apparmor_enabled())
    return husk_error_set(err, 0, "%s: AppArmor is not enabled on this host",
                          apparmor_key);
  if (selinux_label && selinux_label[0] && !husk_lsm_selinux_enabled())
    return husk_error_set(err, 0, "%s: SELinux is not enabled on this host",
                          selinux_key);
  if (mount_label && mount_label[0] && !husk_lsm_selinux_enabled())
    return husk_error_set(err, 0,
                          "config.json: linux.mountLabel: SELinux is not "
                          "enabled on this host");
  if (mount_label && strchr(mount_label, '"'))
    return husk_error_set(err, 0,
                          "config.json: linux.mountLabel: \"%s\" is not an "
                          "SELinux context",
                          mount_label);
  return 0;
}

char *husk_lsm_apparmor_exec_attr(const char *profile) {
  if (!profile || !profile[0]) {
    errno = EINVAL;
    return NULL;
  }
  char *out = NULL;
  if (asprintf(&out, "exec %s", profile) < 0)
    return NULL;
  return out;
}

char *husk_lsm_mount_data(const char *data, const char *label) {
  char *out = NULL;
  if (!label || !label[0])
    return data ? strdup(data) : NULL;
  if (strchr(label, '"')) {
    errno = EINVAL;
    return NULL;
  }
  int n = data && data[0] ? asprintf(&out, "%s,context=\"%s\"", data, label)
                          : asprintf(&out, "context=\"%s\"", label);
  return n < 0 ? NULL : out;
}

bool husk_lsm_mount_takes_label(const char *type, bool bind) {
  static const char *const unlabelled[] = {"proc",    "sysfs",  "cgroup",
                                           "cgroup2", "mqueue", "bind"};
  if (bind || !type)
    return false;
  for (size_t i = 0; i < sizeof unlabelled / sizeof *unlabelled; i++)
    if (!strcmp(type, unlabelled[i]))
      return false;
  return true;
}

/* One write of the whole value to <procfd>/thread-self/attr/<name>.
 * -1 with errno. */
static int write_attr(int procfd, const char *name, const char *value) {
  char path[64];
  snprintf(path, sizeof path, "thread-self/attr/%s", name);
  _cleanup_close_ int fd = openat(procfd, path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  size_t len = strlen(value);
  ssize_t n = write(fd, value, len);
  if (n >= 0 && (size_t)n != len)
    errno = EIO;
  return n >= 0 && (size_t)n == len ? 0 : -1;
}

static int apply_apparmor(const char *profile, int procfd, husk_error_t **err) {
  _cleanup_free_ char *attr = husk_lsm_apparmor_exec_attr(profile);
  if (!attr)
    return husk_error_errno(err, "config.json: process.apparmorProfile");
  /* The AppArmor-specific file first (Linux 5.8+, right with stacked
   * LSMs), then the shared one of older kernels. */
  if (write_attr(procfd, "apparmor/exec", attr) == 0)
    return 0;
  if (errno == ENOENT && write_attr(procfd, "exec", attr) == 0)
    return 0;
  return husk_error_errno(err,
                          "config.json: process.apparmorProfile: \"%s\": "
                          "write /proc/thread-self/attr/apparmor/exec",
                          profile);
}

static int apply_selinux(const char *label, int procfd, husk_error_t **err) {
  if (write_attr(procfd, "exec", label) == 0)
    return 0;
  return husk_error_errno(err,
                          "config.json: process.selinuxLabel: \"%s\": "
                          "write /proc/thread-self/attr/exec",
                          label);
}

int husk_lsm_apply_exec(const husk_process_t *proc, int procfd,
                        husk_error_t **err) {
  if (proc->apparmor_profile &&
      apply_apparmor(proc->apparmor_profile, procfd, err) < 0)
    return -1;
  if (proc->selinux_label && proc->selinux_label[0] &&
      apply_selinux(proc->selinux_label, procfd, err) < 0)
    return -1;
  return 0;
}
