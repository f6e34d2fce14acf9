/* libFuzzer harness for the config.json parser: any input must either parse
 * (and then free cleanly) or fail with a "config.json: ..." error; never
 * crash, leak or hang.
 *
 * Build, from the repository root, with clang:
 *
 *   clang -g -O1 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
 *     -Iinclude -Isrc -I/usr/include/yajl \
 *     tests/fuzz/fuzz_spec.c src/spec/[a-z]*.c src/util/error.c \
 *     src/util/json.c src/util/fs.c -lyajl -lcap -lseccomp -o fuzz_spec
 *
 * Run, seeded with the example configs and a dictionary of spec keys:
 *
 *   mkdir -p corpus && cp specs/[a-z]*.json corpus/
 *   ./fuzz_spec -max_len=65536 -timeout=10 -dict=tests/fuzz/spec.dict corpus
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "husk/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  husk_spec_t *spec = NULL;
  husk_error_t *err = NULL;
  if (husk_spec_parse((const char *)data, size, "config.json", &spec, &err) ==
      0) {
    /* Touch what the runtime relies on after a successful parse. */
    if (!spec->oci_version || !spec->root.path || !spec->root.path[0])
      abort();
    for (size_t i = 0; i < spec->n_mounts; i++)
      if (spec->mounts[i].destination[0] != '/')
        abort();
    if (spec->has_process &&
        (spec->process.args.len == 0 || spec->process.cwd[0] != '/'))
      abort();
    husk_spec_free(spec);
  } else {
    if (!err || !err->msg || strncmp(err->msg, "config.json", 11) != 0)
      abort();
    husk_error_free(err);
  }
  return 0;
}
