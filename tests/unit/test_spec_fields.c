/* What a good config.json becomes: every field of specs/full.json lands in
 * the right struct member, mount options become the right flags, the name
 * tables agree with the kernel headers, and `husk spec` output parses back
 * to what it promises. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <linux/ioprio.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "husk/spec.h"

static char *read_text(const char *path, size_t *len) {
  FILE *f = fopen(path, "re");
  if (!f)
    fail_msg("open %s", path);
  char *buf = NULL;
  size_t cap = 0;
  FILE *m = open_memstream(&buf, &cap);
  assert_non_null(m);
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    fwrite(chunk, 1, n, m);
  fclose(f);
  fclose(m);
  *len = cap;
  return buf;
}

static husk_spec_t *parse_text(const char *text, size_t len) {
  husk_error_t *err = NULL;
  husk_spec_t *spec = NULL;
  if (husk_spec_parse(text, len, "config.json", &spec, &err) < 0)
    fail_msg("parse: %s", err->msg);
  return spec;
}

static husk_spec_t *parse_file(const char *name) {
  size_t len;
  char *text = read_text(name, &len);
  husk_spec_t *spec = parse_text(text, len);
  free(text);
  return spec;
}

static const char *kv(const husk_kvlist_t *l, const char *key) {
  for (size_t i = 0; i < l->len; i++)
    if (strcmp(l->items[i].key, key) == 0)
      return l->items[i].value;
  return NULL;
}

static void test_full_process(void **state) {
  (void)state;
  husk_spec_t *s = parse_file(HUSK_SPECS_DIR "/full.json");
  assert_string_equal(s->oci_version, "1.2.0");
  assert_string_equal(s->root.path, "rootfs");
  assert_true(s->root.readonly);
  assert_string_equal(s->hostname, "full");
  assert_string_equal(s->domainname, "example.org");
  assert_true(s->has_process);
  const husk_process_t *p = &s->process;
  assert_true(p->terminal);
  assert_true(p->has_console_size);
  assert_int_equal(p->console_height, 25);
  assert_int_equal(p->console_width, 80);
  assert_int_equal(p->user.uid, 1000);
  assert_int_equal(p->user.gid, 1000);
  assert_true(p->user.has_umask);
  assert_int_equal(p->user.umask, 022);
  assert_int_equal(p->user.n_additional_gids, 3);
  assert_int_equal(p->user.additional_gids[2], 4294967295u);
  assert_int_equal(p->args.len, 3);
  assert_string_equal(p->args.items[2], "echo hello");
  assert_null(p->args.items[3]);
  assert_int_equal(p->env.len, 3);
  assert_string_equal(p->env.items[2], "EMPTY=");
  assert_string_equal(p->cwd, "/home/user");
  assert_true(p->capabilities.present);
  assert_int_equal(p->capabilities.bounding.len, 4);
  assert_int_equal(p->capabilities.inheritable.len, 0);
  assert_string_equal(p->capabilities.ambient.items[0], "CAP_NET_BIND_SERVICE");
  assert_int_equal(p->n_rlimits, 2);
  assert_int_equal(p->rlimits[0].resource, RLIMIT_NOFILE);
  assert_int_equal(p->rlimits[0].soft, 1024);
  assert_int_equal(p->rlimits[0].hard, 4096);
  assert_int_equal(p->rlimits[1].resource, RLIMIT_CORE);
  assert_true(p->rlimits[1].hard == UINT64_MAX);
  assert_true(p->no_new_privileges);
  assert_string_equal(p->apparmor_profile, "husk-default");
  assert_true(p->has_oom_score_adj);
  assert_int_equal(p->oom_score_adj, -500);
  assert_non_null(p->selinux_label);
  assert_true(p->io_priority.present);
  assert_int_equal(p->io_priority.class, IOPRIO_CLASS_BE);
  assert_int_equal(p->io_priority.priority, 4);
  assert_true(p->scheduler.present);
  assert_int_equal(p->scheduler.policy, 6 /* SCHED_DEADLINE */);
  assert_int_equal(p->scheduler.nice, -5);
  assert_int_equal(p->scheduler.flags, 0x03); /* RESET_ON_FORK | RECLAIM */
  assert_int_equal(p->scheduler.runtime, 10000000);
  assert_int_equal(p->scheduler.deadline, 20000000);
  assert_int_equal(p->scheduler.period, 30000000);
  assert_string_equal(p->exec_cpu_affinity.initial, "0-1,3");
  assert_string_equal(p->exec_cpu_affinity.final, "2");

  const husk_hooks_t *h = &s->hooks;
  assert_int_equal(h->prestart.len, 1);
  assert_string_equal(h->prestart.items[0].args.items[1], "arg1");
  assert_string_equal(h->prestart.items[0].env.items[0], "KEY=value");
  assert_false(h->prestart.items[0].has_timeout);
  assert_true(h->create_runtime.items[0].has_timeout);
  assert_int_equal(h->create_runtime.items[0].timeout, 5);
  assert_string_equal(h->create_container.items[0].path,
                      "/usr/bin/inside-hook");
  assert_int_equal(h->start_container.len, 1);
  assert_int_equal(h->poststart.items[0].timeout, 1);
  assert_int_equal(h->poststop.items[0].args.len, 2);
  assert_string_equal(kv(&s->annotations, "com.example.key2"), "value2");
  husk_spec_free(s);
}

