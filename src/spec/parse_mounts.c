/* mounts[]: destination, type, source, id mappings, and the options list
 * turned into MS_* flags, propagation, bind/idmap switches and fs data. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "spec/parse_util.h"

enum opt_kind {
  OPT_NOP,   /* defaults */
  OPT_SET,   /* flag on */
  OPT_CLEAR, /* flag off */
  OPT_RSET,  /* flag on, recursively ("rro") */
  OPT_RCLEAR,
  OPT_PROP, /* propagation */
  OPT_BIND,
  OPT_RBIND,
  OPT_IDMAP,
  OPT_RIDMAP,
  OPT_TMPCOPYUP, /* runc's extension (podman's --read-only, --tmpfs) */
};

/* One list generates both the parser's table and husk_mount_option_names,
 * so `features` advertises exactly what is parsed. */
#define MOUNT_OPTIONS(X)                                                       \
  X("defaults", OPT_NOP, 0)                                                    \
  X("ro", OPT_SET, MS_RDONLY)                                                  \
  X("rw", OPT_CLEAR, MS_RDONLY)                                                \
  X("nosuid", OPT_SET, MS_NOSUID)                                              \
  X("suid", OPT_CLEAR, MS_NOSUID)                                              \
  X("nodev", OPT_SET, MS_NODEV)                                                \
  X("dev", OPT_CLEAR, MS_NODEV)                                                \
  X("noexec", OPT_SET, MS_NOEXEC)                                              \
  X("exec", OPT_CLEAR, MS_NOEXEC)                                              \
  X("sync", OPT_SET, MS_SYNCHRONOUS)                                           \
  X("async", OPT_CLEAR, MS_SYNCHRONOUS)                                        \
  X("dirsync", OPT_SET, MS_DIRSYNC)                                            \
  X("remount", OPT_SET, MS_REMOUNT)                                            \
  X("mand", OPT_SET, MS_MANDLOCK)                                              \
  X("nomand", OPT_CLEAR, MS_MANDLOCK)                                          \
  X("noatime", OPT_SET, MS_NOATIME)                                            \
  X("atime", OPT_CLEAR, MS_NOATIME)                                            \
  X("nodiratime", OPT_SET, MS_NODIRATIME)                                      \
  X("diratime", OPT_CLEAR, MS_NODIRATIME)                                      \
  X("relatime", OPT_SET, MS_RELATIME)                                          \
  X("norelatime", OPT_CLEAR, MS_RELATIME)                                      \
  X("strictatime", OPT_SET, MS_STRICTATIME)                                    \
  X("nostrictatime", OPT_CLEAR, MS_STRICTATIME)                                \
  X("lazytime", OPT_SET, MS_LAZYTIME)                                          \
  X("nolazytime", OPT_CLEAR, MS_LAZYTIME)                                      \
  X("nosymfollow", OPT_SET, MS_NOSYMFOLLOW)                                    \
  X("symfollow", OPT_CLEAR, MS_NOSYMFOLLOW)                                    \
  X("iversion", OPT_SET, MS_I_VERSION)                                         \
  X("noiversion", OPT_CLEAR, MS_I_VERSION)                                     \
  X("silent", OPT_SET, MS_SILENT)                                              \
  X("loud", OPT_CLEAR, MS_SILENT)                                              \
  X("rro", OPT_RSET, MS_RDONLY)                                                \
  X("rrw", OPT_RCLEAR, MS_RDONLY)                                              \
  X("rnosuid", OPT_RSET, MS_NOSUID)                                            \
  X("rsuid", OPT_RCLEAR, MS_NOSUID)                                            \
  X("rnodev", OPT_RSET, MS_NODEV)                                              \
  X("rdev", OPT_RCLEAR, MS_NODEV)                                              \
  X("rnoexec", OPT_RSET, MS_NOEXEC)                                            \
  X("rexec", OPT_RCLEAR, MS_NOEXEC)                                            \
  X("rnoatime", OPT_RSET, MS_NOATIME)                                          \
  X("ratime", OPT_RCLEAR, MS_NOATIME)                                          \
  X("rnodiratime", OPT_RSET, MS_NODIRATIME)                                    \
  X("rdiratime", OPT_RCLEAR, MS_NODIRATIME)                                    \
  X("rrelatime", OPT_RSET, MS_RELATIME)                                        \
  X("rnorelatime", OPT_RCLEAR, MS_RELATIME)                                    \
  X("rstrictatime", OPT_RSET, MS_STRICTATIME)                                  \
  X("rnostrictatime", OPT_RCLEAR, MS_STRICTATIME)                              \
  X("rnosymfollow", OPT_RSET, MS_NOSYMFOLLOW)                                  \
  X("rsymfollow", OPT_RCLEAR, MS_NOSYMFOLLOW)                                  \
  X("bind", OPT_BIND, MS_BIND)                                                 \
  X("rbind", OPT_RBIND, MS_BIND | MS_REC)                                      \
  X("private", OPT_PROP, MS_PRIVATE)                                           \
  X("rprivate", OPT_PROP, MS_PRIVATE | MS_REC)                                 \
  X("shared", OPT_PROP, MS_SHARED)                                             \
  X("rshared", OPT_PROP, MS_SHARED | MS_REC)                                   \
  X("slave", OPT_PROP, MS_SLAVE)                                               \
  X("rslave", OPT_PROP, MS_SLAVE | MS_REC)                                     \
  X("unbindable", OPT_PROP, MS_UNBINDABLE)                                     \
  X("runbindable", OPT_PROP, MS_UNBINDABLE | MS_REC)                           \
  X("idmap", OPT_IDMAP, 0)                                                     \
  X("ridmap", OPT_RIDMAP, 0)                                                   \
  X("tmpcopyup", OPT_TMPCOPYUP, 0)

