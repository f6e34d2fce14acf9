#include "husk/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int husk_error_set(husk_error_t **err, int errno_value, const char *fmt, ...) {
  if (!err || *err)
    return -1; /* the first (innermost) error wins */
  husk_error_t *e = calloc(1, sizeof *e);
  if (!e)
    return -1;
  char *text = NULL;
  va_list ap;
  va_start(ap, fmt);
  int n = vasprintf(&text, fmt, ap);
  va_end(ap);
  if (n < 0)
    text = NULL;
  if (text && errno_value) {
    char *full = NULL;
    if (asprintf(&full, "%s: %s", text, strerror(errno_value)) >= 0) {
      free(text);
      text = full;
    }
  }
  e->errno_value = errno_value;
  e->msg = text ? text : strdup("out of memory");
  *err = e;
  return -1;
}

int husk_error_wrap(husk_error_t **err, const char *fmt, ...) {
  if (!err || !*err)
    return -1;
  char *prefix = NULL, *full = NULL;
  va_list ap;
  va_start(ap, fmt);
  int n = vasprintf(&prefix, fmt, ap);
  va_end(ap);
  if (n >= 0 && asprintf(&full, "%s: %s", prefix, (*err)->msg) >= 0) {
    free((*err)->msg);
    (*err)->msg = full;
  }
  free(prefix);
  return -1;
}

void husk_error_free(husk_error_t *err) {
  if (!err)
    return;
  free(err->msg);
  free(err);
}
