/* AppArmor and SELinux: process.apparmorProfile, process.selinuxLabel and
 * linux.mountLabel. The labels take effect at execve: they are written to
 * the task's attr/exec files through the trusted procfs fd. */
#ifndef HUSK_LSM_H
#define HUSK_LSM_H

#include <stdbool.h>

#include "husk/error.h"
#include "husk/spec.h"

/* Is the LSM enabled on this host? AppArmor: the module says "Y";
 * SELinux: selinuxfs is mounted. */
bool husk_lsm_apparmor_enabled(void);
bool husk_lsm_selinux_enabled(void);

/* Refuse labels the host cannot apply, naming the key (`what` is the
 * prefix: "config.json: process" or "exec: --apparmor"), before anything
 * is set up. mount_label may be NULL (exec). */
int husk_lsm_check(const char *apparmor_profile, const char *apparmor_key,
                   const char *selinux_label, const char *selinux_key,
                   const char *mount_label, husk_error_t **err);

/* The bytes written to attr/exec for an AppArmor profile: "exec PROFILE"
 * (malloc'd), or NULL with errno EINVAL for an empty profile. */
char *husk_lsm_apparmor_exec_attr(const char *profile);

/* Mount data with the SELinux context of linux.mountLabel appended:
 * data + ",context=\"LABEL\"" (the label has commas, hence the quotes).
 * NULL data is fine; NULL label returns a copy of data. malloc'd; NULL on
 * ENOMEM or a label with a '"' (which no valid context has). */
char *husk_lsm_mount_data(const char *data, const char *label);

/* Does linux.mountLabel go onto a mount of this type (not binds, proc,
 * sysfs, cgroups or mqueue, as runc)? */
bool husk_lsm_mount_takes_label(const char *type, bool bind);

/* Write the process's exec labels (if any) for the coming execve, through
 * procfd (the host's /proc). */
int husk_lsm_apply_exec(const husk_process_t *proc, int procfd,
                        husk_error_t **err);

#endif
