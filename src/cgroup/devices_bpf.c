/* cgroup v2 device control: a BPF_PROG_TYPE_CGROUP_DEVICE program built
 * from the rules and loaded with the raw bpf(2) syscall (no libbpf).
 *
 * The program keeps the requested access bits in r7 and walks the rules
 * from the last to the first: a matching allow rule clears the bits it
 * grants (all cleared: allow), a matching deny rule that covers a bit
 * still wanted denies. Bits no rule decided fall to the default. That is
 * last-match-wins per access bit, what the v1 controller does. */
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup/internal.h"
#include "util/cleanup.h"
#include "util/log.h"

typedef struct {
  struct bpf_insn *insn;
  size_t n, cap;
  bool oom;
} prog_t;

static void emit(prog_t *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off,
                 int32_t imm) {
  if (p->n == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 64;
    struct bpf_insn *v = realloc(p->insn, cap * sizeof *v);
    if (!v) {
      p->oom = true;
      return;
    }
    p->insn = v;
    p->cap = cap;
  }
  p->insn[p->n++] = (struct bpf_insn){
      .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

#define LDX_W(p, dst, src, off)                                                \
  emit(p, BPF_LDX | BPF_MEM | BPF_W, dst, src, off, 0)
#define MOV32_REG(p, dst, src)                                                 \
  emit(p, BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0)
#define ALU32_IMM(p, op, dst, imm)                                             \
  emit(p, BPF_ALU | (op) | BPF_K, dst, 0, 0, imm)
#define JMP32_IMM(p, op, dst, imm, off)                                        \
  emit(p, BPF_JMP32 | (op) | BPF_K, dst, 0, off, imm)
#define RET(p, v)                                                              \
  do {                                                                         \
    emit(p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, v);                  \
    emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);                                   \
  } while (0)

/* Our access bits are the kernel's BPF_DEVCG_ACC_* values. */
_Static_assert(HUSK_CG_DEV_MKNOD == BPF_DEVCG_ACC_MKNOD &&
                   HUSK_CG_DEV_READ == BPF_DEVCG_ACC_READ &&
                   HUSK_CG_DEV_WRITE == BPF_DEVCG_ACC_WRITE,
               "device access bits");

static void emit_rule(prog_t *p, const husk_cg_dev_rule_t *r) {
  size_t skips[3], n_skips = 0;
  /* Mismatch jumps go to the next rule; their offsets are patched below. */
  if (r->type != 'a') {
    skips[n_skips++] = p->n;
    JMP32_IMM(p, BPF_JNE, BPF_REG_6,
              r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR, 0);
  }
  if (r->major >= 0) {
    skips[n_skips++] = p->n;
    JMP32_IMM(p, BPF_JNE, BPF_REG_8, (int32_t)(uint32_t)r->major, 0);
  }
  if (r->minor >= 0) {
    skips[n_skips++] = p->n;
    JMP32_IMM(p, BPF_JNE, BPF_REG_9, (int32_t)(uint32_t)r->minor, 0);
  }
  if (r->allow) {
    ALU32_IMM(p, BPF_AND, BPF_REG_7, (int32_t)(~r->access & HUSK_CG_DEV_ALL));
    JMP32_IMM(p, BPF_JNE, BPF_REG_7, 0, 2);
    RET(p, 1);
  } else {
    MOV32_REG(p, BPF_REG_3, BPF_REG_7);
    ALU32_IMM(p, BPF_AND, BPF_REG_3, (int32_t)r->access);
    JMP32_IMM(p, BPF_JEQ, BPF_REG_3, 0, 2);
    RET(p, 0);
  }
  for (size_t i = 0; !p->oom && i < n_skips; i++)
    p->insn[skips[i]].off = (int16_t)(p->n - skips[i] - 1);
}

static void build(prog_t *p, const husk_cg_dev_rule_t *rules, size_t n,
                  bool default_allow) {
  /* ctx: struct bpf_cgroup_dev_ctx { access_type, major, minor } (u32s),
   * access_type = access << 16 | device type. */
  LDX_W(p, BPF_REG_2, BPF_REG_1, 0);
  MOV32_REG(p, BPF_REG_6, BPF_REG_2);
  ALU32_IMM(p, BPF_AND, BPF_REG_6, 0xffff);
  MOV32_REG(p, BPF_REG_7, BPF_REG_2);
  ALU32_IMM(p, BPF_RSH, BPF_REG_7, 16);
  LDX_W(p, BPF_REG_8, BPF_REG_1, 4);
  LDX_W(p, BPF_REG_9, BPF_REG_1, 8);
  for (size_t i = n; i-- > 0;)
    emit_rule(p, &rules[i]);
  RET(p, default_allow ? 1 : 0);
}

static int sys_bpf(int cmd, union bpf_attr *attr) {
  return (int)syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

static int load(const prog_t *p, char *log, size_t log_size) {
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  a.expected_attach_type = BPF_CGROUP_DEVICE;
  a.insns = (uint64_t)(uintptr_t)p->insn;
  a.insn_cnt = (uint32_t)p->n;
  a.license = (uint64_t)(uintptr_t) "Apache";
  if (log) {
    a.log_buf = (uint64_t)(uintptr_t)log;
    a.log_size = (uint32_t)log_size;
    a.log_level = 1;
  }
  return sys_bpf(BPF_PROG_LOAD, &a);
}

int husk_cg_devices_bpf_attach(int cgroup_fd, const husk_cg_dev_rule_t *rules,
                               size_t n, bool default_allow,
                               husk_error_t **err) {
  prog_t p = {0};
  build(&p, rules, n, default_allow);
  if (p.oom) {
    free(p.insn);
    return husk_error_set(err, ENOMEM, "linux.resources.devices");
  }
  _cleanup_close_ int fd = load(&p, NULL, 0);
  if (fd < 0) {
    int e = errno;
    /* Once more with the verifier's log, for --debug. */
    char log[4096] = "";
    int again = load(&p, log, sizeof log);
    if (again >= 0)
      close(again);
    husk_debug("device cgroup program rejected: %s", log);
    free(p.insn);
    return husk_error_set(err, e,
                          "linux.resources.devices: load the device "
                          "cgroup eBPF program");
  }
  free(p.insn);
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.target_fd = (uint32_t)cgroup_fd;
  a.attach_bpf_fd = (uint32_t)fd;
  a.attach_type = BPF_CGROUP_DEVICE;
  a.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
    return husk_error_errno(err, "linux.resources.devices: attach the device "
                                 "cgroup eBPF program");
  return 0;
}
