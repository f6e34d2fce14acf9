/* JSON path tracking, error formatting and the typed getters every section
 * parser uses, so that type and range checks are written once. */
#include "spec/parse_util.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

/* ---- JSON path ---- */

static void path_append(spec_ctx_t *c, const char *s, size_t n) {
  if (c->oom)
    return;
  if (c->len + n + 1 > c->cap) {
    size_t cap = (c->cap ? c->cap * 2 : 128) + n;
    char *p = realloc(c->path, cap);
    if (!p) {
      c->oom = true;
      return;
    }
    c->path = p;
    c->cap = cap;
  }
  memcpy(c->path + c->len, s, n);
  c->len += n;
  c->path[c->len] = '\0';
}

size_t spec_path_key(spec_ctx_t *c, const char *key) {
  size_t mark = c->len;
  if (c->len > 0)
    path_append(c, ".", 1);
  path_append(c, key, strlen(key));
  return mark;
}

size_t spec_path_index(spec_ctx_t *c, size_t i) {
  size_t mark = c->len;
  char buf[32];
  int n = snprintf(buf, sizeof buf, "[%zu]", i);
  path_append(c, buf, (size_t)n);
  return mark;
}

size_t spec_path_map_key(spec_ctx_t *c, const char *k) {
  size_t mark = c->len;
  const char *q = SPEC_Q(k);
  path_append(c, "[", 1);
  path_append(c, q, strlen(q));
  path_append(c, "]", 1);
  return mark;
}

void spec_path_pop(spec_ctx_t *c, size_t mark) {
  if (c->oom || mark > c->len)
    return;
  c->len = mark;
  if (c->path)
    c->path[mark] = '\0';
}

/* ---- errors ---- */

int spec_err(spec_ctx_t *c, const char *fmt, ...) {
  if (c->oom)
    return husk_error_set(c->err, ENOMEM, "%s", c->what);
  _cleanup_free_ char *msg = NULL;
  va_list ap;
  va_start(ap, fmt);
  int n = vasprintf(&msg, fmt, ap);
  va_end(ap);
  if (n < 0)
    return husk_error_set(c->err, ENOMEM, "%s", c->what);
  if (c->len == 0)
    return husk_error_set(c->err, 0, "%s: %s", c->what, msg);
  return husk_error_set(c->err, 0, "%s: %s: %s", c->what, c->path, msg);
}

int spec_err_type(spec_ctx_t *c, const husk_json_t *n, const char *expected) {
  return spec_err(c, "expected %s, got %s", expected,
                  husk_json_type_name(husk_json_type(n)));
}

const char *spec_quote(const char *s, char *buf, size_t size) {
  /* Room for the closing quote, "..." and the NUL. */
  size_t o = 0, limit = size - 6;
  buf[o++] = '"';
  for (; *s && o < limit; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') {
      buf[o++] = '\\';
      buf[o++] = (char)ch;
    } else if (ch < 0x20 || ch == 0x7f) {
      if (o + 4 >= limit)
        break;
      o += (size_t)snprintf(buf + o, 5, "\\x%02x", ch);
    } else {
      buf[o++] = (char)ch;
    }
  }
  buf[o++] = '"';
  if (*s) {
    memcpy(buf + o, "...", 3);
    o += 3;
  }
  buf[o] = '\0';
  return buf;
}

/* ---- lookup ---- */

const husk_json_t *spec_lookup(const husk_json_t *obj, const char *key) {
  if (!obj)
    return NULL;
  const husk_json_t *v = husk_json_get(obj, key);
  if (!v || husk_json_type(v) == HUSK_JSON_NULL)
    return NULL;
  return v;
}

int spec_require(spec_ctx_t *c, const husk_json_t *obj, const char *key) {
  if (spec_lookup(obj, key))
    return 0;
  size_t mark = spec_path_key(c, key);
  spec_err(c, "required");
  spec_path_pop(c, mark);
  return -1;
}

static const char *type_article(husk_json_type_t t) {
  switch (t) {
  case HUSK_JSON_BOOL:
    return "a boolean";
  case HUSK_JSON_NUMBER:
    return "a number";
  case HUSK_JSON_STRING:
    return "a string";
  case HUSK_JSON_ARRAY:
    return "an array";
  case HUSK_JSON_OBJECT:
    return "an object";
  default:
    return "null";
  }
}

