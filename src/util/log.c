#include "util/log.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/json.h"

static int log_fd = -1;
static bool log_json;
static bool log_debug;

static const char *const level_names[] = {"error", "warning", "info", "debug"};

int husk_log_init(const char *path, bool json, bool debug) {
  log_json = json;
  log_debug = debug;
  if (path && path[0]) {
    log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0)
      return -1;
  }
  return 0;
}

void husk_format_time(char *buf, unsigned size, long sec, long nsec) {
  struct tm tm;
  time_t t = sec;
  gmtime_r(&t, &tm);
  char base[32];
  strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf, size, "%s.%09ldZ", base, nsec);
}

static void write_log_line(husk_log_level_t level, const char *msg) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  char when[64];
  husk_format_time(when, sizeof when, ts.tv_sec, ts.tv_nsec);
  char *line = NULL;
  int n;
  if (log_json) {
    husk_json_writer_t *w = husk_json_writer_new(false);
    if (!w)
      return;
    husk_jw_object_open(w);
    husk_jw_kv_string(w, "level", level_names[level]);
    husk_jw_kv_string(w, "msg", msg);
    husk_jw_kv_string(w, "time", when);
    husk_jw_object_close(w);
    n = asprintf(&line, "%s\n", husk_jw_text(w, NULL));
    husk_json_writer_free(w);
  } else {
    n = asprintf(&line, "time=\"%s\" level=%s msg=\"%s\"\n", when,
                 level_names[level], msg);
  }
  if (n > 0 && write(log_fd, line, n) < 0) {
    /* nowhere left to report it */
  }
  free(line);
}

void husk_log(husk_log_level_t level, const char *fmt, ...) {
  if (level == HUSK_LOG_DEBUG && !log_debug)
    return;
  char *msg = NULL;
  va_list ap;
  va_start(ap, fmt);
  int n = vasprintf(&msg, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  if (log_fd >= 0)
    write_log_line(level, msg);
  /* Errors and warnings always reach stderr; debug only with --debug. */
  if (level != HUSK_LOG_INFO)
    dprintf(STDERR_FILENO, "husk: %s%s\n",
            level == HUSK_LOG_WARNING ? "warning: " : "", msg);
  free(msg);
}