#define OPT_ENTRY(name, kind, flag) {name, kind, flag},
#define OPT_NAME(name, kind, flag) name,

static const struct mount_opt {
  const char *name;
  enum opt_kind kind;
  unsigned long flag;
} mount_opts[] = {MOUNT_OPTIONS(OPT_ENTRY)};

const char *const husk_mount_option_names[] = {MOUNT_OPTIONS(OPT_NAME) NULL};

static const struct mount_opt *find_opt(const char *name) {
  for (size_t i = 0; i < sizeof mount_opts / sizeof *mount_opts; i++)
    if (strcmp(mount_opts[i].name, name) == 0)
      return &mount_opts[i];
  return NULL;
}

/* Later options override earlier ones ("ro,rw" is rw), as mount(8) does. */
static void apply_opt(husk_mount_t *m, const struct mount_opt *o) {
  switch (o->kind) {
  case OPT_NOP:
    break;
  case OPT_RSET:
    m->rec_flags |= o->flag;
    m->rec_clear &= ~o->flag;
    /* fallthrough */
  case OPT_SET:
    m->flags |= o->flag;
    m->clear &= ~o->flag;
    break;
  case OPT_RCLEAR:
    m->rec_clear |= o->flag;
    m->rec_flags &= ~o->flag;
    /* fallthrough */
  case OPT_CLEAR:
    m->clear |= o->flag;
    m->flags &= ~o->flag;
    break;
  case OPT_PROP:
    m->propagation = o->flag;
    break;
  case OPT_BIND:
  case OPT_RBIND:
    m->bind = true;
    m->recursive = o->kind == OPT_RBIND;
    m->flags = (m->flags & ~(unsigned long)MS_REC) | o->flag;
    break;
  case OPT_RIDMAP:
    m->idmap_recursive = true;
    /* fallthrough */
  case OPT_IDMAP:
    m->idmap = true;
    break;
  case OPT_TMPCOPYUP:
    m->tmpcopyup = true;
    break;
  }
}

int spec_parse_mount_options(spec_ctx_t *c, husk_mount_t *m) {
  size_t data_len = 0;
  for (size_t i = 0; i < m->options.len; i++) {
    const char *opt = m->options.items[i];
    const struct mount_opt *o = find_opt(opt);
    if (o) {
      apply_opt(m, o);
      continue;
    }
    if (!opt[0])
      continue;
    /* Anything else belongs to the filesystem ("mode=755", "size=64k"). */
    size_t n = strlen(opt);
    char *d = realloc(m->data, data_len + n + 2);
    if (!d)
      return husk_error_set(c->err, ENOMEM, "%s", c->what);
    if (data_len)
      d[data_len++] = ',';
    memcpy(d + data_len, opt, n + 1);
    data_len += n;
    m->data = d;
  }
  /* type "bind" means a bind mount even without a "bind" option. */
  if (m->type && strcmp(m->type, "bind") == 0 && !m->bind) {
    m->bind = true;
    m->flags |= MS_BIND;
  }
  return 0;
}

static int parse_mount(spec_ctx_t *c, const husk_json_t *elem, void *item) {
  husk_mount_t *m = item;
  if (spec_get_abs_path(c, elem, "destination", true, &m->destination) < 0 ||
      spec_get_string(c, elem, "type", &m->type) < 0 ||
      spec_get_string(c, elem, "source", &m->source) < 0 ||
      spec_get_strv(c, elem, "options", &m->options) < 0)
    return -1;
  int u = spec_get_idmaps(c, elem, "uidMappings", &m->uid_mappings);
  int g =
      u < 0 ? -1 : spec_get_idmaps(c, elem, "gidMappings", &m->gid_mappings);
  if (u < 0 || g < 0)
    return -1;
  /* An idmapped mount needs both sides of the mapping. */
  bool has_u = m->uid_mappings.len > 0, has_g = m->gid_mappings.len > 0;
  if (has_u != has_g) {
    spec_path_key(c, has_u ? "gidMappings" : "uidMappings");
    return spec_err(c, "required with %s",
                    has_u ? "uidMappings" : "gidMappings");
  }
  return spec_parse_mount_options(c, m);
}

int spec_parse_mounts(spec_ctx_t *c, const husk_json_t *root,
                      husk_spec_t *spec) {
  return spec_get_array_of(c, root, "mounts", sizeof(husk_mount_t), true,
                           &spec->mounts, &spec->n_mounts, parse_mount) < 0
             ? -1
             : 0;
}
