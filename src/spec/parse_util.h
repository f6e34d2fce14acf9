/* Private to src/spec: the parse context (which tracks the JSON path of the
 * value being read, so every error names it) and typed getters used by all
 * the parse_*.c files.
 *
 * Getter convention: spec_get_*(c, obj, key, ...) looks `key` up in `obj`
 * and returns 1 when the value was present and stored, 0 when it is absent
 * or JSON null (optional keys), -1 after setting an error. spec_val_*()
 * convert a value whose path is already pushed and return 0 or -1. */
#ifndef HUSK_SPEC_PARSE_UTIL_H
#define HUSK_SPEC_PARSE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "husk/error.h"
#include "husk/spec.h"
#include "util/json.h"

typedef struct spec_ctx {
  const char *what; /* "config.json" */
  char *path;       /* "linux.namespaces[2].type" */
  size_t len, cap;
  bool oom;
  husk_error_t **err;
} spec_ctx_t;

/* ---- JSON path ---- */
/* Each push returns a mark for spec_path_pop. */
size_t spec_path_key(spec_ctx_t *c, const char *key);   /* .key */
size_t spec_path_index(spec_ctx_t *c, size_t i);        /* [i] */
size_t spec_path_map_key(spec_ctx_t *c, const char *k); /* ["k"] */
void spec_path_pop(spec_ctx_t *c, size_t mark);

