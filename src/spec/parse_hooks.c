/* hooks: the six lists of commands run around the container's lifecycle. */
#include <limits.h>

#include "spec/parse_util.h"

static int parse_hook(spec_ctx_t *c, const husk_json_t *elem, void *item) {
  husk_hook_t *h = item;
  int64_t timeout;
  if (spec_get_abs_path(c, elem, "path", true, &h->path) < 0 ||
      spec_get_strv(c, elem, "args", &h->args) < 0 ||
      spec_get_env(c, elem, "env", &h->env) < 0)
    return -1;
  int r = spec_get_i64(c, elem, "timeout", 1, INT_MAX, &timeout);
  if (r < 0)
    return -1;
  h->has_timeout = r > 0;
  h->timeout = r > 0 ? (int)timeout : 0;
  return 0;
}

int spec_parse_hooks(spec_ctx_t *c, const husk_json_t *obj,
                     husk_hooks_t *hooks) {
  static const char *const names[] = {"prestart",        "createRuntime",
                                      "createContainer", "startContainer",
                                      "poststart",       "poststop"};
  husk_hooklist_t *lists[] = {&hooks->prestart,         &hooks->create_runtime,
                              &hooks->create_container, &hooks->start_container,
                              &hooks->poststart,        &hooks->poststop};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (spec_get_array_of(c, obj, names[i], sizeof(husk_hook_t), true,
                          &lists[i]->items, &lists[i]->len, parse_hook) < 0)
      return -1;
  return 0;
}
