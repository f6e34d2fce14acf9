/* husk_spec_parse: the top level of config.json (ociVersion, root, hostname,
 * annotations) and the checks that span sections. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "husk/spec.h"
#include "spec/parse_util.h"
#include "util/cleanup.h"
#include "util/json.h"

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *p, size_t avail) {
  size_t n;
  unsigned lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
  if (p[0] < 0x80)
    return 1;
  if (p[0] >= 0xc2 && p[0] <= 0xdf)
    n = 2;
  else if (p[0] >= 0xe0 && p[0] <= 0xef) {
    n = 3;
    lo = p[0] == 0xe0 ? 0xa0 : 0x80;
    hi = p[0] == 0xed ? 0x9f : 0xbf;
  } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
    n = 4;
    lo = p[0] == 0xf0 ? 0x90 : 0x80;
    hi = p[0] == 0xf4 ? 0x8f : 0xbf;
  } else
    return 0;
  if (avail < n || p[1] < lo || p[1] > hi)
    return 0;
  for (size_t i = 2; i < n; i++)
    if ((p[i] & 0xc0) != 0x80)
      return 0;
  return n;
}

/* One pass over the raw text before the JSON parser sees it:
 * - strict UTF-8 (yajl accepts overlong forms and encoded surrogates);
 * - no "\u0000" escape: our JSON layer hands out NUL-terminated strings,
 *   so it would silently cut a string (a path, an argument) short. */
static int check_text(const char *buf, size_t len, const char *what,
                      husk_error_t **err) {
  const unsigned char *u = (const unsigned char *)buf;
  bool in_string = false;
  for (size_t i = 0; i < len;) {
    size_t n = utf8_len(u + i, len - i);
    if (n == 0)
      return husk_error_set(err, 0, "%s: invalid UTF-8 at byte %zu", what, i);
    if (n == 1 && in_string && u[i] == '\\' && i + 1 < len) {
      if (u[i + 1] == 'u' && i + 5 < len && memcmp(buf + i + 2, "0000", 4) == 0)
        return husk_error_set(err, 0,
                              "%s: string with a NUL character (\\u0000) at "
                              "byte %zu",
                              what, i);
      n = 2; /* skip the escaped character */
    } else if (n == 1 && u[i] == '"') {
      in_string = !in_string;
    }
    i += n;
  }
  return 0;
}

/* 1.<minor>.<patch>[-pre][+build]: any 1.x document is readable by a 1.x
 * parser, since minor versions only add fields. */
static bool is_v1_semver(const char *v) {
  if (strncmp(v, "1.", 2) != 0)
    return false;
  const char *p = v + 2;
  for (int part = 0; part < 2; part++) {
    if (!isdigit((unsigned char)*p))
      return false;
    while (isdigit((unsigned char)*p))
      p++;
    if (part == 0 && *p++ != '.')
      return false;
  }
  if (*p == '-' || *p == '+') {
    p++;
    if (!*p)
      return false;
    for (; *p; p++)
      if (!isalnum((unsigned char)*p) && !strchr(".-+", *p))
        return false;
  }
  return *p == '\0';
}

static int parse_version(spec_ctx_t *c, const husk_json_t *root,
                         husk_spec_t *spec) {
  if (spec_require(c, root, "ociVersion") < 0 ||
      spec_get_string(c, root, "ociVersion", &spec->oci_version) < 0)
    return -1;
  if (is_v1_semver(spec->oci_version))
    return 0;
  size_t mark = spec_path_key(c, "ociVersion");
  if (strncmp(spec->oci_version, "1.", 2) == 0 ||
      !isdigit((unsigned char)spec->oci_version[0]))
    spec_err(c, "invalid version %s", SPEC_Q(spec->oci_version));
  else
    spec_err(c, "unsupported version %s (expected 1.x)",
             SPEC_Q(spec->oci_version));
  spec_path_pop(c, mark);
  return -1;
}

static int parse_root(spec_ctx_t *c, const husk_json_t *root,
                      husk_spec_t *spec) {
  const husk_json_t *obj;
  if (spec_require(c, root, "root") < 0 ||
      spec_get_object(c, root, "root", &obj) < 0)
    return -1;
  size_t mark = spec_path_key(c, "root");
  int r = spec_require(c, obj, "path");
  if (r == 0)
    r = spec_get_string(c, obj, "path", &spec->root.path);
  if (r >= 0 && spec->root.path[0] == '\0') {
    spec_path_key(c, "path");
    r = spec_err(c, "must not be empty");
  }
  if (r >= 0)
    r = spec_get_bool(c, obj, "readonly", &spec->root.readonly);
  spec_path_pop(c, mark);
  return r < 0 ? -1 : 0;
}

