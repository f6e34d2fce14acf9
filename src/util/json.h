/* The project's JSON interface. Only json.c knows which library backs it. */
#ifndef HUSK_JSON_H
#define HUSK_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "husk/error.h"

typedef enum {
  HUSK_JSON_NULL,
  HUSK_JSON_BOOL,
  HUSK_JSON_NUMBER,
  HUSK_JSON_STRING,
  HUSK_JSON_ARRAY,
  HUSK_JSON_OBJECT,
} husk_json_type_t;

typedef struct husk_json husk_json_t; /* a node of a parsed document */

/* Parse a whole document (UTF-8 checked, nesting bounded). The root must be
 * freed with husk_json_free. `what` names the document in errors. */
int husk_json_parse(const char *buf, size_t len, const char *what,
                    husk_json_t **root, husk_error_t **err);
int husk_json_parse_file(int dirfd, const char *path, husk_json_t **root,
                         husk_error_t **err);
void husk_json_free(husk_json_t *root);

husk_json_type_t husk_json_type(const husk_json_t *n);
const char *husk_json_type_name(husk_json_type_t t);

/* Objects: lookup by key (NULL if absent), or iterate by index. */
husk_json_t *husk_json_get(const husk_json_t *obj, const char *key);
size_t husk_json_object_len(const husk_json_t *obj);
const char *husk_json_object_key(const husk_json_t *obj, size_t i);
husk_json_t *husk_json_object_value(const husk_json_t *obj, size_t i);

/* Arrays. */
size_t husk_json_array_len(const husk_json_t *arr);
husk_json_t *husk_json_array_at(const husk_json_t *arr, size_t i);

/* Scalars; callers check the type first. */
bool husk_json_bool(const husk_json_t *n);
const char *husk_json_string(const husk_json_t *n);
/* The number exactly as written in the document, e.g. "-12" or "1e3". */
const char *husk_json_number_text(const husk_json_t *n);

/* Typed number conversion of a NUMBER node: integers only, range-checked.
 * Return 0, or -1 with errno = EINVAL (not an integer) / ERANGE. */
int husk_json_to_i64(const husk_json_t *n, int64_t *out);
int husk_json_to_u64(const husk_json_t *n, uint64_t *out);

/* A streaming writer for output documents (state.json, `husk spec`...). */
typedef struct husk_json_writer husk_json_writer_t;
husk_json_writer_t *husk_json_writer_new(bool pretty);
void husk_json_writer_free(husk_json_writer_t *w);
void husk_jw_object_open(husk_json_writer_t *w);
void husk_jw_object_close(husk_json_writer_t *w);
void husk_jw_array_open(husk_json_writer_t *w);
void husk_jw_array_close(husk_json_writer_t *w);
void husk_jw_key(husk_json_writer_t *w, const char *key);
void husk_jw_string(husk_json_writer_t *w, const char *s);
void husk_jw_i64(husk_json_writer_t *w, int64_t v);
void husk_jw_u64(husk_json_writer_t *w, uint64_t v);
void husk_jw_bool(husk_json_writer_t *w, bool v);
void husk_jw_null(husk_json_writer_t *w);
/* Key/value shorthands. */
void husk_jw_kv_string(husk_json_writer_t *w, const char *key, const char *s);
void husk_jw_kv_i64(husk_json_writer_t *w, const char *key, int64_t v);
void husk_jw_kv_bool(husk_json_writer_t *w, const char *key, bool v);
/* The text produced so far (owned by the writer, NUL-terminated). */
const char *husk_jw_text(husk_json_writer_t *w, size_t *len);

#endif