/* ---- errors ---- */
/* "<what>: <path>: <message>"; always returns -1. */
int spec_err(spec_ctx_t *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "expected <expected>, got <type>". */
int spec_err_type(spec_ctx_t *c, const husk_json_t *n, const char *expected);
/* A user string made safe for an error message: quoted, escaped, and
 * shortened. Returns buf. */
const char *spec_quote(const char *s, char *buf, size_t size);
#define SPEC_QUOTE_MAX 96
#define SPEC_Q(s) spec_quote((s), (char[SPEC_QUOTE_MAX]){0}, SPEC_QUOTE_MAX)

/* ---- lookup ---- */
/* The value of key, or NULL when absent or null. */
const husk_json_t *spec_lookup(const husk_json_t *obj, const char *key);
/* Error "<path>.<key>: required" unless the key has a non-null value. */
int spec_require(spec_ctx_t *c, const husk_json_t *obj, const char *key);
int spec_check_type(spec_ctx_t *c, const husk_json_t *n, husk_json_type_t t);

/* ---- values at the current path ---- */
int spec_val_string(spec_ctx_t *c, const husk_json_t *n, char **out);
int spec_val_bool(spec_ctx_t *c, const husk_json_t *n, bool *out);
int spec_val_u64(spec_ctx_t *c, const husk_json_t *n, uint64_t min,
                 uint64_t max, uint64_t *out);
int spec_val_i64(spec_ctx_t *c, const husk_json_t *n, int64_t min, int64_t max,
                 int64_t *out);
int spec_val_u32(spec_ctx_t *c, const husk_json_t *n, uint32_t *out);
int spec_val_strv(spec_ctx_t *c, const husk_json_t *n, husk_strv_t *out);
int spec_val_kvlist(spec_ctx_t *c, const husk_json_t *n, husk_kvlist_t *out);

/* ---- keyed getters (1 present, 0 absent, -1 error) ---- */
int spec_get_string(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                    char **out);
int spec_get_bool(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                  bool *out);
int spec_get_u64(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                 uint64_t min, uint64_t max, uint64_t *out);
int spec_get_i64(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                 int64_t min, int64_t max, int64_t *out);
int spec_get_u32(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                 uint32_t *out);
int spec_get_strv(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                  husk_strv_t *out);
int spec_get_kvlist(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                    husk_kvlist_t *out);
/* An object-valued key; *out is NULL when absent. */
int spec_get_object(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                    const husk_json_t **out);

/* Optional scalar with a has_* flag: stores the flag from the result. */
#define SPEC_GET_OPT(call, has)                                                \
  ({                                                                           \
    int r_ = (call);                                                           \
    if (r_ > 0)                                                                \
      (has) = true;                                                            \
    r_;                                                                        \
  })

/* Runs fn(c, sub, dst) on an optional object-valued key, with the key's
 * path pushed; 0 when absent or done, -1 on error. */
#define SPEC_SUB_OBJECT(c, obj, key, fn, dst)                                  \
  ({                                                                           \
    const husk_json_t *sub_;                                                   \
    int r_ = spec_get_object((c), (obj), (key), &sub_);                        \
    if (r_ > 0) {                                                              \
      size_t m_ = spec_path_key((c), (key));                                   \
      r_ = fn((c), sub_, (dst));                                               \
      spec_path_pop((c), m_);                                                  \
    }                                                                          \
    r_ < 0 ? -1 : 0;                                                           \
  })

/* ---- arrays and maps of structs ---- */
/* Called with the element's path pushed; `item` is the zeroed element. */
typedef int (*spec_elem_fn)(spec_ctx_t *c, const husk_json_t *elem, void *item);
/* Array under `key` into a calloc'd array of `size`-byte items. The array
 * and count are stored before the elements are parsed, so that the caller's
 * free function releases a partly filled array after an error. With
 * `objects`, each element must be a JSON object. */
int spec_get_array_of(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                      size_t size, bool objects, void *items_out, size_t *n,
                      spec_elem_fn fn);
/* Object under `key` used as a map: one item per key (values must be
 * objects when `objects`). Path of each entry: key["name"]. */
typedef int (*spec_entry_fn)(spec_ctx_t *c, const char *name,
                             const husk_json_t *val, void *item);
int spec_get_map_of(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                    size_t size, bool objects, void *items_out, size_t *n,
                    spec_entry_fn fn);

/* ---- shared value checks ---- */
int spec_check_abs_path(spec_ctx_t *c, const char *path);
/* A string key holding an absolute path (an error when `required` and
 * absent). */
int spec_get_abs_path(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                      bool required, char **out);
/* A string array of NAME=VALUE entries (process.env, hooks' env). */
int spec_get_env(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                 husk_strv_t *env);
/* A string key holding a kernel list like "0-3,7" (cpuset, affinity, NUMA
 * nodes); `what` names it in errors ("CPU list"). */
int spec_get_id_list(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                     const char *what, char **out);
/* An array of names that must each be in `names` (NULL-terminated). */
int spec_get_enum_strv(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                       const char *const *names, const char *what,
                       husk_strv_t *out);
/* Index of s in a NULL-terminated (or n-long) table, or -1. */
int spec_name_index(const char *const *names, size_t n, const char *s);
/* uidMappings/gidMappings: each range non-empty, inside 32 bits, and not
 * overlapping another one on either side. */
int spec_get_idmaps(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                    husk_idmaps_t *out);

/* ---- sections (parse_*.c) ---- */
int spec_parse_process(spec_ctx_t *c, const husk_json_t *obj,
                       husk_process_t *p);
int spec_parse_mounts(spec_ctx_t *c, const husk_json_t *root,
                      husk_spec_t *spec);
int spec_parse_mount_options(spec_ctx_t *c, husk_mount_t *m);
int spec_parse_hooks(spec_ctx_t *c, const husk_json_t *obj,
                     husk_hooks_t *hooks);
int spec_parse_linux(spec_ctx_t *c, const husk_json_t *obj, husk_linux_t *l);
int spec_parse_resources(spec_ctx_t *c, const husk_json_t *obj,
                         husk_resources_t *r);
int spec_parse_seccomp(spec_ctx_t *c, const husk_json_t *obj,
                       husk_seccomp_t *s);

/* ---- free helpers (spec.c) ---- */
void spec_strv_free(husk_strv_t *v);
void spec_kvlist_free(husk_kvlist_t *l);

#endif