int spec_check_type(spec_ctx_t *c, const husk_json_t *n, husk_json_type_t t) {
  if (husk_json_type(n) != t)
    return spec_err_type(c, n, type_article(t));
  return 0;
}

/* ---- values ---- */

int spec_val_string(spec_ctx_t *c, const husk_json_t *n, char **out) {
  if (spec_check_type(c, n, HUSK_JSON_STRING) < 0)
    return -1;
  char *s = strdup(husk_json_string(n));
  if (!s)
    return husk_error_set(c->err, ENOMEM, "%s", c->what);
  free(*out); /* a duplicate key replaces the earlier value */
  *out = s;
  return 0;
}

int spec_val_bool(spec_ctx_t *c, const husk_json_t *n, bool *out) {
  if (spec_check_type(c, n, HUSK_JSON_BOOL) < 0)
    return -1;
  *out = husk_json_bool(n);
  return 0;
}

/* A number that did not convert: too large, or not an integer. */
static int conversion_error(spec_ctx_t *c, const husk_json_t *n) {
  if (errno == ERANGE)
    return spec_err(c, "value out of range");
  return spec_err(c, "expected an integer, got %.40s",
                  husk_json_number_text(n));
}

int spec_val_u64(spec_ctx_t *c, const husk_json_t *n, uint64_t min,
                 uint64_t max, uint64_t *out) {
  if (husk_json_type(n) != HUSK_JSON_NUMBER)
    return spec_err_type(c, n, "an integer");
  uint64_t v;
  if (husk_json_to_u64(n, &v) < 0)
    return conversion_error(c, n);
  if (v < min || v > max)
    return spec_err(c, "value out of range");
  *out = v;
  return 0;
}

int spec_val_i64(spec_ctx_t *c, const husk_json_t *n, int64_t min, int64_t max,
                 int64_t *out) {
  if (husk_json_type(n) != HUSK_JSON_NUMBER)
    return spec_err_type(c, n, "an integer");
  int64_t v;
  if (husk_json_to_i64(n, &v) < 0)
    return conversion_error(c, n);
  if (v < min || v > max)
    return spec_err(c, "value out of range");
  *out = v;
  return 0;
}

int spec_val_u32(spec_ctx_t *c, const husk_json_t *n, uint32_t *out) {
  uint64_t v;
  if (spec_val_u64(c, n, 0, UINT32_MAX, &v) < 0)
    return -1;
  *out = (uint32_t)v;
  return 0;
}

void spec_strv_free(husk_strv_t *v) {
  for (size_t i = 0; i < v->len; i++)
    free(v->items[i]);
  free(v->items);
  v->items = NULL;
  v->len = 0;
}

void spec_kvlist_free(husk_kvlist_t *l) {
  for (size_t i = 0; i < l->len; i++) {
    free(l->items[i].key);
    free(l->items[i].value);
  }
  free(l->items);
  l->items = NULL;
  l->len = 0;
}

int spec_val_strv(spec_ctx_t *c, const husk_json_t *n, husk_strv_t *out) {
  if (spec_check_type(c, n, HUSK_JSON_ARRAY) < 0)
    return -1;
  spec_strv_free(out);
  size_t len = husk_json_array_len(n);
  /* One spare slot keeps items NULL-terminated (handy for execve). */
  out->items = calloc(len + 1, sizeof *out->items);
  if (!out->items)
    return husk_error_set(c->err, ENOMEM, "%s", c->what);
  for (size_t i = 0; i < len; i++) {
    size_t mark = spec_path_index(c, i);
    int r = spec_val_string(c, husk_json_array_at(n, i), &out->items[i]);
    spec_path_pop(c, mark);
    if (r < 0)
      return -1;
    out->len = i + 1;
  }
  return 0;
}

typedef struct {
  const char *key;
  size_t index;
} key_ref_t;

