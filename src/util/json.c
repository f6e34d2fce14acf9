/* JSON through yajl: the one file that includes it. */
#include "util/json.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "util/cleanup.h"
#include "util/fs.h"

/* husk_json_t is yajl's node type under our own name. */
struct husk_json {
  struct yajl_val_s v;
};
#define Y(n) ((yajl_val)(n))

enum { MAX_DEPTH = 128 };

/* yajl builds its tree recursively; refuse documents nested deeper than any
 * real config so that neither parse nor free can exhaust the stack. */
static int check_depth(const char *buf, size_t len) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < len; i++) {
    char c = buf[i];
    if (in_string) {
      if (c == '\\')
        i++;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > MAX_DEPTH)
        return -1;
    } else if (c == ']' || c == '}')
      depth--;
  }
  return 0;
}

int husk_json_parse(const char *buf, size_t len, const char *what,
                    husk_json_t **root, husk_error_t **err) {
  if (check_depth(buf, len) < 0)
    return husk_error_set(err, 0, "%s: nesting deeper than %d levels", what,
                          MAX_DEPTH);
  if (memchr(buf, '\0', len))
    return husk_error_set(err, 0, "%s: NUL byte in document", what);
  _cleanup_free_ char *copy = strndup(buf, len);
  if (!copy)
    return husk_error_errno(err, "%s", what);
  char errbuf[256] = "";
  yajl_val v = yajl_tree_parse(copy, errbuf, sizeof errbuf);
  if (!v) {
    /* yajl's message spans lines; keep the first one. */
    errbuf[strcspn(errbuf, "\n")] = '\0';
    return husk_error_set(err, 0, "%s: invalid JSON: %s", what,
                          errbuf[0] ? errbuf : "parse error");
  }
  *root = (husk_json_t *)v;
  return 0;
}

int husk_json_parse_file(int dirfd, const char *path, husk_json_t **root,
                         husk_error_t **err) {
  _cleanup_free_ char *buf = NULL;
  size_t len = 0;
  if (husk_read_file_at(dirfd, path, 16 << 20, &buf, &len, err) < 0)
    return -1;
  return husk_json_parse(buf, len, path, root, err);
}

void husk_json_free(husk_json_t *root) {
  if (root)
    yajl_tree_free(Y(root));
}

husk_json_type_t husk_json_type(const husk_json_t *n) {
  switch (Y(n)->type) {
  case yajl_t_string:
    return HUSK_JSON_STRING;
  case yajl_t_number:
    return HUSK_JSON_NUMBER;
  case yajl_t_object:
    return HUSK_JSON_OBJECT;
  case yajl_t_array:
    return HUSK_JSON_ARRAY;
  case yajl_t_true:
  case yajl_t_false:
    return HUSK_JSON_BOOL;
  default:
    return HUSK_JSON_NULL;
  }
}

const char *husk_json_type_name(husk_json_type_t t) {
  static const char *names[] = {"null",   "boolean", "number",
                                "string", "array",   "object"};
  return names[t];
}

husk_json_t *husk_json_get(const husk_json_t *obj, const char *key) {
  if (!YAJL_IS_OBJECT(Y(obj)))
    return NULL;
  /* Last one wins for duplicate keys, as in most JSON decoders. */
  for (size_t i = Y(obj)->u.object.len; i-- > 0;)
    if (strcmp(Y(obj)->u.object.keys[i], key) == 0)
      return (husk_json_t *)Y(obj)->u.object.values[i];
  return NULL;
}

size_t husk_json_object_len(const husk_json_t *obj) {
  return YAJL_IS_OBJECT(Y(obj)) ? Y(obj)->u.object.len : 0;
}
const char *husk_json_object_key(const husk_json_t *obj, size_t i) {
  return Y(obj)->u.object.keys[i];
}
husk_json_t *husk_json_object_value(const husk_json_t *obj, size_t i) {
  return (husk_json_t *)Y(obj)->u.object.values[i];
}
size_t husk_json_array_len(const husk_json_t *arr) {
  return YAJL_IS_ARRAY(Y(arr)) ? Y(arr)->u.array.len : 0;
}
husk_json_t *husk_json_array_at(const husk_json_t *arr, size_t i) {
  return (husk_json_t *)Y(arr)->u.array.values[i];
}
bool husk_json_bool(const husk_json_t *n) {
  return YAJL_IS_TRUE(Y(n));
}
const char *husk_json_string(const husk_json_t *n) {
  return Y(n)->u.string;
}
const char *husk_json_number_text(const husk_json_t *n) {
  return Y(n)->u.number.r;
}

