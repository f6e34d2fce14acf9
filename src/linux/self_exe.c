#include "linux/self_exe.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

#ifndef F_SEAL_SEAL
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 0x0001U
#define MFD_ALLOW_SEALING 0x0002U
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

bool husk_self_exe_is_sealed(void) {
  _cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  int seals = fcntl(fd, F_GET_SEALS);
  return seals >= 0 && (seals & SEALS) == SEALS;
}

/* How much of the ELF file exec needs: up to the end of its last loaded
 * segment (debug sections past it are left out, which makes the copy of
 * an unstripped build several times smaller). The whole file when the
 * headers are not what we expect. */
static off_t needed_size(int fd, off_t size) {
  Elf64_Ehdr eh;
  if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh ||
      memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
      eh.e_phnum > 256)
    return size;
  Elf64_Phdr ph[256];
  size_t len = eh.e_phnum * sizeof *ph;
  if (pread(fd, ph, len, (off_t)eh.e_phoff) != (ssize_t)len)
    return size;
  uint64_t end = eh.e_phoff + len;
  for (size_t i = 0; i < eh.e_phnum; i++)
    if (ph[i].p_offset + ph[i].p_filesz > end)
      end = ph[i].p_offset + ph[i].p_filesz;
  return end < (uint64_t)size ? (off_t)end : size;
}

static int sealed_copy(husk_error_t **err) {
  _cleanup_close_ int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (exe < 0 || fstat(exe, &st) < 0)
    return husk_error_errno(err, "open /proc/self/exe");
  /* MFD_EXEC: kernels with vm.memfd_noexec make memfds non-executable
   * unless asked; older ones refuse the flag, so retry without it. */
  int mfd = (int)syscall(SYS_memfd_create, "husk",
                         MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (mfd < 0 && errno == EINVAL)
    mfd =
        (int)syscall(SYS_memfd_create, "husk", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mfd < 0)
    return husk_error_errno(err, "memfd_create");
  _cleanup_close_ int fd = mfd;
  off_t size = needed_size(exe, st.st_size);
  for (off_t done = 0; done < size;) {
    ssize_t n = sendfile(fd, exe, NULL, (size_t)(size - done));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return husk_error_set(err, n < 0 ? errno : EIO,
                            "copy /proc/self/exe to a memfd");
    done += n;
  }
  if (fcntl(fd, F_ADD_SEALS, SEALS) < 0)
    return husk_error_errno(err, "seal the copy of /proc/self/exe");
  return husk_steal_fd(&fd);
}

/* argv as this process was started with, NUL-separated in cmdline. */
static char **read_argv(char **buf, husk_error_t **err) {
  size_t len;
  if (husk_read_file_at(AT_FDCWD, "/proc/self/cmdline", 1 << 20, buf, &len,
                        err) < 0)
    return NULL;
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    n += (*buf)[i] == '\0';
  char **argv = calloc(n + 1, sizeof *argv);
  if (!argv) {
    husk_error_errno(err, "argv");
    return NULL;
  }
  size_t k = 0;
  for (size_t i = 0; i < len && k < n; i += strlen(*buf + i) + 1)
    argv[k++] = *buf + i;
  return argv;
}

int husk_self_exe_ensure_sealed(husk_error_t **err) {
  if (husk_self_exe_is_sealed()) {
    prctl(PR_SET_NAME, "husk", 0, 0, 0);
    return 0;
  }
  _cleanup_free_ char *cmdline = NULL;
  _cleanup_free_ char **argv = read_argv(&cmdline, err);
  if (!argv)
    return -1;
  husk_error_t *e = NULL;
  _cleanup_close_ int fd = sealed_copy(&e);
  if (fd >= 0) {
    syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
    husk_error_errno(&e, "re-exec husk from a sealed copy");
  }
  /* A host that forbids executable memfds (vm.memfd_noexec=2, an LSM):
   * go on without the copy; the process is still non-dumpable. */
  if (e->errno_value == EACCES || e->errno_value == EPERM) {
    husk_warn("%s (executable memfds are not allowed here): going on with "
              "the host's binary",
              e->msg);
    husk_error_free(e);
    return 0;
  }
  *err = e;
  return -1;
}