static int cmp_key_ref(const void *a, const void *b) {
  const key_ref_t *x = a, *y = b;
  int r = strcmp(x->key, y->key);
  if (r)
    return r;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* Marks every entry of obj whose key appears again later (the last value
 * wins, as for the other keys of the document). */
static bool *shadowed_keys(const husk_json_t *obj, size_t len) {
  bool *shadowed = calloc(len ? len : 1, sizeof *shadowed);
  _cleanup_free_ key_ref_t *refs = calloc(len ? len : 1, sizeof *refs);
  if (!shadowed || !refs) {
    free(shadowed);
    return NULL;
  }
  for (size_t i = 0; i < len; i++)
    refs[i] = (key_ref_t){husk_json_object_key(obj, i), i};
  qsort(refs, len, sizeof *refs, cmp_key_ref);
  for (size_t i = 0; i + 1 < len; i++)
    if (strcmp(refs[i].key, refs[i + 1].key) == 0)
      shadowed[refs[i].index] = true;
  return shadowed;
}

int spec_val_kvlist(spec_ctx_t *c, const husk_json_t *n, husk_kvlist_t *out) {
  if (spec_check_type(c, n, HUSK_JSON_OBJECT) < 0)
    return -1;
  spec_kvlist_free(out);
  size_t len = husk_json_object_len(n);
  _cleanup_free_ bool *shadowed = shadowed_keys(n, len);
  out->items = calloc(len ? len : 1, sizeof *out->items);
  if (!shadowed || !out->items)
    return husk_error_set(c->err, ENOMEM, "%s", c->what);
  for (size_t i = 0; i < len; i++) {
    if (shadowed[i])
      continue;
    const char *key = husk_json_object_key(n, i);
    size_t mark = spec_path_map_key(c, key);
    husk_kv_t *kv = &out->items[out->len];
    int r = spec_val_string(c, husk_json_object_value(n, i), &kv->value);
    spec_path_pop(c, mark);
    if (r == 0 && !(kv->key = strdup(key)))
      r = husk_error_set(c->err, ENOMEM, "%s", c->what);
    if (kv->value || kv->key)
      out->len++;
    if (r < 0)
      return -1;
  }
  return 0;
}

/* ---- keyed getters ---- */

/* Look key up; absent -> 0; else push its path, run the conversion, pop. */
#define KEYED(c, obj, key, conv)                                               \
  do {                                                                         \
    const husk_json_t *v_ = spec_lookup((obj), (key));                         \
    if (!v_)                                                                   \
      return 0;                                                                \
    size_t mark_ = spec_path_key((c), (key));                                  \
    const husk_json_t *n = v_;                                                 \
    int r_ = (conv);                                                           \
    spec_path_pop((c), mark_);                                                 \
    return r_ < 0 ? -1 : 1;                                                    \
  } while (0)

int spec_get_string(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                    char **out) {
  KEYED(c, obj, key, spec_val_string(c, n, out));
}
int spec_get_bool(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                  bool *out) {
  KEYED(c, obj, key, spec_val_bool(c, n, out));
}
int spec_get_u64(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                 uint64_t min, uint64_t max, uint64_t *out) {
  KEYED(c, obj, key, spec_val_u64(c, n, min, max, out));
}
int spec_get_i64(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                 int64_t min, int64_t max, int64_t *out) {
  KEYED(c, obj, key, spec_val_i64(c, n, min, max, out));
}
int spec_get_u32(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                 uint32_t *out) {
  KEYED(c, obj, key, spec_val_u32(c, n, out));
}
int spec_get_strv(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                  husk_strv_t *out) {
  KEYED(c, obj, key, spec_val_strv(c, n, out));
}
int spec_get_kvlist(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                    husk_kvlist_t *out) {
  KEYED(c, obj, key, spec_val_kvlist(c, n, out));
}

int spec_get_object(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                    const husk_json_t **out) {
  *out = NULL;
  KEYED(c, obj, key,
        spec_check_type(c, n, HUSK_JSON_OBJECT) < 0 ? -1 : (*out = n, 0));
}

/* ---- arrays and maps of structs ---- */

int spec_get_array_of(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                      size_t size, bool objects, void *items_out, size_t *n,
                      spec_elem_fn fn) {
  const husk_json_t *arr = spec_lookup(obj, key);
  if (!arr)
    return 0;
  size_t mark = spec_path_key(c, key);
  int r = spec_check_type(c, arr, HUSK_JSON_ARRAY);
  size_t len = r < 0 ? 0 : husk_json_array_len(arr);
  char *items = NULL;
  if (r == 0) {
    items = calloc(len ? len : 1, size);
    if (!items)
      r = husk_error_set(c->err, ENOMEM, "%s", c->what);
  }
  if (r == 0) {
    /* Stored first: the caller's free function sees partial arrays. */
    *(void **)items_out = items;
    *n = len;
  }
  for (size_t i = 0; r == 0 && i < len; i++) {
    size_t m = spec_path_index(c, i);
    const husk_json_t *elem = husk_json_array_at(arr, i);
    if (objects)
      r = spec_check_type(c, elem, HUSK_JSON_OBJECT);
    if (r == 0)
      r = fn(c, elem, items + i * size);
    spec_path_pop(c, m);
  }
  spec_path_pop(c, mark);
  return r < 0 ? -1 : 1;
}

int spec_get_map_of(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                    size_t size, bool objects, void *items_out, size_t *n,
                    spec_entry_fn fn) {
  const husk_json_t *map = spec_lookup(obj, key);
  if (!map)
    return 0;
  size_t mark = spec_path_key(c, key);
  int r = spec_check_type(c, map, HUSK_JSON_OBJECT);
  size_t len = r < 0 ? 0 : husk_json_object_len(map);
  _cleanup_free_ bool *shadowed = NULL;
  char *items = NULL;
  if (r == 0) {
    shadowed = shadowed_keys(map, len);
    items = calloc(len ? len : 1, size);
    if (!shadowed || !items) {
      free(items);
      r = husk_error_set(c->err, ENOMEM, "%s", c->what);
    }
  }
  if (r == 0) {
    *(void **)items_out = items;
    *n = 0;
  }
  for (size_t i = 0; r == 0 && i < len; i++) {
    if (shadowed[i])
      continue;
    const char *name = husk_json_object_key(map, i);
    const husk_json_t *val = husk_json_object_value(map, i);
    size_t m = spec_path_map_key(c, name);
    if (objects)
      r = spec_check_type(c, val, HUSK_JSON_OBJECT);
    if (r == 0) {
      (*n)++;
      r = fn(c, name, val, items + (*n - 1) * size);
    }
    spec_path_pop(c, m);
  }
  spec_path_pop(c, mark);
  return r < 0 ? -1 : 1;
}

/* ---- shared checks ---- */

int spec_check_abs_path(spec_ctx_t *c, const char *path) {
  if (path[0] != '/')
    return spec_err(c, "%s is not an absolute path", SPEC_Q(path));
  return 0;
}

int spec_get_abs_path(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                      bool required, char **out) {
  if (required && spec_require(c, obj, key) < 0)
    return -1;
  int r = spec_get_string(c, obj, key, out);
  if (r <= 0)
    return r;
  size_t mark = spec_path_key(c, key);
  r = spec_check_abs_path(c, *out);
  spec_path_pop(c, mark);
  return r < 0 ? -1 : 1;
}

/* One number of a list, or "N" (the last one, understood by newer kernels). */
static const char *list_number(const char *p, unsigned long *v) {
  if (*p == 'N') {
    *v = ULONG_MAX;
    return p + 1;
  }
  if (!isdigit((unsigned char)*p))
    return NULL;
  char *end;
  errno = 0;
  *v = strtoul(p, &end, 10);
  return errno ? NULL : end;
}

static int check_id_list(spec_ctx_t *c, const char *s, const char *what) {
  /* Empty means "not set", as runc treats it. Grammar (the kernel's
   * bitmap_parselist): item {"," item}; item = n ["-" n [":" n "/" n]]. */
  const char *p = s;
  while (*p) {
    unsigned long a, b, used, group;
    if (!(p = list_number(p, &a)))
      goto bad;
    if (*p == '-') {
      if (!(p = list_number(p + 1, &b)) || b < a)
        goto bad;
      if (*p == ':') {
        if (!(p = list_number(p + 1, &used)) || *p != '/' ||
            !(p = list_number(p + 1, &group)) || used > group || group == 0)
          goto bad;
      }
    }
    if (*p == ',' && p[1])
      p++;
    else if (*p)
      goto bad;
  }
  return 0;
bad:
  return spec_err(c, "invalid %s %s", what, SPEC_Q(s));
}

int spec_get_id_list(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                     const char *what, char **out) {
  int r = spec_get_string(c, obj, key, out);
  if (r <= 0)
    return r;
  size_t mark = spec_path_key(c, key);
  r = check_id_list(c, *out, what);
  spec_path_pop(c, mark);
  return r < 0 ? -1 : 1;
}

int spec_name_index(const char *const *names, size_t n, const char *s) {
  for (size_t i = 0; i < n && names[i]; i++)
    if (strcmp(names[i], s) == 0)
      return (int)i;
  return -1;
}

int spec_get_enum_strv(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                       const char *const *names, const char *what,
                       husk_strv_t *out) {
  int r = spec_get_strv(c, obj, key, out);
  if (r <= 0)
    return r;
  for (size_t i = 0; i < out->len; i++) {
    if (spec_name_index(names, SIZE_MAX, out->items[i]) >= 0)
      continue;
    size_t mark = spec_path_key(c, key);
    spec_path_index(c, i);
    spec_err(c, "unknown %s %s", what, SPEC_Q(out->items[i]));
    spec_path_pop(c, mark);
    return -1;
  }
  return 1;
}

/* ---- id mappings ---- */

static int parse_idmap(spec_ctx_t *c, const husk_json_t *elem, void *item) {
  husk_idmap_t *m = item;
  uint64_t size;
  if (spec_require(c, elem, "containerID") < 0 ||
      spec_require(c, elem, "hostID") < 0 || spec_require(c, elem, "size") < 0)
    return -1;
  if (spec_get_u32(c, elem, "containerID", &m->container_id) < 0 ||
      spec_get_u32(c, elem, "hostID", &m->host_id) < 0 ||
      spec_get_u64(c, elem, "size", 1, UINT32_MAX, &size) < 0)
    return -1;
  m->size = (uint32_t)size;
  /* The last id of each range must still be a 32-bit id. */
  if ((uint64_t)m->container_id + size - 1 > UINT32_MAX ||
      (uint64_t)m->host_id + size - 1 > UINT32_MAX)
    return spec_err(c, "id range exceeds 32 bits");
  return 0;
}

typedef struct {
  uint32_t start, size;
  size_t index;
} id_range_t;

static int cmp_range(const void *a, const void *b) {
  const id_range_t *x = a, *y = b;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* Sort the ranges of one side and compare neighbours: O(n log n). */
static int check_overlap(spec_ctx_t *c, const husk_idmaps_t *maps, bool host,
                         const char *side) {
  _cleanup_free_ id_range_t *r = calloc(maps->len ? maps->len : 1, sizeof *r);
  if (!r)
    return husk_error_set(c->err, ENOMEM, "%s", c->what);
  for (size_t i = 0; i < maps->len; i++) {
    const husk_idmap_t *m = &maps->items[i];
    r[i] = (id_range_t){host ? m->host_id : m->container_id, m->size, i};
  }
  qsort(r, maps->len, sizeof *r, cmp_range);
  for (size_t i = 0; i + 1 < maps->len; i++) {
    if ((uint64_t)r[i].start + r[i].size > r[i + 1].start) {
      size_t a = r[i].index < r[i + 1].index ? r[i].index : r[i + 1].index;
      size_t b = r[i].index < r[i + 1].index ? r[i + 1].index : r[i].index;
      return spec_err(c, "%s ranges of [%zu] and [%zu] overlap", side, a, b);
    }
  }
  return 0;
}

int spec_get_idmaps(spec_ctx_t *c, const husk_json_t *obj, const char *key,
                    husk_idmaps_t *out) {
  int r = spec_get_array_of(c, obj, key, sizeof(husk_idmap_t), true,
                            &out->items, &out->len, parse_idmap);
  if (r <= 0)
    return r;
  size_t mark = spec_path_key(c, key);
  r = check_overlap(c, out, false, "container ID");
  if (r == 0)
    r = check_overlap(c, out, true, "host ID");
  spec_path_pop(c, mark);
  return r < 0 ? -1 : 1;
}