/* Integers are converted from the literal text, so values above INT64_MAX
 * (which yajl cannot hold) still reach uint64 fields exactly. */
static int integer_text(const husk_json_t *n, const char **text) {
  const char *s = Y(n)->u.number.r;
  if (!YAJL_IS_NUMBER(Y(n)) || strpbrk(s, ".eE")) {
    errno = EINVAL;
    return -1;
  }
  *text = s;
  return 0;
}

int husk_json_to_i64(const husk_json_t *n, int64_t *out) {
  const char *s;
  if (integer_text(n, &s) < 0)
    return -1;
  errno = 0;
  char *end;
  long long v = strtoll(s, &end, 10);
  if (errno || *end) {
    errno = errno ? errno : EINVAL;
    return -1;
  }
  *out = v;
  return 0;
}

int husk_json_to_u64(const husk_json_t *n, uint64_t *out) {
  const char *s;
  if (integer_text(n, &s) < 0)
    return -1;
  if (s[0] == '-') {
    errno = ERANGE;
    return -1;
  }
  errno = 0;
  char *end;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end) {
    errno = errno ? errno : EINVAL;
    return -1;
  }
  *out = v;
  return 0;
}

struct husk_json_writer {
  yajl_gen g;
};

husk_json_writer_t *husk_json_writer_new(bool pretty) {
  husk_json_writer_t *w = calloc(1, sizeof *w);
  if (!w)
    return NULL;
  w->g = yajl_gen_alloc(NULL);
  if (!w->g) {
    free(w);
    return NULL;
  }
  yajl_gen_config(w->g, yajl_gen_beautify, pretty ? 1 : 0);
  yajl_gen_config(w->g, yajl_gen_indent_string, "  ");
  yajl_gen_config(w->g, yajl_gen_validate_utf8, 1);
  return w;
}

void husk_json_writer_free(husk_json_writer_t *w) {
  if (!w)
    return;
  yajl_gen_free(w->g);
  free(w);
}

void husk_jw_object_open(husk_json_writer_t *w) {
  yajl_gen_map_open(w->g);
}
void husk_jw_object_close(husk_json_writer_t *w) {
  yajl_gen_map_close(w->g);
}
void husk_jw_array_open(husk_json_writer_t *w) {
  yajl_gen_array_open(w->g);
}
void husk_jw_array_close(husk_json_writer_t *w) {
  yajl_gen_array_close(w->g);
}
void husk_jw_string(husk_json_writer_t *w, const char *s) {
  yajl_gen_string(w->g, (const unsigned char *)s, strlen(s));
}
void husk_jw_key(husk_json_writer_t *w, const char *key) {
  husk_jw_string(w, key);
}
void husk_jw_i64(husk_json_writer_t *w, int64_t v) {
  yajl_gen_integer(w->g, v);
}
void husk_jw_u64(husk_json_writer_t *w, uint64_t v) {
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%" PRIu64, v);
  yajl_gen_number(w->g, buf, n);
}
void husk_jw_bool(husk_json_writer_t *w, bool v) {
  yajl_gen_bool(w->g, v);
}
void husk_jw_null(husk_json_writer_t *w) {
  yajl_gen_null(w->g);
}
void husk_jw_kv_string(husk_json_writer_t *w, const char *key, const char *s) {
  husk_jw_key(w, key);
  husk_jw_string(w, s);
}
void husk_jw_kv_i64(husk_json_writer_t *w, const char *key, int64_t v) {
  husk_jw_key(w, key);
  husk_jw_i64(w, v);
}
void husk_jw_kv_bool(husk_json_writer_t *w, const char *key, bool v) {
  husk_jw_key(w, key);
  husk_jw_bool(w, v);
}
const char *husk_jw_text(husk_json_writer_t *w, size_t *len) {
  const unsigned char *buf;
  size_t l;
  yajl_gen_get_buf(w->g, &buf, &l);
  if (len)
    *len = l;
  return (const char *)buf;
}
