/* The text of id maps written for an id-mapped mount's user namespace,
 * and the CPU/node lists of execCPUAffinity and memoryPolicy. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "linux/idmap.h"
#include "linux/scheduling.h"

static void test_format(void **state) {
  (void)state;
  husk_idmap_t items[] = {{0, 100000, 65536}, {4294967294u, 0, 1}};
  husk_idmaps_t maps = {items, 2};
  char *text = husk_idmap_format(&maps);
  assert_string_equal(text, "0 100000 65536\n4294967294 0 1\n");
  free(text);
  husk_idmaps_t none = {NULL, 0};
  text = husk_idmap_format(&none);
  assert_string_equal(text, "");
  free(text);
}

static void test_wanted(void **state) {
  (void)state;
  husk_idmap_t one = {0, 1000, 1};
  husk_mount_t m = {0};
  assert_false(husk_idmap_wanted(&m));
  m.idmap = true;
  assert_true(husk_idmap_wanted(&m));
  m.idmap = false;
  m.uid_mappings = (husk_idmaps_t){&one, 1};
  assert_true(husk_idmap_wanted(&m));
}

static void test_id_list(void **state) {
  (void)state;
  unsigned long bits[2];
  assert_int_equal(husk_parse_id_list("0-3,7", bits, 128), 0);
  assert_int_equal(bits[0], 0x8fUL);
  assert_int_equal(bits[1], 0);
  assert_int_equal(husk_parse_id_list("64,65", bits, 128), 0);
  assert_int_equal(bits[0], 0);
  assert_int_equal(bits[1], 3UL);
  assert_int_equal(husk_parse_id_list("", bits, 128), 0);
  assert_int_equal(bits[0] | bits[1], 0);
  errno = 0;
  assert_int_equal(husk_parse_id_list("128", bits, 128), -1);
  assert_int_equal(errno, ERANGE);
  const char *bad[] = {"3-1", "1,", ",1", "a", "1-", "1 2", "-1"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    errno = 0;
    assert_int_equal(husk_parse_id_list(bad[i], bits, 128), -1);
    assert_int_equal(errno, EINVAL);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_format),
      cmocka_unit_test(test_wanted),
      cmocka_unit_test(test_id_list),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