/* A hostname is set inside the container's own UTS namespace only. */
static int check_uts(spec_ctx_t *c, const husk_spec_t *spec) {
  const char *keys[] = {"hostname", "domainname"};
  const char *vals[] = {spec->hostname, spec->domainname};
  if (husk_spec_namespace(spec, HUSK_NS_UTS))
    return 0;
  for (int i = 0; i < 2; i++) {
    if (!vals[i] || !vals[i][0])
      continue;
    spec_path_key(c, keys[i]);
    return spec_err(c, "requires a UTS namespace in linux.namespaces");
  }
  return 0;
}

static int parse_document(spec_ctx_t *c, const husk_json_t *root,
                          husk_spec_t *spec) {
  const husk_json_t *obj;
  if (spec_check_type(c, root, HUSK_JSON_OBJECT) < 0)
    return -1;
  if (parse_version(c, root, spec) < 0 || parse_root(c, root, spec) < 0 ||
      spec_parse_mounts(c, root, spec) < 0)
    return -1;
  if (spec_get_object(c, root, "process", &obj) < 0)
    return -1;
  if (obj) {
    spec->has_process = true;
    size_t mark = spec_path_key(c, "process");
    int r = spec_parse_process(c, obj, &spec->process);
    spec_path_pop(c, mark);
    if (r < 0)
      return -1;
  }
  if (spec_get_string(c, root, "hostname", &spec->hostname) < 0 ||
      spec_get_string(c, root, "domainname", &spec->domainname) < 0 ||
      spec_get_kvlist(c, root, "annotations", &spec->annotations) < 0)
    return -1;
  if (spec_get_object(c, root, "hooks", &obj) < 0)
    return -1;
  if (obj) {
    size_t mark = spec_path_key(c, "hooks");
    int r = spec_parse_hooks(c, obj, &spec->hooks);
    spec_path_pop(c, mark);
    if (r < 0)
      return -1;
  }
  if (spec_get_object(c, root, "linux", &obj) < 0)
    return -1;
  if (obj) {
    spec->has_linux = true;
    size_t mark = spec_path_key(c, "linux");
    int r = spec_parse_linux(c, obj, &spec->linux_);
    spec_path_pop(c, mark);
    if (r < 0)
      return -1;
  }
  return check_uts(c, spec);
}

int husk_spec_parse(const char *buf, size_t len, const char *what,
                    husk_spec_t **out, husk_error_t **err) {
  if (!what)
    what = "config.json";
  if (check_text(buf, len, what, err) < 0)
    return -1;
  husk_json_t *root = NULL;
  if (husk_json_parse(buf, len, what, &root, err) < 0)
    return -1;
  husk_spec_t *spec = calloc(1, sizeof *spec);
  if (!spec) {
    husk_json_free(root);
    return husk_error_errno(err, "%s", what);
  }
  spec_ctx_t c = {.what = what, .err = err};
  int r = parse_document(&c, root, spec);
  free(c.path);
  husk_json_free(root);
  if (r < 0) {
    husk_spec_free(spec);
    return -1;
  }
  *out = spec;
  return 0;
}

/* A lone object of config.json (for update and exec), parsed by fn. */
static int parse_fragment(const char *buf, size_t len, const char *what,
                          int (*fn)(spec_ctx_t *, const husk_json_t *, void *),
                          void *out, husk_error_t **err) {
  if (check_text(buf, len, what, err) < 0)
    return -1;
  husk_json_t *root = NULL;
  if (husk_json_parse(buf, len, what, &root, err) < 0)
    return -1;
  spec_ctx_t c = {.what = what, .err = err};
  int r =
      spec_check_type(&c, root, HUSK_JSON_OBJECT) < 0 ? -1 : fn(&c, root, out);
  free(c.path);
  husk_json_free(root);
  return r;
}

static int resources_fn(spec_ctx_t *c, const husk_json_t *obj, void *out) {
  return spec_parse_resources(c, obj, out);
}

static int process_fn(spec_ctx_t *c, const husk_json_t *obj, void *out) {
  return spec_parse_process(c, obj, out);
}

int husk_resources_parse(const char *buf, size_t len, const char *what,
                         husk_resources_t *out, husk_error_t **err) {
  memset(out, 0, sizeof *out);
  int r = parse_fragment(buf, len, what, resources_fn, out, err);
  if (r < 0)
    husk_resources_free(out);
  return r;
}

int husk_process_parse(const char *buf, size_t len, const char *what,
                       husk_process_t *out, husk_error_t **err) {
  memset(out, 0, sizeof *out);
  int r = parse_fragment(buf, len, what, process_fn, out, err);
  if (r < 0)
    husk_process_free(out);
  return r;
}