static void test_full_mounts(void **state) {
  (void)state;
  husk_spec_t *s = parse_file(HUSK_SPECS_DIR "/full.json");
  assert_int_equal(s->n_mounts, 4);
  const husk_mount_t *m = &s->mounts[0];
  assert_string_equal(m->destination, "/proc");
  assert_string_equal(m->type, "proc");
  assert_int_equal(m->flags, 0);
  assert_null(m->data);

  m = &s->mounts[1];
  assert_int_equal(m->flags, MS_NOSUID | MS_STRICTATIME);
  assert_string_equal(m->data, "mode=755,size=65536k");
  assert_false(m->bind);

  m = &s->mounts[2];
  assert_true(m->bind);
  assert_true(m->recursive);
  assert_int_equal(m->flags, MS_BIND | MS_REC | MS_RDONLY | MS_NODEV);
  assert_int_equal(m->rec_flags, MS_RDONLY);
  assert_int_equal(m->propagation, MS_PRIVATE | MS_REC);
  assert_true(m->idmap);
  assert_false(m->idmap_recursive);
  assert_int_equal(m->uid_mappings.len, 1);
  assert_int_equal(m->uid_mappings.items[0].host_id, 100000);
  assert_int_equal(m->gid_mappings.items[0].size, 65536);
  assert_null(m->data);

  /* "ro" then "rw": the last one wins. */
  m = &s->mounts[3];
  assert_int_equal(m->flags, MS_NOSUID | MS_NOEXEC | MS_NODEV);
  assert_int_equal(m->clear, MS_RDONLY);
  husk_spec_free(s);
}

