#include "runtime/exec_process.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/exec.h"
#include "util/cleanup.h"
#include "util/fs.h"

static void *own(husk_exec_process_t *ep, void *p) {
  if (p && ep->n_owned < sizeof ep->owned / sizeof *ep->owned)
    ep->owned[ep->n_owned++] = p;
  return p;
}

/* base + extra, where an extra K=V replaces the base's K. */
static int merge_env(husk_exec_process_t *ep, const husk_exec_opts_t *o,
                     husk_error_t **err) {
  husk_strv_t *env = &ep->proc.env;
  char **items = own(ep, calloc(env->len + o->n_env + 1, sizeof *items));
  if (!items)
    return husk_error_errno(err, "exec: env");
  size_t n = 0;
  for (size_t i = 0; i < env->len; i++)
    items[n++] = env->items[i];
  for (int i = 0; i < o->n_env; i++) {
    const char *eq = strchr(o->env[i], '=');
    if (!eq || eq == o->env[i])
      return husk_error_set(err, 0, "--env: \"%s\" is not KEY=VALUE",
                            o->env[i]);
    size_t klen = eq - o->env[i] + 1;
    size_t j = 0;
    while (j < n && strncmp(items[j], o->env[i], klen))
      j++;
    items[j] = o->env[i];
    if (j == n)
      n++;
  }
  env->items = items;
  env->len = n;
  return 0;
}

/* names appended to one set (a fresh array). */
static int add_caps(husk_exec_process_t *ep, husk_strv_t *set, char **names,
                    int n, husk_error_t **err) {
  char **items = own(ep, calloc(set->len + n + 1, sizeof *items));
  if (!items)
    return husk_error_errno(err, "exec: --cap");
  memcpy(items, set->items, set->len * sizeof *items);
  memcpy(items + set->len, names, n * sizeof *items);
  set->items = items;
  set->len += n;
  return 0;
}

/* Ambient only for the names already inheritable: the kernel keeps
 * ambient within permitted & inheritable, and --cap adds no inheritable. */
static int add_ambient(husk_exec_process_t *ep, husk_caps_t *c, char **names,
                       int n, husk_error_t **err) {
  char **keep = own(ep, calloc(n + 1, sizeof *keep));
  if (!keep)
    return husk_error_errno(err, "exec: --cap");
  int k = 0;
  for (int i = 0; i < n; i++)
    for (size_t j = 0; j < c->inheritable.len; j++)
      if (!strcmp(c->inheritable.items[j], names[i])) {
        keep[k++] = names[i];
        break;
      }
  return k ? add_caps(ep, &c->ambient, keep, k, err) : 0;
}

static int apply_flags(husk_exec_process_t *ep, const husk_exec_opts_t *o,
                       husk_error_t **err) {
  husk_process_t *p = &ep->proc;
  if (o->n_args) {
    p->args.items = o->args;
    p->args.len = o->n_args;
  }
  if (o->cwd)
    p->cwd = (char *)o->cwd;
  if (o->no_new_privs)
    p->no_new_privileges = true;
  if (o->user) {
    bool has_gid;
    uint32_t gid = p->user.gid;
    if (husk_parse_user(o->user, &p->user.uid, &gid, &has_gid, err) < 0)
      return -1;
    p->user.gid = gid;
  }
  if (o->n_additional_gids) {
    gid_t *gids = own(ep, calloc(o->n_additional_gids, sizeof *gids));
    if (!gids)
      return husk_error_errno(err, "exec: --additional-gids");
    for (int i = 0; i < o->n_additional_gids; i++) {
      uint32_t g, unused;
      bool has;
      if (husk_parse_user(o->additional_gids[i], &g, &unused, &has, err) < 0 ||
          has)
        return husk_error_set(err, 0, "--additional-gids: invalid \"%s\"",
                              o->additional_gids[i]);
      gids[i] = g;
    }
    p->user.additional_gids = gids;
    p->user.n_additional_gids = o->n_additional_gids;
  }
  if (o->n_caps) {
    /* Never inheritable: a cap there would survive into any program the
     * process execs, even without file capabilities. */
    husk_caps_t *c = &p->capabilities;
    c->present = true;
    if (add_caps(ep, &c->bounding, o->caps, o->n_caps, err) < 0 ||
        add_caps(ep, &c->effective, o->caps, o->n_caps, err) < 0 ||
        add_caps(ep, &c->permitted, o->caps, o->n_caps, err) < 0 ||
        add_ambient(ep, c, o->caps, o->n_caps, err) < 0)
      return -1;
  }
  /* The same labels as the config's, checked and written the same way. */
  if (o->apparmor)
    p->apparmor_profile = (char *)o->apparmor;
  if (o->process_label)
    p->selinux_label = (char *)o->process_label;
  return merge_env(ep, o, err);
}

int husk_exec_process_build(int dirfd, const husk_exec_opts_t *o,
                            husk_exec_process_t *ep, husk_error_t **err) {
  memset(ep, 0, sizeof *ep);
  _cleanup_free_ char *buf = NULL;
  size_t len;
  if (husk_read_file_at(dirfd, HUSK_CONFIG_COPY, 16 << 20, &buf, &len, err) <
          0 ||
      husk_spec_parse(buf, len, "config.json", &ep->spec, err) < 0)
    return husk_error_wrap(err, "exec: the container's saved config");
  if (o->process_file) {
    _cleanup_free_ char *pbuf = NULL;
    size_t plen;
    if (husk_read_file_at(AT_FDCWD, o->process_file, 16 << 20, &pbuf, &plen,
                          err) < 0 ||
        husk_process_parse(pbuf, plen, o->process_file, &ep->file, err) < 0) {
      husk_exec_process_free(ep);
      return -1;
    }
    ep->proc = ep->file;
    return 0;
  }
  ep->proc = ep->spec->process;
  if (!o->n_args) {
    husk_exec_process_free(ep);
    return husk_error_set(err, 0, "exec: no command given (and no --process)");
  }
  if (apply_flags(ep, o, err) < 0) {
    husk_exec_process_free(ep);
    return -1;
  }
  return 0;
}

void husk_exec_process_free(husk_exec_process_t *ep) {
  for (size_t i = 0; i < ep->n_owned; i++)
    free(ep->owned[i]);
  ep->n_owned = 0;
  husk_process_free(&ep->file);
  husk_spec_free(ep->spec);
  ep->spec = NULL;
}
