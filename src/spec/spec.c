/* Freeing and querying a parsed husk_spec_t. The free functions accept the
 * partly filled structs a failed parse leaves behind. */
#include <stdlib.h>

#include "husk/spec.h"
#include "spec/parse_util.h"

static void idmaps_free(husk_idmaps_t *m) {
  free(m->items);
}

static void mounts_free(husk_mount_t *m, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(m[i].destination);
    free(m[i].type);
    free(m[i].source);
    spec_strv_free(&m[i].options);
    idmaps_free(&m[i].uid_mappings);
    idmaps_free(&m[i].gid_mappings);
    free(m[i].data);
  }
  free(m);
}

static void caps_free(husk_caps_t *c) {
  spec_strv_free(&c->bounding);
  spec_strv_free(&c->effective);
  spec_strv_free(&c->inheritable);
  spec_strv_free(&c->permitted);
  spec_strv_free(&c->ambient);
}

void husk_process_free(husk_process_t *p) {
  free(p->user.additional_gids);
  free(p->user.username);
  spec_strv_free(&p->args);
  free(p->command_line);
  spec_strv_free(&p->env);
  free(p->cwd);
  caps_free(&p->capabilities);
  for (size_t i = 0; i < p->n_rlimits; i++)
    free(p->rlimits[i].name);
  free(p->rlimits);
  free(p->apparmor_profile);
  free(p->selinux_label);
  free(p->exec_cpu_affinity.initial);
  free(p->exec_cpu_affinity.final);
}

static void hooklist_free(husk_hooklist_t *h) {
  for (size_t i = 0; i < h->len; i++) {
    free(h->items[i].path);
    spec_strv_free(&h->items[i].args);
    spec_strv_free(&h->items[i].env);
  }
  free(h->items);
}

static void hooks_free(husk_hooks_t *h) {
  hooklist_free(&h->prestart);
  hooklist_free(&h->create_runtime);
  hooklist_free(&h->create_container);
  hooklist_free(&h->start_container);
  hooklist_free(&h->poststart);
  hooklist_free(&h->poststop);
}

static void blkio_free(husk_blkio_t *b) {
  free(b->weight_device);
  free(b->throttle_read_bps.items);
  free(b->throttle_write_bps.items);
  free(b->throttle_read_iops.items);
  free(b->throttle_write_iops.items);
}

void husk_resources_free(husk_resources_t *r) {
  for (size_t i = 0; i < r->n_devices; i++)
    free(r->devices[i].access);
  free(r->devices);
  free(r->cpu.cpus);
  free(r->cpu.mems);
  blkio_free(&r->block_io);
  for (size_t i = 0; i < r->n_hugepage_limits; i++)
    free(r->hugepage_limits[i].page_size);
  free(r->hugepage_limits);
  for (size_t i = 0; i < r->network.n_priorities; i++)
    free(r->network.priorities[i].name);
  free(r->network.priorities);
  for (size_t i = 0; i < r->n_rdma; i++)
    free(r->rdma[i].device);
  free(r->rdma);
  spec_kvlist_free(&r->unified);
}

static void seccomp_free(husk_seccomp_t *s) {
  spec_strv_free(&s->architectures);
  spec_strv_free(&s->flags);
  free(s->listener_path);
  free(s->listener_metadata);
  for (size_t i = 0; i < s->n_syscalls; i++) {
    spec_strv_free(&s->syscalls[i].names);
    free(s->syscalls[i].args);
  }
  free(s->syscalls);
}

static void linux_free(husk_linux_t *l) {
  for (size_t i = 0; i < l->n_namespaces; i++)
    free(l->namespaces[i].path);
  free(l->namespaces);
  idmaps_free(&l->uid_mappings);
  idmaps_free(&l->gid_mappings);
  for (size_t i = 0; i < l->n_devices; i++)
    free(l->devices[i].path);
  free(l->devices);
  free(l->cgroups_path);
  husk_resources_free(&l->resources);
  free(l->rootfs_propagation);
  seccomp_free(&l->seccomp);
  spec_kvlist_free(&l->sysctl);
  spec_strv_free(&l->masked_paths);
  spec_strv_free(&l->readonly_paths);
  free(l->mount_label);
  free(l->personality.domain);
  spec_strv_free(&l->personality.flags);
  free(l->intel_rdt.clos_id);
  free(l->intel_rdt.l3_cache_schema);
  free(l->intel_rdt.mem_bw_schema);
  free(l->memory_policy.mode);
  free(l->memory_policy.nodes);
  spec_strv_free(&l->memory_policy.flags);
  for (size_t i = 0; i < l->n_net_devices; i++) {
    free(l->net_devices[i].host_name);
    free(l->net_devices[i].name);
  }
  free(l->net_devices);
}

void husk_spec_free(husk_spec_t *spec) {
  if (!spec)
    return;
  free(spec->oci_version);
  free(spec->root.path);
  mounts_free(spec->mounts, spec->n_mounts);
  husk_process_free(&spec->process);
  free(spec->hostname);
  free(spec->domainname);
  hooks_free(&spec->hooks);
  spec_kvlist_free(&spec->annotations);
  linux_free(&spec->linux_);
  free(spec);
}

const husk_namespace_t *husk_spec_namespace(const husk_spec_t *spec,
                                            husk_ns_type_t t) {
  for (size_t i = 0; i < spec->linux_.n_namespaces; i++)
    if (spec->linux_.namespaces[i].type == t)
      return &spec->linux_.namespaces[i];
  return NULL;
}
