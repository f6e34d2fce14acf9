/* Capabilities as bitmasks: names to bits, capabilities the running
 * kernel does not know (a cap_last_cap read through a procfs-like fd),
 * and ambient kept within permitted & inheritable. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "linux/caps.h"

#define STRV(...)                                                              \
  ((husk_strv_t){(char *[]){__VA_ARGS__},                                      \
                 sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)})

static void test_mask(void **state) {
  (void)state;
  uint64_t mask, unknown;
  husk_strv_t names = STRV("CAP_CHOWN", "CAP_KILL", "CAP_SYS_TIME");
  assert_int_equal(husk_caps_mask(&names, 40, &mask, &unknown), 0);
  assert_int_equal(mask, (1ULL << 0) | (1ULL << 5) | (1ULL << 25));
  assert_int_equal(unknown, 0);
  /* A kernel that stops at 24 does not know CAP_SYS_TIME (25). */
  assert_int_equal(husk_caps_mask(&names, 24, &mask, &unknown), 0);
  assert_int_equal(mask, (1ULL << 0) | (1ULL << 5));
  assert_int_equal(unknown, 1ULL << 25);
  husk_strv_t bad = STRV("CAP_NOPE");
  assert_int_equal(husk_caps_mask(&bad, 40, &mask, NULL), -1);
}

static void test_resolve(void **state) {
  (void)state;
  husk_caps_t caps = {
      .present = true,
      .bounding = STRV("CAP_KILL", "CAP_NET_RAW", "CAP_CHECKPOINT_RESTORE"),
      .permitted = STRV("CAP_KILL", "CAP_NET_RAW", "CAP_CHECKPOINT_RESTORE"),
      .effective = STRV("CAP_KILL"),
      .inheritable = STRV("CAP_NET_RAW", "CAP_CHECKPOINT_RESTORE"),
      .ambient = STRV("CAP_NET_RAW", "CAP_KILL", "CAP_CHECKPOINT_RESTORE"),
  };
  husk_cap_masks_t m;
  uint64_t unknown, dropped;
  /* CAP_CHECKPOINT_RESTORE is 40: unknown to a kernel whose last is 39. */
  assert_int_equal(husk_caps_resolve(&caps, 39, &m, &unknown, &dropped), 0);
  assert_int_equal(unknown, 1ULL << 40);
  assert_int_equal(m.bounding, (1ULL << 5) | (1ULL << 13));
  assert_int_equal(m.effective, 1ULL << 5);
  assert_int_equal(m.inheritable, 1ULL << 13);
  /* KILL is not inheritable: not raised; NET_RAW is. */
  assert_int_equal(m.ambient, 1ULL << 13);
  assert_int_equal(dropped, 1ULL << 5);
}

static void test_last_cap_from_procfd(void **state) {
  (void)state;
  char dir[] = "/tmp/husk-test-caps-XXXXXX", p[128];
  assert_non_null(mkdtemp(dir));
  snprintf(p, sizeof p, "%s/sys", dir);
  mkdir(p, 0755);
  snprintf(p, sizeof p, "%s/sys/kernel", dir);
  mkdir(p, 0755);
  snprintf(p, sizeof p, "%s/sys/kernel/cap_last_cap", dir);
  FILE *f = fopen(p, "w");
  fputs("37\n", f);
  fclose(f);
  int fd = open(dir, O_PATH | O_DIRECTORY);
  /* Read from the fd given, not from /proc (and then kept). */
  assert_int_equal(husk_caps_last_cap(fd), 37);
  assert_int_equal(husk_caps_last_cap(-1), 37);
  close(fd);
  unlink(p);
  snprintf(p, sizeof p, "%s/sys/kernel", dir);
  rmdir(p);
  snprintf(p, sizeof p, "%s/sys", dir);
  rmdir(p);
  rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mask),
      cmocka_unit_test(test_resolve),
      cmocka_unit_test(test_last_cap_from_procfd),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