static void test_full_linux(void **state) {
  (void)state;
  husk_spec_t *s = parse_file(HUSK_SPECS_DIR "/full.json");
  const husk_linux_t *l = &s->linux_;
  assert_true(s->has_linux);
  assert_int_equal(l->n_namespaces, 8);
  assert_int_equal(l->namespaces[1].type, HUSK_NS_NET);
  assert_string_equal(l->namespaces[1].path, "/var/run/netns/neta");
  assert_null(l->namespaces[0].path);
  assert_ptr_equal(husk_spec_namespace(s, HUSK_NS_TIME), &l->namespaces[7]);
  assert_int_equal(l->uid_mappings.len, 2);
  assert_int_equal(l->uid_mappings.items[1].container_id, 32000);
  assert_true(l->time_boottime.present);
  assert_int_equal(l->time_boottime.secs, -3600);
  assert_int_equal(l->time_boottime.nanosecs, 500);
  assert_int_equal(l->time_monotonic.secs, 172800);
  assert_int_equal(l->n_devices, 3);
  assert_int_equal(l->devices[0].type, 'c');
  assert_int_equal(l->devices[0].major, 10);
  assert_int_equal(l->devices[0].minor, 229);
  assert_true(l->devices[0].has_file_mode);
  assert_int_equal(l->devices[0].file_mode, 0666);
  assert_true(l->devices[0].has_uid);
  assert_false(l->devices[1].has_uid);
  assert_int_equal(l->devices[2].type, 'p');
  assert_string_equal(l->cgroups_path, "/myRuntime/myContainer");
  assert_string_equal(l->rootfs_propagation, "slave");
  assert_int_equal(l->rootfs_propagation_flags, MS_SLAVE);
  assert_string_equal(kv(&l->sysctl, "net.core.somaxconn"), "256");
  assert_int_equal(l->masked_paths.len, 2);
  assert_string_equal(l->readonly_paths.items[0], "/proc/sys");
  assert_non_null(l->mount_label);
  assert_true(l->personality.present);
  assert_string_equal(l->personality.domain, "LINUX32");
  assert_true(l->intel_rdt.present);
  assert_string_equal(l->intel_rdt.clos_id, "guaranteed_group");
  assert_true(l->intel_rdt.enable_cmt);
  assert_true(l->memory_policy.present);
  assert_string_equal(l->memory_policy.mode, "MPOL_INTERLEAVE");
  assert_string_equal(l->memory_policy.nodes, "0-3,7");
  assert_string_equal(l->memory_policy.flags.items[0], "MPOL_F_STATIC_NODES");
  assert_int_equal(l->n_net_devices, 2);
  assert_string_equal(l->net_devices[0].host_name, "eth1");
  assert_string_equal(l->net_devices[0].name, "ceth1");
  assert_null(l->net_devices[1].name);

  const husk_seccomp_t *sc = &l->seccomp;
  assert_true(sc->present);
  assert_int_equal(sc->default_action, HUSK_SECCOMP_ERRNO);
  assert_true(sc->has_default_errno_ret);
  assert_int_equal(sc->default_errno_ret, 1);
  assert_int_equal(sc->architectures.len, 3);
  assert_string_equal(sc->flags.items[0], "SECCOMP_FILTER_FLAG_LOG");
  assert_string_equal(sc->listener_path, "/run/seccomp-agent.sock");
  assert_string_equal(sc->listener_metadata, "profile=strict");
  assert_int_equal(sc->n_syscalls, 4);
  assert_int_equal(sc->syscalls[0].names.len, 3);
  assert_int_equal(sc->syscalls[1].args[0].value, 4294967295u);
  assert_int_equal(sc->syscalls[1].args[0].op, HUSK_SECCOMP_OP_EQ);
  assert_true(sc->syscalls[2].has_errno_ret);
  assert_int_equal(sc->syscalls[2].errno_ret, 38);
  assert_int_equal(sc->syscalls[2].args[0].op, HUSK_SECCOMP_OP_MASKED_EQ);
  assert_int_equal(sc->syscalls[3].action, HUSK_SECCOMP_NOTIFY);
  husk_spec_free(s);
}

