/* Messages to stderr and, with --log, to a file in text or json format. */
#ifndef HUSK_LOG_H
#define HUSK_LOG_H

#include <stdbool.h>

typedef enum {
  HUSK_LOG_ERROR,
  HUSK_LOG_WARNING,
  HUSK_LOG_INFO,
  HUSK_LOG_DEBUG
} husk_log_level_t;

/* path may be NULL (stderr only). json selects
 * {"level":"...","msg":"...","time":"..."} lines. */
int husk_log_init(const char *path, bool json, bool debug);
void husk_log(husk_log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define husk_error_log(...) husk_log(HUSK_LOG_ERROR, __VA_ARGS__)
#define husk_warn(...) husk_log(HUSK_LOG_WARNING, __VA_ARGS__)
#define husk_debug(...) husk_log(HUSK_LOG_DEBUG, __VA_ARGS__)

/* RFC 3339 with nanoseconds, UTC: 2026-11-23T15:07:01.123456789Z */
void husk_format_time(char *buf, unsigned size, long sec, long nsec);

#endif
