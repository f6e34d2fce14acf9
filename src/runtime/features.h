/* `husk features`: the runtime-spec features document (features.md,
 * features-linux.md), built from the tables the parser and the setup code
 * use, so that what husk advertises is what it accepts. */
#ifndef HUSK_FEATURES_H
#define HUSK_FEATURES_H

#include <stdbool.h>

/* The document as pretty JSON with a trailing newline (malloc'd), or NULL
 * with errno set. Reads the host (LSMs, seccomp support) each time. */
char *husk_features_json(void);

/* Can a seccomp filter with this SECCOMP_FILTER_FLAG_* be loaded here: the
 * running kernel knows the flag and the libseccomp husk runs with can set
 * it. False for names that are not in husk_seccomp_flag_names. */
bool husk_seccomp_flag_supported(const char *name);

#endif