static void test_full_resources(void **state) {
  (void)state;
  husk_spec_t *s = parse_file(HUSK_SPECS_DIR "/full.json");
  const husk_resources_t *r = &s->linux_.resources;
  assert_true(r->present);
  assert_int_equal(r->n_devices, 3);
  assert_false(r->devices[0].allow);
  assert_int_equal(r->devices[0].type, 0);
  assert_false(r->devices[0].has_major);
  assert_string_equal(r->devices[0].access, "rwm");
  assert_int_equal(r->devices[1].type, 'c');
  assert_int_equal(r->devices[1].minor, 229);
  assert_int_equal(r->devices[2].major, -1);
  const husk_memory_t *m = &r->memory;
  assert_true(m->present && m->has_limit && m->has_swappiness);
  assert_int_equal(m->limit, 536870912);
  assert_int_equal(m->kernel, -1);
  assert_int_equal(m->swappiness, 0);
  assert_true(m->has_disable_oom_killer);
  assert_false(m->disable_oom_killer);
  assert_true(m->use_hierarchy && m->check_before_update);
  const husk_cpu_t *c = &r->cpu;
  assert_int_equal(c->shares, 1024);
  assert_int_equal(c->quota, 1000000);
  assert_int_equal(c->period, 500000);
  assert_true(c->has_idle);
  assert_string_equal(c->cpus, "2-3");
  assert_string_equal(c->mems, "0-7");
  assert_true(r->has_pids_limit);
  assert_int_equal(r->pids_limit, 32771);
  const husk_blkio_t *b = &r->block_io;
  assert_int_equal(b->weight, 10);
  assert_int_equal(b->n_weight_device, 2);
  assert_int_equal(b->weight_device[0].leaf_weight, 300);
  assert_false(b->weight_device[1].has_leaf_weight);
  assert_int_equal(b->throttle_read_bps.items[0].rate, 600);
  assert_int_equal(b->throttle_write_iops.items[0].minor, 16);
  assert_int_equal(r->n_hugepage_limits, 2);
  assert_string_equal(r->hugepage_limits[1].page_size, "1GB");
  assert_true(r->hugepage_limits[1].limit == UINT64_MAX);
  assert_int_equal(r->network.class_id, 1048577);
  assert_string_equal(r->network.priorities[1].name, "eth1");
  assert_int_equal(r->n_rdma, 2);
  assert_string_equal(r->rdma[0].device, "mlx5_1");
  assert_false(r->rdma[1].has_hca_handles);
  assert_int_equal(r->rdma[1].hca_objects, 1000);
  assert_string_equal(kv(&r->unified, "io.max"), "8:0 rbps=1048576");
  husk_spec_free(s);
}

/* Each option alone, on a bind mount, against its MS_* effect. */
static void test_mount_options(void **state) {
  (void)state;
  static const struct {
    const char *opts;
    unsigned long flags, clear, prop;
    const char *data;
  } t[] = {
      {"'defaults'", 0, 0, 0, NULL},
      {"'ro','nosuid','nodev','noexec'",
       MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, 0, NULL},
      {"'rw','suid','dev','exec'", 0,
       MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, 0, NULL},
      {"'sync','dirsync','remount','mand'",
       MS_SYNCHRONOUS | MS_DIRSYNC | MS_REMOUNT | MS_MANDLOCK, 0, 0, NULL},
      {"'async','nomand'", 0, MS_SYNCHRONOUS | MS_MANDLOCK, 0, NULL},
      {"'noatime','nodiratime','lazytime'",
       MS_NOATIME | MS_NODIRATIME | MS_LAZYTIME, 0, 0, NULL},
      {"'atime','diratime','norelatime','nostrictatime','nolazytime'", 0,
       MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME | MS_LAZYTIME,
       0, NULL},
      {"'relatime'", MS_RELATIME, 0, 0, NULL},
      {"'private'", 0, 0, MS_PRIVATE, NULL},
      {"'rshared'", 0, 0, MS_SHARED | MS_REC, NULL},
      {"'slave','runbindable'", 0, 0, MS_UNBINDABLE | MS_REC, NULL},
      {"'rslave'", 0, 0, MS_SLAVE | MS_REC, NULL},
      {"'mode=0755','','uid=5','nosuid'", MS_NOSUID, 0, 0, "mode=0755,uid=5"},
      {"'ro','rw','ro'", MS_RDONLY, 0, 0, NULL},
      {"'rnoexec'", MS_NOEXEC, 0, 0, NULL},
  };
  for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
    char *doc = NULL;
    assert_true(asprintf(&doc,
                         "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},"
                         "\"mounts\":[{\"destination\":\"/m\",\"options\":[%s]"
                         "}]}",
                         t[i].opts) > 0);
    for (char *p = doc; *p; p++)
      if (*p == '\'')
        *p = '"';
    husk_spec_t *s = parse_text(doc, strlen(doc));
    const husk_mount_t *m = &s->mounts[0];
    if (m->flags != t[i].flags || m->clear != t[i].clear ||
        m->propagation != t[i].prop ||
        (t[i].data ? !m->data || strcmp(m->data, t[i].data) : !!m->data))
      fail_msg("options [%s]: flags %#lx clear %#lx prop %#lx data %s",
               t[i].opts, m->flags, m->clear, m->propagation,
               m->data ? m->data : "(null)");
    husk_spec_free(s);
    free(doc);
  }
}

static void test_rootfs_propagation(void **state) {
  (void)state;
  static const struct {
    const char *name;
    unsigned long flags;
  } t[] = {
      {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
      {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
      {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
      {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
  };
  for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
    char *doc = NULL;
    assert_true(asprintf(&doc,
                         "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"},"
                         "\"linux\":{\"rootfsPropagation\":\"%s\"}}",
                         t[i].name) > 0);
    husk_spec_t *s = parse_text(doc, strlen(doc));
    assert_string_equal(s->linux_.rootfs_propagation, t[i].name);
    assert_int_equal(s->linux_.rootfs_propagation_flags, t[i].flags);
    husk_spec_free(s);
    free(doc);
  }
  /* Absent: 0, which the rootfs code reads as its default (rprivate). */
  const char *doc = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"r\"}}";
  husk_spec_t *s = parse_text(doc, strlen(doc));
  assert_null(s->linux_.rootfs_propagation);
  assert_int_equal(s->linux_.rootfs_propagation_flags, 0);
  husk_spec_free(s);
}

static bool in_list(const char *const *list, const char *name) {
  for (; *list; list++)
    if (strcmp(*list, name) == 0)
      return true;
  return false;
}

static void test_tables(void **state) {
  (void)state;
  /* husk_rlimit_names is indexed by resource and NULL-terminated. */
  size_t n = 0;
  while (husk_rlimit_names[n])
    n++;
  assert_int_equal(n, 16);
  assert_string_equal(husk_rlimit_names[RLIMIT_NOFILE], "RLIMIT_NOFILE");
  assert_string_equal(husk_rlimit_names[RLIMIT_RTTIME], "RLIMIT_RTTIME");
  assert_string_equal(husk_ns_table[HUSK_NS_MOUNT].proc_name, "mnt");
  assert_int_equal(husk_ns_table[HUSK_NS_NET].clone_flag, CLONE_NEWNET);
  assert_int_equal(husk_ns_table[HUSK_NS_TIME].clone_flag, CLONE_NEWTIME);
  for (int i = 0; i < HUSK_NS_COUNT; i++)
    assert_non_null(husk_ns_table[i].name);
  assert_string_equal(husk_seccomp_action_names[HUSK_SECCOMP_KILL],
                      "SCMP_ACT_KILL");
  assert_string_equal(husk_seccomp_action_names[HUSK_SECCOMP_NOTIFY],
                      "SCMP_ACT_NOTIFY");
  assert_string_equal(husk_seccomp_op_names[HUSK_SECCOMP_OP_MASKED_EQ],
                      "SCMP_CMP_MASKED_EQ");
  static const char *const want[] = {"defaults",
                                     "ro",
                                     "rw",
                                     "suid",
                                     "nosuid",
                                     "dev",
                                     "nodev",
                                     "exec",
                                     "noexec",
                                     "sync",
                                     "async",
                                     "dirsync",
                                     "remount",
                                     "mand",
                                     "nomand",
                                     "atime",
                                     "noatime",
                                     "diratime",
                                     "nodiratime",
                                     "relatime",
                                     "norelatime",
                                     "strictatime",
                                     "nostrictatime",
                                     "lazytime",
                                     "nolazytime",
                                     "bind",
                                     "rbind",
                                     "private",
                                     "rprivate",
                                     "shared",
                                     "rshared",
                                     "slave",
                                     "rslave",
                                     "unbindable",
                                     "runbindable",
                                     "idmap",
                                     "ridmap",
                                     "rro",
                                     "rnosuid",
                                     NULL};
  for (const char *const *w = want; *w; w++)
    if (!in_list(husk_mount_option_names, *w))
      fail_msg("mount option %s missing from husk_mount_option_names", *w);
  assert_true(in_list(husk_seccomp_arch_names, "SCMP_ARCH_X86_64"));
  assert_true(in_list(husk_seccomp_flag_names, "SECCOMP_FILTER_FLAG_TSYNC"));
}

static const husk_mount_t *find_mount(const husk_spec_t *s, const char *dst) {
  for (size_t i = 0; i < s->n_mounts; i++)
    if (strcmp(s->mounts[i].destination, dst) == 0)
      return &s->mounts[i];
  return NULL;
}

static bool has_option(const husk_mount_t *m, const char *opt) {
  for (size_t i = 0; i < m->options.len; i++)
    if (strcmp(m->options.items[i], opt) == 0)
      return true;
  return false;
}

static void test_template(void **state) {
  (void)state;
  char *text = husk_spec_template(false, 0, 0);
  assert_non_null(text);
  assert_true(text[strlen(text) - 1] == '\n');
  husk_spec_t *s = parse_text(text, strlen(text));
  assert_string_equal(s->oci_version, "1.2.0");
  assert_string_equal(s->root.path, "rootfs");
  assert_true(s->root.readonly);
  assert_string_equal(s->hostname, "husk");
  assert_true(s->process.terminal);
  assert_string_equal(s->process.args.items[0], "sh");
  assert_string_equal(s->process.env.items[1], "TERM=xterm");
  assert_string_equal(s->process.cwd, "/");
  assert_int_equal(s->process.capabilities.bounding.len, 3);
  assert_int_equal(s->process.capabilities.permitted.len, 3);
  assert_int_equal(s->process.capabilities.effective.len, 3);
  assert_int_equal(s->process.n_rlimits, 1);
  assert_int_equal(s->process.rlimits[0].resource, RLIMIT_NOFILE);
  assert_true(s->process.no_new_privileges);
  assert_int_equal(s->n_mounts, 7);
  assert_true(has_option(find_mount(s, "/dev/pts"), "gid=5"));
  assert_string_equal(find_mount(s, "/sys")->type, "sysfs");
  assert_non_null(find_mount(s, "/sys/fs/cgroup"));
  assert_int_equal(s->linux_.n_namespaces, 6);
  assert_non_null(husk_spec_namespace(s, HUSK_NS_NET));
  assert_non_null(husk_spec_namespace(s, HUSK_NS_CGROUP));
  assert_null(husk_spec_namespace(s, HUSK_NS_USER));
  assert_int_equal(s->linux_.masked_paths.len, 11);
  assert_int_equal(s->linux_.readonly_paths.len, 5);
  assert_true(s->linux_.resources.present);
  assert_int_equal(s->linux_.resources.n_devices, 1);
  assert_false(s->linux_.resources.devices[0].allow);
  husk_spec_free(s);
  free(text);

  text = husk_spec_template(true, 1234, 5678);
  assert_non_null(text);
  s = parse_text(text, strlen(text));
  assert_int_equal(s->linux_.n_namespaces, 5);
  assert_non_null(husk_spec_namespace(s, HUSK_NS_USER));
  assert_null(husk_spec_namespace(s, HUSK_NS_NET));
  assert_null(husk_spec_namespace(s, HUSK_NS_CGROUP));
  assert_int_equal(s->linux_.uid_mappings.len, 1);
  assert_int_equal(s->linux_.uid_mappings.items[0].container_id, 0);
  assert_int_equal(s->linux_.uid_mappings.items[0].host_id, 1234);
  assert_int_equal(s->linux_.uid_mappings.items[0].size, 1);
  assert_int_equal(s->linux_.gid_mappings.items[0].host_id, 5678);
  assert_int_equal(s->process.user.uid, 0);
  assert_int_equal(s->n_mounts, 6);
  assert_false(has_option(find_mount(s, "/dev/pts"), "gid=5"));
  const husk_mount_t *sys = find_mount(s, "/sys");
  assert_true(sys->bind && sys->recursive);
  assert_string_equal(sys->source, "/sys");
  assert_true(sys->flags & MS_RDONLY);
  assert_null(find_mount(s, "/sys/fs/cgroup"));
  assert_false(s->linux_.resources.present);
  husk_spec_free(s);
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_full_process),
      cmocka_unit_test(test_full_mounts),
      cmocka_unit_test(test_full_linux),
      cmocka_unit_test(test_full_resources),
      cmocka_unit_test(test_mount_options),
      cmocka_unit_test(test_rootfs_propagation),
      cmocka_unit_test(test_tables),
      cmocka_unit_test(test_template),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
